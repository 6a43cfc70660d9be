"""What the index reports about itself: status (MCP resource, CLI) and refresh progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["IndexStatus", "RefreshProgress"]


class IndexStatus(BaseModel):
    """The index at a glance."""

    schema_version: int = 1
    uri: str
    files: int
    chunks: int
    embedded_percent: float = Field(description="Share of chunks with a vector (0 when keyword-only).")
    pending_embeddings: int
    model: str | None = Field(description="Embedding model, or null when the index is keyword-only.")
    mode: Literal["hybrid", "keyword-only"]
    indexing: bool
    last_update: float | None = Field(description="Unix time of the last refresh or update.")
    errors: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class RefreshProgress:
    """Progress of a refresh, reported every few dozen files."""

    files_done: int
    files_total: int
    chunks: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Files per second so far."""
        return self.files_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float:
        """Seconds left at the current rate."""
        left = self.files_total - self.files_done
        return left / self.rate if self.rate > 0 else 0.0
