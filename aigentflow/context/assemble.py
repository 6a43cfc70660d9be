"""Tiered context assembly: `ContextRequest` → `ContextBundle` within per-agent token budgets.

Tiers, in priority order: sacred (the task, current errors: never truncated), high (active
files, type definitions), medium (related files, tool output), working (memory blocks,
handoff summaries), retrieval (chunks the index finds for the task). Each tier fills its own
budget; what all tiers leave of the window is the model's answer reserve.

Inside a tier, what goes first when space runs out: resolved errors and old tool outputs,
then lower priority, then older items. Truncation is by whole item, and an item too large
to fit whole (a long file) is cut into its chunks (functions, classes) and as many whole
chunks as fit are kept — never a partial line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from aigentflow.context.chunking import chunk_file
from aigentflow.context.settings import TierBudgets
from aigentflow.context.text import TokenCounter

__all__ = [
    "BundleSection",
    "ContextBundle",
    "ContextItem",
    "ContextRequest",
    "DroppedItem",
    "Tier",
    "assemble",
]

Tier = Literal["sacred", "high", "medium", "working", "retrieval"]
TIERS: tuple[Tier, ...] = ("sacred", "high", "medium", "working", "retrieval")
# kinds kept longest when a tier overflows (higher rank survives)
_KIND_RANK = {"task": 5, "error": 4, "type_definition": 3, "file": 2, "memory": 2, "handoff": 2, "chunk": 1}


class ContextItem(BaseModel):
    tier: Tier
    kind: str = Field(
        description="task | error | file | type_definition | tool_output | memory | handoff | chunk"
    )
    title: str = Field(description="Where it comes from: a path with lines, a tool name, a label.")
    text: str
    priority: int = 0
    resolved: bool = Field(default=False, description="A resolved error or superseded output: dropped first.")
    age: int = Field(default=0, ge=0, description="Turns since it was produced: older goes first.")
    path: str | None = Field(
        default=None, description="Workspace path, for files: lets a long file be cut by chunk."
    )


class ContextRequest(BaseModel):
    task: str
    agent: str | None = None
    budget_tokens: int | None = Field(default=None, gt=0, description="Total window; tiers are scaled to it.")
    errors: list[str] = Field(default_factory=list)
    items: list[ContextItem] = Field(default_factory=list)
    retrieval_query: str | None = Field(
        default=None, description="What to search the index for (default: the task)."
    )
    retrieval_limit: int = Field(default=30, ge=0, le=200)


class DroppedItem(BaseModel):
    tier: Tier
    title: str
    tokens: int
    reason: str


class BundleSection(BaseModel):
    tier: Tier
    budget: int
    tokens: int
    items: list[ContextItem]


class ContextBundle(BaseModel):
    schema_version: int = 1
    agent: str | None
    budgets: TierBudgets
    sections: list[BundleSection]
    dropped: list[DroppedItem] = Field(default_factory=list)
    total_tokens: int
    over_budget: bool = Field(
        default=False, description="The sacred tier alone exceeds its budget (it is never cut)."
    )

    def render(self) -> str:
        """The bundle as one prompt text, tier by tier."""
        out: list[str] = []
        for section in self.sections:
            if section.items:
                out.append(f"## {section.tier}")
                out += [f"### {item.title}\n{item.text}" for item in section.items]
        return "\n\n".join(out)


Retriever = Callable[[str, int], list[ContextItem]]


def scaled(budgets: TierBudgets, total: int | None) -> TierBudgets:
    """Budgets scaled so the window is `total` (same proportions, same answer reserve share)."""
    if total is None or total == budgets.total:
        return budgets
    ratio = total / budgets.total
    values = {tier: int(getattr(budgets, tier) * ratio) for tier in TIERS}
    return TierBudgets(**values, total=total)


def assemble(
    request: ContextRequest, budgets: TierBudgets, counter: TokenCounter, retriever: Retriever | None = None
) -> ContextBundle:
    """Fill each tier within its budget; see the module docstring for what is dropped first."""
    budgets = scaled(budgets, request.budget_tokens)
    by_tier: dict[Tier, list[ContextItem]] = {tier: [] for tier in TIERS}
    by_tier["sacred"].append(
        ContextItem(tier="sacred", kind="task", title="task", text=request.task, priority=100)
    )
    for number, error in enumerate(request.errors, 1):
        by_tier["sacred"].append(
            ContextItem(tier="sacred", kind="error", title=f"error {number}", text=error)
        )
    for item in request.items:
        by_tier[item.tier].append(item)
    dropped: list[DroppedItem] = []
    sections: list[BundleSection] = []
    taken: list[ContextItem] = []
    for tier in TIERS:
        budget = getattr(budgets, tier)
        candidates = by_tier[tier]
        if tier == "retrieval" and retriever is not None and request.retrieval_limit:
            query = request.retrieval_query or request.task
            candidates = candidates + [
                c for c in retriever(query, request.retrieval_limit) if not _covered(c, taken)
            ]
        if tier == "sacred":  # never truncated, even over budget
            kept, tokens = candidates, sum(counter.count(i.text) for i in candidates)
        else:
            kept, tokens = _fill(candidates, budget, counter, dropped)
        taken += kept
        sections.append(BundleSection(tier=tier, budget=budget, tokens=tokens, items=kept))
    total = sum(s.tokens for s in sections)
    return ContextBundle(
        agent=request.agent,
        budgets=budgets,
        sections=sections,
        dropped=dropped,
        total_tokens=total,
        over_budget=sections[0].tokens > budgets.sacred,
    )


def _fill(
    items: list[ContextItem], budget: int, counter: TokenCounter, dropped: list[DroppedItem]
) -> tuple[list[ContextItem], int]:
    order = sorted(
        range(len(items)),
        key=lambda i: (
            items[i].resolved,
            -_KIND_RANK.get(items[i].kind, 0),
            -items[i].priority,
            items[i].age,
            i,
        ),
    )
    kept: dict[int, list[ContextItem]] = {}
    used = 0
    for i in order:
        item = items[i]
        cost = counter.count(item.text)
        if used + cost <= budget:
            kept[i] = [item]
            used += cost
            continue
        parts = _whole_chunks(item, budget - used, counter)
        if parts:
            kept[i] = parts
            used += sum(counter.count(p.text) for p in parts)
            reason = "cut to whole chunks"
        else:
            reason = "resolved or superseded" if item.resolved else "over the tier budget"
        dropped.append(DroppedItem(tier=item.tier, title=item.title, tokens=cost, reason=reason))
    return [part for i in sorted(kept) for part in kept[i]], used


def _whole_chunks(item: ContextItem, room: int, counter: TokenCounter) -> list[ContextItem]:
    """As many of `item`'s chunks (in file order) as fit in `room`; [] when it is not a file."""
    if item.kind not in ("file", "type_definition") or not item.path or room <= 0:
        return []
    parts: list[ContextItem] = []
    for chunk in chunk_file(item.path, item.text):
        cost = counter.count(chunk.text)
        if cost > room:
            continue  # a later, smaller chunk may still fit
        room -= cost
        title = f"{item.path}:{chunk.start_line}-{chunk.end_line} ({chunk.symbol})"
        parts.append(item.model_copy(update={"text": chunk.text, "title": title}))
    return parts


def _covered(candidate: ContextItem, taken: list[ContextItem]) -> bool:
    """A retrieved chunk whose file is already included whole adds nothing."""
    return any(t.path == candidate.path and t.kind == "file" and t.title == t.path for t in taken)
