"""The files of one workspace: confinement, ignore rules, limits, reading.

Every path that comes from a client goes through `Workspace.resolve`, which resolves
symlinks and refuses anything outside the root. The walk honours `.gitignore` files (at
any depth), `.aigentflow/ignore` and configured patterns, and never follows a symlink out
of the workspace.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from aigentflow.errors import FileSkipped, PathOutsideWorkspace
from aigentflow.settings import WorkspaceSettings

__all__ = ["FileText", "Workspace"]

STATE_GITIGNORE = """\
# Written by Aigentflow: its caches and state stay out of git; the files a team shares do not.
*
!config.yaml
!ignore
!baseline.json
"""
ALWAYS_IGNORED = (".git/", ".aigentflow/", ".hg/", ".svn/", "__pycache__/", "node_modules/", ".venv/")
_BINARY_PROBE = 8192


@dataclass(frozen=True)
class FileText:
    """A file's text and how it was decoded."""

    path: str  # workspace-relative POSIX path
    text: str
    size: int
    invalid_utf8: bool  # undecodable bytes were replaced by U+FFFD


class Workspace:
    """One project root and the rules for which of its files count."""

    def __init__(self, root: Path, settings: WorkspaceSettings | None = None) -> None:
        self.root = root.resolve()
        self.settings = settings or WorkspaceSettings()
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._base = self._build_base_spec()

    # -- paths -------------------------------------------------------------------------

    def resolve(self, path: str | Path) -> Path:
        """The absolute, symlink-resolved path; PathOutsideWorkspace if it leaves the root."""
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = self.root / candidate
        resolved = candidate.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise PathOutsideWorkspace(f"{path}: outside the workspace {self.root}")
        return resolved

    def relpath(self, path: str | Path) -> str:
        """Workspace-relative POSIX path of a path inside the workspace."""
        return self.resolve(path).relative_to(self.root).as_posix()

    # -- ignore rules ------------------------------------------------------------------

    def is_ignored(self, path: str | Path) -> bool:
        """Whether a path inside the workspace is excluded by any ignore rule."""
        rel = self.relpath(path)
        if rel == ".":
            return False
        is_dir = (self.root / rel).is_dir()
        probe = rel + "/" if is_dir else rel
        if self._base.match_file(probe):
            return True
        parts = rel.split("/")
        for depth in range(len(parts)):
            directory = self.root.joinpath(*parts[:depth])
            spec = self._spec_for(directory)
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            if spec.match_file(sub):
                return True
            # a file below an ignored directory is ignored
            for cut in range(depth + 1, len(parts)):
                if spec.match_file("/".join(parts[depth:cut]) + "/"):
                    return True
        return False

    def walk(self, under: str | Path | None = None) -> Iterator[Path]:
        """Every non-ignored regular file below `under` (default: the root), sorted per directory."""
        start = self.resolve(under) if under is not None else self.root
        if start.is_file():
            if not self.is_ignored(start):
                yield start
            return
        yield from self._walk_dir(start)

    def _walk_dir(self, directory: Path) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = path.resolve()
                    if target != self.root and self.root not in target.parents:
                        continue
                    if target.is_dir():  # do not follow directory links: cycles, double counting
                        continue
                is_dir = entry.is_dir()
            except OSError:
                continue
            if self._ignored_entry(path, is_dir):
                continue
            if is_dir:
                yield from self._walk_dir(path)
            elif entry.is_file():
                yield path

    def _ignored_entry(self, path: Path, is_dir: bool) -> bool:
        rel = path.relative_to(self.root).as_posix()
        suffix = "/" if is_dir else ""
        if self._base.match_file(rel + suffix):
            return True
        # only the nearest specs need checking: parents were checked when we descended
        parts = rel.split("/")
        for depth in range(len(parts)):
            spec = self._spec_for(self.root.joinpath(*parts[:depth]))
            if spec is not None and spec.match_file("/".join(parts[depth:]) + suffix):
                return True
        return False

    def _spec_for(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = _read_spec(directory / ".gitignore")
        return self._specs[directory]

    def state_dir(self) -> Path:
        """`.aigentflow/`, created with a `.gitignore` that keeps Aigentflow's caches and state
        (index, state.db, runs) out of git while config.yaml, ignore and baseline.json, which
        a team commits, stay visible. An existing `.gitignore` there is left alone."""
        directory = self.root / ".aigentflow"
        with contextlib.suppress(OSError):  # a read-only checkout: whatever writes there says so
            directory.mkdir(exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text(STATE_GITIGNORE, encoding="utf-8")
        return directory

    def forget_ignore_cache(self) -> None:
        """Re-read ignore files on next use (call when a .gitignore changes)."""
        self._specs.clear()
        self._base = self._build_base_spec()

    def _build_base_spec(self) -> pathspec.GitIgnoreSpec:
        lines = list(ALWAYS_IGNORED) + list(self.settings.ignore)
        own = self.root / ".aigentflow" / "ignore"
        with contextlib.suppress(OSError):
            lines += own.read_text(encoding="utf-8", errors="replace").splitlines()
        return pathspec.GitIgnoreSpec.from_lines(lines)

    # -- reading -----------------------------------------------------------------------

    def read_text(self, path: str | Path) -> FileText:
        """Read a workspace file as text, or raise FileSkipped saying why it was not."""
        resolved = self.resolve(path)
        rel = resolved.relative_to(self.root).as_posix()
        try:
            size = resolved.stat().st_size
            if size > self.settings.max_file_bytes:
                raise FileSkipped(rel, f"{size} bytes is over the {self.settings.max_file_bytes}-byte limit")
            data = resolved.read_bytes()
        except FileNotFoundError:
            raise FileSkipped(rel, "no such file") from None
        except IsADirectoryError:
            raise FileSkipped(rel, "a directory") from None
        except OSError as exc:
            raise FileSkipped(rel, f"unreadable: {exc.strerror or exc}") from None
        return decode_text(rel, data)


def decode_text(rel: str, data: bytes) -> FileText:
    """Decode file bytes as UTF-8, raising FileSkipped for binary content."""
    if b"\0" in data[:_BINARY_PROBE]:
        raise FileSkipped(rel, "binary file")
    try:
        text = data.decode("utf-8")
        invalid = False
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        invalid = True
    if text.startswith("\ufeff"):
        text = text[1:]
    return FileText(path=rel, text=text, size=len(data), invalid_utf8=invalid)


def _read_spec(path: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)
