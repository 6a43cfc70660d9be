import sys
from pathlib import Path

from aigentflow.agents.detect import ProjectCommands, detect_commands
from aigentflow.agents.results import CaseOutcome
from aigentflow.agents.runner import TestRunner, run_command, run_environment
from tests.agents.samples import make_repo

FAST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def test_commands_run_without_a_shell(tmp_path: Path) -> None:
    result = run_command(
        [sys.executable, "-c", "import sys; print(sys.argv[1])", "a; touch pwned"], tmp_path, 10
    )
    assert result.ok and result.output.strip() == "a; touch pwned"
    assert not (tmp_path / "pwned").exists()


def test_a_command_past_its_timeout_is_killed_with_its_children(tmp_path: Path) -> None:
    # Parent and child block until a signal arrives: only the timeout's kill can end them.
    child = "[sys.executable, '-c', 'import signal; signal.pause()']"
    code = f"import signal, subprocess, sys; subprocess.Popen({child}); signal.pause()"
    result = run_command([sys.executable, "-c", code], tmp_path, 0.5)
    assert result.timed_out and result.exit_code is None


def test_a_missing_program_is_reported_not_raised(tmp_path: Path) -> None:
    result = run_command(["aigentflow-no-such-program"], tmp_path, 5)
    assert result.exit_code is None and result.missing and "aigentflow-no-such-program" in result.missing


def test_the_environment_adds_settings_and_drops_pytest_internals(monkeypatch: object) -> None:
    env = run_environment({"EXTRA": "1"})
    assert env["EXTRA"] == "1" and env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert "PYTEST_CURRENT_TEST" not in env


def test_pytest_results_are_read_from_junit_xml_with_node_ids_and_lines(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    commands = detect_commands(root)
    assert commands is not None
    run = TestRunner(commands, 30, FAST_ENV).run(root)
    assert run.structured and not run.passed
    assert [c.id for c in run.failures] == ["tests/test_calc.py::test_multiply_gives_the_product"]
    failure = run.failures[0]
    assert failure.file == "tests/test_calc.py" and failure.line == 8 and "21 == 20" in failure.message
    assert sum(c.outcome is CaseOutcome.PASSED for c in run.cases) == 3


def test_a_targeted_run_runs_only_the_given_node_ids(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    commands = detect_commands(root)
    assert commands is not None
    run = TestRunner(commands, 30, FAST_ENV).run(root, ["tests/test_calc.py::test_add_sums_two_numbers"])
    assert run.passed and [c.id for c in run.cases] == ["tests/test_calc.py::test_add_sums_two_numbers"]


def test_a_runner_without_a_structured_report_gives_one_failure_with_the_output(tmp_path: Path) -> None:
    commands = ProjectCommands(
        runner="custom", test=[sys.executable, "-c", "print('boom'); raise SystemExit(3)"], source="t"
    )
    run = TestRunner(commands, 10).run(tmp_path)
    assert not run.structured and len(run.failures) == 1
    assert run.failures[0].message == "boom"


def test_pytest_runs_leave_no_cache_or_bytecode_in_the_project(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    commands = detect_commands(root)
    assert commands is not None
    TestRunner(commands, 30, FAST_ENV).run(root)
    assert not (root / ".pytest_cache").exists() and not list(root.rglob("__pycache__"))
