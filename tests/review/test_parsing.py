"""Lines are split where Python's parser splits them, whichever way the split is computed."""

from __future__ import annotations

import re

import pytest

from aigentflow.review.python.parsing import split_lines
from aigentflow.review.python.segments import line_offsets

PARSER_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x = 1",
        "x = 1\n",
        "a\r\nb\rc\n\n",
        "page one\n\x0cpage two\n",  # a form feed is not a line end for the parser
        "s = 'a\x0bb\x1cc\x85d\u2028e\u2029f'\ng()\r\n",
        "\n\n\r\r\n",
    ],
)
def test_lines_and_their_offsets_are_the_parsers(text: str) -> None:
    lines = split_lines(text)
    assert lines == PARSER_LINES.findall(text)
    assert "".join(lines) == text
    assert line_offsets(lines)[-1] == len(text)
