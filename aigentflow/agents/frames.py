"""Traceback frames out of failure text: pytest's long repr, Python tracebacks, Node stacks.

Only frames inside the project are kept (site-packages and the runner's own files are noise
for a fixer), as project-relative POSIX paths, innermost last.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

__all__ = ["Frame", "mentioned_paths", "traceback_frames"]

_PATTERNS = (
    # pytest: "calc.py:7: in add" / "tests/test_calc.py:5: AssertionError"
    re.compile(r"(?m)^(?P<path>[^\s:\"'][^:\n\"']*?\.(?:py|pyi)):(?P<line>\d+):(?: in (?P<func>[\w.<>]+))?"),
    # CPython: 'File "/x/calc.py", line 7, in add'
    re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>[\w.<>]+))?'),
    # Node/V8: "at add (/x/calc.js:3:10)" / "at /x/calc.js:3:10"
    re.compile(
        r"at (?:(?P<func>[\w.$<>]+) \()?(?:file://)?(?P<path>[^\s()]+?\.(?:[cm]?js|ts|tsx|jsx)):(?P<line>\d+):\d+"
    ),
)
_PATHLIKE = re.compile(r"[\w./-]+\.(?:py|pyi|[cm]?js|ts|tsx|jsx|go|rs|json|toml|ya?ml|cfg|ini)\b")
_NOISE = ("site-packages", "dist-packages", "node_modules", "/lib/python3", "<frozen", "node:internal")


class Frame(BaseModel):
    """One stack frame in a project file (1-based line)."""

    path: str
    line: int
    function: str | None = None


def _relative(raw: str, root: Path) -> str | None:
    if any(noise in raw for noise in _NOISE):
        return None
    path = Path(raw)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            return None
    rel = path.as_posix().removeprefix("./")
    if rel.startswith("../") or not (root / rel).is_file():
        return None
    return rel


def traceback_frames(text: str, root: Path) -> list[Frame]:
    """Project frames in the order they appear (outermost first), without exact duplicates."""
    found: list[tuple[int, Frame]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            rel = _relative(match.group("path"), root)
            if rel is None:
                continue
            frame = Frame(path=rel, line=int(match.group("line")), function=match.group("func"))
            found.append((match.start(), frame))
    found.sort(key=lambda item: item[0])
    frames: list[Frame] = []
    for _, frame in found:
        if frame not in frames:
            frames.append(frame)
    return frames


def mentioned_paths(text: str, root: Path) -> set[str]:
    """Project files named anywhere in a text (frames, `from x (path)` in import errors…)."""
    paths = {frame.path for frame in traceback_frames(text, root)}
    for match in _PATHLIKE.finditer(text):
        rel = _relative(match.group(0), root)
        if rel is not None:
            paths.add(rel)
    return paths
