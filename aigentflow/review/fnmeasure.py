"""A function's cyclomatic complexity and length read from its text, when the text alone decides.

The quality rules need both only for functions that might pass a threshold, and parsing the
segment that holds one (often a whole class) costs more than the rule. For most functions the
text decides exactly: every decision point of the syntax tree is one keyword (`if`, `elif`,
`for`, `while`, `except`, `assert`, each `and`/`or` of a boolean operation, each `for`/`if`
of a comprehension), and the function ends at its last line of code. The text does *not*
decide, and `measure` returns None so that the caller parses, when the function holds
  * a nested `def`, `class` or `lambda` (their keywords are not the function's own),
  * `case` (a `case _:` adds nothing; `case` may also be a name),
  * an f-string with a keyword inside braces (strings are masked, their expressions count),
  * a line of code indented no deeper than the `def` after its header, other than the next
    definition's decorators (code after the function, or a continuation line the reading
    cannot place),
  * indentation by both tabs and spaces, or lone carriage returns as line ends,
  * an unclosed bracket or a trailing backslash (the text was cut inside a statement, as
    when a bracket continuation at column 0 split the file in the wrong place).
Decision words in strings and comments are not counted. `tests/review/test_fnmeasure.py`
checks the result against the syntax tree on every function of a real code base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aigentflow.review.python.segments import STRINGS_AND_COMMENTS

__all__ = ["Measure", "measure"]

# A string literal's prefix, read back from where its quote starts (an f-string's braces matter).
_PREFIX = re.compile(r"(?<!\w)[rRbBuUfF]{1,2}\Z")
_NOT_LINE_END = re.compile(r"[^\n]")
_DECISIONS = re.compile(r"\b(?:if|elif|for|while|and|or|except|assert)\b")
_UNDECIDED = re.compile(r"\b(?:def|class|lambda|case)\b")
_KEYWORD_IN_BRACES = re.compile(r"\{.*\b(?:if|for|and|or|lambda|while)\b", re.S)  # conservative: nesting
_DEF = re.compile(r"([ \t]*)(async[ \t]+)?def[ \t]+(\w+)")
_STRING_LINE = "\x00"  # marks a line that starts inside a string (its indentation is the string's)


@dataclass(frozen=True)
class Measure:
    """What the quality rules read of a function: its name, complexity and length in lines."""

    name: str
    is_async: bool
    complexity: int
    lines: int


def measure(text: str) -> Measure | None:
    """The measure of the function whose text starts with its `def` line (decorators excluded)
    and runs at most to the next definition no deeper than it; None when the text does not
    decide exactly (see the module docstring)."""
    text = text.replace("\r\n", "\n")
    head = _DEF.match(text)
    if head is None or "\r" in text or not _one_indent_kind(text):
        return None
    code = _mask(text)
    if code is None or _UNDECIDED.search(code, head.end()) is not None:
        return None
    body_at = _header_end(code, head.end())
    if body_at is None:
        return None
    indent = len(head.group(1))
    header_line = code.count("\n", 0, body_at)  # 0-based line of the `:`
    last = header_line
    lines = code[body_at:].split("\n")
    for number, line in enumerate(lines[1:], start=header_line + 1):
        if line.startswith(_STRING_LINE):
            last = number  # inside a multi-line string: part of the statement above
            continue
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        if len(line) - len(stripped) <= indent:
            if stripped.startswith("@"):
                break  # the next definition's decorators: the function ended above
            return None  # code beside the function, or a continuation the reading cannot place
        last = number
    body_end = sum(len(line) + 1 for line in lines[: last - header_line + 1])
    body = code[body_at : body_at + body_end]
    if not _closed(body):
        return None  # the text given ends inside a statement: it is not the whole function
    return Measure(head.group(3), head.group(2) is not None, 1 + len(_DECISIONS.findall(body)), last + 1)


def _one_indent_kind(text: str) -> bool:
    """Whether lines are indented by tabs or by spaces, not both (lengths then compare depths)."""
    return not (re.search(r"^\t", text, re.M) and re.search(r"^ ", text, re.M))


def _mask(text: str) -> str | None:
    """`text` with comments blanked and strings' characters replaced by dots; a line that
    starts inside a string begins with `_STRING_LINE`. None for an f-string whose braces hold
    a keyword (an expression the mask would hide)."""
    parts: list[str] = []
    done = 0
    for match in STRINGS_AND_COMMENTS.finditer(text):
        literal = match.group()
        parts.append(text[done : match.start()])
        if literal.startswith("#"):  # a comment
            parts.append(" " * len(literal))
        else:
            prefix = _PREFIX.search(text, max(0, match.start() - 2), match.start())
            if prefix and "f" in prefix.group().lower() and _KEYWORD_IN_BRACES.search(literal):
                return None
            dots = _NOT_LINE_END.sub(".", literal)
            parts.append(dots.replace("\n.", "\n" + _STRING_LINE) if "\n" in dots else dots)
        done = match.end()
    parts.append(text[done:])
    return "".join(parts)


def _closed(code: str) -> bool:
    """Whether every bracket opened in `code` is closed and it does not end in a backslash
    continuation (a function cut short by a wrong split of its file fails this)."""
    opened = sum(code.count(c) for c in "([{")
    return opened == sum(code.count(c) for c in ")]}") and not code.rstrip().endswith("\\")


def _header_end(code: str, at: int) -> int | None:
    """Offset just past the `:` that ends the header starting before `at` (brackets balanced)."""
    depth = 0
    for index in range(at, len(code)):
        char = code[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == ":" and depth == 0:
            return index + 1
    return None
