"""MCP prompts: what Claude Code shows as `/mcp__aigentflow__<name>` slash commands.

Each prompt gathers deterministic facts from the services (one finding's rule and code, the
project's test command; the `security-review` prompt lives with `review_changes` in
`tools_changes`) and hands the judgement work to the
host's model, naming this server's tools that help. Secret values never appear in a prompt:
the spans of `secrets.*` findings are masked in every code excerpt, and finding messages are
already redacted by the rules.
"""

from __future__ import annotations

from collections.abc import Iterable

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from aigentflow.errors import AigentflowError
from aigentflow.review.findings import Finding
from aigentflow.review.masking import mask_secrets
from aigentflow.services import Services

__all__ = ["register"]

CONTEXT_LINES = 3  # lines of code shown around an explained finding


def _invalid(message: str) -> MCPError:
    """An error the calling model sees and can fix (bad argument, no such finding)."""
    return MCPError(code=INVALID_PARAMS, message=message)


def _finding_line(finding: Finding) -> str:
    cwe = f" [CWE-{finding.cwe}]" if finding.cwe else ""
    return f"  - line {finding.line}: {finding.severity.value} {finding.rule_id}: {finding.message}{cwe}"


def _tool_names(names: Iterable[str], *words: str) -> str:
    picked = sorted(n for n in names if any(w in n for w in words))
    return ", ".join(f"`{n}`" for n in picked) if picked else "(none)"


def _fix_failing_tests(services: Services, test: str, tools: list[str]) -> str:
    from aigentflow.agents.detect import detect_commands

    root = services.workspace.root
    commands = detect_commands(root)
    target = f"the failing test `{test}`" if test else "the failing tests of this workspace"
    if commands is None:
        how = (
            "No test command was detected from the project's files: find out how the project runs its tests."
        )
    else:
        how = f"The project's test command ({commands.source}): `{' '.join(commands.test)}`."
    helpers = _tool_names(tools, "fix", "test", "build", "run")
    return "\n".join(
        [
            f"Fix {target}.",
            "",
            how,
            f"This server's tools for running and fixing tests: {helpers}. When a build-test-fix tool is",
            "listed, start with it: it runs the tests, classifies failures, retries flaky ones and tries",
            "fixes in an isolated git worktree, offering a diff only when the tests pass there.",
            "Otherwise, by hand:",
            "1. Run the failing tests only (e.g. `pytest --lf`, `npx jest --onlyFailures`).",
            "2. Classify each failure: syntax, type, import, flaky, or logic error.",
            "3. Read the failing test and the source files named in its traceback, and the recent",
            "   `git diff`; make the smallest change that fixes the cause.",
            "4. Re-run; stop after 3 attempts, or when the same error recurs, and explain what you found.",
            "Never delete, skip or weaken a test to make it pass. If a fix would add a secret or a",
            "security problem, stop and say so.",
        ]
    )


def _explain_finding(services: Services, path: str, line: str, rule_id: str) -> str:
    try:
        review = services.findings.get(path)
        text = services.workspace.read_text(review.path).text
    except AigentflowError as exc:
        raise _invalid(f"cannot read {path!r}: {exc}") from exc
    wanted_line = int(line) if line.strip().isdigit() else None
    chosen = [
        f
        for f in review.findings
        if (wanted_line is None or f.line <= wanted_line <= f.end_line)
        and (not rule_id or f.rule_id == rule_id)
    ]
    if not chosen:
        where = f"{review.path}:{wanted_line}" if wanted_line else review.path
        raise _invalid(f"no finding{' of ' + rule_id if rule_id else ''} at {where}")
    source = text.splitlines()
    parts = [f"Explain this Aigentflow finding to me and how to fix it, in the context of {review.path}."]
    for finding in chosen[:5]:
        meta = services.review.rules.get(finding.rule_id)
        first = max(finding.line - CONTEXT_LINES, 1)
        last = min(finding.end_line + CONTEXT_LINES, len(source))
        excerpt = mask_secrets(source[first - 1 : last], review.findings, first)
        parts += ["", _finding_line(finding).strip()[2:]]
        if meta is not None:
            extra = f" {meta.message}" if meta.message and meta.message != meta.name else ""
            parts.append(f"Rule: {meta.name}.{extra}")
        if finding.owasp:
            parts.append(f"OWASP: {finding.owasp}")
        if hint := finding.fix_hint or (meta.fix_hint if meta else None):
            parts.append(f"Suggested fix: {hint}")
        parts.append("```\n" + "\n".join(f"{first + i:>5}  {t}" for i, t in enumerate(excerpt)) + "\n```")
    parts += [
        "",
        "Say what the problem is and why it matters (the CWE), whether it looks real here or a false",
        "positive, and show the fix as an edit. If the risk is accepted instead, the finding can be",
        "silenced on its line with a `aigentflow: allow[<rule id>]` comment or added to the baseline",
        "(.aigentflow/baseline.json). Never repeat a secret value.",
    ]
    return "\n".join(parts)


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_of

    async def tool_names() -> list[str]:
        return [tool.name for tool in await mcp.list_tools()]

    @mcp.prompt(title="Fix failing tests")
    async def fix_failing_tests(ctx: Context[Services], test: str = "") -> str:
        """Find and fix the cause of failing tests (all, or the test id/path given as `test`)."""
        services, tools = services_of(ctx), await tool_names()
        return await anyio.to_thread.run_sync(lambda: _fix_failing_tests(services, test, tools))

    @mcp.prompt(title="Explain a finding")
    async def explain_finding(ctx: Context[Services], path: str, line: str = "", rule_id: str = "") -> str:
        """Explain the Aigentflow finding(s) in `path` (at `line`, of `rule_id` when given): what,
        why it matters, and how to fix it."""
        services = services_of(ctx)
        return await anyio.to_thread.run_sync(lambda: _explain_finding(services, path, line, rule_id))
