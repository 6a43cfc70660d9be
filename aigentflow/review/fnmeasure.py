"""A function's cyclomatic complexity and length read from its text, when the text alone decides.

The quality rules need both only for functions that might pass a threshold, and parsing the
segment that holds one (often a whole class) costs more than the rule. For most functions the
text decides exactly: every decision point of the syntax tree is one keyword (`if`, `elif`,
`for`, `while`, `except`, `assert`, each `and`/`or` of a boolean operation, each `for`/`if`
of a comprehension), and the function ends at its last line of code. A nested `def` or
`class` (with its decorators) is left out of the function's own text, as the syntax tree
leaves it out of the function's own nodes, and the function ends at the first statement
indented no deeper than its `def` (a line that starts outside brackets, strings and backslash
continuations). The text does *not* decide, and `measure` returns None so that the caller
parses, when the function's own code holds
  * a `lambda` (its keywords are not the function's own),
  * `case` (a `case _:` adds nothing; `case` may also be a name),
  * an f-string with a keyword or a quote inside a replacement field (strings are masked,
    their expressions count),
  * indentation by both tabs and spaces, or lone carriage returns as line ends,
  * an unclosed bracket or a trailing backslash at its end (the text was cut inside a
    statement, as when a bracket continuation at column 0 split the file in the wrong place).
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
# The look-aheads on first letters let most positions fail at one character class.
_DECISIONS = re.compile(r"(?=[aefiow])\b(?:if|elif|for|while|and|or|except|assert)\b")
# In the function's own code, after nested definitions are left out (`def`, `class`: a safety net).
_UNDECIDED = re.compile(r"(?=[cdl])\b(?:def|class|lambda|case)\b")
_KEYWORD_IN_FIELD = re.compile(r"\b(?:if|for|and|or|lambda|while)\b")
_NESTED_HEAD = re.compile(r"(?:async[ \t]+)?(?:def|class)\b|@")  # a nested definition or its decorators
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
    body_at = None if code is None else _header_end(code, head.end())
    if code is None or body_at is None:
        return None
    own = _own_lines(code[body_at:].split("\n"), len(head.group(1)))
    if own is None:
        return None
    body, length = own
    if _UNDECIDED.search(body) is not None:
        return None
    header_line = code.count("\n", 0, body_at)  # 0-based line of the `:`
    return Measure(
        head.group(3), head.group(2) is not None, 1 + len(_DECISIONS.findall(body)), header_line + length
    )


def _own_lines(lines: list[str], indent: int) -> tuple[str, int] | None:
    """The function's own code (nested definitions blanked) from the end of its header, and its
    length in lines from the header's last line; `lines` is the masked text from the header's
    `:` on, `indent` the `def`'s indentation. None when the text ends inside a statement."""
    own: list[str] = []
    last = 0  # the last line of the function, counted from the header's last line
    depth = 0  # brackets open at the start of the line
    continued = False  # the line before ends with a backslash
    nested: int | None = None  # indentation of the nested definition being left out
    for number, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        if number and stripped and not depth and not continued and not line.startswith(_STRING_LINE):
            at = len(line) - len(stripped)  # a statement starts here
            if at <= indent:
                break  # the next statement after the function: it ended above
            if nested is not None and at <= nested:
                nested = None
            if nested is None and _NESTED_HEAD.match(stripped):
                nested = at
        own.append(line if nested is None else "")
        if stripped:  # blank and comment lines neither end nor continue anything
            last = number
            depth += line.count("(") + line.count("[") + line.count("{")
            depth -= line.count(")") + line.count("]") + line.count("}")
            continued = line.rstrip().endswith("\\")
            if depth < 0:
                return None
    if depth or continued:
        return None  # the text given ends inside a statement: it is not the whole function
    return "\n".join(own[: last + 1]), last + 1


def _one_indent_kind(text: str) -> bool:
    """Whether lines are indented by tabs or by spaces, not both (lengths then compare depths).
    Lines end at \\n here (`measure` declines lone carriage returns)."""
    tabs = text.startswith("\t") or "\n\t" in text  # `in` scans at memory speed; `^` with re.M
    spaces = text.startswith(" ") or "\n " in text  # would try every position
    return not (tabs and spaces)


def _mask(text: str) -> str | None:
    """`text` with comments blanked and strings' characters replaced by dots; a line that
    starts inside a string begins with `_STRING_LINE`. None for an f-string whose replacement
    fields may hold a decision (an expression the mask would hide)."""
    parts: list[str] = []
    done = 0
    for match in STRINGS_AND_COMMENTS.finditer(text):
        literal = match.group()
        parts.append(text[done : match.start()])
        if literal.startswith("#"):  # a comment
            parts.append(" " * len(literal))
        else:
            start = match.start()
            near = text[max(0, start - 2) : start]  # an f-string's prefix holds an f: most hold none
            prefix = _PREFIX.search(text, max(0, start - 2), start) if "f" in near or "F" in near else None
            if prefix and "f" in prefix.group().lower() and _field_may_count(literal):
                return None
            if "\n" not in literal:
                parts.append("." * len(literal))
            else:
                parts.append(_NOT_LINE_END.sub(".", literal).replace("\n.", "\n" + _STRING_LINE))
        done = match.end()
    parts.append(text[done:])
    return "".join(parts)


def _field_may_count(literal: str) -> bool:
    """Whether a replacement field of an f-string literal holds a keyword, or a quote (a nested
    string could hide a brace, so the field's end is not certain)."""
    at = literal.find("{")
    while at >= 0:
        if literal.startswith("{{", at):
            at = literal.find("{", at + 2)
            continue
        depth, end = 0, at
        for end in range(at, len(literal)):
            if literal[end] == "{":
                depth += 1
            elif literal[end] == "}":
                depth -= 1
                if not depth:
                    break
        field = literal[at : end + 1]
        if "'" in field or '"' in field or _KEYWORD_IN_FIELD.search(field):
            return True
        at = literal.find("{", end + 1)
    return False


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
