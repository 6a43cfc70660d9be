"""Hint patterns searched by literal heads (RE2) and confirmed by Python's regex find what one
plain alternation finds."""

from __future__ import annotations

import re
import sysconfig
from pathlib import Path

import pytest

import aigentflow
from aigentflow.review.blockscan import BlockMatches
from aigentflow.review.hintscan import HeadedPattern, literal_head
from aigentflow.review.python import taint
from aigentflow.review.python.segments import line_offsets

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.parametrize(
    ("alternative", "head"),
    [
        ("environ", "environ"),
        (r"input\(", "input("),
        (r"\.recv", ".recv"),
        (r"debug(?![ \t]*\()", "debug"),
        (r"ssl[ \t]*=", "ssl"),
        (r"@\s*[\w.]+\.(?:route|get)\b", "@"),
        (r"random\b(?<!\wrandom)", "random"),
        (r"verify(?:_mode)?[ \t]*=", "verify"),
        ("colou?r", "colo"),
        (r"\brandom\b", ""),
    ],
)
def test_the_literal_head_is_what_every_match_starts_with(alternative: str, head: str) -> None:
    assert literal_head(alternative) == head


def test_an_alternative_without_a_literal_head_is_refused() -> None:
    with pytest.raises(ValueError, match="literal"):
        HeadedPattern([r"\brandom\b", "environ"])


def _plain(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(alternatives))


def test_the_analysis_hints_find_what_one_plain_alternation_finds_in_real_code() -> None:
    files = sorted(Path(aigentflow.__file__).parent.rglob("*.py"))[:120]
    files += [*sorted((STDLIB / "email").glob("*.py")), STDLIB / "http" / "server.py"]
    texts = [f.read_text(encoding="utf-8") for f in files]
    texts.append("# café\nif request.args and DEBUG:\n    logging.DEBUG\n    os.environ['é']\n")  # not ASCII
    assert any(not t.isascii() for t in texts)
    web = taint._LOCAL_HINTS + taint._WEB_ONLY_HINTS
    checked = 0
    for text in texts:
        starts = line_offsets(text.splitlines(keepends=True))
        for headed, plain in ((taint._HINTS, _plain(taint._LOCAL_HINTS)), (taint._WEB_HINTS, _plain(web))):
            assert (headed.search(text) is None) == (plain.search(text) is None)
            fast, slow = BlockMatches(text, headed, starts), BlockMatches(text, plain, starts)
            for first in range(0, len(starts) - 1, 5):
                for last in (first + 2, first + 30):
                    if last < len(starts):
                        checked += 1
                        assert fast.any(starts[first], starts[last]) == slow.any(starts[first], starts[last])
    assert checked > 10_000


def test_word_boundaries_written_as_look_behinds_keep_their_meaning() -> None:
    hints = HeadedPattern([r"random\b(?<!\wrandom)", r"req\b(?<!\wreq)"])
    found = [m.group() for m in hints.finditer("import random; prandom; req.args; my_req; randomize")]
    assert found == ["random", "req"]
