import json
import sys
from pathlib import Path

from aigentflow.agents.detect import detect_commands
from aigentflow.agents.settings import CommandOverrides


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_pyproject_with_pytest_section_runs_pytest_with_the_projects_python(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n"})
    found = detect_commands(tmp_path)
    assert found is not None and found.runner == "pytest"
    assert found.test == [sys.executable, "-m", "pytest"]
    assert found.source == "pyproject.toml [tool.pytest]"


def test_a_local_virtualenv_interpreter_is_preferred(tmp_path: Path) -> None:
    write(tmp_path, {"tests/test_x.py": "def test_x(): pass\n", ".venv/bin/python": ""})
    found = detect_commands(tmp_path)
    assert found is not None and found.test[0] == str(tmp_path / ".venv/bin/python")


def test_tox_and_nox_projects_without_pytest_config_use_their_runner(tmp_path: Path) -> None:
    tox = write(tmp_path / "a", {"tox.ini": "[tox]\nenv_list = py\n"})
    nox = write(tmp_path / "b", {"noxfile.py": "import nox\n"})
    assert detect_commands(tox).test == ["tox"]  # type: ignore[union-attr]
    assert detect_commands(nox).test == ["nox"]  # type: ignore[union-attr]


def test_package_json_test_runners_are_recognised(tmp_path: Path) -> None:
    for tool, deps in (("jest", {"jest": "^29"}), ("vitest", {"vitest": "^1"}), ("mocha", {"mocha": "^10"})):
        root = write(
            tmp_path / tool,
            {"package.json": json.dumps({"scripts": {"test": tool}, "devDependencies": deps})},
        )
        found = detect_commands(root)
        assert found is not None and found.runner == tool
        assert found.test[0] == str(root / "node_modules" / ".bin" / tool)
    node = write(
        tmp_path / "node", {"package.json": json.dumps({"scripts": {"test": "node --test", "build": "tsc"}})}
    )
    found = detect_commands(node)
    assert found is not None and found.runner == "node" and found.build == ["npm", "run", "--silent", "build"]


def test_go_cargo_and_makefile_projects(tmp_path: Path) -> None:
    go = detect_commands(write(tmp_path / "go", {"go.mod": "module x\n"}))
    cargo = detect_commands(write(tmp_path / "rs", {"Cargo.toml": "[package]\nname='x'\n"}))
    make = detect_commands(
        write(tmp_path / "mk", {"Makefile": "VAR := 1\nbuild:\n\tcc x.c\ncheck: build\n\t./x\n"})
    )
    assert go is not None and go.test == ["go", "test", "./..."] and go.build == ["go", "build", "./..."]
    assert cargo is not None and cargo.test == ["cargo", "test"]
    assert make is not None and make.test == ["make", "check"] and make.build == ["make", "build"]


def test_a_makefile_build_target_is_the_build_step_of_a_python_project(tmp_path: Path) -> None:
    root = write(tmp_path, {"conftest.py": "", "Makefile": "build:\n\techo ok\n"})
    found = detect_commands(root)
    assert found is not None and found.runner == "pytest" and found.build == ["make", "build"]


def test_configuration_overrides_detection_and_keeps_pytest_structured(tmp_path: Path) -> None:
    root = write(tmp_path, {"Makefile": "test:\n\ttrue\n"})
    found = detect_commands(root, CommandOverrides(test=["python3", "-m", "pytest", "-x"], build=["true"]))
    assert found is not None
    assert found.test == ["python3", "-m", "pytest", "-x"] and found.build == ["true"]
    assert found.runner == "pytest" and found.source == "configuration (fix.commands)"


def test_nothing_recognisable_gives_none(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "hi\n"})
    assert detect_commands(tmp_path) is None
