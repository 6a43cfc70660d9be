"""`aigentflow fix` through the real CLI entry point (a subprocess), on a real repository."""

from __future__ import annotations

from pathlib import Path

from tests.agents.fake_model import fake_anthropic
from tests.agents.samples import SEEDS, configure, git, make_repo
from tests.helpers import cli

FIX = {
    "explanation": "undo",
    "edits": [{"path": p, "search": s, "replace": r} for p, s, r in SEEDS["assertion"].fix],
}


def test_fix_shows_the_states_live_and_escalates_without_a_model(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    configure(root, None, tmp_path / "wt")
    done = cli("fix", "-w", str(root), timeout=120)
    assert done.returncode == 1, done.stderr
    states = [line.split("]")[1].split()[0] for line in done.stdout.splitlines() if line.startswith("[")]
    assert states == ["IDLE", "BUILDING", "TESTING", "CLASSIFYING", "ESCALATING"]
    assert "assertion     tests/test_calc.py::test_multiply_gives_the_product" in done.stdout
    assert "## Issue draft" in done.stdout


def test_fix_with_a_model_offers_the_diff_and_accept_applies_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    with fake_anthropic([FIX]) as fake:
        configure(root, fake.url, tmp_path / "wt", key_env="AIGENTFLOW_HOME")
        done = cli("fix", "-w", str(root), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "-    return a * b + 1" in done.stdout and "COMPLETE" in done.stdout
    assert git(root, "status", "--porcelain") == " M calc.py\n"
    run_id = done.stdout.split("aigentflow fix --accept ")[1].split("`")[0]
    accepted = cli("fix", "-w", str(root), "--accept", run_id)
    assert accepted.returncode == 0 and "applied to calc.py" in accepted.stdout
    assert git(root, "status", "--porcelain") == ""


def test_tests_only_prints_classified_failures(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "type")
    configure(root, None, tmp_path / "wt")
    done = cli("fix", "--tests-only", "-w", str(root), timeout=120)
    assert done.returncode == 1
    assert "2 passed, 2 failed, 0 flaky" in done.stdout and "type_error" in done.stdout
