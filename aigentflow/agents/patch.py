"""Structured patches from the fixer: search/replace blocks or a unified diff, validated first.

A patch is applied only when every part of it applies cleanly (each search text found exactly
once, every path inside the tree); otherwise nothing is written and PatchError says why, which
the loop records as the reason the attempt was rejected.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel, Field

from aigentflow.agents.worktree import GitError, git
from aigentflow.errors import AigentflowError

__all__ = ["PatchError", "ProposedPatch", "SearchReplace", "apply_patch", "patch_paths"]

_DIFF_PATH = re.compile(r"^(?:\+\+\+|---) (?:[ab]/)?(?P<path>\S+)", re.MULTILINE)


class PatchError(AigentflowError):
    """A proposed patch does not apply; nothing was written."""


class SearchReplace(BaseModel):
    path: str = Field(description="File path relative to the project root.")
    search: str = Field(description="Exact existing text to replace (empty: create the file).")
    replace: str = Field(description="The new text.")


class ProposedPatch(BaseModel):
    """What the fixer proposes: edits (preferred) or a unified diff, and why."""

    schema_version: str = "1"
    explanation: str = ""
    edits: list[SearchReplace] = Field(default_factory=list)
    diff: str | None = Field(
        default=None, description="Unified diff against the project root (instead of edits)."
    )

    def key(self) -> str:
        """Identity of the patch's content, to recognise a patch proposed twice."""
        body = self.diff or "\0".join(f"{e.path}\0{e.search}\0{e.replace}" for e in self.edits)
        return hashlib.sha256(body.encode()).hexdigest()[:16]


def patch_paths(patch: ProposedPatch) -> list[str]:
    """The files a patch touches, as written in it."""
    if patch.diff:
        return sorted(
            {m.group("path") for m in _DIFF_PATH.finditer(patch.diff) if m.group("path") != "/dev/null"}
        )
    return sorted({edit.path for edit in patch.edits})


def _confined(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if Path(rel).is_absolute() or root.resolve() not in target.parents or ".git" in Path(rel).parts:
        raise PatchError(f"{rel}: outside the project")
    return target


def _locate(text: str, search: str, rel: str) -> tuple[int, int]:
    """Span of the unique occurrence of `search`; trailing whitespace on lines may differ."""
    count = text.count(search)
    if count == 1:
        start = text.index(search)
        return start, start + len(search)
    if count > 1:
        raise PatchError(f"{rel}: search text occurs {count} times; it must be unique")
    pattern = "\n".join(re.escape(line.rstrip()) + r"[ \t]*" for line in search.split("\n"))
    matches = list(re.finditer(pattern, text))
    if len(matches) != 1:
        raise PatchError(
            f"{rel}: search text not found" if not matches else f"{rel}: search text is ambiguous"
        )
    return matches[0].span()


def apply_patch(root: Path, patch: ProposedPatch) -> list[str]:
    """Apply `patch` under `root` (all or nothing); returns the touched files. Raises PatchError."""
    if patch.diff:
        return _apply_diff(root, patch)
    if not patch.edits:
        raise PatchError("the patch is empty")
    pending: dict[Path, str] = {}
    for edit in patch.edits:
        target = _confined(root, edit.path)
        if target in pending:
            text = pending[target]
        elif target.is_file():
            text = target.read_text(encoding="utf-8")
        elif not edit.search:
            text = ""
        else:
            raise PatchError(f"{edit.path}: no such file")
        if not edit.search:
            if text:
                raise PatchError(f"{edit.path}: exists; give a search text to change it")
            pending[target] = edit.replace
            continue
        start, end = _locate(text, edit.search, edit.path)
        pending[target] = text[:start] + edit.replace + text[end:]
    for target, text in pending.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(target.relative_to(root.resolve()).as_posix() for target in pending)


def _apply_diff(root: Path, patch: ProposedPatch) -> list[str]:
    paths = patch_paths(patch)
    for rel in paths:
        _confined(root, rel)
    body = (patch.diff or "").encode()
    if not body.endswith(b"\n"):
        body += b"\n"
    errors = []
    # --recount: models miscount hunk lengths; --unidiff-zero: and often send no context lines.
    # The removed lines must still match the file exactly either way.
    for flags in (["--recount"], ["--recount", "--unidiff-zero"]):
        try:
            git(root, "apply", "--check", *flags, "--whitespace=nowarn", "-", stdin=body)
        except GitError as exc:
            errors.append(str(exc))
            continue
        git(root, "apply", *flags, "--whitespace=nowarn", "-", stdin=body)
        return paths
    raise PatchError(f"the diff does not apply: {errors[0]}")
