"""Function complexity and length read from text (`fnmeasure`) agree with the syntax tree, and
the quality rules use them without parsing where the text decides."""

from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path

import pytest

import aigentflow
from aigentflow.review.fnmeasure import Measure, measure
from aigentflow.review.python.versions import segmented
from aigentflow.review.quality import QualityPack, QualitySettings, cyclomatic_complexity
from aigentflow.review.rules import SourceFile

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _agreement(files: list[Path]) -> tuple[int, int, list[str]]:
    """(functions decided by text, functions in all, disagreements) over real files."""
    decided = total = 0
    wrong: list[str] = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        nodes = {
            n.lineno: n
            for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        module = segmented(str(file), text)
        starts = module.line_starts
        for index in range(len(module.segments)):
            for line, bound in module.function_extents(index):
                node = nodes[line]
                total += 1
                found = measure(text[starts[line - 1] : starts[bound - 1]])
                if found is None:
                    continue
                decided += 1
                expected = Measure(
                    node.name,
                    isinstance(node, ast.AsyncFunctionDef),
                    cyclomatic_complexity(node),
                    (node.end_lineno or node.lineno) - node.lineno + 1,
                )
                if found != expected:
                    wrong.append(f"{file}:{line}: {found} != {expected}")
    return decided, total, wrong


def test_text_measures_equal_the_syntax_tree_on_every_function_of_real_code() -> None:
    files = sorted(Path(aigentflow.__file__).parent.rglob("*.py"))
    files += sorted((STDLIB / "json").glob("*.py")) + sorted((STDLIB / "email").glob("*.py"))
    files += [STDLIB / name for name in ("argparse.py", "tokenize.py", "typing.py", "inspect.py")]
    decided, total, wrong = _agreement(files)
    assert wrong == []
    assert total > 2000 and decided > 0.7 * total  # the text decides for most functions


def test_a_file_split_inside_a_bracket_continuation_is_left_to_the_parser(tmp_path: Path) -> None:
    # A string at column 0 inside brackets starts a (wrong) segment: the function before it is
    # cut short, and its text must not be taken for the whole function.
    source = tmp_path / "cut.py"
    source.write_text(
        "class T:\n    def test(self):\n        if self:\n            pass\n        expected = (\n"
        '"first line"\n"second line")\n        return expected\n',
        encoding="utf-8",
    )
    decided, total, wrong = _agreement([source])
    assert (decided, total, wrong) == (0, 1, [])


@pytest.mark.parametrize(
    ("why", "text"),
    [
        ("lambda", "def f(a):\n    return sorted(a, key=lambda x: x if x else 0)\n"),
        ("match/case", "def f(a):\n    match a:\n        case 1: pass\n        case _: pass\n"),
        ("keyword inside an f-string's braces", 'def f(a):\n    return f"{a if a else 0}"\n'),
        ("quote inside an f-string's braces", "def f(a):\n    return f\"{a['}']} if\"\n"),
        ("unclosed bracket", "def f(a):\n    return g(\n"),
        ("trailing backslash", "def f(a):\n    return a + \\\n"),
        ("tabs and spaces", "def f(a):\n\tif a:\n        pass\n"),
    ],
)
def test_text_that_cannot_decide_exactly_returns_none(why: str, text: str) -> None:
    assert measure(text) is None, why


@pytest.mark.parametrize(
    ("why", "text"),
    [
        (
            "a nested def, its decorators and its header are not the function's own",
            "def f(a):\n    @wraps(a if a else None)\n    def g(\n        b=a or 1,\n    ) -> int:\n"
            "        if a: pass\n        return b\n    if a:\n        return g\n    return None\n",
        ),
        (
            "a nested class ends at the first statement no deeper than it",
            "def f(a):\n    class C:\n        def m(self):\n            return a and self\n"
            "    return [C() for _ in a if _]\n",
        ),
        (
            "the function ends at the next statement no deeper than its def",
            "    def f(self):\n        if self:\n            pass\n    x = 1 if y else 2\n",
        ),
        (
            "a bracket continuation at the def's depth is still the function's",
            "def f(self):\n    return g(\nself or 1,\n)\nx = 1\n",
        ),
        ("keywords in an f-string's text, outside its braces", 'def f(a):\n    return f"{a} if {a}"\n'),
        ("an f-string's escaped braces", 'def f(a):\n    return f"{{ if }} {a}" if a else 0\n'),
    ],
)
def test_text_decides_around_nested_definitions_and_f_strings_as_the_tree_does(why: str, text: str) -> None:
    node = next(n for n in ast.walk(ast.parse(textwrap.dedent(text))) if isinstance(n, ast.FunctionDef))
    expected = Measure(
        node.name, False, cyclomatic_complexity(node), (node.end_lineno or 0) - node.lineno + 1
    )
    assert measure(text) == expected, why


def test_keywords_in_strings_and_comments_do_not_count_and_decorators_end_a_function() -> None:
    text = (
        "    async def handle(self, a,\n"
        "                     b=[1 if True else 2]):  # header: not the body's\n"
        "        # if this or that\n"
        '        note = "for while and or"\n'
        "        doc = '''\n"
        "if at column zero inside a string\n"
        "'''\n"
        "        if a and b or not a:\n"
        "            return [x for x in a if x]\n"
        "\n"
        "    @property\n"
    )
    # 1 + if + and + or + comprehension for + its if; the string's last line ends the body
    assert measure(text) == Measure("handle", True, 6, 9)


def test_quality_findings_from_text_equal_those_from_the_tree_and_skip_the_parse() -> None:
    text = (
        "class Service:\n"
        + "".join(
            f"    def step{i}(self, a):\n"
            + "".join(f"        if a == {k} or a > {k}:\n            a += {k}\n" for k in range(i * 3))
            + "        return a\n\n"
            for i in range(6)
        )
        + "    def closure(self, a):\n        def inner():\n            return a\n        return inner\n"
    )
    settings = QualitySettings(max_complexity=8, max_function_lines=20)
    found = list(QualityPack(settings).check(SourceFile.of("svc.py", text)))
    module = segmented("svc.py", text)
    assert not module._stmts  # decided from the text: the class was not parsed
    tree_findings = _from_tree(text, settings)
    assert [(f.rule_id, f.line, f.column, f.end_column, f.message) for f in found] == tree_findings
    assert {f.rule_id for f in found} == {"quality.complexity", "quality.function-length"}


def _from_tree(text: str, settings: QualitySettings) -> list[tuple[str, int, int, int, str]]:
    expected: list[tuple[str, int, int, int, str]] = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef):
            continue
        column, end = node.col_offset + 1, node.col_offset + 1 + len("def ") + len(node.name)
        complexity, length = cyclomatic_complexity(node), (node.end_lineno or 0) - node.lineno + 1
        if complexity > settings.max_complexity:
            message = (
                f"{node.name}() has cyclomatic complexity {complexity} (threshold {settings.max_complexity})"
            )
            expected.append(("quality.complexity", node.lineno, column, end, message))
        if length > settings.max_function_lines:
            message = f"{node.name}() is {length} lines long (threshold {settings.max_function_lines})"
            expected.append(("quality.function-length", node.lineno, column, end, message))
    return sorted(expected, key=lambda e: (e[1], e[0]))
