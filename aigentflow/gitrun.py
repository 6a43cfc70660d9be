"""Running git safely: every call is an argv list (no shell), with `core.fsmonitor` off and hooks
pointed at /dev/null, because a repository's own config could otherwise make git run programs
it names. Shared by the fix worktrees (`agents.worktree`) and the index's edit times
(`context.recency`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from aigentflow.errors import AigentflowError

__all__ = ["GitError", "git"]

_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"]


class GitError(AigentflowError):
    """A git command failed; the message carries git's own error line."""


def git(
    cwd: Path, *args: str, stdin: bytes | None = None, check: bool = True, timeout_s: float = 60.0
) -> str:
    """Run one git command in `cwd` and return its stdout; GitError when it fails and `check`."""
    argv = ["git", *_SAFE, *args]
    try:
        done = subprocess.run(argv, cwd=cwd, input=stdin, capture_output=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]}: {exc}") from None
    if check and done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {error[-1] if error else f'exit {done.returncode}'}")
    return done.stdout.decode(errors="replace")
