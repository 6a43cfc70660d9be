"""JavaScript/TypeScript structural rules on the labelled corpus (`// expect:` / `// ok:`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aigentflow.review.javascript import JavaScriptPack
from aigentflow.review.rules import SourceFile

CASES = Path(__file__).parent / "cases" / "js"
_MARK = re.compile(r"//\s*(expect|ok):\s*([\w.\-, ]+)")


def _labelled(path: Path) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    expect, ok = set(), set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for kind, rules in _MARK.findall(line):
            for rule in (r.strip() for r in rules.split(",")):
                (expect if kind == "expect" else ok).add((number, rule))
    return expect, ok


@pytest.mark.parametrize("name", ["dom.js", "view.tsx"])
def test_every_expected_line_is_found_and_no_safe_twin_is(name: str) -> None:
    path = CASES / name
    expect, ok = _labelled(path)
    found = {(f.line, f.rule_id) for f in JavaScriptPack().check(SourceFile.of(name, path.read_text()))}
    assert expect <= found, sorted(expect - found)
    assert not (found & ok), sorted(found & ok)
    assert found <= expect, sorted(found - expect)


def test_every_javascript_rule_is_exercised_by_the_corpus() -> None:
    covered = set()
    for path in CASES.iterdir():
        expect, _ = _labelled(path)
        covered |= {rule for _, rule in expect}
    assert covered == {r.id for r in JavaScriptPack().rules}


def test_typescript_file_with_non_ascii_text_reports_code_point_columns() -> None:
    text = 'const s = "héllo"; el.innerHTML = s + x;\n'
    finding = next(iter(JavaScriptPack().check(SourceFile.of("a.ts", text))))
    assert text[finding.column - 1 :].startswith("el.innerHTML")
