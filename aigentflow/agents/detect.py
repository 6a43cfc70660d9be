"""Detect how a project is built and tested, from its own files; configuration overrides win.

Detection reads files only (no command runs). Python projects are tested with pytest run
through the project's own interpreter (`.venv/bin/python` when present), because pytest gives a
structured JUnit report and node ids for targeted re-runs; tox/nox, npm scripts, go, cargo and
Makefile targets follow.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from aigentflow.agents.settings import CommandOverrides

__all__ = ["ProjectCommands", "RunnerKind", "detect_commands", "project_python"]

RunnerKind = Literal[
    "pytest", "jest", "vitest", "mocha", "node", "tox", "nox", "go", "cargo", "make", "custom"
]

_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", re.MULTILINE)


class ProjectCommands(BaseModel):
    """The commands of one project (argv lists, run without a shell) and where they came from."""

    runner: RunnerKind
    test: list[str]
    build: list[str] | None = None
    source: str = Field(description="What detection was based on, for the report.")


def project_python(root: Path) -> str:
    """The project's interpreter: a local virtualenv's when there is one, else the daemon's."""
    for venv in (".venv", "venv", "env"):
        candidate = root / venv / "bin" / "python"
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _has_pytest(root: Path) -> str | None:
    """The file that shows the project uses pytest, if any."""
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        try:
            data = tomllib.loads(_read(pyproject))
        except tomllib.TOMLDecodeError:
            data = {}
        if "pytest" in data.get("tool", {}):
            return "pyproject.toml [tool.pytest]"
    if (root / "pytest.ini").exists() or (root / "conftest.py").exists():
        return "pytest.ini" if (root / "pytest.ini").exists() else "conftest.py"
    for name, section in (("setup.cfg", "tool:pytest"), ("tox.ini", "pytest")):
        parser = configparser.ConfigParser()
        try:
            parser.read_string(_read(root / name))
        except configparser.Error:
            continue
        if parser.has_section(section):
            return f"{name} [{section}]"
    for folder in (root / "tests", root / "test", root):
        if folder.is_dir() and (any(folder.glob("test_*.py")) or any(folder.glob("*_test.py"))):
            return f"{folder.relative_to(root).as_posix() or '.'}/test_*.py"
    return None


def _node(root: Path) -> ProjectCommands | None:
    package = root / "package.json"
    if not package.exists():
        return None
    try:
        data = json.loads(_read(package))
    except json.JSONDecodeError:
        return None
    scripts: dict[str, str] = data.get("scripts") or {}
    deps = {**(data.get("dependencies") or {}), **(data.get("devDependencies") or {})}
    test_script = scripts.get("test", "")
    build = ["npm", "run", "--silent", "build"] if "build" in scripts else None
    bin_dir = root / "node_modules" / ".bin"
    for tool in ("vitest", "jest", "mocha"):
        if tool in deps or re.search(rf"\b{tool}\b", test_script):
            argv = [str(bin_dir / tool)] if tool != "vitest" else [str(bin_dir / tool), "run"]
            return ProjectCommands(runner=tool, test=argv, build=build, source=f"package.json ({tool})")
    if re.search(r"\bnode\s+--test\b", test_script):
        return ProjectCommands(
            runner="node", test=["node", "--test"], build=build, source="package.json (node --test)"
        )
    if test_script:
        return ProjectCommands(
            runner="custom", test=["npm", "test", "--silent"], build=build, source="package.json"
        )
    return None


def _make_targets(root: Path) -> set[str]:
    for name in ("GNUmakefile", "makefile", "Makefile"):
        if (root / name).exists():
            return set(_MAKE_TARGET.findall(_read(root / name)))
    return set()


def detect_commands(root: Path, overrides: CommandOverrides | None = None) -> ProjectCommands | None:
    """The project's build and test commands, or None when nothing recognisable is found."""
    targets = _make_targets(root)
    make_build = ["make", "build"] if "build" in targets else None
    found = _detect(root, make_build, targets)
    if overrides is None or (overrides.test is None and overrides.build is None):
        return found
    if overrides.test is None and found is None:
        return None
    test = overrides.test or (found.test if found else [])
    runner: RunnerKind = (
        found.runner if found and overrides.test is None else _runner_of(overrides.test or [])
    )
    build = overrides.build if overrides.build is not None else (found.build if found else None)
    return ProjectCommands(runner=runner, test=test, build=build, source="configuration (fix.commands)")


def _runner_of(argv: list[str]) -> RunnerKind:
    """Recognise pytest in an overridden command, so its results stay structured."""
    joined = " ".join(Path(a).name for a in argv[:3])
    return "pytest" if re.search(r"\bpytest\b", joined) else "custom"


def _detect(root: Path, make_build: list[str] | None, targets: set[str]) -> ProjectCommands | None:
    if (why := _has_pytest(root)) is not None:
        return ProjectCommands(
            runner="pytest", test=[project_python(root), "-m", "pytest"], build=make_build, source=why
        )
    if (root / "tox.ini").exists():
        return ProjectCommands(runner="tox", test=["tox"], build=make_build, source="tox.ini")
    if (root / "noxfile.py").exists():
        return ProjectCommands(runner="nox", test=["nox"], build=make_build, source="noxfile.py")
    if (node := _node(root)) is not None:
        return node if node.build or not make_build else node.model_copy(update={"build": make_build})
    if (root / "go.mod").exists():
        return ProjectCommands(
            runner="go", test=["go", "test", "./..."], build=["go", "build", "./..."], source="go.mod"
        )
    if (root / "Cargo.toml").exists():
        return ProjectCommands(
            runner="cargo", test=["cargo", "test"], build=["cargo", "build"], source="Cargo.toml"
        )
    for target in ("test", "check"):
        if target in targets:
            return ProjectCommands(
                runner="make", test=["make", target], build=make_build, source=f"Makefile ({target})"
            )
    return None
