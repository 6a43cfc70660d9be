"""MCP tools over the review engine: `scan_secrets` and `review_files`.

Both read the daemon's findings store, so an MCP host sees exactly what the editors see.
Answers are bounded (`max_results`) and say when they were truncated.
"""

from __future__ import annotations

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from aigentflow.errors import AigentflowError
from aigentflow.review.findings import Finding, Severity
from aigentflow.server.annotations import READ_ONLY
from aigentflow.services import Services

__all__ = ["FindingsResult", "collect_findings", "register"]

MAX_RESULTS = 1000


class SkippedFile(BaseModel):
    path: str
    reason: str


class FindingsResult(BaseModel):
    """Findings under a path, worst first, at most `max_results` of them."""

    findings: list[Finding]
    files_scanned: int
    skipped: list[SkippedFile] = Field(default_factory=list)
    truncated: bool = Field(description="true when more findings exist than were returned")
    total_findings: int


def collect_findings(
    services: Services,
    path: str,
    max_results: int,
    *,
    rule_prefix: str = "",
    min_severity: Severity = Severity.INFO,
) -> FindingsResult:
    """The stored findings under `path` (file or folder), bounded for the host's model."""
    if not 1 <= max_results <= MAX_RESULTS:
        raise ToolError(f"max_results must be between 1 and {MAX_RESULTS}")
    try:
        found, reviews = services.findings.under(path, rule_prefix=rule_prefix, min_severity=min_severity)
    except (AigentflowError, OSError) as exc:
        raise ToolError(f"cannot review {path!r}: {exc}") from exc
    skipped = [SkippedFile(path=r.path, reason=r.skipped) for r in reviews if r.skipped]
    return FindingsResult(
        findings=found[:max_results],
        files_scanned=len(reviews),
        skipped=skipped[:max_results],
        truncated=len(found) > max_results,
        total_findings=len(found),
    )


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_of

    @mcp.tool(title="Scan for hardcoded secrets", annotations=READ_ONLY)
    async def scan_secrets(ctx: Context[Services], path: str = ".", max_results: int = 100) -> FindingsResult:
        """Find hardcoded credentials (cloud keys, tokens, private keys, passwords) in a file or
        folder of the workspace. Secret values are shown redacted. `path` is relative to the
        workspace root; ignored, binary and oversized files are skipped and listed."""
        services = services_of(ctx)
        return await anyio.to_thread.run_sync(
            lambda: collect_findings(services, path, max_results, rule_prefix="secrets.")
        )

    @mcp.tool(title="Review files", annotations=READ_ONLY)
    async def review_files(
        ctx: Context[Services], path: str = ".", max_results: int = 100, min_severity: Severity = Severity.LOW
    ) -> FindingsResult:
        """Every review finding (security, secrets, quality) in a file or folder of the workspace,
        worst first, at or above `min_severity`. Each finding has a rule id, CWE, location,
        message and fix hint."""
        services = services_of(ctx)
        return await anyio.to_thread.run_sync(
            lambda: collect_findings(services, path, max_results, min_severity=min_severity)
        )
