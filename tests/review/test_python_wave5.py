"""Wave 5 of the Python analysis: a field that holds no quote of the literal around it stays
inside that XPath literal, `hashlib.new` may name its algorithm by keyword, and code injection
carries CWE-94 (the class labelled benchmarks use; eval injection is its child CWE-95)."""

from __future__ import annotations

import textwrap

import pytest

from aigentflow.review.python import PythonPack
from aigentflow.review.rules import SourceFile

_VIEW = '''\
import lxml.etree
from flask import Flask, request
app = Flask(__name__)

@app.route("/find")
def find():
    code = request.args.get("code", ""){cleaning}
    tree = lxml.etree.parse("/srv/staff.xml")
    return str(len(tree.xpath(f"""{query}""")))
'''


def _rules(text: str) -> set[str]:
    return {f.rule_id for f in PythonPack().check(SourceFile.of("app.py", text))}


@pytest.mark.parametrize(
    ("cleaning", "query", "injectable"),
    [
        ("", "/staff/member[@code='{code}']", True),
        ('.replace("\'", "&apos;")', "/staff/member[@code='{code}']", False),
        ('.replace("\'", "")', "/staff/member[@code='{code}']", False),
        ('.replace(\'"\', "&quot;")', '/staff/member[@code="{code}"]', False),
        ('.replace(\'"\', "&quot;")', "/staff/member[@code='{code}']", True),
        ('.replace("\'", "&apos;")', "/staff/member[@code={code}]", True),
        ('.replace("\'", "\'\'")', "/staff/member[@code='{code}']", True),
    ],
    ids=["raw", "apos-entity", "apos-removed", "dquote-in-dquotes", "wrong-quote", "unquoted", "doubled"],
)
def test_a_field_free_of_the_surrounding_quote_cannot_leave_the_xpath_literal(
    cleaning: str, query: str, injectable: bool
) -> None:
    text = _VIEW.format(cleaning=cleaning, query=query)
    assert ("python.xpath-injection" in _rules(text)) is injectable


def test_hashlib_new_with_the_algorithm_named_by_keyword_is_checked_like_a_positional_name() -> None:
    text = textwrap.dedent(
        """\
        import hashlib

        def fingerprint(data: bytes, strong: bool) -> str:
            if strong:
                return hashlib.new(name="sha384", data=data).hexdigest()
            return hashlib.new(name="md5", data=data).hexdigest()
        """
    )
    findings = PythonPack().check(SourceFile.of("app.py", text))
    assert {f.line for f in findings if f.rule_id == "python.weak-hash"} == {6}


def test_code_injection_is_reported_under_cwe_94_the_class_that_labelled_benchmarks_use() -> None:
    text = textwrap.dedent(
        """\
        from flask import Flask, request
        app = Flask(__name__)

        @app.route("/calc")
        def calc():
            return str(eval(request.args.get("expr", "")))
        """
    )
    findings = PythonPack().check(SourceFile.of("app.py", text))
    assert [(f.line, f.cwe) for f in findings if f.rule_id == "python.code-injection"] == [(6, 94)]
