import shutil
from pathlib import Path

import pytest

from aigentflow.agents.check import observe, split_flaky
from aigentflow.agents.classify import FailureClass, classify_failure, error_signature, exception_type
from aigentflow.agents.detect import detect_commands
from aigentflow.agents.results import CaseOutcome, TestCase
from aigentflow.agents.runner import TestRunner
from tests.agents.samples import SEEDS, make_repo

FAST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def case(details: str, message: str = "") -> TestCase:
    return TestCase(id="t::x", name="x", outcome=CaseOutcome.FAILED, message=message, details=details)


def observed_class(tmp_path: Path, name: str) -> str:
    seed = SEEDS[name]
    root = make_repo(tmp_path / name, seed)
    commands = detect_commands(root)
    assert commands is not None
    timeout = float(seed.settings.get("test_timeout_s", 30))  # type: ignore[arg-type]
    runner = TestRunner(commands, timeout, FAST_ENV)
    seen = observe(runner, root)
    failures, flaky = split_flaky(runner, root, seen.failures, 2)
    if flaky and not failures:
        return FailureClass.FLAKY_TEST.value
    kinds = {f.classification.value for f in failures}
    return kinds.pop() if len(kinds) == 1 else f"mixed {sorted(kinds)}"


def test_every_seeded_failure_is_classified_correctly(tmp_path: Path) -> None:
    names = [n for n, s in SEEDS.items() if s.project == "pycalc" or shutil.which("node")]
    results = {name: observed_class(tmp_path, name) for name in names}
    wrong = {n: got for n, got in results.items() if got != SEEDS[n].expected}
    accuracy = 1 - len(wrong) / len(results)
    assert accuracy >= 0.95, wrong
    assert {SEEDS[n].expected for n in names} >= {c.value for c in FailureClass}


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ("E   SyntaxError: expected ':'", FailureClass.SYNTAX_ERROR),
        ("E   IndentationError: unexpected indent", FailureClass.SYNTAX_ERROR),
        ("E   ImportError: cannot import name 'x' from 'calc'", FailureClass.IMPORT_ERROR),
        ("E   ModuleNotFoundError: No module named 'calc.helpers'", FailureClass.IMPORT_ERROR),
        ("E   ModuleNotFoundError: No module named 'calcc'", FailureClass.IMPORT_ERROR),
        ("E   ModuleNotFoundError: No module named 'requests'", FailureClass.ENVIRONMENT),
        ("E   TypeError: unsupported operand", FailureClass.TYPE_ERROR),
        ("E   AttributeError: 'NoneType' object has no attribute 'x'", FailureClass.TYPE_ERROR),
        ("E   assert 3 == 4", FailureClass.ASSERTION),
        ("E   ZeroDivisionError: division by zero", FailureClass.ASSERTION),
        ("E   PermissionError: [Errno 13] Permission denied: '/etc/x'", FailureClass.ENVIRONMENT),
        ("E   ConnectionRefusedError: [Errno 111] Connection refused", FailureClass.ENVIRONMENT),
        ("TypeError: a.plus is not a function\n    at add (/x/calc.js:3:10)", FailureClass.TYPE_ERROR),
        ("Error: Cannot find module './calcs'", FailureClass.IMPORT_ERROR),
        ("Error: Cannot find module 'lodash'", FailureClass.ENVIRONMENT),
    ],
)
def test_failure_texts_map_to_classes(details: str, expected: FailureClass) -> None:
    assert classify_failure(case(details), {"calc", "tests"}) is expected


def test_a_timed_out_run_is_a_timeout() -> None:
    assert classify_failure(case("E   assert 1"), timed_out=True) is FailureClass.TIMEOUT


def test_the_innermost_exception_type_wins() -> None:
    text = "E   KeyError: 'a'\n\nDuring handling...\nE   TypeError: bad"
    assert exception_type(text) == "TypeError"


def test_signatures_ignore_addresses_and_lines_but_not_values() -> None:
    a = case("x", "AssertionError: <obj at 0x7f00aa> line 12 assert 21 == 20")
    b = case("x", "AssertionError: <obj at 0x7f11bb> line 40 assert 21 == 20")
    c = case("x", "AssertionError: <obj at 0x7f11bb> line 40 assert 22 == 20")
    kind = FailureClass.ASSERTION
    assert error_signature(a, kind) == error_signature(b, kind) != error_signature(c, kind)
