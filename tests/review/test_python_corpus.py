"""The labelled corpus: every `# expect: RULE` line gets a finding of RULE, no `# ok:` line does,
and per-rule precision and recall stay at the asserted levels."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from aigentflow.review.python import PythonPack
from aigentflow.review.rules import SourceFile

CASES = Path(__file__).parent / "cases"
_MARK = re.compile(r"#\s*(expect|ok):\s*([\w.\-, ]+)")


def _labels(text: str) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    expect: set[tuple[int, str]] = set()
    ok: set[tuple[int, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, rules in _MARK.findall(line):
            for rule in (r.strip() for r in rules.split(",")):
                (expect if kind == "expect" else ok).add((number, rule))
    return expect, ok


def _case_files() -> list[Path]:
    """The corpus: Python files, plus .txt files holding Python newer than the linters' target."""
    return sorted([*CASES.glob("*.py"), *CASES.glob("*.txt")])


@cache
def _score() -> tuple[Counter[str], Counter[str], Counter[str], list[str]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    details: list[str] = []
    pack = PythonPack()
    for path in _case_files():
        text = path.read_text()
        expect, _ok = _labels(text)
        found = {(f.line, f.rule_id) for f in pack.check(SourceFile.of(path.stem + ".py", text))}
        for item in expect:
            if item in found:
                tp[item[1]] += 1
            else:
                fn[item[1]] += 1
                details.append(f"missed {path.name}:{item[0]} {item[1]}")
        for item in found - expect:
            fp[item[1]] += 1
            details.append(f"false positive {path.name}:{item[0]} {item[1]}")
    return tp, fp, fn, details


def test_every_rule_has_vulnerable_and_safe_cases() -> None:
    expect_rules: set[str] = set()
    ok_rules: set[str] = set()
    for path in _case_files():
        expect, ok = _labels(path.read_text())
        expect_rules |= {rule for _, rule in expect}
        ok_rules |= {rule for _, rule in ok}
    taint_rules = {
        r.id for r in PythonPack().rules if "python.cookie" not in r.id and r.id != "python.debug-enabled"
    }
    assert taint_rules <= expect_rules
    assert taint_rules <= ok_rules


@pytest.mark.parametrize("rule", sorted(r.id for r in PythonPack().rules))
def test_rule_precision_and_recall_on_the_corpus(rule: str) -> None:
    tp, fp, fn, details = _score()
    recall = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 1.0
    precision = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 1.0
    relevant = [d for d in details if d.endswith(rule)]
    assert recall == 1.0, relevant
    assert precision == 1.0, relevant
