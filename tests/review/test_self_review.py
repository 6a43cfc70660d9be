"""Aigentflow reviews its own source (the README's first command) and finds nothing serious:
a regression in either the code or the rules' false-positive rate shows up here."""

from __future__ import annotations

from pathlib import Path

from aigentflow.compose import build_core
from aigentflow.review.findings import Severity

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_source_has_no_finding_at_or_above_medium() -> None:
    services = build_core(ROOT)
    report = services.review.check_paths(services.workspace, [ROOT / "aigentflow"])
    assert len(report.files) > 100 and not [r for r in report.files if r.skipped and r.path.endswith(".py")]
    serious = [
        f"{f.path}:{f.line} {f.rule_id}" for f in report.findings if f.severity.at_least(Severity.MEDIUM)
    ]
    assert serious == []
