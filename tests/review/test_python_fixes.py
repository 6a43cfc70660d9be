"""Quick fixes edit the code: applying a finding's fix removes the finding and the file still parses."""

from __future__ import annotations

import ast
import textwrap

import pytest

from aigentflow.review.findings import Finding
from aigentflow.review.python import PythonPack, apply_edits
from aigentflow.review.rules import SourceFile


def _findings(text: str) -> list[Finding]:
    return list(PythonPack().check(SourceFile.of("app.py", text)))


def _fix_and_recheck(text: str, rule: str, title_part: str = "") -> str:
    text = textwrap.dedent(text)
    finding = next(f for f in _findings(text) if f.rule_id == rule)
    fix = next(f for f in finding.fixes if title_part in f.title)
    fixed = apply_edits(text, list(fix.edits))
    ast.parse(fixed)
    assert rule not in {f.rule_id for f in _findings(fixed)}, fixed
    return fixed


FLASK = """\
    import subprocess, sqlite3, yaml, hashlib, random, requests
    from flask import Flask, request, make_response
    app = Flask(__name__)
"""


def test_unsafe_yaml_load_becomes_safe_load() -> None:
    fixed = _fix_and_recheck(
        """\
        import yaml
        def load(path):
            with open(path) as handle:
                return yaml.load(handle, Loader=yaml.Loader)
        """,
        "python.unsafe-yaml-load",
    )
    assert "yaml.safe_load(handle)" in fixed


def test_tainted_yaml_load_offers_safe_load() -> None:
    fixed = _fix_and_recheck(
        FLASK
        + """
    @app.route("/c", methods=["POST"])
    def c():
        obj = yaml.load(request.get_data(), Loader=yaml.Loader)
        return "ok"
    """,
        "python.insecure-deserialization",
    )
    assert "yaml.safe_load(request.get_data())" in fixed


def test_shell_command_built_from_a_parameter_becomes_an_argument_list() -> None:
    fixed = _fix_and_recheck(
        """\
        import subprocess
        def listing(folder):
            subprocess.run(f"ls -l {folder}", shell=True, check=True)
        """,
        "python.subprocess-shell",
    )
    assert "subprocess.run(['ls', '-l', str(folder)], check=True)" in fixed


def test_interpolated_shell_command_becomes_an_argument_list_and_the_injection_goes() -> None:
    fixed = _fix_and_recheck(
        FLASK
        + """
    @app.route("/p")
    def p():
        host = request.args.get("host", "")
        subprocess.run(f"ping -c 1 {host}", shell=True)
        return "ok"
    """,
        "python.command-injection",
    )
    assert "subprocess.run(['ping', '-c', '1', str(host)])" in fixed


def test_shell_command_glued_to_a_value_offers_no_edit() -> None:
    text = textwrap.dedent(
        FLASK
        + """
    @app.route("/p")
    def p():
        name = request.args.get("n", "")
        subprocess.run(f"cat /srv/{name}.txt", shell=True)
        return "ok"
    """
    )
    finding = next(f for f in _findings(text) if f.rule_id == "python.command-injection")
    assert finding.fixes == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("f\"SELECT * FROM u WHERE name = '{name}'\"", '"SELECT * FROM u WHERE name = ?", (name,)'),
        ('"SELECT * FROM u WHERE id = %s" % name', "'SELECT * FROM u WHERE id = ?', (name,)"),
        (
            '"SELECT * FROM u WHERE a = \'" + name + "\' AND b = 1"',
            '"SELECT * FROM u WHERE a = ? AND b = 1", (name,)',
        ),
    ],
)
def test_formatted_sql_becomes_a_parameterized_query(query: str, expected: str) -> None:
    fixed = _fix_and_recheck(
        FLASK
        + f"""
    @app.route("/q")
    def q():
        name = request.args.get("name", "")
        cur = sqlite3.connect("db").cursor()
        cur.execute({query})
        return "ok"
    """,
        "python.sql-injection",
    )
    assert "cur.execute(" in fixed
    assert expected.replace('"', "'") in fixed.replace('"', "'")


def test_sql_built_in_a_variable_is_parameterized_at_both_places() -> None:
    fixed = _fix_and_recheck(
        FLASK
        + """
    @app.route("/q")
    def q():
        name = request.args.get("name", "")
        sql = f"SELECT * FROM u WHERE name = '{name}' LIMIT 1"
        cur = sqlite3.connect("db").cursor()
        cur.execute(sql)
        return "ok"
    """,
        "python.sql-injection",
    )
    assert "sql = 'SELECT * FROM u WHERE name = ? LIMIT 1'" in fixed
    assert "cur.execute(sql, (name,))" in fixed


def test_md5_becomes_sha256() -> None:
    fixed = _fix_and_recheck(
        "import hashlib\ndigest = hashlib.md5(b'x').hexdigest()\n", "python.weak-hash", "SHA-256"
    )
    assert "hashlib.sha256(b'x')" in fixed


def test_hashlib_new_sha1_becomes_sha256() -> None:
    fixed = _fix_and_recheck("import hashlib\nh = hashlib.new('sha1')\n", "python.weak-hash", "SHA-256")
    assert 'hashlib.new("sha256")' in fixed


def test_non_security_hash_can_be_marked_usedforsecurity_false() -> None:
    fixed = _fix_and_recheck(
        "import hashlib\nh = hashlib.sha1(data)\n", "python.weak-hash", "usedforsecurity"
    )
    assert "hashlib.sha1(data, usedforsecurity=False)" in fixed


def test_random_becomes_secrets_and_the_import_is_added() -> None:
    fixed = _fix_and_recheck(
        '"""Tokens."""\nimport random\n\ntoken = random.randint(0, 10**6)\n', "python.weak-random"
    )
    assert "secrets.SystemRandom().randint(0, 10**6)" in fixed
    assert fixed.splitlines()[1] == "import secrets"


@pytest.mark.parametrize(
    "call",
    [
        'resp.set_cookie("k", "v")',
        'resp.set_cookie("k", "v", secure=False)',
        'resp.set_cookie("k", "v", httponly=True,)',
    ],
)
def test_missing_cookie_flags_are_added(call: str) -> None:
    text = f"from flask import make_response\nresp = make_response('x')\n{call}\n"
    fixed = _fix_and_recheck(text, "python.cookie-without-secure")
    assert "secure=True" in fixed
    assert "httponly=True" in fixed
    assert not {f.rule_id for f in _findings(fixed)} & {"python.cookie-without-httponly"}


def test_disabled_tls_verification_is_turned_back_on() -> None:
    fixed = _fix_and_recheck(
        "import requests\nr = requests.get('https://x', verify=False)\n", "python.tls-verify-disabled"
    )
    assert "verify=True" in fixed


def test_non_mechanical_findings_offer_no_edit() -> None:
    text = textwrap.dedent(
        FLASK
        + """
    @app.route("/e")
    def e():
        return str(eval(request.args["x"]))
    """
    )
    finding = next(f for f in _findings(text) if f.rule_id == "python.code-injection")
    assert finding.fixes == []
