"""Structured test results: JUnit XML (pytest, node --test, go-junit, …) and jest/vitest JSON.

Results are read from the runner's structured report, never scraped from its console text,
whenever the runner can write one. Each case carries the node id a targeted re-run needs.
"""

from __future__ import annotations

import contextlib
import json
import re
import xml.etree.ElementTree as ET
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

__all__ = ["CaseOutcome", "TestCase", "parse_jest_json", "parse_junit_xml"]

_MAX_DETAIL = 8000


class CaseOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # an assertion failed
    ERROR = "error"  # the test could not run (collection, fixture, import)
    SKIPPED = "skipped"


class TestCase(BaseModel):
    """One test's outcome, with what a fixer and a re-run need."""

    __test__ = False  # not a pytest test class

    id: str = Field(description="Runner node id: 'tests/test_x.py::TestA::test_b' or 'file > name'.")
    name: str
    file: str | None = None  # path relative to the project root, POSIX
    line: int | None = None  # 1-based line of the test's definition when known
    outcome: CaseOutcome
    message: str = ""  # one-line failure message
    details: str = ""  # traceback / long representation, bounded
    duration_s: float = 0.0

    @property
    def failed(self) -> bool:
        return self.outcome in (CaseOutcome.FAILED, CaseOutcome.ERROR)


def _clip(text: str, limit: int = _MAX_DETAIL) -> str:
    # keep the end: the innermost frame and the error line are at the bottom of a traceback
    return text if len(text) <= limit else "…" + text[-limit:]


def _pytest_node_id(classname: str, name: str, file: str | None) -> str:
    """Rebuild pytest's node id from xunit1 attributes (file + dotted classname)."""
    if not file:
        return name
    module = file[:-3].replace("/", ".") if file.endswith(".py") else file
    if not classname and name == module:  # a collection error names the module itself
        return file
    rest = classname[len(module) :].lstrip(".") if classname.startswith(module) else ""
    return "::".join([file, *([p for p in rest.split(".") if p]), name])


_STACK_PATH = re.compile(r"\(?(?:file://)?(/[^\s():]+):(\d+):\d+")


def _file_from_stack(case: ET.Element, root: Path) -> tuple[str | None, str | None]:
    """Runners that omit the file (node --test) still name it in the failure's stack."""
    text = "".join(case.itertext())
    found: list[tuple[str, str]] = []
    for match in _STACK_PATH.finditer(text):
        try:
            rel = Path(match.group(1)).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            continue
        if "node_modules" not in rel:
            found.append((rel, str(int(match.group(2)) - 1)))
    # the test's own file, not the source file the innermost frame is in
    tests = [item for item in found if re.search(r"(\.test\.|\.spec\.|(^|/)test_|(^|/)tests?/)", item[0])]
    chosen = tests or found
    return chosen[0] if chosen else (None, None)


def _case_from_element(case: ET.Element, root: Path | None) -> TestCase:
    name = case.get("name", "")
    classname = case.get("classname", "")
    file = case.get("file")
    if file and root is not None and Path(file).is_absolute():
        with contextlib.suppress(ValueError):
            file = Path(file).resolve().relative_to(root.resolve()).as_posix()
    line = case.get("line")
    if file is None and root is not None:
        file, line = _file_from_stack(case, root)
    outcome, message, details = CaseOutcome.PASSED, "", ""
    for tag, kind in (("failure", CaseOutcome.FAILED), ("error", CaseOutcome.ERROR)):
        node = case.find(tag)
        if node is not None:
            outcome = kind
            message = (node.get("message") or "").strip()
            details = _clip((node.text or "").strip())
            break
    else:
        if case.find("skipped") is not None:
            outcome = CaseOutcome.SKIPPED
    if not message and details:
        message = details.strip().splitlines()[-1]
    return TestCase(
        id=_pytest_node_id(classname, name, file),
        name=name,
        file=file,
        line=int(line) + 1 if line and line.isdigit() else None,  # xunit1 lines are 0-based
        outcome=outcome,
        message=message.splitlines()[0][:500] if message else "",
        details=details,
        duration_s=float(case.get("time") or 0.0),
    )


def parse_junit_xml(path: Path, root: Path | None = None) -> list[TestCase]:
    """Every <testcase> of a JUnit XML report; file paths made relative to `root` when absolute.

    Raises ValueError when the file is not JUnit XML.
    """
    try:
        tree = ET.parse(path)
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not JUnit XML ({exc})") from None
    return [_case_from_element(case, root) for case in tree.getroot().iter("testcase")]


def _jest_outcome(status: str) -> CaseOutcome:
    return {"passed": CaseOutcome.PASSED, "failed": CaseOutcome.FAILED}.get(status, CaseOutcome.SKIPPED)


def parse_jest_json(path: Path, root: Path | None = None) -> list[TestCase]:
    """Cases of a jest (or vitest `--reporter=json`) report; a suite that failed to load is one ERROR case."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    cases: list[TestCase] = []
    for suite in data.get("testResults", []):
        file = str(suite.get("name") or suite.get("testFilePath") or "")
        if root is not None and file and Path(file).is_absolute():
            with contextlib.suppress(ValueError):
                file = Path(file).resolve().relative_to(root.resolve()).as_posix()
        results = suite.get("assertionResults") or suite.get("testResults") or []
        if not results and suite.get("status") == "failed":
            text = str(suite.get("message") or suite.get("failureMessage") or "")
            cases.append(
                TestCase(
                    id=file,
                    name=file,
                    file=file,
                    outcome=CaseOutcome.ERROR,
                    message=(text.strip().splitlines() or [""])[0][:500],
                    details=_clip(text),
                )
            )
        for result in results:
            title = str(result.get("fullName") or result.get("title") or "")
            messages = "\n".join(str(m) for m in result.get("failureMessages") or [])
            location = result.get("location") or {}
            cases.append(
                TestCase(
                    id=f"{file} > {title}",
                    name=title,
                    file=file or None,
                    line=location.get("line"),
                    outcome=_jest_outcome(str(result.get("status", ""))),
                    message=(messages.strip().splitlines() or [""])[0][:500],
                    details=_clip(messages),
                    duration_s=float(result.get("duration") or 0) / 1000,
                )
            )
    return cases
