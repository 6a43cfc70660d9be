"""The textual split of a module: where its multi-line strings are, read fast or plainly."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

from aigentflow.review.python.segments import STRINGS_AND_COMMENTS, multiline_spans

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _plain_scan(text: str) -> tuple[list[int], list[int]]:
    """Every comment and string read one by one: the definition the fast reading must equal."""
    matches = [m for m in STRINGS_AND_COMMENTS.finditer(text) if m.lastgroup == "triple"]
    return [m.start() for m in matches], [m.end() for m in matches]


def test_multiline_strings_are_those_of_a_plain_scan_in_real_code_and_cut_copies_of_it() -> None:
    files = sorted((STDLIB / "email").rglob("*.py")) + sorted(
        Path(__file__).parents[2].glob("aigentflow/**/*.py")
    )
    rng = random.Random(3)
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert multiline_spans(text) == _plain_scan(text), file
        cut = rng.randrange(len(text) + 1)  # typing leaves strings open: the rest is scanned plainly
        typed = text[:cut] + text[cut + rng.randrange(4) :]
        assert multiline_spans(typed) == _plain_scan(typed), file


def test_multiline_strings_are_those_of_a_plain_scan_in_quote_heavy_noise() -> None:
    pieces = ['"', "'", '"""', "'''", "#", "\n", "\r", "\\", "a", " ", "x = ", "f("]
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(30)))
        assert multiline_spans(text) == _plain_scan(text), repr(text)
