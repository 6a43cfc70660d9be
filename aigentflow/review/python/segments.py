"""A Python file as a sequence of top-level *segments*, parsed one by one and reused across edits.

A segment is one top-level statement with its decorators and the comments and blank lines
after it: a function, a class, or module-level code. While a coder types inside one function
only that segment's text changes, so the next review re-parses (and re-analyses) that segment
and reuses the syntax trees of the others from the previous version of the file.

Splitting is textual (a line starts a segment when it begins at column 0 with code, outside a
multi-line string, and does not continue a compound statement). A wrong split cannot go
unnoticed: the first half of a statement cut in two never parses, and then the whole file is
parsed as before (`SegmentedModule.stmts` returns None and callers fall back).
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from aigentflow.review.blockscan import BlockMatches
from aigentflow.review.lineheads import heads_of_lines, line_ends, line_start
from aigentflow.review.python.parsing import Positions, parse_python, parse_repairing

__all__ = [
    "STRINGS_AND_COMMENTS",
    "Segment",
    "SegmentedModule",
    "line_offsets",
    "multiline_spans",
    "split_segments",
]

SegmentKind = Literal["def", "class", "other"]

# Comments and string literals, so that text inside a multi-line string never starts a segment.
# The string bodies are unrolled (runs of plain characters between escapes) rather than one
# character per alternation: a third faster on real files.
STRINGS_AND_COMMENTS = re.compile(
    r"#[^\r\n]*"
    r"|(?P<triple>\"\"\"[^\"\\]*(?:(?:\\.|\"(?!\"\"))[^\"\\]*)*\"\"\""
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*''')"
    r"|\"[^\"\\\r\n]*(?:\\.[^\"\\\r\n]*)*\"|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'",
    re.S,
)
# What `STRINGS_AND_COMMENTS` reads between two triple-quoted strings (code, comments, one-line
# strings), consumed by one match, and the triple-quoted string that follows it.
_UP_TO_TRIPLE = re.compile(
    r"(?:[^#\"']++|#[^\r\n]*+"
    r"|\"(?!\"\")[^\"\\\r\n]*+(?:\\.[^\"\\\r\n]*+)*+\"|'(?!'')[^'\\\r\n]*+(?:\\.[^'\\\r\n]*+)*+')*+",
    re.S,
)
_TRIPLE = re.compile(
    r"\"\"\"[^\"\\]*(?:(?:\\.|\"(?!\"\"))[^\"\\]*)*\"\"\"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.S
)
_NOT_AT_COLUMN_0 = "#)]}"  # first characters (besides blanks) of lines that start no statement
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")
_NOT_CODE = ("", " ", "\t", "\r", "\n", "#", "@")  # blank, comment and decorator lines: not a header
_HEADER = re.compile(r"(?:async[ \t]+)?(def|class)\b")
_KEYWORD = re.compile(r"(def|class)\b")
_DEF_NAME_AT = re.compile(r"def[ \t]+(\w+)")
_LEAD = re.compile(r"([ \t]*)(?:async[ \t]+)?")
_IMPORT_WORD = re.compile(r"(?:from|import)[ \t]")
_INNER_IMPORT = re.compile(r"[ \t]+(?:from[ \t]+[\w.]+[ \t]+)?import[ \t][^\r\n(]*(?:\([^)]*\))?")


@dataclass(frozen=True)
class Segment:
    """One top-level statement's lines: `start` is its first 1-based line, `stop` one past its last."""

    start: int
    stop: int
    text: str
    kind: SegmentKind
    def_names: tuple[str, ...]  # functions defined anywhere inside (a textual over-approximation)
    imports: tuple[str, ...]  # indented import statements (module code is known whole anyway)


def line_offsets(lines: list[str]) -> list[int]:
    """Offset of each line's first character, and the text's length last."""
    return list(itertools.accumulate(map(len, lines), initial=0))


def multiline_spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the multi-line (triple-quoted) strings of `text`, as a scan
    with `STRINGS_AND_COMMENTS` finds them.

    What lies between two of them is skipped by one match: twice as fast as a match object per
    comment and string. A quote that starts no string the fast reading knows (one left open
    while typing) hands the rest of the text to the plain scan.
    """
    starts: list[int] = []
    ends: list[int] = []
    at, size = 0, len(text)
    while True:
        skipped = _UP_TO_TRIPLE.match(text, at)  # never None: it may match nothing
        at = skipped.end() if skipped is not None else at
        if at >= size:
            return starts, ends
        triple = _TRIPLE.match(text, at)
        if triple is None:
            break
        starts.append(at)
        ends.append(triple.end())
        at = triple.end()
    for match in STRINGS_AND_COMMENTS.finditer(text, at):
        if match.lastgroup == "triple":
            starts.append(match.start())
            ends.append(match.end())
    return starts, ends


def _def_names(text: str) -> tuple[str, ...]:
    """Names of the functions defined in `text`, at any depth."""
    if "def" not in text:  # most module-level code: a scan in C instead of a search
        return ()
    return tuple(match.group(1) for match, _ in heads_of_lines(text, _DEF_NAME_AT, _LEAD))


def _inner_imports(text: str) -> tuple[str, ...]:
    """Indented `import` and `from … import` statements of `text`."""
    return tuple(statement for _, statement in _inner_import_spans(text))


def _inner_import_spans(text: str) -> list[tuple[int, str]]:
    """(offset, statement) of each indented import statement of `text` (textual: one in a
    docstring counts too)."""
    if "import" not in text:  # every import statement says so; prose says "from" often
        return []
    ends = line_ends(text)
    found: list[tuple[int, str]] = []
    done = 0
    for word in _IMPORT_WORD.finditer(text):
        offset = word.start()
        start = line_start(text, offset, ends)
        if offset < done or start == offset or text[start:offset].strip(" \t"):
            continue  # inside the last statement, at column 0, or not at the head of its line
        statement = _INNER_IMPORT.match(text, start)
        if statement is not None:
            found.append((offset, statement.group().strip()))
            done = statement.end()
    return found


def _first_code_line(lines: list[str], begin: int, end: int) -> str:
    """The first of lines[begin:end] that is neither blank, a comment nor a decorator ('' if none)."""
    for index in range(begin, end):
        if lines[index][:1] not in _NOT_CODE:
            return lines[index]
    return ""


def split_segments(
    text: str,
    lines: list[str],
    reuse: dict[str, Segment] | None = None,
    spans: tuple[list[int], list[int]] | None = None,
    line_starts: list[int] | None = None,
) -> list[Segment]:
    """The segments of a module's text (`lines` as the parser splits them); `reuse` holds the
    previous version's segments by text, whose derived fields need no recomputing; `spans`
    the multi-line strings and `line_starts` the lines' offsets (`line_offsets`), computed
    when not given."""
    span_starts, span_ends = spans if spans is not None else multiline_spans(text)
    line_starts = line_starts if line_starts is not None else line_offsets(lines)
    bounds: list[int] = [0]  # line indexes where segments start
    has_code = False
    pending_decorator = False
    # Lines with code at column 0: not blank, a comment or a closing bracket (a loop over the
    # lines' first characters costs a third of a regex search for them in the text).
    at_column_0 = [
        index
        for index, line in enumerate(lines)
        if line and not line[0].isspace() and line[0] not in _NOT_AT_COLUMN_0
    ]
    for index in at_column_0:
        offset = line_starts[index]
        if index and lines[index - 1].rstrip("\r\n").endswith("\\"):
            continue  # a backslash continuation
        inside = bisect.bisect_right(span_starts, offset) - 1
        if (inside >= 0 and span_ends[inside] > offset) or _CONTINUES.match(text, offset):
            continue
        decorator = text[offset] == "@"
        if has_code and not (pending_decorator and (decorator or _HEADER.match(text, offset))):
            bounds.append(index)
        has_code = True
        pending_decorator = decorator
    bounds.append(len(lines))
    segments: list[Segment] = []
    for a, b in itertools.pairwise(bounds):
        if a == b:
            continue
        body = text[line_starts[a] : line_starts[b]]  # the lines' text: they tile it
        known = reuse.get(body) if reuse else None
        if known is not None:  # the same text in the previous version: only its place may differ
            segments.append(Segment(a + 1, b + 1, body, known.kind, known.def_names, known.imports))
            continue
        header = _HEADER.match(_first_code_line(lines, a, b))
        kind: SegmentKind = "other" if header is None else ("def" if header.group(1) == "def" else "class")
        segments.append(
            Segment(
                start=a + 1,
                stop=b + 1,
                text=body,
                kind=kind,
                def_names=_def_names(body),
                imports=_inner_imports(body) if kind != "other" else (),
            )
        )
    return segments


def _parse_segment(path: str, segment: Segment, *, repair: bool) -> list[ast.stmt] | None:
    """The statements of one segment at their real line numbers, or None when it does not parse.

    With `repair`, a segment that does not parse is repaired on its own (the offending line
    blanked, as for a whole file): a segment being typed is often briefly invalid, and one
    half-typed line then costs one segment's parse, not the file's.
    """
    # Blank lines in front put every node on its real line without a second walk.
    padded = "\n" * (segment.start - 1) + segment.text
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(padded).body
    except (SyntaxError, ValueError):
        if not repair:
            return None
    except (RecursionError, MemoryError):
        return None
    repaired = parse_repairing(path, padded)
    if repaired is None or not repaired.body:
        return None
    first = min(
        [repaired.body[0].lineno, *(d.lineno for d in getattr(repaired.body[0], "decorator_list", ()))]
    )
    return repaired.body if first >= segment.start else None


@dataclass
class SegmentedModule:
    """One version of a Python file: its lines, segments and (lazily) their statements."""

    path: str
    text: str
    lines: list[str]
    line_starts: list[int]  # offset of each line's first character, and the text's length last
    segments: list[Segment]
    string_spans: tuple[list[int], list[int]] = field(default_factory=lambda: ([], []), repr=False)
    _stmts: dict[int, list[ast.stmt]] = field(default_factory=dict, repr=False)
    _previous: dict[tuple[int, str], list[ast.stmt]] = field(default_factory=dict, repr=False)
    _code_matches: dict[re.Pattern[str], BlockMatches] = field(default_factory=dict, repr=False)
    _whole_tried: bool = False
    usable: bool = True  # False once the split proved wrong for this text: callers use the whole tree

    @cached_property
    def starts(self) -> list[int]:
        return [s.start for s in self.segments]

    @cached_property
    def positions(self) -> Positions:
        """AST positions to text positions, sharing this version's lines and their offsets."""
        return Positions(self.text, self.lines, self.line_starts[:-1])

    def in_string(self, offset: int) -> bool:
        """Whether a text offset lies inside a multi-line string."""
        starts, ends = self.string_spans
        inside = bisect.bisect_right(starts, offset) - 1
        return inside >= 0 and ends[inside] > offset

    def count_in_code(self, pattern: re.Pattern[str], begin: int, end: int) -> int:
        """Matches of `pattern` starting in text[begin:end] outside multi-line strings (docstrings)."""
        found = self._code_matches.get(pattern)
        if found is None:
            spans = self.string_spans
            found = self._code_matches[pattern] = BlockMatches(self.text, pattern, self.line_starts, spans)
        return found.count(begin, end)

    def import_stmts(self, index: int) -> list[ast.stmt] | None:
        """The import statements inside a def or class segment, parsed from their own text: a
        segment is not parsed only to learn what its functions import. None when they do not
        parse that way (a backslash continuation): parse the segment then."""
        segment = self.segments[index]
        base = self.line_starts[segment.start - 1]
        texts = [t for at, t in _inner_import_spans(segment.text) if not self.in_string(base + at)]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = ast.parse("\n".join(texts)).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return parsed if all(isinstance(stmt, ast.Import | ast.ImportFrom) for stmt in parsed) else None

    def function_extents(self, index: int) -> list[tuple[int, int]]:
        """(def line, bound) for each function in a segment, read from the text: the function
        ends before `bound`, the next `def`/`class` line indented no deeper, or the segment's end.
        An upper bound (statements at that indentation may end it sooner), never an under-estimate."""
        segment = self.segments[index]
        base = self.line_starts[segment.start - 1]
        heads: list[tuple[int, int, bool]] = []  # (line, indentation, is a def)
        for match, indent in heads_of_lines(segment.text, _KEYWORD, _LEAD):
            if not self.in_string(base + match.start()):
                line = bisect.bisect_right(self.line_starts, base + match.start())  # any line ending
                heads.append((line, indent, match.group(1) == "def"))
        extents: list[tuple[int, int]] = []
        for k, (line, indent, is_def) in enumerate(heads):
            if is_def:
                bound = next((later for later, depth, _ in heads[k + 1 :] if depth <= indent), segment.stop)
                extents.append((line, bound))
        return extents

    def segment_at(self, line: int) -> int:
        """Index of the segment holding a 1-based line (the last one past the end)."""
        return max(0, bisect.bisect_right(self.starts, line) - 1)

    def stmts(self, index: int) -> list[ast.stmt] | None:
        """Statements of segment `index`; None when segments cannot be parsed on their own."""
        if not self.usable:
            return None
        found = self._stmts.get(index)
        if found is not None:
            return found
        segment = self.segments[index]
        found = self._previous.get((segment.start, segment.text))
        if found is None:
            # Repair alone only a segment the coder is typing in: one that started on the same
            # line in the previous version (a split that went wrong is never repaired away).
            typing = any(start == segment.start for start, _ in self._previous)
            found = _parse_segment(self.path, segment, repair=typing)
        if found is None:
            # Not valid on its own: a wrong split, or broken code in a file seen for the first
            # time. The whole parse repairs the second and detects the first.
            if not self._whole_tried:
                self._distribute_whole()
                return self._stmts.get(index) if self.usable else None
            self.usable = False
            return None
        self._stmts[index] = found
        return found

    def whole_tree(self) -> ast.Module | None:
        """The module's tree: the segments' statements together, or the file parsed whole."""
        body: list[ast.stmt] = []
        for index in range(len(self.segments)):
            stmts = self.stmts(index)
            if stmts is None:
                return parse_python(self.path, self.text)
            body.extend(stmts)
        return ast.Module(body=body, type_ignores=[])

    def prefetch(self, indexes: Iterable[int]) -> None:
        """Parse these segments ahead of `stmts`, adjacent ones together: one parse of a run of
        segments costs less than one per segment (and the blank lines in front of each).
        Failures are left to `stmts`. (Parsing a new file whole when most of it was wanted cost
        more than the runs: the rest is never read, now that the quality rules read text.)"""
        todo = sorted(
            i
            for i in set(indexes)
            if i not in self._stmts and (self.segments[i].start, self.segments[i].text) not in self._previous
        )
        if not todo or not self.usable:
            return
        runs: list[list[int]] = []
        for index in todo:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        for run in runs:
            if len(run) > 1:
                self._parse_run(run)

    def _parse_run(self, run: list[int]) -> None:
        first = self.segments[run[0]]
        text = "".join(self.segments[i].text for i in run)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body = ast.parse("\n" * (first.start - 1) + text).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        groups = self._group(body, run)
        if groups is not None:
            for index in run:
                self._stmts.setdefault(index, groups[index])

    def _group(self, body: list[ast.stmt], indexes: list[int]) -> dict[int, list[ast.stmt]] | None:
        """Top-level statements by segment, or None when they do not line up with the split."""
        groups: dict[int, list[ast.stmt]] = {i: [] for i in indexes}
        for stmt in body:
            first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            index = self.segment_at(first)
            last = stmt.end_lineno or stmt.lineno
            if index not in groups or last >= self.segments[index].stop:
                return None  # a statement crosses a boundary: the split was wrong
            groups[index].append(stmt)
        if any(not groups[i] and self.segments[i].kind != "other" for i in indexes):
            return None
        return groups

    def _distribute_whole(self) -> None:
        """Parse the file once and hand each top-level statement to its segment."""
        self._whole_tried = True
        tree = parse_python(self.path, self.text)
        groups = None if tree is None else self._group(tree.body, list(range(len(self.segments))))
        if groups is None:
            self.usable = False
            return
        for index, stmts in groups.items():  # segments parsed alone stay as they are
            self._stmts.setdefault(index, stmts)

    def remember(self) -> dict[tuple[int, str], list[ast.stmt]]:
        """Parsed statements keyed by (start line, text), for the next version to reuse."""
        return {
            (self.segments[i].start, self.segments[i].text): stmts
            for i, stmts in self._stmts.items()
            if self.usable
        }

    def top_def_name(self, index: int) -> str | None:
        """The name a `def` segment binds at module level (read from its text)."""
        segment = self.segments[index]
        if segment.kind != "def":
            return None
        return next(
            (m.group(1) for m, indent in heads_of_lines(segment.text, _DEF_NAME_AT, _LEAD) if not indent),
            None,
        )
