"""Classify test failures before anything tries to fix them.

The class decides what happens next: ENVIRONMENT escalates (code is never "fixed" for a missing
tool or network), FLAKY_TEST is decided by the loop from immediate re-runs, everything else may
go to the fixer. Classification reads the exception type of the innermost error and a few
well-known runner messages; it is deterministic and needs no model.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from aigentflow.agents.results import TestCase

__all__ = [
    "FailureClass",
    "classify_failure",
    "error_signature",
    "exception_type",
    "project_modules",
]


class FailureClass(StrEnum):
    SYNTAX_ERROR = "syntax_error"
    IMPORT_ERROR = "import_error"
    TYPE_ERROR = "type_error"
    ASSERTION = "assertion"  # a wrong result or an uncaught runtime error: the code's logic
    FLAKY_TEST = "flaky_test"
    ENVIRONMENT = "environment"
    TIMEOUT = "timeout"
    BUILD_ERROR = "build_error"

    @property
    def fixable(self) -> bool:
        """Whether a code patch is the right answer to this class."""
        return self not in (FailureClass.ENVIRONMENT, FailureClass.FLAKY_TEST, FailureClass.TIMEOUT)


_EXC = re.compile(
    r"(?m)^(?:E\s+)?(?:[\w.]+\.)?(?P<type>[A-Z]\w*(?:Error|Exception|Exit|Expired)|Failed)\b(?::|$)"
)
_JS_EXC = re.compile(r"\b(?P<type>(?:Syntax|Type|Reference|Range)Error|Cannot find module)\b")
_MISSING_MODULE = re.compile(r"No module named '(?P<name>[\w.]+)'")
_JS_MISSING = re.compile(r"Cannot find module '(?P<name>[^']+)'")
_ENV_TEXT = re.compile(
    r"command not found|Permission denied|Name or service not known|Temporary failure in name resolution"
    r"|Network is unreachable|Connection refused|No space left on device|ECONNREFUSED|ENOTFOUND|EACCES",
    re.IGNORECASE,
)

_BY_TYPE: dict[str, FailureClass] = {
    "SyntaxError": FailureClass.SYNTAX_ERROR,
    "IndentationError": FailureClass.SYNTAX_ERROR,
    "TabError": FailureClass.SYNTAX_ERROR,
    "ImportError": FailureClass.IMPORT_ERROR,
    "ModuleNotFoundError": FailureClass.IMPORT_ERROR,
    "TypeError": FailureClass.TYPE_ERROR,
    "AttributeError": FailureClass.TYPE_ERROR,
    "NameError": FailureClass.TYPE_ERROR,
    "UnboundLocalError": FailureClass.TYPE_ERROR,
    "ReferenceError": FailureClass.TYPE_ERROR,
    "FileNotFoundError": FailureClass.ENVIRONMENT,
    "PermissionError": FailureClass.ENVIRONMENT,
    "ConnectionError": FailureClass.ENVIRONMENT,
    "ConnectionRefusedError": FailureClass.ENVIRONMENT,
    "ConnectionResetError": FailureClass.ENVIRONMENT,
    "gaierror": FailureClass.ENVIRONMENT,
    "TimeoutExpired": FailureClass.TIMEOUT,
}


def project_modules(root: Path) -> set[str]:
    """Top-level importable names the project itself provides (root and src/ layouts)."""
    names: set[str] = set()
    for base in (root, root / "src"):
        if not base.is_dir():
            continue
        for entry in base.iterdir():
            if entry.suffix == ".py":
                names.add(entry.stem)
            elif entry.is_dir() and (entry / "__init__.py").exists():
                names.add(entry.name)
            elif entry.is_dir() and not entry.name.startswith(".") and any(entry.glob("*.py")):
                names.add(entry.name)  # namespace package or a tests/ folder
    return names


def exception_type(text: str) -> str | None:
    """The innermost exception type named in a failure text (the last one pytest printed)."""
    matches = list(_EXC.finditer(text)) or list(_JS_EXC.finditer(text))
    if not matches:
        return None
    kind = matches[-1].group("type")
    return "ImportError" if kind == "Cannot find module" else kind


def _import_class(text: str, modules: set[str]) -> FailureClass:
    """A missing third-party package is the environment; a missing project module is the code."""
    if (match := _MISSING_MODULE.search(text)) is not None:
        top = match.group("name").split(".")[0]
        # a near-miss of a project module is a typo in the code, not a missing package
        own = top in modules or bool(difflib.get_close_matches(top, modules, n=1, cutoff=0.8))
        return FailureClass.IMPORT_ERROR if own else FailureClass.ENVIRONMENT
    if (match := _JS_MISSING.search(text)) is not None:
        return FailureClass.IMPORT_ERROR if match.group("name").startswith(".") else FailureClass.ENVIRONMENT
    return FailureClass.IMPORT_ERROR


def classify_failure(case: TestCase, modules: Iterable[str] = (), *, timed_out: bool = False) -> FailureClass:
    """The class of one failing test (FLAKY_TEST and BUILD_ERROR are decided by the loop)."""
    text = f"{case.details}\n{case.message}"
    if timed_out or re.search(r"\bTimeout\b.*(?:>|exceeded)|timed out", case.message, re.IGNORECASE):
        return FailureClass.TIMEOUT
    kind = exception_type(case.details) or exception_type(case.message)
    found = _BY_TYPE.get(kind or "")
    if found is FailureClass.IMPORT_ERROR or (kind == "ImportError"):
        return _import_class(text, set(modules))
    if found is not None:
        return found
    if _ENV_TEXT.search(text) and kind in (None, "OSError", "Failed", "RuntimeError", "CalledProcessError"):
        return FailureClass.ENVIRONMENT
    return FailureClass.ASSERTION


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_ABS_PATH = re.compile(r"(?:/[\w.-]+)+/")
_LINE = re.compile(r"line \d+|:\d+:")


def error_signature(case: TestCase, failure: FailureClass) -> str:
    """A short stable id of "this test failing this way": the same bug gives the same signature.

    Addresses, directories and line numbers are dropped (a fix elsewhere in the file moves
    them); values in the message stay, so a different wrong result is a different signature.
    """
    message = _LINE.sub("", _ABS_PATH.sub("", _ADDRESS.sub("", case.message)))
    kind = exception_type(case.details) or ""
    basis = f"{failure.value}\0{case.id}\0{kind}\0{message.strip()}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]
