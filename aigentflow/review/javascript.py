"""JavaScript/TypeScript structural rules on tree-sitter: DOM XSS sinks, eval, shell commands
and SQL built from interpolated strings. A sink is flagged only when what reaches it is built
at run time (a template with `${}`, a concatenation, a variable), never for a constant."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from aigentflow.review.findings import Finding, Severity
from aigentflow.review.rules import RuleMeta, SourceFile

__all__ = ["JavaScriptPack"]

_LANGS = frozenset({"javascript", "typescript", "tsx"})
A03 = "A03:2021-Injection"


def _rule(rule_id: str, name: str, cwe: int, hint: str, severity: Severity = Severity.HIGH) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        name=name,
        severity=severity,
        message=name,
        cwe=cwe,
        owasp=A03,
        fix_hint=hint,
        languages=_LANGS,
        tags=frozenset({"security"}),
    )


RULES = {
    "html": _rule(
        "js.inner-html",
        "Dynamic HTML assigned to innerHTML/outerHTML",
        79,
        "Assign textContent, or sanitize with DOMPurify.sanitize() first.",
    ),
    "write": _rule(
        "js.document-write",
        "Dynamic HTML written with document.write",
        79,
        "Build DOM nodes (createElement/textContent) instead of document.write.",
    ),
    "react": _rule(
        "js.dangerously-set-inner-html",
        "dangerouslySetInnerHTML with dynamic HTML",
        79,
        "Render the value as text, or pass it through DOMPurify.sanitize().",
    ),
    "eval": _rule(
        "js.eval",
        "eval/new Function on a dynamic string",
        95,
        "Parse data with JSON.parse; never evaluate strings built at run time.",
    ),
    "exec": _rule(
        "js.command-injection",
        "child_process.exec with an interpolated command",
        78,
        "Use execFile/spawn with an argument array (no shell).",
    ),
    "sql": _rule(
        "js.sql-injection",
        "SQL built from a template string or concatenation",
        89,
        "Use placeholders (db.query('... WHERE id = ?', [id])).",
    ),
}
_SQL_WORDS = re.compile(r"\b(select|insert|update|delete|where|from|values|order by)\b", re.IGNORECASE)
_SQL_METHODS = frozenset(
    {"query", "execute", "raw", "run", "all", "prepare", "exec", "get", "$queryRawUnsafe"}
)
_SANITIZERS = ("DOMPurify.sanitize", "sanitizeHtml", "sanitize(", "escapeHtml", "xss(")
_LOCK = threading.Lock()


@cache
def _parser(language: str) -> tree_sitter.Parser:
    if language == "typescript":
        lang = tree_sitter.Language(tree_sitter_typescript.language_typescript())
    elif language == "tsx":
        lang = tree_sitter.Language(tree_sitter_typescript.language_tsx())
    else:
        lang = tree_sitter.Language(tree_sitter_javascript.language())
    return tree_sitter.Parser(lang)


def _walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            yield cursor.node  # type: ignore[misc]
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


def _text(node: tree_sitter.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _dynamic(node: tree_sitter.Node | None) -> bool:
    """Whether a value is built at run time (not a constant string/number)."""
    if node is None:
        return False
    if node.type in {"string", "number", "true", "false", "null", "undefined", "regex"}:
        return False
    if node.type == "template_string":
        return any(c.type == "template_substitution" for c in node.children)
    if node.type == "parenthesized_expression":
        return any(_dynamic(c) for c in node.named_children)
    if node.type == "binary_expression":
        return any(_dynamic(c) for c in node.named_children)
    return True


def _interpolated(node: tree_sitter.Node | None) -> bool:
    """A template with `${}` or a `+` concatenation involving a non-constant."""
    if node is None:
        return False
    if node.type == "template_string":
        return _dynamic(node)
    if node.type == "binary_expression" and _text(node.child_by_field_name("operator")) == "+":
        return _dynamic(node)
    return False


def _sanitized(node: tree_sitter.Node | None) -> bool:
    text = _text(node)
    return any(s in text for s in _SANITIZERS)


def _first_arg(call: tree_sitter.Node) -> tree_sitter.Node | None:
    args = call.child_by_field_name("arguments")
    named = [c for c in (args.named_children if args is not None else []) if c.type != "comment"]
    return named[0] if named else None


class JavaScriptPack:
    """Structural security rules for JavaScript, TypeScript and TSX."""

    name = "javascript"

    @property
    def rules(self) -> Sequence[RuleMeta]:
        return list(RULES.values())

    def applies_to(self, source: SourceFile) -> bool:
        return source.language in _LANGS

    def check(self, source: SourceFile) -> Iterable[Finding]:
        data = source.text.encode("utf-8", "surrogatepass")
        with _LOCK:  # a tree-sitter parser is not safe to share across threads
            tree = _parser(source.language or "javascript").parse(data)
        findings: list[Finding] = []
        for node in _walk(tree.root_node):
            hit = self._match(node)
            if hit is not None:
                key, message = hit
                findings.append(self._finding(source, node, key, message))
        return findings

    def _match(self, node: tree_sitter.Node) -> tuple[str, str] | None:
        kind = node.type
        if kind == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            prop = (
                _text(left.child_by_field_name("property"))
                if left is not None and left.type == "member_expression"
                else ""
            )
            if prop in {"innerHTML", "outerHTML"} and _dynamic(right) and not _sanitized(right):
                return "html", f"{prop} is assigned HTML built at run time ({_text(right)[:40]})"
        elif kind == "jsx_attribute":
            children = node.named_children
            if children and _text(children[0]) == "dangerouslySetInnerHTML" and len(children) > 1:
                value = children[1]
                inner = [
                    c
                    for c in _walk(value)
                    if c.type == "pair" and _text(c.child_by_field_name("key")) == "__html"
                ]
                html = inner[0].child_by_field_name("value") if inner else value
                if _dynamic(html) and not _sanitized(html):
                    return "react", f"dangerouslySetInnerHTML renders {_text(html)[:40]} unescaped"
        elif kind in {"call_expression", "new_expression"}:
            return self._match_call(node)
        return None

    def _match_call(self, node: tree_sitter.Node) -> tuple[str, str] | None:
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        name = _text(callee)
        method = (
            _text(callee.child_by_field_name("property"))
            if callee is not None and callee.type == "member_expression"
            else name
        )
        arg = _first_arg(node)
        if node.type == "new_expression":
            if name == "Function" and _dynamic(arg):
                return "eval", "new Function() compiles a string built at run time"
            return None
        if name in {"eval", "window.eval", "globalThis.eval"} and _dynamic(arg):
            return "eval", f"eval() of {_text(arg)[:40]}"
        if name in {"document.write", "document.writeln"} and _dynamic(arg) and not _sanitized(arg):
            return "write", f"{name}() writes {_text(arg)[:40]}"
        if method == "insertAdjacentHTML":
            args = node.child_by_field_name("arguments")
            named = args.named_children if args is not None else []
            if len(named) > 1 and _dynamic(named[1]) and not _sanitized(named[1]):
                return "html", "insertAdjacentHTML() inserts HTML built at run time"
        if (
            method in {"exec", "execSync"}
            and _interpolated(arg)
            and "RegExp" not in name
            and not name.startswith("/")
        ):
            return "exec", f"{name}() runs a shell command built from {_text(arg)[:40]}"
        if method in _SQL_METHODS and _interpolated(arg) and _SQL_WORDS.search(_text(arg)):
            return "sql", f"{name}() runs SQL built from {_text(arg)[:40]}"
        return None

    def _finding(self, source: SourceFile, node: tree_sitter.Node, key: str, message: str) -> Finding:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        line, end_line = row + 1, end_row + 1
        return RULES[key].finding(
            source,
            line=line,
            column=_column(source, line, col),
            end_line=end_line,
            end_column=_column(source, end_line, end_col),
            message=f"{RULES[key].name}: {message}",
            basis=f"{key}|{source.line_text(line).strip()}",
        )


def _column(source: SourceFile, line: int, byte_col: int) -> int:
    text = source.line_text(line)
    if text.isascii():
        return byte_col + 1
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore")) + 1
