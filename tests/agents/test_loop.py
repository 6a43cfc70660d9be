"""The build-test-fix loop end to end: real git repositories, real pytest runs, a scripted model."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aigentflow.agents.loop import BuildTestFixLoop, backoff_delay
from aigentflow.agents.records import RunRecord, RunState, RunStore
from aigentflow.agents.settings import FixSettings
from tests.agents.fake_model import fake_anthropic
from tests.agents.samples import SEEDS, git, make_repo

MakeLoop = Callable[..., BuildTestFixLoop]


def patch(*edits: tuple[str, str, str], why: str = "fix") -> dict[str, Any]:
    return {"explanation": why, "edits": [{"path": p, "search": s, "replace": r} for p, s, r in edits]}


def correct(seed: str) -> dict[str, Any]:
    return patch(*SEEDS[seed].fix, why=f"undo the {seed} bug")


def multiply_returns(expression: str) -> dict[str, Any]:
    return patch(("calc.py", "    return a * b + 1\n", f"    return {expression}\n"), why=f"try {expression}")


def run(loop: BuildTestFixLoop) -> RunRecord:
    return loop.run(loop.new_record())


def states(record: RunRecord) -> list[str]:
    return [t.state.value for t in record.transitions]


def test_without_a_model_the_loop_classifies_and_escalates_with_the_context_it_would_send(
    tmp_path: Path, make_loop: MakeLoop
) -> None:
    root = make_repo(tmp_path, "assertion")
    before = git(root, "status", "--porcelain")
    record = run(make_loop(root))
    assert states(record) == ["idle", "building", "testing", "classifying", "escalating"]
    assert record.failures[0].classification.value == "assertion"
    report = record.escalation
    assert report is not None and "no model is configured" in report.reason
    assert report.context is not None
    assert any(s.path == "calc.py" and "def multiply" in s.text for s in report.context.snippets)
    assert "test_multiply_gives_the_product" in report.markdown and "## Options" in report.markdown
    assert git(root, "status", "--porcelain") == before
    assert record.worktree is None and git(root, "branch", "--list", "aigentflow/*") == ""


def test_a_correct_patch_completes_and_the_working_tree_is_untouched_until_accepted(
    tmp_path: Path, make_loop: MakeLoop
) -> None:
    root = make_repo(tmp_path, "assertion")
    before = git(root, "status", "--porcelain")
    with fake_anthropic([correct("assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.COMPLETE, record.escalation and record.escalation.reason
    assert states(record)[-4:] == ["bug_fixing", "retesting", "retesting", "complete"]
    assert record.diff and "-    return a * b + 1" in record.diff and record.changed_files == ["calc.py"]
    assert record.attempts[0].outcome == "verified"
    assert git(root, "status", "--porcelain") == before  # nothing applied yet
    assert "test_multiply_gives_the_product" in fake.prompt_text() and "def multiply" in fake.prompt_text()
    assert record.worktree and Path(record.worktree).exists()
    assert (
        git(root, "branch", "--list", "--format=%(refname:short)", "aigentflow/*").strip()
        == f"aigentflow/fix-{record.id}"
    )


def test_a_wrong_patch_three_times_escalates_with_a_full_report(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    wrong = [multiply_returns("a * b + 2"), multiply_returns("a * b - 1"), multiply_returns("a + b")]
    with fake_anthropic(wrong) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING
    assert len(fake.requests) == 3 and len(record.attempts) == 3
    assert all(a.outcome == "rejected" and "still fail" in a.reason and a.diff for a in record.attempts)
    assert "Earlier attempt 1" in fake.prompt_text(1) and "a * b + 2" in fake.prompt_text(2)
    report = record.escalation
    assert report is not None and report.reason == "no verified fix after 3 attempt(s)"
    for text in (
        "Attempt 1",
        "Attempt 3",
        "```diff",
        "Fix manually",
        "Skip the failing tests",
        "Issue draft",
    ):
        assert text in report.markdown
    assert git(root, "branch", "--list", "aigentflow/*") == ""


def test_a_patch_that_breaks_another_test_is_rejected(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    breaking = patch(*SEEDS["assertion"].fix, ("calc.py", "    return a + b\n", "    return a + b + 1\n"))
    with fake_anthropic([breaking]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING and record.diff is None
    assert "makes other tests fail" in record.attempts[0].reason
    assert "test_add_sums_two_numbers" in record.attempts[0].reason


def test_an_import_error_is_classified_and_fixed(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "import")
    with fake_anthropic([correct("import")]) as fake:
        record = run(make_loop(root, fake))
    assert record.failures[0].classification.value == "import_error"
    assert record.state is RunState.COMPLETE and record.changed_files == ["calc.py"]
    assert "from mathutil import clamp\n" in (record.diff or "")


def test_a_syntax_error_is_fixed(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "syntax")
    with fake_anthropic([correct("syntax")]) as fake:
        record = run(make_loop(root, fake))
    assert record.failures[0].classification.value == "syntax_error"
    assert record.state is RunState.COMPLETE


def test_a_build_error_is_fixed_and_the_build_runs_again(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "build")
    with fake_anthropic([correct("build")]) as fake:
        record = run(make_loop(root, fake))
    assert record.failures[0].classification.value == "build_error"
    assert record.state is RunState.COMPLETE and record.changed_files == ["config.json"]


def test_an_environment_error_escalates_without_a_model_call(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "environment")
    with fake_anthropic([correct("assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING and fake.requests == []
    assert record.escalation is not None and "environment problem" in record.escalation.reason
    assert "aigentflow-missing-tool-xyz" in record.escalation.reason


def test_a_timeout_escalates_without_a_model_call(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "timeout")
    with fake_anthropic([correct("assertion")]) as fake:
        record = run(make_loop(root, fake, test_timeout_s=1.5))
    assert record.state is RunState.ESCALATING and fake.requests == []
    assert record.failures[0].classification.value == "timeout"


def test_flaky_tests_are_retried_and_never_sent_to_the_fixer(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "flaky")
    with fake_anthropic([correct("assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.COMPLETE and fake.requests == []
    assert record.flaky == ["tests/test_flaky.py::test_passes_on_the_second_try"]
    assert record.diff is None


def test_the_same_error_after_a_fix_escalates_at_once(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    cosmetic = patch(("calc.py", '"""Product of a and b."""', '"""The product of a and b."""'))
    with fake_anthropic([cosmetic, correct("assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING and len(fake.requests) == 1
    assert record.escalation is not None and "same error recurs" in record.escalation.reason


def test_a_patch_outside_the_failures_scope_escalates(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    elsewhere = patch(("mathutil.py", "    return max(low, min(value, high))", "    return value"))
    with fake_anthropic([elsewhere]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING
    assert (
        record.escalation is not None
        and "outside the failure's scope: mathutil.py" in record.escalation.reason
    )


def test_a_patch_that_changes_the_failing_test_itself_is_out_of_scope(
    tmp_path: Path, make_loop: MakeLoop
) -> None:
    root = make_repo(tmp_path, "assertion")
    cheat = patch(("tests/test_calc.py", "multiply(4, 5) == 20", "multiply(4, 5) == 21"))
    with fake_anthropic([cheat]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING
    assert record.escalation is not None and "tests/test_calc.py" in record.escalation.reason


def test_a_patch_that_adds_a_security_finding_escalates(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    token = "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789"
    leaky = patch(*SEEDS["assertion"].fix, ("calc.py", '"""A tiny', f'TOKEN = "{token}"\n"""A tiny'))
    with fake_anthropic([leaky]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING
    assert record.escalation is not None and "security finding" in record.escalation.reason
    assert token not in record.escalation.reason


def test_a_patch_that_does_not_apply_is_rejected_and_the_next_attempt_runs(
    tmp_path: Path, make_loop: MakeLoop
) -> None:
    root = make_repo(tmp_path, "assertion")
    stale = patch(("calc.py", "    return a * b * 1\n", "    return a * b\n"))
    with fake_anthropic([stale, correct("assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.COMPLETE and len(record.attempts) == 2
    assert record.attempts[0].reason.startswith("does not apply")


def test_every_transition_is_saved_for_inspection(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    seen: list[str] = []
    loop = make_loop(root)
    loop.on_transition = lambda record: seen.append(RunStore(root).load(record.id).state.value)  # type: ignore[union-attr]
    record = run(loop)
    assert seen == states(record)
    saved = RunStore(root).load(record.id)
    assert saved is not None and saved.state is RunState.ESCALATING and saved.escalation is not None
    assert git(root, "status", "--porcelain") == " M calc.py\n"  # the runs folder ignores itself


def test_a_folder_outside_git_is_tested_and_escalated(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    shutil.rmtree(root / ".git")
    with fake_anthropic([correct("assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.state is RunState.ESCALATING and fake.requests == []
    assert record.escalation is not None and "not a git repository" in record.escalation.reason


def test_backoff_doubles_from_the_initial_delay_with_bounded_jitter_and_a_cap() -> None:
    settings = FixSettings(initial_delay_s=1, max_delay_s=3, jitter=0.3)
    rng = random.Random(1)
    for retry, base in ((0, 1.0), (1, 2.0), (2, 3.0), (5, 3.0)):
        delays = [backoff_delay(settings, retry, rng) for _ in range(50)]
        assert all(base * 0.7 <= d <= base * 1.3 for d in delays)
        assert max(delays) - min(delays) > 0  # jittered


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_a_javascript_project_is_tested_with_node_and_fixed(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "js_assertion")
    with fake_anthropic([correct("js_assertion")]) as fake:
        record = run(make_loop(root, fake))
    assert record.commands is not None and record.commands.runner == "node"
    assert record.failures[0].test.id == "calc.test.js::multiply gives the product"
    assert record.state is RunState.COMPLETE and record.changed_files == ["calc.js"]


def test_a_cancelled_run_stops_and_removes_its_worktree(tmp_path: Path, make_loop: MakeLoop) -> None:
    root = make_repo(tmp_path, "assertion")
    loop = make_loop(root)
    loop.cancel.set()
    record = run(loop)
    assert record.state is RunState.CANCELLED and record.worktree is None
    assert (
        git(root, "branch", "--list", "aigentflow/*") == ""
        and git(root, "status", "--porcelain") == " M calc.py\n"
    )
