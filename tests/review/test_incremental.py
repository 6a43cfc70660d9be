"""Re-reviewing an edited Python file re-analyses only what the edit touched, and finds exactly
what a review of the whole file from scratch finds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from aigentflow.review.engine import ReviewEngine
from aigentflow.review.packs import default_packs
from aigentflow.review.python import PythonPack
from aigentflow.settings import ReviewSettings

CASES = Path(__file__).parent / "cases"
HELPER_MODULE = """import os
import subprocess
from flask import Flask, request

app = Flask(__name__)


def clean(value):
    return value.replace("'", "")


def run(command):
    subprocess.run(command, shell=True)


@app.route("/a")
def a():
    name = request.args.get("name", "")
    run("ls " + clean(name))
    return "ok"


@app.route("/b")
def b():
    return os.popen("echo " + request.args["x"]).read()
"""


def engine() -> ReviewEngine:
    settings = ReviewSettings()
    return ReviewEngine(default_packs(settings), settings)


def dumped(reviewer: ReviewEngine, path: str, text: str) -> list[dict[str, object]]:
    return [f.model_dump() for f in reviewer.check_text(path, text, use_baseline=False)]


def python_pack(reviewer: ReviewEngine) -> PythonPack:
    return next(p for p in reviewer.packs if isinstance(p, PythonPack))


def edits(text: str, seed: int) -> list[str]:
    """A typing session: characters on a line, new lines, a deleted line, a broken then fixed line."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    body = [
        i
        for i, line in enumerate(lines)
        if line[:1] in (" ", "\t") and line.strip() and not line.rstrip().endswith((":", ",", "(", "\\"))
    ]
    versions: list[str] = []
    for step in range(24):
        i = rng.choice(body)
        i = min(i, len(lines) - 1)
        action = step % 4
        if action == 0:  # a comment typed at the end of a statement
            lines[i] = lines[i].rstrip("\r\n") + f"  # note {step}\n"
        elif action == 1:  # Enter, then a statement: every later line moves
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines.insert(i + 1, f"{indent}_tmp_{step} = {step}\n")
        elif action == 2:  # briefly invalid while typing
            versions.append("".join([*lines[:i], lines[i].rstrip("\r\n") + " (\n", *lines[i + 1 :]]))
        else:  # a line comes out again (moves later lines up)
            lines.insert(i, "\n")
            versions.append("".join(lines))
            del lines[i]
        versions.append("".join(lines))
    return versions


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.py")))
def test_an_edited_file_gets_the_findings_of_a_fresh_whole_review(case: str) -> None:
    text = (CASES / case).read_text(encoding="utf-8")
    typing = engine()
    typing.check_text(case, text, use_baseline=False)
    reused = 0
    for version in edits(text, seed=len(case)):
        assert dumped(typing, case, version) == dumped(engine(), case, version)
        reused += python_pack(typing).last_run[1]
    if text.count("\ndef ") >= 3:  # several top-level functions: most of each review was reused
        assert reused > 0


def test_an_edit_inside_one_function_reanalyses_that_function_only() -> None:
    typing = engine()
    first = dumped(typing, "app.py", HELPER_MODULE)
    assert {f["rule_id"] for f in first} >= {"python.command-injection"}
    edited = HELPER_MODULE.replace('    return "ok"', '    return "okay"')
    assert dumped(typing, "app.py", edited) == dumped(engine(), "app.py", edited)
    analysed, reused = python_pack(typing).last_run
    assert analysed == 1 and reused >= 3


def test_changing_a_helper_reanalyses_its_callers() -> None:
    typing = engine()
    before = dumped(typing, "app.py", HELPER_MODULE)
    assert any(f["rule_id"] == "python.command-injection" and f["line"] == 19 for f in before)
    # The helper becomes a sanitizer of its own: the caller's flow is gone.
    safe = HELPER_MODULE.replace('return value.replace("\'", "")', "return shlex.quote(value)").replace(
        "import os\n", "import os\nimport shlex\n"
    )
    after = dumped(typing, "app.py", safe)
    assert after == dumped(engine(), "app.py", safe)
    assert not any(f["rule_id"] == "python.command-injection" and f["line"] == 19 for f in after)
    # Only the helper's text changes now (the import stays): the caller is re-analysed anyway.
    unsafe_again = safe.replace("return shlex.quote(value)", "return value.strip()")
    assert dumped(typing, "app.py", unsafe_again) == dumped(engine(), "app.py", unsafe_again)
    assert any(f["rule_id"] == "python.command-injection" for f in dumped(typing, "app.py", unsafe_again))
    analysed, _ = python_pack(typing).last_run
    assert analysed == 0  # the same text again: everything reused


def test_moved_findings_carry_their_new_lines_in_positions_messages_and_fixes() -> None:
    typing = engine()
    typing.check_text("app.py", HELPER_MODULE, use_baseline=False)
    shifted = HELPER_MODULE.replace("app = Flask(__name__)\n", "app = Flask(__name__)\n\n\n")
    moved = dumped(typing, "app.py", shifted)
    assert moved == dumped(engine(), "app.py", shifted)
    assert any("(line 21)" in str(f["message"]) for f in moved)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_other_line_endings_split_and_review_the_same(ending: str) -> None:
    text = HELPER_MODULE.replace("\n", ending)
    typing = engine()
    assert dumped(typing, "app.py", text) == dumped(engine(), "app.py", text)
    edited = text.replace('return "ok"', 'return "okay"')
    assert dumped(typing, "app.py", edited) == dumped(engine(), "app.py", edited)
    analysed, reused = python_pack(typing).last_run
    assert analysed == 1 and reused >= 3


def test_a_function_defined_in_module_level_code_follows_its_helper() -> None:
    module = (
        HELPER_MODULE
        + """
if os.environ.get("LEGACY"):

    @app.route("/c")
    def c():
        run("ls " + request.args["y"])
        return "ok"
"""
    )
    typing = engine()
    before = dumped(typing, "app.py", module)
    assert any(f["rule_id"] == "python.command-injection" and f["line"] > 27 for f in before)
    # Only the helper changes: it no longer runs a shell. The module key stays the same.
    safe = module.replace("subprocess.run(command, shell=True)", 'subprocess.run(["ls", command])')
    after = dumped(typing, "app.py", safe)
    assert after == dumped(engine(), "app.py", safe)
    assert not any(f["rule_id"] == "python.command-injection" and f["line"] > 27 for f in after)


SCANNED = '''\
import os
class Shapes:
    """A docstring that says
    def not_a_function(): and
    import not_an_import
    """
    undef = 1  # "def" inside a word is no definition
    async def area(self):
        from math import (
            pi,
            tau,
        )
        import json, re
        return "def inside a string"

    @staticmethod
    def  unit():
        def inner(): pass
        return inner
'''


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_segments_read_definitions_and_inner_imports_at_the_head_of_lines_only(ending: str) -> None:
    from aigentflow.review.python.versions import segmented

    module = segmented(f"shapes{len(ending)}.py", SCANNED.replace("\n", ending))
    shapes = module.segments[1]
    assert shapes.kind == "class"
    # A textual over-approximation: a `def` heading a line inside a docstring counts too.
    assert shapes.def_names == ("not_a_function", "area", "unit", "inner")
    parenthesised = ending.join(["from math import (", "            pi,", "            tau,", "        )"])
    assert shapes.imports == ("import not_an_import", parenthesised, "import json, re")
    # Extents skip definitions inside strings: (def line, bound) per function.
    assert module.function_extents(1) == [(8, 17), (17, 20), (18, 20)]


def test_a_new_class_re_analyses_the_code_that_calls_it() -> None:
    # `Runner(x).go()` follows the method only once Runner is a class of this module. The new
    # class defines no new function name (Other has the same methods): only the set of classes
    # changes, and the route's analysis used no summary of it before.
    module = """\
import subprocess
from flask import Flask, request

app = Flask(__name__)


@app.route("/r")
def r():
    Runner(request.args["cmd"]).go()
    return "ok"


class Other:
    def __init__(self, command):
        self.command = command

    def go(self):
        return self.command
"""
    typing = engine()
    assert not any(f["rule_id"] == "python.command-injection" for f in dumped(typing, "app.py", module))
    runner = (
        "class Runner:\n    def __init__(self, command):\n        self.command = command\n\n"
        "    def go(self):\n        subprocess.run(self.command, shell=True)\n\n\n"
    )
    added = module.replace("class Other:", runner + "class Other:")
    after = dumped(typing, "app.py", added)
    assert after == dumped(engine(), "app.py", added)
    assert any(f["rule_id"] == "python.command-injection" for f in after)


WHOLE_CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))


@pytest.mark.parametrize("case", WHOLE_CASES, ids=lambda p: p.name)
def test_segmented_review_finds_what_a_whole_module_analysis_finds(case: Path) -> None:
    # The segmented path (lazy parsing, stand-ins for unparsed functions) is what every review
    # runs; the whole-module analysis is its fallback. They must not disagree.
    from aigentflow.review.python.pack import _findings, analyze
    from aigentflow.review.rules import SourceFile

    source = SourceFile.of(case.name, case.read_text())
    ctx = analyze(source)
    assert ctx is not None
    whole = sorted((f.line, f.column, f.rule_id, f.message) for f in _findings(ctx, source))
    segmented = sorted((f.line, f.column, f.rule_id, f.message) for f in PythonPack().check(source))
    assert segmented == whole


def test_module_code_calling_a_module_function_is_analysed_alike_both_ways() -> None:
    from aigentflow.review.python.pack import _findings, analyze
    from aigentflow.review.rules import SourceFile

    source = SourceFile.of(
        "tool.py", "import os\nimport sys\n\n\ndef run(cmd):\n    os.system(cmd)\n\n\nrun(sys.argv[1])\n"
    )
    ctx = analyze(source)
    assert ctx is not None
    assert [f.rule_id for f in _findings(ctx, source)] == [f.rule_id for f in PythonPack().check(source)]


FORM_MODULE = """\
import sqlite3

from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Regexp

app = Flask(__name__)


class NameForm(FlaskForm):
    username = StringField("username", validators=[Regexp(r"^[A-Za-z0-9_]{3,20}$")])

    def note(self):
        return "a method the analysis does not read"


@app.route("/u", methods=["POST"])
def user():
    form = NameForm()
    if form.validate_on_submit():
        sqlite3.connect("app.db").execute(f"SELECT * FROM users WHERE name = '{form.username.data}'")
    return "saved"
"""


def test_editing_what_a_view_reads_of_a_form_re_analyses_the_view_and_other_methods_do_not() -> None:
    typing = engine()
    assert not any(f["rule_id"] == "python.sql-injection" for f in dumped(typing, "app.py", FORM_MODULE))
    # The validator goes: the field is free text again, and the view's query is injectable.
    loose = FORM_MODULE.replace('validators=[Regexp(r"^[A-Za-z0-9_]{3,20}$")]', "validators=[]")
    after = dumped(typing, "app.py", loose)
    assert after == dumped(engine(), "app.py", loose)
    assert any(f["rule_id"] == "python.sql-injection" for f in after)
    # An edit inside a method the analysis does not read re-analyses that class alone.
    edited = loose.replace('return "a method', 'return "one method')
    assert dumped(typing, "app.py", edited) == dumped(engine(), "app.py", edited)
    analysed, reused = python_pack(typing).last_run
    assert analysed == 1 and reused >= 1
