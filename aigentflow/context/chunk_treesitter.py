"""Definition spans of JavaScript, TypeScript/TSX, Go, Rust and Java, by tree-sitter.

Grammars come from the per-language PyPI wheels (`tree-sitter-javascript`, ...), which ship
compiled parsers. `tree-sitter-language-pack` 1.x downloads its parsers at first use, which
fails offline, so it is used only for languages it has already cached.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache
from typing import Any

from aigentflow.context.chunking import Span

__all__ = ["parser_for", "treesitter_spans"]

logger = logging.getLogger(__name__)

# language -> (module, function returning the language pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
}

# node types that are one chunk each
_DEFINITIONS = {
    "function_declaration": "function", "generator_function_declaration": "function",
    "method_definition": "method", "method_declaration": "method", "constructor_declaration": "method",
    "function_item": "function", "function_signature_item": "function",
    "struct_item": "type", "enum_item": "type", "type_item": "type", "union_item": "type",
    "type_declaration": "type", "type_alias_declaration": "type", "enum_declaration": "type",
    "record_declaration": "type", "const_item": "type", "static_item": "type", "macro_definition": "function",
}  # fmt: skip
# node types whose members are chunked one by one, after a header chunk
_CONTAINERS = {
    "class_declaration": "class", "abstract_class_declaration": "class", "class": "class",
    "interface_declaration": "interface", "impl_item": "impl", "trait_item": "interface",
    "mod_item": "module", "internal_module": "module",
}  # fmt: skip
_BODIES = {"class_body", "declaration_list", "interface_body", "enum_body", "object_type", "statement_block"}
# wrappers whose child is the real definition (`export function f`, `const f = () => ...`)
_WRAPPERS = {"export_statement", "ambient_declaration", "decorated_definition"}
_VARIABLES = {"lexical_declaration", "variable_declaration"}
_FUNCTION_VALUES = {"arrow_function", "function_expression", "function", "generator_function"}


@cache
def parser_for(language: str) -> Any | None:
    """A tree-sitter parser for `language`, or None when no grammar is installed."""
    try:
        import tree_sitter
    except ImportError:
        return None
    grammar = _GRAMMARS.get(language)
    if grammar is not None:
        try:
            module = importlib.import_module(grammar[0])
            return tree_sitter.Parser(tree_sitter.Language(getattr(module, grammar[1])()))
        except (ImportError, AttributeError, ValueError):
            logger.debug("no grammar wheel for %s", language)
    return None


def treesitter_spans(language: str, text: str) -> list[Span] | None:
    """Definition spans, or None when there is no parser for the language."""
    parser = parser_for(language)
    if parser is None:
        return None
    source = text.encode("utf-8", "replace")
    tree = parser.parse(source)
    spans: list[Span] = []
    for node in tree.root_node.children:
        _visit(node, source, "", "", spans)
    return spans


def _visit(node: Any, source: bytes, parent: str, prefix: str, spans: list[Span]) -> None:
    kind = node.type
    if kind in _WRAPPERS:
        inner = [c for c in node.named_children if c.type in _DEFINITIONS or c.type in _CONTAINERS]
        inner += [c for c in node.named_children if c.type in _VARIABLES]
        if inner:
            _visit_as(inner[0], node, source, parent, prefix, spans)
        return
    _visit_as(node, node, source, parent, prefix, spans)


def _visit_as(node: Any, outer: Any, source: bytes, parent: str, prefix: str, spans: list[Span]) -> None:
    """Record `node` (whose lines are those of `outer`, e.g. with its `export`)."""
    kind = node.type
    start, end = outer.start_point[0] + 1, outer.end_point[0] + 1
    if kind in _DEFINITIONS:
        name = prefix + _receiver(node, source) + _name(node, source)
        spans.append(Span(start, end, _DEFINITIONS[kind], name, _header(outer, source), parent))
    elif kind in _VARIABLES and _defines_function(node):
        name = prefix + _name(node.named_children[0], source)
        spans.append(Span(start, end, "function", name, _header(outer, source), parent))
    elif kind in _CONTAINERS:
        _container(node, outer, source, parent, prefix, spans)


def _container(node: Any, outer: Any, source: bytes, parent: str, prefix: str, spans: list[Span]) -> None:
    header = _header(outer, source)
    name = prefix + _name(node, source)
    body = next((c for c in node.children if c.type in _BODIES), None)
    members = [c for c in body.named_children if _is_definition(c)] if body is not None else []
    start, end = outer.start_point[0] + 1, outer.end_point[0] + 1
    head_end = members[0].start_point[0] if members else end  # up to the line before the first member
    spans.append(Span(start, max(start, head_end), _CONTAINERS[node.type], name, header, parent))
    member_parent = "\n".join(p for p in (parent, header) if p)
    for member in members:
        _visit(member, source, member_parent, f"{name}.", spans)


def _is_definition(node: Any) -> bool:
    if node.type in _WRAPPERS:
        return any(_is_definition(c) for c in node.named_children)
    if node.type in _VARIABLES:
        return _defines_function(node)
    return node.type in _DEFINITIONS or node.type in _CONTAINERS


def _defines_function(node: Any) -> bool:
    for declarator in node.named_children:
        value = declarator.child_by_field_name("value")
        if value is not None and value.type in _FUNCTION_VALUES:
            return True
    return False


def _name(node: Any, source: bytes) -> str:
    for field in ("name", "type", "declarator"):
        child = node.child_by_field_name(field)
        if child is not None:
            return _text(child, source).split("<", 1)[0].strip()
    spec = next((c for c in node.named_children if c.type == "type_spec"), None)  # Go `type X struct`
    if spec is not None:
        return _name(spec, source)
    return str(node.type)


def _receiver(node: Any, source: bytes) -> str:
    """`Server.` for a Go method `func (s *Server) Start()`; '' otherwise."""
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return ""
    words = [w for w in _text(receiver, source).strip("()").replace("*", " ").split() if w.isidentifier()]
    return f"{words[-1]}." if words else ""


def _header(node: Any, source: bytes) -> str:
    first_line = _text(node, source).split("\n", 1)[0].strip()
    return first_line[:300]


def _text(node: Any, source: bytes) -> str:
    return str(source[node.start_byte : node.end_byte].decode("utf-8", "replace"))
