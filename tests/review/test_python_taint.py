"""The Python taint analysis on small programs: sources, propagation, sanitizers, messages."""

from __future__ import annotations

import textwrap

from aigentflow.review.engine import ReviewEngine
from aigentflow.review.findings import Finding
from aigentflow.review.python import PythonPack
from aigentflow.review.rules import SourceFile
from aigentflow.settings import ReviewSettings, RuleSettings


def _check(text: str, path: str = "app.py") -> list[Finding]:
    return list(PythonPack().check(SourceFile.of(path, textwrap.dedent(text))))


def _rules(text: str) -> set[tuple[str, int]]:
    return {(f.rule_id, f.line) for f in _check(text)}


def test_message_names_source_and_sink_with_lines_and_related_locations_trace_the_path() -> None:
    [finding] = _check(
        """\
        import os
        from flask import request
        def run():
            host = request.args.get("host")
            command = "ping " + host
            os.system(command)
        """
    )
    assert finding.rule_id == "python.command-injection"
    assert finding.cwe == 78 and finding.owasp == "A03:2021-Injection"
    assert "request.args (line 4)" in finding.message and "os.system (line 6)" in finding.message
    assert [(r.line, r.message) for r in finding.related] == [
        (4, "source: request.args"),
        (4, "assigned to 'host'"),
        (5, "assigned to 'command'"),
    ]


def test_input_argv_and_environment_are_sources_outside_web_code() -> None:
    found = _rules(
        """\
        import os, subprocess, sys
        subprocess.call(input("cmd? "), shell=True)
        os.system(sys.argv[1])
        eval(os.environ.get("EXPR", ""))
        """
    )
    assert found == {
        ("python.command-injection", 2),
        ("python.command-injection", 3),
        ("python.code-injection", 4),
    }


def test_helper_functions_of_the_module_carry_taint_and_sanitize_through_summaries() -> None:
    found = _rules(
        """\
        import os, shlex
        from flask import request
        def quoted(value):
            return shlex.quote(value)
        def raw(value):
            return "echo " + value
        def run_it(cmd):
            os.system(cmd)
        @app.route("/a")
        def a():
            os.system("echo " + quoted(request.args["x"]))
            os.system(raw(request.args["x"]))
            run_it(raw(request.args["y"]))
            return "ok"
        """
    )
    assert found == {("python.command-injection", 12), ("python.command-injection", 13)}


def test_fastapi_path_and_query_parameters_are_sources() -> None:
    found = _rules(
        """\
        import sqlite3
        from fastapi import FastAPI
        app = FastAPI()
        @app.get("/items/{item_id}")
        def item(item_id: str, q: str = ""):
            sqlite3.connect("d").execute(f"SELECT * FROM t WHERE id = {item_id} AND q = '{q}'")
            return {"ok": True}
        """
    )
    assert found == {("python.sql-injection", 6)}


def test_django_views_read_request_get_and_store_into_the_session() -> None:
    found = _rules(
        """\
        from django.http import HttpResponse
        def view(request):
            name = request.GET.get("name", "")
            request.session["name"] = name
            return HttpResponse("<p>" + name + "</p>")
        """
    )
    assert found == {("python.trust-boundary", 4), ("python.xss", 5)}


def test_sanitizer_for_one_sink_does_not_clear_another() -> None:
    found = _rules(
        """\
        import html, sqlite3
        from flask import request
        @app.route("/a")
        def a():
            name = html.escape(request.args["n"])
            sqlite3.connect("d").execute("SELECT '" + name + "'")
            return name
        """
    )
    assert found == {("python.sql-injection", 6)}


def test_loop_break_keeps_the_value_found_in_the_loop() -> None:
    found = _rules(
        """\
        from flask import request
        @app.route("/a", methods=["POST"])
        def a():
            param = ""
            for name in request.form.keys():
                if "x" in request.form.getlist(name):
                    param = name
                    break
            eval(param)
            return "ok"
        """
    )
    assert found == {("python.code-injection", 9)}


def test_newer_fstring_syntax_is_repaired_so_the_rest_of_the_file_is_analysed() -> None:
    found = _rules(
        """\
        from flask import request
        @app.route("/a")
        def a():
            d = {"k": request.args["x"]}
            msg = f"value {d["k"]}"
            eval(d["k"])
            return "ok"
        """
    )
    assert ("python.code-injection", 6) in found


def test_a_half_typed_argument_inside_a_call_is_repaired_so_the_rest_is_analysed() -> None:
    # The coder is typing a new argument: a lone name inside the call's brackets. A `pass`
    # cannot stand there; the line is dropped instead, and the flow below is still found.
    found = _rules(
        """\
        from flask import request
        @app.route("/a")
        def a():
            value = dict(
                ke
                key=request.args["x"],
            )
            eval(value["key"])
            return "ok"
        """
    )
    assert ("python.code-injection", 8) in found


def test_shlex_split_argument_vector_without_shell_is_not_command_injection() -> None:
    assert (
        _rules(
            """\
        import shlex, subprocess
        from flask import request
        @app.route("/a")
        def a():
            subprocess.run(shlex.split("grep -r " + request.args["q"]))
            return "ok"
        """
        )
        == set()
    )


def test_allow_comment_and_rule_settings_apply_to_python_rules() -> None:
    text = textwrap.dedent(
        """\
        import os
        from flask import request
        os.system(request.args["a"])  # aigentflow: allow[python.command-injection]
        os.system(request.args["b"])
        """
    )
    settings = ReviewSettings()
    engine = ReviewEngine([PythonPack()], settings)
    assert [f.line for f in engine.check_text("app.py", text)] == [4]
    disabled = ReviewSettings(rules={"python.command-*": RuleSettings(enabled=False)})
    assert ReviewEngine([PythonPack()], disabled).check_text("app.py", text) == []


def test_fingerprint_survives_lines_moving() -> None:
    text = 'import os\nfrom flask import request\nos.system(request.args["a"])\n'
    [before] = _check(text)
    [after] = _check("\n\n# moved\n" + text)
    assert before.fingerprint == after.fingerprint and after.line == before.line + 3


def test_unparseable_file_gives_no_findings_rather_than_an_error() -> None:
    assert _check("def broken(:\n    pass\n" * 30) == []


def test_json_responses_are_not_cross_site_scripting() -> None:
    assert (
        _rules(
            """\
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/a")
        def a():
            return {"echo": request.args["q"]}
        @app.route("/b")
        def b():
            return [request.args["q"]], 200
        """
        )
        == set()
    )


def test_a_file_named_on_the_command_line_is_not_path_traversal_but_a_shell_command_still_is() -> None:
    assert _rules(
        """\
        import os, sys
        with open(sys.argv[1]) as handle:
            handle.read()
        os.system("cat " + sys.argv[2])
        """
    ) == {("python.command-injection", 4)}


def test_form_feed_characters_do_not_shift_finding_lines() -> None:
    text = 'import os\n\x0c\nfrom flask import request\nos.system(request.args["a"])\n'
    [finding] = _check(text)
    assert (finding.line, finding.column) == (4, 1)
