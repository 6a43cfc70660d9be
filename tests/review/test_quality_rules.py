"""Quality rules: cyclomatic complexity and function length over configurable thresholds."""

from __future__ import annotations

import ast

from aigentflow.review.quality import QualityPack, QualitySettings, cyclomatic_complexity
from aigentflow.review.rules import SourceFile

BRANCHY = """\
def route(kind, value):
    if kind == "a" and value:
        return 1
    elif kind == "b" or kind == "c":
        return 2
    for item in value:
        while item:
            item -= 1
    try:
        return [v for v in value if v]
    except ValueError:
        return 3
"""


def test_complexity_counts_branches_loops_handlers_and_boolean_operators() -> None:
    fn = ast.parse(BRANCHY).body[0]
    assert isinstance(fn, ast.FunctionDef)
    # 1 + if + and + elif + or + for + while + comprehension(1 + if) + except
    assert cyclomatic_complexity(fn) == 10


def test_function_over_the_complexity_threshold_is_reported_on_its_name() -> None:
    pack = QualityPack(QualitySettings(max_complexity=5))
    findings = list(pack.check(SourceFile.of("m.py", BRANCHY)))
    assert [f.rule_id for f in findings] == ["quality.complexity"]
    assert (
        findings[0].line == 1 and findings[0].column == 1 and findings[0].end_column == len("def route") + 1
    )
    assert "complexity 10" in findings[0].message


def test_function_within_thresholds_is_not_reported() -> None:
    assert list(QualityPack().check(SourceFile.of("m.py", BRANCHY))) == []


def test_long_function_is_reported_with_its_length() -> None:
    body = "def long():\n" + "".join(f"    x{i} = {i}\n" for i in range(30))
    findings = list(QualityPack(QualitySettings(max_function_lines=20)).check(SourceFile.of("m.py", body)))
    assert [f.rule_id for f in findings] == ["quality.function-length"]
    assert "31 lines" in findings[0].message


def test_nested_functions_are_measured_on_their_own() -> None:
    text = (
        "def outer():\n    def inner(a):\n        if a: return 1\n"
        "        if a > 1: return 2\n    return inner\n"
    )
    fn = ast.parse(text).body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert cyclomatic_complexity(fn) == 1
