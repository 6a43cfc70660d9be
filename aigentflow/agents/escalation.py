"""The escalation report: failing tests, every attempt with its diff and why it was rejected,
and what the user can do next (fix by hand, skip the tests, open an issue from the draft).
"""

from __future__ import annotations

from aigentflow.agents.context import FixerContext
from aigentflow.agents.records import EscalationReport, FailureRecord, RunRecord

__all__ = ["build_escalation", "render_markdown"]

_MAX_DIFF = 4000


def _options(record: RunRecord) -> list[str]:
    ids = [f.test.id for f in record.failures]
    skip = (
        " ".join(f"--deselect {i}" for i in ids[:5])
        if record.commands and record.commands.runner == "pytest"
        else ""
    )
    options = ["Fix manually: the failing tests and the context below show where to look."]
    options.append(f"Skip the failing tests for now{f' (pytest {skip})' if skip else ''}.")
    options.append("Open an issue: the draft at the end of this report is ready to paste.")
    return options


def build_escalation(record: RunRecord, reason: str, context: FixerContext | None) -> EscalationReport:
    """The report for `record` escalating because of `reason` (context: what the fixer got, or would get)."""
    report = EscalationReport(
        reason=reason,
        failing_tests=list(record.failures),
        attempts=list(record.attempts),
        options=_options(record),
        context=context,
    )
    report.markdown = render_markdown(record, report)
    return report


def _failure_lines(failures: list[FailureRecord]) -> list[str]:
    lines = []
    for failure in failures:
        where = (
            f" ({failure.test.file}:{failure.test.line})" if failure.test.file and failure.test.line else ""
        )
        lines.append(f"- `{failure.test.id}`{where} — {failure.classification.value}: {failure.test.message}")
    return lines or ["- (no individual test failed)"]


def render_markdown(record: RunRecord, report: EscalationReport) -> str:
    """A human-readable report (also the body of the issue draft)."""
    lines = [f"# Build-test-fix run {record.id} escalated", "", f"**Why:** {report.reason}", ""]
    if record.commands:
        lines += [f"Test command: `{' '.join(record.commands.test)}` (from {record.commands.source})", ""]
    lines += ["## Failing tests", *_failure_lines(report.failing_tests), ""]
    if record.flaky:
        lines += [
            "## Flaky (passed on an immediate retry, not fixed)",
            *[f"- `{t}`" for t in record.flaky],
            "",
        ]
    for attempt in report.attempts:
        lines += [f"## Attempt {attempt.number}: {attempt.outcome} — {attempt.reason}"]
        if attempt.explanation:
            lines += [attempt.explanation]
        if attempt.diff:
            lines += ["```diff", attempt.diff[:_MAX_DIFF].rstrip(), "```"]
        lines.append("")
    if not report.attempts:
        lines += ["No fix was attempted.", ""]
    if report.context is not None:
        ctx = report.context
        lines += [
            "## Fixer context",
            f"{len(ctx.snippets)} source snippets, ~{ctx.token_estimate} tokens"
            + (f", {ctx.omitted} items left out for the budget" if ctx.omitted else "")
            + ":",
            *[f"- {s.path}:{s.start_line}-{s.end_line} ({s.reason})" for s in ctx.snippets],
            "",
        ]
    lines += ["## Options", *[f"{n}. {option}" for n, option in enumerate(report.options, 1)], ""]
    title = report.failing_tests[0].test.id if report.failing_tests else "the test suite"
    lines += ["## Issue draft", "", f"**Title:** Failing: {title}", "", "**Body:**", ""]
    lines += [
        f"> {line}"
        for line in [f"Build-test-fix escalated: {report.reason}", *_failure_lines(report.failing_tests)]
    ]
    return "\n".join(lines)
