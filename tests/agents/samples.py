"""Sample projects with seeded bugs, copied into real git repositories for the loop's tests.

Each `Seed` is a set of edits to a pristine sample project (under tests/agents/projects/) that
plants one bug of one class; `fix` holds the edits that undo it (what a correct model says).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PROJECTS", "SEEDS", "Seed", "git", "make_repo"]

PROJECTS = Path(__file__).parent / "projects"

Edit = tuple[str, str, str]  # (path, search, replace); an empty search creates the file


@dataclass(frozen=True)
class Seed:
    name: str
    expected: str  # FailureClass value
    edits: tuple[Edit, ...]
    fix: tuple[Edit, ...] = ()
    project: str = "pycalc"
    settings: dict[str, object] = field(default_factory=dict)


SEEDS: dict[str, Seed] = {
    seed.name: seed
    for seed in (
        Seed(
            "syntax",
            "syntax_error",
            (("calc.py", "def multiply(a, b):", "def multiply(a, b)"),),
            fix=(("calc.py", "def multiply(a, b)\n", "def multiply(a, b):\n"),),
        ),
        Seed(
            "import",
            "import_error",
            (("calc.py", "from mathutil import clamp", "from mathutil import clamp_value"),),
            fix=(("calc.py", "from mathutil import clamp_value", "from mathutil import clamp"),),
        ),
        Seed(
            "type",
            "type_error",
            (("calc.py", "    return a + b\n", "    return a + str(b)\n"),),
            fix=(("calc.py", "    return a + str(b)\n", "    return a + b\n"),),
        ),
        Seed(
            "assertion",
            "assertion",
            (("calc.py", "    return a * b\n", "    return a * b + 1\n"),),
            fix=(("calc.py", "    return a * b + 1\n", "    return a * b\n"),),
        ),
        Seed(
            "flaky",
            "flaky_test",
            (
                (
                    "tests/test_flaky.py",
                    "",
                    "from pathlib import Path\n\n\n"
                    "def test_passes_on_the_second_try():\n"
                    "    marker = Path(__file__).parent.parent / '.flaky-state'\n"
                    "    if not marker.exists():\n"
                    "        marker.write_text('seen')\n"
                    "        raise AssertionError('first run fails')\n",
                ),
            ),
        ),
        Seed(
            "environment",
            "environment",
            (
                (
                    "tests/test_tool.py",
                    "",
                    "import subprocess\n\n\n"
                    "def test_external_tool_answers():\n"
                    "    out = subprocess.run(['aigentflow-missing-tool-xyz', '--version'], check=True)\n"
                    "    assert out.returncode == 0\n",
                ),
            ),
        ),
        Seed(
            "missing_package",
            "environment",
            (
                (
                    "tests/test_plugin.py",
                    "",
                    "import not_installed_package_xyz\n\n\ndef test_plugin():\n    assert True\n",
                ),
            ),
        ),
        Seed(
            "timeout",
            "timeout",
            (("tests/test_slow.py", "", "def test_never_ends():\n    while True:\n        pass\n"),),
            settings={"test_timeout_s": 1.5},
        ),
        Seed(
            "build",
            "build_error",
            (
                ("Makefile", "", "build:\n\tpython3 -c \"import json; json.load(open('config.json'))\"\n"),
                ("config.json", "", '{"precision": 2,}\n'),
            ),
            fix=(("config.json", '{"precision": 2,}\n', '{"precision": 2}\n'),),
        ),
        Seed(
            "js_assertion",
            "assertion",
            (("calc.js", "return a * b;", "return a * b + 1;"),),
            fix=(("calc.js", "return a * b + 1;", "return a * b;"),),
            project="jscalc",
        ),
        Seed(
            "js_type",
            "type_error",
            (("calc.js", "return a + b;", "return a.plus(b);"),),
            project="jscalc",
        ),
    )
}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` (no shell, no hooks, no fsmonitor) and return its stdout."""
    argv = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"]
    argv += ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    done = subprocess.run([*argv, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def apply_edits(root: Path, edits: tuple[Edit, ...]) -> None:
    for path, search, replace in edits:
        target = root / path
        if not search:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(replace)
            continue
        text = target.read_text()
        assert search in text, f"seed edit does not apply to {path}: {search!r}"
        target.write_text(text.replace(search, replace, 1))


def make_repo(
    tmp_path: Path, seed: Seed | str | None = None, *, commit_seed: bool = False, project: str = "pycalc"
) -> Path:
    """A git repository holding a sample project; the seed's bug uncommitted unless `commit_seed`."""
    chosen = SEEDS[seed] if isinstance(seed, str) else seed
    name = chosen.project if chosen else project
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "pristine")
    if chosen is not None:
        apply_edits(root, chosen.edits)
        if commit_seed:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", f"seed {chosen.name}")
    return root


def configure(
    root: Path, model_url: str | None, worktrees: Path, key_env: str = "ANTHROPIC_API_KEY"
) -> dict[str, str]:
    """Commit a project config for fast runs (and a model at `model_url`); the environ to use."""
    import json
    import os

    config: dict[str, object] = {
        "fix": {
            "initial_delay_s": 0.001,
            "max_delay_s": 0.004,
            "flaky_retries": 1,
            "worktree_dir": str(worktrees),
            "env": {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        }
    }
    if model_url is not None:
        chain = [{"provider": "anthropic", "model": "fake-fixer"}]
        config["llm"] = {
            "providers": {"anthropic": {"kind": "anthropic", "base_url": model_url, "api_key_env": key_env}},
            "tiers": {"fast": chain, "strong": chain},
            "retry": {"max_attempts": 1},
        }
    path = root / ".aigentflow" / "config.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(config))  # JSON is YAML
    (root / ".aigentflow" / ".gitignore").write_text("*\n!config.yaml\n!.gitignore\n")
    git(root, "add", ".aigentflow")
    git(root, "commit", "-q", "-m", "aigentflow config")
    if model_url is None:
        return {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    return {**os.environ, "ANTHROPIC_API_KEY": "sk-test-not-a-real-key"}
