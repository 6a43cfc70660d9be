"""The `context` configuration section: where the index lives, which model embeds, budgets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DEFAULT_BUDGETS", "ContextSettings", "TierBudgets"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class TierBudgets(_Section):
    """Token budgets per tier; what is left of `total` is reserved for the model's answer."""

    sacred: int = Field(default=15_000, ge=0, description="Task spec and current errors; never truncated.")
    high: int = Field(default=40_000, ge=0, description="Active files, type definitions.")
    medium: int = Field(default=25_000, ge=0, description="Related files, recent tool output.")
    working: int = Field(
        default=30_000, ge=0, description="Working memory: memory blocks, handoff summaries."
    )
    retrieval: int = Field(default=25_000, ge=0, description="Chunks retrieved from the index for the task.")
    total: int = Field(default=200_000, gt=0, description="The model's context window.")

    @model_validator(mode="after")
    def _fits(self) -> TierBudgets:
        used = self.sacred + self.high + self.medium + self.working + self.retrieval
        if used > self.total:
            raise ValueError(f"tier budgets add up to {used}, more than total {self.total}")
        return self


DEFAULT_BUDGETS = TierBudgets()


class ContextSettings(_Section):
    """How the workspace is indexed and searched, and how agent context is budgeted."""

    index_uri: str = Field(
        default=".aigentflow/index",
        description="LanceDB URI of the index; a relative path is under the workspace root "
        "(object storage such as s3://bucket/path works too).",
    )
    embedder: Literal["auto", "onnx", "none", "openai", "voyage"] = Field(
        default="auto",
        description="auto: the ONNX model in model_dir, else the packaged MiniLM if installed, else "
        "keyword-only. onnx: require a model. none: keyword-only. openai / voyage: an embeddings API "
        "(code is redacted before it is sent; key from embed_api_key_env).",
    )
    embed_model: str | None = Field(
        default=None, description="API embedder model (default text-embedding-3-small / voyage-code-3)."
    )
    embed_base_url: str | None = Field(
        default=None, description="API embedder base URL (an OpenAI-compatible server, e.g. a local one)."
    )
    embed_api_key_env: str | None = Field(
        default=None,
        description="Environment variable holding the API key (OPENAI_API_KEY / VOYAGE_API_KEY).",
    )
    model_dir: str | None = Field(
        default=None,
        description="Directory holding model.onnx and tokenizer.json (a sentence-embedding model).",
    )
    embed_batch: int = Field(
        default=16, ge=1, le=256, description="Chunks per embedding batch (memory grows with it)."
    )
    embed_max_tokens: int = Field(
        default=128,
        ge=16,
        le=512,
        description="Tokens of a chunk the model sees (MiniLM was trained at 128).",
    )
    max_chunk_lines: int = Field(
        default=60, ge=5, description="Longer functions are split into windows of this size."
    )
    window_lines: int = Field(
        default=20, ge=5, description="Line-window size for files without a syntax chunker."
    )
    max_file_chunks: int = Field(
        default=2_000, ge=1, description="Chunks kept per file (generated files can be huge)."
    )
    ann_min_vectors: int = Field(
        default=20_000, ge=1_000, description="Build an ANN (IVF_SQ) vector index from this many vectors on."
    )
    isolate_maintenance: bool = Field(
        default=True,
        description="Build the ANN index and optimize tables of 20,000+ rows in a short-lived child "
        "process, so their memory peak (+110-190 MB at 100K chunks) is not the daemon's.",
    )
    index_on_start: bool = Field(default=True, description="Refresh the index when the daemon starts.")
    recency_boost: float = Field(
        default=0.0,
        ge=0.0,
        le=5.0,
        description="Search boost for files edited recently (0: off; measured no overall gain, "
        "context/README.md). In units of the fused score; 0.3-0.5 is a noticeable nudge.",
    )
    recency_half_life_hours: float = Field(
        default=1.0, gt=0.0, description="How fast the recency boost fades: halves every this many hours."
    )
    token_safety_factor: float = Field(
        default=1.15,
        ge=1.0,
        le=2.0,
        description="Multiplier on counted tokens to bound the error vs the model's tokenizer.",
    )
    budgets: TierBudgets = Field(default_factory=TierBudgets, description="Default per-tier budgets.")
    agent_budgets: dict[str, TierBudgets] = Field(
        default_factory=dict, description="Per-agent budgets by agent role (e.g. bug_fixer)."
    )

    def budgets_for(self, agent: str | None) -> TierBudgets:
        """The budgets of `agent`, or the defaults."""
        if agent is not None and agent in self.agent_budgets:
            return self.agent_budgets[agent]
        return self.budgets
