"""Working memory: editable memory blocks and extractive handoff summaries.

Memory blocks (after MemGPT/Letta) are small labelled texts with a character limit that an
agent edits with `append` / `replace` / `set`; an edit that would pass the limit is refused
with an error the agent can act on (summarise, then retry) rather than silently cut.
Blocks persist as one JSON file per agent under `.aigentflow/memory/`, written atomically.

Handoff summaries pass work between agents as 1,000-2,000 tokens of the *decisions, open
problems and artifact references* — never a transcript. Without a model they are
extractive: sentences are scored for signal words and references and kept in their
original order until the token budget is spent.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from aigentflow.context.text import TokenCounter
from aigentflow.errors import AigentflowError

__all__ = ["HandoffSummary", "MemoryBlock", "MemoryError_", "MemoryStore", "summarize_handoff"]


class MemoryError_(AigentflowError):
    """A memory edit was refused (unknown block, limit exceeded, text not found)."""


class MemoryBlock(BaseModel):
    label: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    value: str = ""
    limit: int = Field(default=2_000, ge=1, le=100_000, description="Maximum characters of value.")
    description: str = ""


class MemoryStore:
    """The memory blocks of one agent, persisted in `directory/<agent>.json`."""

    def __init__(self, directory: Path, agent: str) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", agent):
            raise MemoryError_(f"invalid agent name {agent!r}")
        self.path = directory / f"{agent}.json"
        self.blocks: dict[str, MemoryBlock] = {}
        if self.path.is_file():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.blocks = {b["label"]: MemoryBlock.model_validate(b) for b in data.get("blocks", [])}

    def create(
        self, label: str, *, limit: int = 2_000, description: str = "", value: str = ""
    ) -> MemoryBlock:
        block = MemoryBlock(label=label, limit=limit, description=description)
        self.blocks[label] = block
        self.set(label, value)
        return block

    def get(self, label: str) -> MemoryBlock:
        if label not in self.blocks:
            raise MemoryError_(f"no memory block {label!r}; blocks: {sorted(self.blocks)}")
        return self.blocks[label]

    def set(self, label: str, value: str) -> None:
        block = self.get(label)
        if len(value) > block.limit:
            raise MemoryError_(
                f"memory block {label!r} holds {block.limit} characters; the new value has {len(value)}: "
                "summarise it first"
            )
        block.value = value
        self._save()

    def append(self, label: str, text: str) -> None:
        current = self.get(label).value
        self.set(label, f"{current}\n{text}" if current else text)

    def replace(self, label: str, old: str, new: str) -> None:
        current = self.get(label).value
        if old not in current:
            raise MemoryError_(f"memory block {label!r} does not contain the text to replace")
        self.set(label, current.replace(old, new, 1))

    def render(self) -> str:
        parts = [
            f'<memory label="{b.label}" chars="{len(b.value)}/{b.limit}">\n{b.value}\n</memory>'
            for b in self.blocks.values()
        ]
        return "\n".join(parts)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"blocks": [b.model_dump() for b in self.blocks.values()]}, indent=1)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".memory-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(tmp, self.path)  # atomic: a crash leaves the old file or the new one


class HandoffSummary(BaseModel):
    """What one agent hands to the next."""

    from_agent: str
    to_agent: str
    summary: str
    artifacts: list[str] = Field(
        default_factory=list, description="Paths, commits, ADRs the next agent should open."
    )
    tokens: int
    extractive: bool = True


_SIGNALS = re.compile(
    r"\b(decid|chose|must|should|because|fail|error|fix|todo|open question|risk|blocked|next|done|passed)\w*",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"[\w./-]+\.(?:py|ts|tsx|js|go|rs|java|md|json|yaml|toml)\b|\b[0-9a-f]{7,40}\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def summarize_handoff(
    from_agent: str,
    to_agent: str,
    notes: list[str],
    artifacts: list[str],
    *,
    max_tokens: int = 1_500,
    counter: TokenCounter | None = None,
) -> HandoffSummary:
    """An extractive summary of `notes`: the highest-signal sentences, in order, within `max_tokens`."""
    counter = counter or TokenCounter()
    sentences = [s.strip() for note in notes for s in _SENTENCE.split(note) if s.strip()]
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (
            -(len(_SIGNALS.findall(sentences[i])) * 2 + len(_REFERENCE.findall(sentences[i])) + i / 1e6)
        ),
    )
    header = f"Handoff from {from_agent} to {to_agent}."
    refs = "\n".join(f"- {a}" for a in artifacts)
    tail = f"\nArtifacts:\n{refs}" if artifacts else ""
    budget = max_tokens - counter.count(header + tail)
    kept: list[int] = []
    used = 0
    for i in scored:
        cost = counter.count(f"- {sentences[i]}\n")
        if used + cost <= budget:
            kept.append(i)
            used += cost

    def render(indexes: list[int]) -> str:
        return header + "".join(f"\n- {sentences[i]}" for i in sorted(indexes)) + tail

    summary = render(kept)
    while kept and counter.count(summary) > max_tokens:  # tokenisation is not additive: trim the weakest
        kept.pop()
        summary = render(kept)
    return HandoffSummary(
        from_agent=from_agent,
        to_agent=to_agent,
        summary=summary,
        artifacts=artifacts,
        tokens=counter.count(summary),
    )
