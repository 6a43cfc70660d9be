"""Run build and test commands: argv lists, never a shell, with a timeout and a bounded output.

`run_command` is the only place a project command starts. A timed-out command is killed with
its whole process group (test runners spawn workers). `TestRunner` adds the flags that make a
runner write a structured report, and turns a list of failing ids into a targeted re-run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from aigentflow.agents.detect import ProjectCommands
from aigentflow.agents.results import CaseOutcome, TestCase, parse_jest_json, parse_junit_xml

__all__ = ["CommandResult", "TestRun", "TestRunner", "run_command", "run_environment"]

_MAX_OUTPUT = 64_000


class CommandResult(BaseModel):
    argv: list[str]
    exit_code: int | None = Field(description="None when the command could not start or timed out.")
    output: str = ""  # stdout and stderr interleaved, the last _MAX_OUTPUT characters
    timed_out: bool = False
    missing: str | None = Field(
        default=None, description="Why the program could not start (not found, not executable)."
    )
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of project commands: the daemon's, without bytecode or colour noise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "CI": "1", "NO_COLOR": "1", "FORCE_COLOR": "0"})
    env.update(extra or {})
    return env


def run_command(
    argv: Sequence[str], cwd: Path, timeout_s: float, env: Mapping[str, str] | None = None
) -> CommandResult:
    """Run `argv` in `cwd` (no shell) and wait at most `timeout_s`; never raises for the command's failure."""
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else run_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a timeout can kill the whole group
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        return CommandResult(argv=list(argv), exit_code=None, missing=f"{argv[0]}: {exc.strerror or exc}")
    try:
        out, _ = process.communicate(timeout=timeout_s)
        timed_out = False
    except subprocess.TimeoutExpired:
        _kill_group(process)
        out, _ = process.communicate()
        timed_out = True
    text = out.decode("utf-8", errors="replace")
    return CommandResult(
        argv=list(argv),
        exit_code=None if timed_out else process.returncode,
        output=text[-_MAX_OUTPUT:],
        timed_out=timed_out,
        duration_s=time.monotonic() - started,
    )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


class TestRun(BaseModel):
    """One test run: the command's result and the per-test outcomes."""

    __test__ = False

    result: CommandResult
    cases: list[TestCase] = Field(default_factory=list)
    structured: bool = Field(default=False, description="Cases came from a structured report.")

    @property
    def failures(self) -> list[TestCase]:
        return [case for case in self.cases if case.failed]

    @property
    def passed(self) -> bool:
        return not self.failures and not self.result.timed_out and self.result.missing is None


class TestRunner:
    """Runs one project's tests with structured reporting and targeted re-runs."""

    __test__ = False

    def __init__(
        self, commands: ProjectCommands, timeout_s: float, env: Mapping[str, str] | None = None
    ) -> None:
        self.commands = commands
        self.timeout_s = timeout_s
        self.env = run_environment(env)

    def build(self, cwd: Path, timeout_s: float) -> CommandResult | None:
        """Run the build command, or None when the project has none."""
        if not self.commands.build:
            return None
        return run_command(self.commands.build, cwd, timeout_s, self.env)

    def run(self, cwd: Path, targets: Sequence[str] = ()) -> TestRun:
        """Run the tests in `cwd` (all, or only `targets`: node ids or test files)."""
        with tempfile.TemporaryDirectory(prefix="aigentflow-report-") as tmp:
            report = Path(tmp) / "report"
            argv = self._argv(report, list(targets))
            result = run_command(argv, cwd, self.timeout_s, self.env)
            cases, structured = self._cases(report, cwd)
        if not structured or (not cases and not result.ok and not _no_tests(self.commands, result)):
            cases = _synthetic(result) if not result.ok else []
        return TestRun(result=result, cases=cases, structured=structured)

    def _argv(self, report: Path, targets: list[str]) -> list[str]:
        runner, base = self.commands.runner, list(self.commands.test)
        if runner == "pytest":
            flags = ["-o", "junit_family=xunit1", f"--junitxml={report}.xml", "-p", "no:cacheprovider", "-q"]
            return [*base, *flags, *targets]
        if runner == "jest":
            files = sorted({t.split(" > ")[0] for t in targets})
            return [*base, "--json", f"--outputFile={report}.json", "--ci", *files]
        if runner == "vitest":
            files = sorted({t.split(" > ")[0] for t in targets})
            return [*base, "--reporter=json", f"--outputFile={report}.json", *files]
        if runner == "node":
            files = sorted({t.split("::")[0] for t in targets})
            return [*base, "--test-reporter=junit", f"--test-reporter-destination={report}.xml", *files]
        return base  # no structured report, no targeting: the whole command again

    def _cases(self, report: Path, cwd: Path) -> tuple[list[TestCase], bool]:
        xml, js = report.with_suffix(".xml"), report.with_suffix(".json")
        try:
            if xml.exists() and xml.stat().st_size:
                return parse_junit_xml(xml, cwd), True
            if js.exists() and js.stat().st_size:
                return parse_jest_json(js, cwd), True
        except (ValueError, OSError):
            pass
        return [], False


def _no_tests(commands: ProjectCommands, result: CommandResult) -> bool:
    return commands.runner == "pytest" and result.exit_code == 5  # pytest: nothing collected


def _synthetic(result: CommandResult) -> list[TestCase]:
    """One failure standing for a run that failed without a structured report."""
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    if result.missing:
        message = result.missing
    elif result.timed_out:
        message = "timed out"
    else:
        message = lines[-1] if lines else f"exit code {result.exit_code}"
    return [
        TestCase(
            id="<test command>",
            name=" ".join(result.argv),
            outcome=CaseOutcome.ERROR,
            message=message[:500],
            details=result.output[-8000:],
        )
    ]
