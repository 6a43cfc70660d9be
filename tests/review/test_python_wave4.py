"""Wave 4 of the Python analysis: the request's own path in views with constant URL rules,
pathlib probes as path sinks, and the CWE of `yaml.load` with an unsafe loader by what it reads."""

from __future__ import annotations

import textwrap

from aigentflow.review.findings import Finding
from aigentflow.review.python import PythonPack
from aigentflow.review.rules import SourceFile


def _check(text: str) -> list[Finding]:
    return list(PythonPack().check(SourceFile.of("app.py", text)))


def test_unsafe_yaml_loader_on_a_fixed_document_is_an_api_hazard_and_on_request_data_deserialization() -> (
    None
):
    findings = _check(
        textwrap.dedent(
            """\
        import yaml
        from flask import Flask, request
        app = Flask(__name__)

        @app.route("/defaults")
        def defaults():
            return str(yaml.load("{a: 1}", Loader=yaml.Loader))

        @app.route("/import", methods=["POST"])
        def import_doc():
            return str(yaml.load(request.get_data(), Loader=yaml.Loader))
        """
        )
    )
    found = {(f.line, f.rule_id, f.cwe) for f in findings}
    assert (7, "python.unsafe-yaml-load", 20) in found
    assert (11, "python.insecure-deserialization", 502) in found
    assert not any(rule == "python.insecure-deserialization" for line, rule, _ in found if line == 7)


def test_request_path_is_request_data_where_a_blueprint_prefix_holds_url_variables() -> None:
    text = textwrap.dedent(
        """\
        import sqlite3
        from flask import Blueprint, request
        shop = Blueprint("shop", __name__, url_prefix="{prefix}")

        @shop.route("/orders")
        def orders():
            tenant = request.path.split("/")[1]
            return str(sqlite3.connect("x.db").execute(f"SELECT * FROM t_{{tenant}}").fetchall())
        """
    )
    fixed = {f.rule_id for f in _check(text.format(prefix="/shop"))}
    variable = {f.rule_id for f in _check(text.format(prefix="/<tenant>"))}
    assert "python.sql-injection" not in fixed
    assert "python.sql-injection" in variable


def test_pathlib_probe_methods_are_path_sinks_only_where_pathlib_is_imported() -> None:
    text = textwrap.dedent(
        """\
        {imports}
        from flask import Flask, request
        app = Flask(__name__)

        @app.route("/probe")
        def probe():
            return str(store.lookup(request.args.get("name", "")).exists())
        """
    )
    with_pathlib = _check(text.format(imports="import pathlib\nstore = pathlib.Path('/srv')"))
    without = _check(text.format(imports="from models import store"))
    assert any(f.rule_id == "python.path-traversal" for f in with_pathlib)
    assert not any(f.rule_id == "python.path-traversal" for f in without)
