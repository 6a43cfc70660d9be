"""Quality rules: cyclomatic complexity and function length over configurable thresholds."""

from __future__ import annotations

import ast
from pathlib import Path

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


def _every_function_measured(source: SourceFile, settings: QualitySettings) -> set[tuple[str, int]]:
    """The reference: parse the whole file and measure every function, no text-based shortcut."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(source.text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if cyclomatic_complexity(node) > settings.max_complexity:
                found.add(("quality.complexity", node.lineno))
            if (node.end_lineno or node.lineno) - node.lineno + 1 > settings.max_function_lines:
                found.add(("quality.function-length", node.lineno))
    return found


def test_the_text_bounds_that_skip_parsing_never_miss_a_function() -> None:
    # Low thresholds, so that many functions of real code sit right around them.
    settings = QualitySettings(max_complexity=4, max_function_lines=12)
    package = Path(__file__).parents[2] / "aigentflow"
    files = sorted(package.rglob("*.py")) + sorted((Path(__file__).parent / "cases").glob("*.py"))
    checked = 0
    for path in files:
        source = SourceFile.of(f"q/{path.name}", path.read_text(encoding="utf-8"))
        got = {(f.rule_id, f.line) for f in QualityPack(settings).check(source)}
        assert got == _every_function_measured(source, settings), path
        checked += len(got)
    assert checked > 100


def test_old_mac_line_endings_do_not_hide_a_long_function() -> None:
    body = "".join(f"    x{i} = {i}\r" for i in range(20))
    source = SourceFile.of("mac.py", f"import os\r\r\rdef short():\r    pass\r\r\rdef long():\r{body}")
    found = QualityPack(QualitySettings(max_function_lines=10)).check(source)
    assert [(f.rule_id, f.line) for f in found] == [("quality.function-length", 8)]
