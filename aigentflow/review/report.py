"""Findings as text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from aigentflow import __version__
from aigentflow.review.engine import ReviewReport
from aigentflow.review.findings import Finding, Severity
from aigentflow.review.rules import RuleMeta

__all__ = ["to_json", "to_sarif", "to_text"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub code scanning ranks security results by this 0-10 score.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def to_text(report: ReviewReport) -> str:
    """One line per finding (`path:line:col: severity rule message`), then a summary."""
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.rule_id}: {f.message}" for f in report.findings
    ]
    for review in report.files:
        if review.skipped:
            lines.append(f"{review.path}: skipped ({review.skipped})")
    count = len(report.findings)
    lines.append(f"{count} finding{'s' if count != 1 else ''} in {len(report.files)} file(s)")
    return "\n".join(lines) + "\n"


def to_json(findings: Iterable[Finding]) -> str:
    """A JSON list of findings (every field of `Finding`)."""
    return json.dumps([f.model_dump(mode="json") for f in findings], indent=2) + "\n"


def to_sarif(report: ReviewReport, rules: Mapping[str, RuleMeta], root: Path | None = None) -> str:
    """A SARIF 2.1.0 log with one run; paths are relative to %SRCROOT% (the workspace root)."""
    findings = report.findings
    used = sorted({f.rule_id for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    driver: dict[str, Any] = {
        "name": "aigentflow",
        "version": __version__,
        "informationUri": "https://github.com/aigentflow/aigentflow",
        "rules": [_rule(rule_id, rules.get(rule_id), findings) for rule_id in used],
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                **({"originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}}} if root else {}),
                "results": [_result(f, index[f.rule_id]) for f in findings],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _rule(rule_id: str, meta: RuleMeta | None, findings: list[Finding]) -> dict[str, Any]:
    sample = next(f for f in findings if f.rule_id == rule_id)
    name = meta.name if meta else rule_id
    tags = ["security"] if sample.cwe else []
    if sample.cwe:
        tags.append(f"external/cwe/cwe-{sample.cwe}")
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace(".", "-").split("-")),
        "shortDescription": {"text": name},
        "fullDescription": {"text": (meta.message if meta and meta.message else name)},
        "defaultConfiguration": {"level": _LEVEL[meta.severity if meta else sample.severity]},
        "properties": {
            "tags": tags,
            "security-severity": _SECURITY_SEVERITY[meta.severity if meta else sample.severity],
        },
    }
    hint = (meta.fix_hint if meta else None) or sample.fix_hint
    if hint:
        rule["help"] = {"text": hint}
    return rule


def _region(line: int, column: int, end_line: int | None, end_column: int | None) -> dict[str, int]:
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if end_line is not None:
        region["endLine"] = max(end_line, region["startLine"])
    if end_column is not None:
        region["endColumn"] = max(end_column, 1)
    return region


def _location(path: str, region: dict[str, int]) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            _location(
                finding.path, _region(finding.line, finding.column, finding.end_line, finding.end_column)
            )
        ],
        "partialFingerprints": {"aigentflowFingerprint/v1": finding.fingerprint},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "message": {"text": rel.message},
                **_location(rel.path, _region(rel.line, rel.column, rel.end_line, rel.end_column)),
            }
            for i, rel in enumerate(finding.related)
        ]
    return result
