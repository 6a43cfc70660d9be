from pathlib import Path

import pytest

from aigentflow.agents.worktree import FixWorktree, GitError, git, repo_root
from tests.agents import samples
from tests.agents.samples import make_repo


def test_a_worktree_snapshots_uncommitted_and_untracked_changes(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")  # the bug is an uncommitted change
    (root / "notes.py").write_text("N = 1\n")  # untracked
    before = samples.git(root, "status", "--porcelain")
    tree = FixWorktree.create(root, "run1", tmp_path / "wt")
    assert tree.branch == "aigentflow/fix-run1"
    assert "a * b + 1" in (tree.path / "calc.py").read_text() and (tree.path / "notes.py").exists()
    assert tree.diff() == "" and tree.changed_files() == []
    assert samples.git(root, "status", "--porcelain") == before
    tree.remove()


def test_a_fix_is_a_diff_against_the_snapshot_and_reset_drops_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    tree = FixWorktree.create(root, "run2", tmp_path / "wt")
    (tree.path / "calc.py").write_text((tree.path / "calc.py").read_text().replace("a * b + 1", "a * b"))
    (tree.path / "extra.py").write_text("E = 1\n")
    assert tree.changed_files() == ["calc.py", "extra.py"]
    assert "-    return a * b + 1" in tree.diff()
    tree.reset()
    assert tree.changed_files() == [] and not (tree.path / "extra.py").exists()
    tree.remove()


def test_accept_applies_the_fix_to_the_working_tree_and_removes_the_worktree(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    tree = FixWorktree.create(root, "run3", tmp_path / "wt")
    (tree.path / "calc.py").write_text((tree.path / "calc.py").read_text().replace("a * b + 1", "a * b"))
    assert "a * b + 1" in (root / "calc.py").read_text()  # untouched until accepted
    assert tree.accept() == ["calc.py"]
    assert "a * b + 1" not in (root / "calc.py").read_text()
    assert not tree.path.exists()
    assert "aigentflow/fix-run3" not in samples.git(root, "branch", "--list")
    assert samples.git(root, "status", "--porcelain") == ""  # the fix undid the uncommitted bug


def test_reject_removes_the_worktree_and_branch(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    tree = FixWorktree.create(root, "run4", tmp_path / "wt")
    tree.remove()
    assert not tree.path.exists()
    assert samples.git(root, "branch", "--list", "aigentflow/*") == ""
    assert "run4" not in samples.git(root, "worktree", "list")


def test_repository_config_cannot_make_git_run_a_program(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    marker = tmp_path / "ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    samples.git(root, "config", "core.fsmonitor", str(hook))
    git(root, "status", "--porcelain")
    FixWorktree.create(root, "run5", tmp_path / "wt").remove()
    assert not marker.exists()


def test_outside_git_there_is_no_repository(tmp_path: Path) -> None:
    assert repo_root(tmp_path) is None
    with pytest.raises(GitError):
        git(tmp_path, "rev-parse", "HEAD")


def test_a_fix_limited_to_the_patched_files_leaves_build_by_products_out(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    tree = FixWorktree.create(root, "run6", tmp_path / "wt")
    (tree.path / "calc.py").write_text((tree.path / "calc.py").read_text().replace("a * b + 1", "a * b"))
    (tree.path / "build.out").write_text("artifact\n")
    assert tree.changed_files(["calc.py"]) == ["calc.py"] and "build.out" not in tree.diff(["calc.py"])
    assert tree.accept(["calc.py"]) == ["calc.py"]
    assert not (root / "build.out").exists()
