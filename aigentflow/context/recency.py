"""Edit recency: when each workspace file was last edited, for the search's recency boost.

`EditRecency` maps workspace-relative paths to the time (Unix seconds) of their last edit.
It is seeded once at start from something that outlives the daemon — the commit times of
`git log` (the last commit touching each file), with files that are modified or untracked in
the working tree at their mtime, or, outside a git repository, every file's mtime — and is
then kept current by the daemon's `file.changed` events (an edit is stamped with the clock at
the event, a deletion forgets the file). `lookup()` takes one clock reading and returns the
`RecencyLookup` that `ranking.fuse` calls per candidate path: seconds since the last edit,
or None for a file never seen edited. The boost it feeds is off by default: replayed git
history showed no gain where the signal is fair (context/README.md "Recency of edit").

Why git and not mtimes alone: a fresh clone, a branch switch or a `git pull` stamps every
touched file with the same mtime, which says nothing about what the developer worked on;
commit times do. git runs through `gitrun.git` (no shell, no fsmonitor, no hooks).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from aigentflow.events import FileChanged
from aigentflow.gitrun import GitError, git
from aigentflow.workspace import Workspace

if TYPE_CHECKING:  # ranking builds pydantic models: not worth importing for a type alias
    from aigentflow.context.ranking import RecencyLookup

__all__ = ["EditRecency", "git_edit_times", "mtime_edit_times", "seed_edit_times"]

logger = logging.getLogger(__name__)

_TIMEOUT_S = 30
_MAX_COMMITS = 1000  # enough history to date every file worked on in months; bounded start-up cost
_COMMIT_MARK = "\x01"


class EditRecency:
    """Last-edit times per workspace-relative path; thread-safe (events on the loop, reads on
    search threads). `clock` returns Unix seconds; tests inject their own."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._times: dict[str, float] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._times)

    def seed(self, times: Mapping[str, float]) -> None:
        """Merge known edit times, keeping the later one where a path is already known (an
        event that arrived while seeding ran is newer than anything the seed read)."""
        with self._lock:
            for path, when in times.items():
                if when > self._times.get(path, float("-inf")):
                    self._times[path] = when

    def record(self, path: str, when: float | None = None) -> None:
        """`path` was edited at `when` (default: now)."""
        stamp = self._clock() if when is None else when
        with self._lock:
            self._times[path] = max(stamp, self._times.get(path, float("-inf")))

    def forget(self, path: str) -> None:
        """`path` no longer exists."""
        with self._lock:
            self._times.pop(path, None)

    def last_edit(self, path: str) -> float | None:
        """Unix time of the last known edit of `path`, None if never seen edited."""
        return self._times.get(path)

    def lookup(self) -> RecencyLookup:
        """Seconds since each path's last edit (None if unknown), against one clock reading:
        a query sees one consistent 'now'. Costs one dict lookup per call."""
        now = self._clock()
        times = self._times

        def age(path: str) -> float | None:
            when = times.get(path)
            return None if when is None else max(0.0, now - when)

        return age

    async def on_file_changed(self, event: FileChanged) -> None:
        """Bus subscriber: an added or modified file was edited now; a deleted one is forgotten."""
        if event.change == "deleted":
            self.forget(event.path)
        else:
            self.record(event.path)

    def seed_from(self, workspace: Workspace) -> int:
        """Seed from git history (or mtimes, see `seed_edit_times`); returns the paths seeded
        (0 if seeding failed: logged, never raised). Blocking: run it in a worker thread."""
        try:
            times = seed_edit_times(workspace)
        except Exception:  # the daemon's index task calls this: an optional prior must not stop it
            logger.exception("edit recency: seeding failed; only file events will date files")
            return 0
        self.seed(times)
        return len(times)


def seed_edit_times(workspace: Workspace, max_commits: int = _MAX_COMMITS) -> dict[str, float]:
    """Edit times to start from: last commit times from `git log`, overlaid by the mtimes of
    files modified or untracked in the working tree; every file's mtime if the workspace is
    not in a git work tree (or git fails)."""
    root = workspace.root
    committed = git_edit_times(root, max_commits)
    if committed is None:
        return mtime_edit_times(workspace)
    dirty = _git_lines(root, "diff", "--name-only", "--relative", "HEAD", "--")
    dirty += _git_lines(root, "ls-files", "--others", "--exclude-standard")
    committed.update(mtime_edit_times(workspace, dirty or []))
    return committed


def git_edit_times(root: Path, max_commits: int = _MAX_COMMITS) -> dict[str, float] | None:
    """Each path's last commit time (committer, Unix seconds) over the newest `max_commits`
    commits, paths relative to `root`; None if `root` is not in a git work tree."""
    out = _git(root, "log", f"-n{max_commits}", f"--format={_COMMIT_MARK}%ct", "--name-only", "--relative")
    if out is None:
        return None
    times: dict[str, float] = {}
    when = 0.0
    for line in out.splitlines():
        if line.startswith(_COMMIT_MARK):
            when = float(line[1:])
        elif line and line not in times:  # newest first: the first time a path shows is its last edit
            times[line] = when
    return times


def mtime_edit_times(workspace: Workspace, paths: list[str] | None = None) -> dict[str, float]:
    """The mtime of each of `paths` (default: every non-ignored file) that exists."""
    found: dict[str, float] = {}
    files = workspace.walk() if paths is None else (workspace.root / p for p in paths)
    for path in files:
        try:
            found[path.relative_to(workspace.root).as_posix()] = path.stat().st_mtime
        except (OSError, ValueError):
            continue  # vanished since it was listed
    return found


def _git_lines(root: Path, *args: str) -> list[str]:
    out = _git(root, *args)
    return [line for line in (out or "").splitlines() if line]


def _git(root: Path, *args: str) -> str | None:
    """git's stdout (a path that is not UTF-8 only fails to match), or None (logged) if git is
    missing, fails or `root` is not a repository."""
    try:
        return git(root, "-c", "core.quotepath=false", *args, timeout_s=_TIMEOUT_S)
    except GitError as exc:
        logger.debug("edit recency: %s", exc)
        return None
