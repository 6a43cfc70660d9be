"""Isolated git worktrees where fixes are tried: the user's working tree is never touched.

Every git call goes through `gitrun.git()` (no shell, no fsmonitor, no hooks). A fix worktree
starts as a snapshot of the user's working tree (HEAD + uncommitted changes + untracked files),
committed on branch `aigentflow/fix-{run_id}`, so the fix's diff is
exactly "worktree vs snapshot". Accepting applies that diff to the user's working tree;
rejecting removes the worktree and its branch.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

from aigentflow.gitrun import GitError, git

__all__ = ["FixWorktree", "GitError", "git", "repo_root"]

logger = logging.getLogger(__name__)

_IDENTITY = [
    "-c",
    "user.name=Aigentflow",
    "-c",
    "user.email=aigentflow@localhost",
    "-c",
    "commit.gpgsign=false",
]


def repo_root(path: Path) -> Path | None:
    """The top of the git working tree containing `path`, or None outside git (or without a commit)."""
    try:
        top = git(path, "rev-parse", "--show-toplevel").strip()
        git(path, "rev-parse", "--verify", "-q", "HEAD")
    except GitError:
        return None
    return Path(top).resolve()


class FixWorktree:
    """One run's worktree: `path` is its top, `branch` its branch, `repo` the user's repository."""

    def __init__(self, repo: Path, path: Path, branch: str) -> None:
        self.repo = repo
        self.path = path
        self.branch = branch
        self._linked: list[str] = []

    def link(self, source: Path, rel: str) -> None:
        """Make `rel` (e.g. node_modules, ignored and never part of a fix) point at the user's copy."""
        target = self.path / rel
        if source.is_dir() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source, target_is_directory=True)
        self._linked.append(rel)

    def _add_all(self) -> None:
        git(self.path, "add", "-A", "--", ".", *(f":(exclude){rel}" for rel in self._linked))

    @staticmethod
    def branch_for(run_id: str) -> str:
        return f"aigentflow/fix-{run_id}"

    @classmethod
    def create(cls, repo: Path, run_id: str, base_dir: Path) -> FixWorktree:
        """A new worktree holding a snapshot of the user's working tree (reused when it exists)."""
        path = (base_dir / run_id).resolve()
        branch = cls.branch_for(run_id)
        if (path / ".git").exists():
            return cls(repo, path, branch)
        base_dir.mkdir(parents=True, exist_ok=True)
        git(repo, "worktree", "add", "-q", "-b", branch, str(path), "HEAD")
        tree = cls(repo, path, branch)
        try:
            tree._snapshot()
        except GitError:
            tree.remove()
            raise
        return tree

    def _snapshot(self) -> None:
        changes = git(self.repo, "diff", "--binary", "HEAD").encode()
        if changes.strip():
            git(self.path, "apply", "--binary", "--whitespace=nowarn", "-", stdin=changes)
        untracked = git(self.repo, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
        for rel in filter(None, untracked):
            source, target = self.repo / rel, self.path / rel
            if source.is_file() and not source.is_symlink():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        git(self.path, "add", "-A")
        git(
            self.path,
            *_IDENTITY,
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "aigentflow: snapshot",
        )

    def reset(self) -> None:
        """Back to the snapshot: drop every change a rejected attempt made."""
        git(self.path, "reset", "-q", "--hard", "HEAD")
        git(self.path, "clean", "-fdq", *(f"--exclude={rel}" for rel in self._linked))

    def diff(self, paths: Sequence[str] = ()) -> str:
        """The fix: changes since the snapshot (to `paths` only, when given; top-relative), as a
        binary-safe unified diff. Limiting it to the patched files keeps build and test
        by-products out of the fix."""
        self._add_all()
        return git(self.path, "diff", "--cached", "--binary", "HEAD", "--", *paths)

    def changed_files(self, paths: Sequence[str] = ()) -> list[str]:
        self._add_all()
        out = git(self.path, "diff", "--cached", "--name-only", "HEAD", "--", *paths)
        return [line for line in out.splitlines() if line]

    def accept(self, paths: Sequence[str] = ()) -> list[str]:
        """Apply the fix to the user's working tree, then remove the worktree; the changed files.

        Raises GitError (and changes nothing) when the diff no longer applies, e.g. because the
        user edited the same lines meanwhile.
        """
        files, patch = self.changed_files(paths), self.diff(paths).encode()
        if patch.strip():
            git(self.repo, "apply", "--check", "--binary", "-", stdin=patch)
            git(self.repo, "apply", "--binary", "-", stdin=patch)
        self.remove()
        return files

    def remove(self) -> None:
        """Delete the worktree and its branch; safe to call twice."""
        if self.path.exists():
            git(self.repo, "worktree", "remove", "--force", str(self.path), check=False)
            shutil.rmtree(self.path, ignore_errors=True)
        git(self.repo, "worktree", "prune", check=False)
        git(self.repo, "branch", "-D", "-q", self.branch, check=False)
