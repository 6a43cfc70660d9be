"""BlockMatches answers range questions as a whole-text scan would, scanning blocks lazily."""

from __future__ import annotations

import random
import re
from pathlib import Path

from aigentflow.review.blockscan import BlockMatches
from aigentflow.review.python.parsing import Positions

WORDS = re.compile(r"(?=[acefiow])\b(?:if|elif|for|while|and|or|except|case|assert)\b")


def test_counts_and_presence_equal_a_whole_text_scan_for_ranges_of_lines() -> None:
    text = "".join(
        p.read_text() for p in sorted(Path(__file__).parents[2].joinpath("aigentflow").rglob("*.py"))
    )
    starts = Positions(text).starts
    every = [m.start() for m in WORDS.finditer(text)]
    matches = BlockMatches(text, WORDS, starts)
    rng = random.Random(7)
    for _ in range(300):
        a, b = sorted(rng.sample(range(len(starts)), 2))
        begin, end = starts[a], starts[b] if rng.random() < 0.9 else len(text)
        expected = sum(1 for offset in every if begin <= offset < end)
        assert matches.count(begin, end) == expected
        assert matches.any(begin, end) == (expected > 0)
    assert matches.count(0, 0) == 0 and not matches.any(len(text), len(text))


def test_only_the_blocks_asked_about_are_scanned_and_matches_in_left_out_spans_are_dropped() -> None:
    text = "if x:\n    pass\n" * 1_000  # 2,000 lines: 32 blocks of 64 lines
    starts = Positions(text).starts
    half = len(text) // 2
    matches = BlockMatches(text, WORDS, starts, outside=([half], [len(text)]))
    assert matches.count(starts[1_100], starts[1_110]) == 0  # in the half left out
    assert matches.count(starts[100], starts[110]) == 5  # lines 101-110: five `if`s
    assert len(matches._blocks) == 2
    assert matches.count(0, len(text)) == 500
    assert len(matches._blocks) == 32


def test_left_out_spans_drop_exactly_the_matches_that_start_inside_them() -> None:
    text = "".join(
        p.read_text()
        for p in sorted(Path(__file__).parents[2].joinpath("aigentflow", "review").rglob("*.py"))
    )
    starts = Positions(text).starts
    rng = random.Random(11)
    bounds = sorted(rng.sample(range(len(text)), 400))  # spans of every length, some touching
    spans = (bounds[0::2], bounds[1::2])
    inside = {o for s, e in zip(*spans, strict=True) for o in range(s, e)}
    kept = [m.start() for m in WORDS.finditer(text) if m.start() not in inside]
    matches = BlockMatches(text, WORDS, starts, outside=spans)
    for _ in range(300):
        a, b = sorted(rng.sample(range(len(starts)), 2))
        begin, end = starts[a], starts[b]
        assert matches.count(begin, end) == sum(1 for offset in kept if begin <= offset < end)
