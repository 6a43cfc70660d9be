"""Parse once, share everywhere: a small cache of Python ASTs keyed by the text itself."""

from __future__ import annotations

import ast
import itertools
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator

__all__ = [
    "Positions",
    "iter_statements",
    "module_statements",
    "parse_python",
    "parse_repairing",
    "split_lines",
]

_CACHE: OrderedDict[tuple[str, str], ast.Module | None] = OrderedDict()  # a few recent files
_STATEMENTS: dict[int, tuple[ast.Module, list[ast.stmt]]] = {}
_LOCK = threading.Lock()
_MAX = 4


def parse_python(path: str, text: str) -> ast.Module | None:
    """The AST of `text`, or None when it does not parse; repeated calls share one tree."""
    key = (path, text)  # str hashes are cached; equal keys compare by memcmp
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    tree = parse_repairing(path, text)
    with _LOCK:
        _CACHE[key] = tree
        while len(_CACHE) > _MAX:
            _, evicted = _CACHE.popitem(last=False)
            _STATEMENTS.pop(id(evicted), None)
    return tree


def module_statements(tree: ast.Module) -> list[ast.stmt]:
    """Every statement of a cached module, computed once and shared by the rule packs."""
    with _LOCK:
        found = _STATEMENTS.get(id(tree))
        if found is not None and found[0] is tree:
            return found[1]
    stmts = list(iter_statements(tree))
    with _LOCK:
        if any(cached is tree for cached in _CACHE.values()):  # only trees the cache keeps alive
            _STATEMENTS[id(tree)] = (tree, stmts)
    return stmts


_MAX_REPAIRS = 20
_BLOCKS = ("body", "orelse", "finalbody")


def iter_statements(node: ast.AST) -> Iterator[ast.stmt]:
    """Every statement under `node`, nested blocks included, without visiting expressions
    (an order of magnitude fewer nodes than `ast.walk`)."""
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.stmt):
            yield current
        for field in _BLOCKS:
            block = getattr(current, field, None)
            if block:
                stack.extend(reversed(block))
        if isinstance(current, ast.Try | ast.TryStar):
            stack.extend(reversed(current.handlers))
        elif isinstance(current, ast.Match):
            stack.extend(reversed(current.cases))


def parse_repairing(path: str, text: str) -> ast.Module | None:
    """Parse; on a syntax error blank the offending line (keeping its indentation) and retry:
    first as `pass`, then, if the error stays there (inside brackets), as an empty line.

    Code being typed is often briefly invalid, and newer syntax (PEP 701 f-strings) fails on
    older interpreters: losing one line beats losing every finding of the file.
    """
    lines: list[str] | None = None
    if "f'" in text or 'f"' in text:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(text, filename=path)
        except (SyntaxError, ValueError):
            lines = [_requote_fstrings(line) for line in text.splitlines(keepends=True)]
        except (RecursionError, MemoryError):
            return None
    for _ in range(_MAX_REPAIRS):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes in user code are not our business
                return ast.parse(text if lines is None else "".join(lines), filename=path)
        except (SyntaxError, ValueError) as exc:
            if lines is None:
                lines = text.splitlines(keepends=True)
            number = getattr(exc, "lineno", None)
            if not number or not 0 < number <= len(lines):
                return None
            original = lines[number - 1]
            stripped = original.lstrip()
            indent = original[: len(original) - len(stripped)]
            keyword = "return None" if stripped.startswith("return") else "pass"
            replacement = f"{indent}{keyword}\n"
            if replacement == original:
                # A statement cannot stand there: inside brackets the line can go. Indentation
                # errors would only cascade down the block, one whole parse per line.
                if isinstance(exc, IndentationError) or original == "\n":
                    return None
                replacement = "\n"
            lines[number - 1] = replacement
        except (RecursionError, MemoryError):
            return None
    return None


def _requote_fstrings(line: str) -> str:
    """Python 3.12 f-strings reuse their own quote inside `{}` (`f'{d['k']}'`); older parsers
    need the other quote. Same length, so every position stays put."""
    if "f'" not in line and 'f"' not in line:
        return line
    out = list(line)
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "#":
            break
        if ch in "'\"":
            if line.startswith(ch * 3, i):
                return "".join(out)  # triple-quoted strings: leave the line alone
            prefix_start = i
            while prefix_start > 0 and line[prefix_start - 1] in "fFrRbBuU":
                prefix_start -= 1
            is_f = "f" in line[prefix_start:i].lower() and (
                prefix_start == 0 or not line[prefix_start - 1].isalnum()
            )
            i = _scan_string(line, out, i, ch, is_f)
            continue
        i += 1
    return "".join(out)


def _scan_string(line: str, out: list[str], start: int, quote: str, is_f: bool) -> int:
    other = "'" if quote == '"' else '"'
    depth = 0
    i = start + 1
    while i < len(line):
        ch = line[i]
        if ch == "\\" and depth == 0:
            i += 2
            continue
        if is_f and ch == "{":
            depth = depth + 1 if not (depth == 0 and line.startswith("{{", i)) else depth
            if depth == 0:
                i += 2
                continue
        elif is_f and ch == "}" and depth:
            depth -= 1
        elif ch == quote:
            if depth == 0:
                return i + 1
            out[i] = other
        i += 1
    return i


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Line boundaries of str.splitlines that are not the parser's (form feed, separators, …).
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text`, each with its ending, split where the parser splits them."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends=True)  # the same lines, at C speed
    lines: list[str] = _LINE.findall(text)
    return lines


class Positions:
    """Converts AST positions (UTF-8 byte columns) into 1-based code-point columns."""

    def __init__(self, text: str, lines: list[str] | None = None, starts: list[int] | None = None) -> None:
        # Only \n, \r\n and \r end lines for the parser; str.splitlines() would also split at
        # form feeds and other separators and shift every later line number.
        self.lines: list[str] = lines if lines is not None else _LINE.findall(text)
        self._starts: list[int] | None = starts  # `lines`' first offsets, when already known

    @property
    def starts(self) -> list[int]:
        """Offset of each line's first character (for offset -> line with bisect)."""
        if self._starts is None:
            self._starts = list(itertools.accumulate((len(line) for line in self.lines), initial=0))[:-1]
        return self._starts

    def column(self, line: int, byte_offset: int) -> int:
        if not 0 < line <= len(self.lines):
            return byte_offset + 1
        text = self.lines[line - 1]
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1

    def start(self, node: ast.AST) -> tuple[int, int]:
        line = int(getattr(node, "lineno", 1))
        return line, self.column(line, int(getattr(node, "col_offset", 0)))

    def end(self, node: ast.AST) -> tuple[int, int]:
        end_line = getattr(node, "end_lineno", None)
        line = int(end_line) if end_line is not None else int(getattr(node, "lineno", 1))
        offset = getattr(node, "end_col_offset", None)
        if offset is None:
            return line, self.column(line, int(getattr(node, "col_offset", 0))) + 1
        return line, self.column(line, offset)

    def segment(self, node: ast.AST) -> str:
        (line, col), (end_line, end_col) = self.start(node), self.end(node)
        if line == end_line:
            return self.lines[line - 1][col - 1 : end_col - 1]
        parts = [
            self.lines[line - 1][col - 1 :],
            *self.lines[line : end_line - 1],
            self.lines[end_line - 1][: end_col - 1],
        ]
        return "".join(parts)
