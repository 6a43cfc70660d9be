"""MCP tool `review_changes` (findings on the lines changed since a revision, with a summary
per OWASP category and a human-review flag) and prompt `security-review` that wraps it."""

from __future__ import annotations

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from aigentflow.errors import AigentflowError
from aigentflow.review.diff import DiffReview, OwaspSummary, review_diff
from aigentflow.review.findings import Finding
from aigentflow.server.annotations import READ_ONLY
from aigentflow.services import Services

__all__ = ["ChangesResult", "register"]

MAX_RESULTS = 500


class ChangesResult(BaseModel):
    """Findings on changed lines, worst first, at most `max_results` of them."""

    base: str = Field(description="what was compared: 'index vs HEAD' or 'working tree vs REV'")
    files_reviewed: int
    changed_lines: int
    findings: list[Finding]
    total_findings: int
    truncated: bool = Field(description="true when more findings exist than were returned")
    summary: list[OwaspSummary] = Field(description="findings per OWASP Top 10 category, worst first")
    needs_human_review: bool
    human_review_reasons: list[str]


def _result(review: DiffReview, max_results: int) -> ChangesResult:
    found = sorted(review.findings, key=lambda f: (-f.severity.rank, f.path, f.line, f.column))
    return ChangesResult(
        base=review.base,
        files_reviewed=len(review.files),
        changed_lines=review.changed_lines,
        findings=found[:max_results],
        total_findings=len(found),
        truncated=len(found) > max_results,
        summary=review.summary,
        needs_human_review=bool(review.human_review),
        human_review_reasons=review.human_review[:50],
    )


async def _review(services: Services, rev: str | None) -> DiffReview:
    try:
        return await anyio.to_thread.run_sync(review_diff, services.workspace, services.review, rev)
    except AigentflowError as exc:
        raise ToolError(str(exc)) from exc


def _brief(review: DiffReview, limit: int = 40) -> str:
    lines = [f"Compared: {review.base}; {review.changed_lines} changed lines in {len(review.files)} file(s)."]
    for item in review.summary:
        lines.append(
            f"- {item.category}: {item.findings} finding(s), worst {item.worst.value} "
            f"({', '.join(item.rules)})"
        )
    for finding in sorted(review.findings, key=lambda f: -f.severity.rank)[:limit]:
        where = f"{finding.path}:{finding.line}"
        lines.append(f"* [{finding.severity.value}] {finding.rule_id} at {where}: {finding.message}")
    if review.human_review:
        lines.append("Needs a human reviewer because: " + "; ".join(review.human_review[:10]))
    return "\n".join(lines)


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_of

    @mcp.tool(title="Review changes", annotations=READ_ONLY)
    async def review_changes(
        ctx: Context[Services], rev: str | None = None, max_results: int = 100
    ) -> ChangesResult:
        """Security and quality findings on the lines changed since `rev` (default: staged changes,
        the index against HEAD; otherwise the working tree against `rev`, e.g. `main` or `HEAD~1`),
        including data flows whose source or steps changed. Returns a summary per OWASP Top 10
        category and whether a human should review the change (auth/crypto, infrastructure, public
        routes, severe findings, over 500 changed lines)."""
        if not 1 <= max_results <= MAX_RESULTS:
            raise ToolError(f"max_results must be between 1 and {MAX_RESULTS}")
        return _result(await _review(services_of(ctx), rev), max_results)

    @mcp.prompt(name="security-review", title="Security review of the changed lines")
    async def security_review(ctx: Context[Services], rev: str | None = None) -> str:
        """Review the workspace's changes for security problems, starting from Aigentflow's findings."""
        review = await _review(services_of(ctx), rev)
        return (
            "You are reviewing a code change for security problems. Aigentflow's deterministic review of "
            "the changed lines found the following (rule ids name the CWE class; locations are "
            "path:line):\n\n"
            f"{_brief(review)}\n\n"
            "For each finding, confirm or refute it by reading the code (call the `review_changes` tool "
            "for full details and related locations), explain the exploit path in one or two sentences, "
            "and propose the smallest safe fix. Then look for problems the rules cannot see: broken "
            "authorization, logic errors, secrets, unsafe defaults. Finish with a verdict: approve, or "
            "request changes with a prioritized list."
        )
