"""The fixer's context: frames, the failing test, what it calls; bounded by a token budget."""

from __future__ import annotations

from pathlib import Path

from aigentflow.agents.callees import definitions, names_used_by_test
from aigentflow.agents.context import FailureInfo, build_fixer_context
from aigentflow.agents.frames import mentioned_paths, traceback_frames
from tests.agents.samples import make_repo

ASSERTION_DETAILS = """def test_multiply_gives_the_product():
>       assert multiply(4, 5) == 20
E       assert 21 == 20
E        +  where 21 = multiply(4, 5)

tests/test_calc.py:9: AssertionError"""


def failure(
    details: str, test_id: str = "tests/test_calc.py::test_multiply_gives_the_product"
) -> FailureInfo:
    return FailureInfo(
        test_id=test_id,
        test_file="tests/test_calc.py",
        classification="assertion",
        message="assert 21 == 20",
        details=details,
    )


def test_a_wrong_result_brings_the_called_function_although_no_frame_is_in_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    ctx = build_fixer_context(
        root, "r1", "assertion", [failure(ASSERTION_DETAILS)], test_lines={failure("").test_id: 8}
    )
    reasons = [(s.path, s.reason) for s in ctx.snippets]
    assert reasons[0] == ("tests/test_calc.py", "traceback frame")
    assert ("calc.py", "called by the test") in reasons
    multiply = next(s for s in ctx.snippets if s.path == "calc.py" and "def multiply" in s.text)
    assert "return a * b + 1" in multiply.text and multiply.start_line == 11
    assert 0 < ctx.token_estimate <= 8000 and "def multiply" in ctx.render()


def test_the_budget_bounds_the_context_and_counts_what_was_left_out(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    details = "E   padding line\n" * 200 + ASSERTION_DETAILS
    ctx = build_fixer_context(root, "r1", "assertion", [failure(details)], test_lines={}, budget_tokens=800)
    assert ctx.token_estimate <= 800 and ctx.omitted > 0


def test_called_names_come_nearest_the_failing_line_first_with_operator_methods(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        "def test_x():\n    a = make()\n    b = a.load(1)\n    assert b == repr(a)\n    a.close()\n"
    )
    names = names_used_by_test(tmp_path, "test_x.py", 1, failing_line=4)
    assert names[0] == "__eq__" and set(names[1:3]) == {"repr", "__repr__"}
    assert names.index("load") < names.index("make") and "close" in names


def test_definitions_index_the_project_source_but_not_its_tests(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    defs = definitions(root)
    assert defs["multiply"] == [("calc.py", 11, 13)] and defs["clamp"] == [("mathutil.py", 4, 6)]
    assert "test_add_sums_two_numbers" not in defs


def test_frames_are_read_from_pytest_python_and_node_traces(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("x\n" * 20)
    (tmp_path / "calc.js").write_text("x\n" * 20)
    text = (
        "calc.py:7: in add\n"
        f'  File "{tmp_path}/calc.py", line 9, in mul\n'
        f"    at add ({tmp_path}/calc.js:3:10)\n"
        '  File "/usr/lib/python3.11/site-packages/x.py", line 1, in f\n'
    )
    frames = traceback_frames(text, tmp_path)
    assert [(f.path, f.line, f.function) for f in frames] == [
        ("calc.py", 7, "add"), ("calc.py", 9, "mul"), ("calc.js", 3, "add"),
    ]  # fmt: skip
    assert mentioned_paths("cannot import name 'x' from 'calc' (calc.py); see nothere.py", tmp_path) == {
        "calc.py"
    }


def test_the_code_index_adds_chunks_found_for_the_failure_once_it_is_open(tmp_path: Path) -> None:
    from aigentflow.agents.runs import index_retriever
    from aigentflow.context.service import ContextService
    from aigentflow.context.settings import ContextSettings
    from aigentflow.workspace import Workspace

    root = make_repo(tmp_path, "assertion")
    index = ContextService(
        Workspace(root), ContextSettings(embedder="none", index_uri=str(tmp_path / "index"))
    )
    retriever = index_retriever(index)
    lost = FailureInfo(test_id="test_clamping", classification="assertion", message="clamp value low high")
    assert retriever("clamp", 5) == []  # not opened by the daemon yet: the loop never opens it
    index.refresh()
    ctx = build_fixer_context(root, "r1", "assertion", [lost], retriever=retriever)
    assert ("mathutil.py", "found in the index") in [(s.path, s.reason) for s in ctx.snippets]
    assert "index hits added last" in ctx.notes[0]
    index.close()


def test_the_test_under_the_cursor_is_named_by_its_node_id(tmp_path: Path) -> None:
    from aigentflow.agents.callees import test_node_id_at

    (tmp_path / "test_x.py").write_text(
        "import x\n\n\nclass TestThing:\n    def test_a(self):\n        assert 1\n\n\n"
        "def test_b():\n    pass\n"
    )
    assert test_node_id_at(tmp_path, "test_x.py", 6) == "test_x.py::TestThing::test_a"
    assert test_node_id_at(tmp_path, "test_x.py", 10) == "test_x.py::test_b"
    assert test_node_id_at(tmp_path, "test_x.py", 1) is None
