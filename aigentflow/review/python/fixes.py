"""Mechanical quick fixes for Python findings, as `Fix`es of `TextEdit`s on the source text.

Each builder returns None when the code's shape does not allow a mechanical change; the
finding then offers only the suppress and baseline actions.
"""

from __future__ import annotations

import ast
import re
import shlex

from aigentflow.review.findings import Fix, TextEdit
from aigentflow.review.python.parsing import Positions

__all__ = [
    "apply_edits",
    "cookie_flags_fix",
    "hash_fixes",
    "random_fix",
    "replace_node",
    "shell_fix",
    "sql_fix",
    "yaml_fix",
]


def replace_node(pos: Positions, node: ast.AST, new_text: str) -> TextEdit:
    (line, col), (end_line, end_col) = pos.start(node), pos.end(node)
    return TextEdit(line=line, column=col, end_line=end_line, end_column=end_col, new_text=new_text)


def _insert_before_close(pos: Positions, call: ast.Call, text: str) -> TextEdit:
    end_line, end_col = pos.end(call)  # just after ')'
    has_args = bool(call.args or call.keywords)
    new = f", {text}" if has_args else text
    line_text = pos.lines[end_line - 1]
    col = end_col - 1
    # keep a trailing comma tidy: `f(a,)` -> `f(a, x=1)`
    before = line_text[: col - 1].rstrip()
    if has_args and before.endswith(","):
        new = f" {text}"
    return TextEdit(line=end_line, column=col, end_line=end_line, end_column=col, new_text=new)


def _concatenation_parts(node: ast.BinOp, pos: Positions) -> list[tuple[str, str]]:
    """`"a" + x + "b"` as [("text", "a"), ("expr", "x"), ("text", "b")], left to right."""
    stack: list[ast.expr] = [node]
    flat: list[ast.expr] = []
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.BinOp) and isinstance(cur.op, ast.Add):
            stack.extend([cur.right, cur.left])
        else:
            flat.append(cur)
    return [
        ("text", part.value)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
        else ("expr", pos.segment(part))
        for part in flat
    ]


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """`text` with non-overlapping edits applied (positions as in `TextEdit`)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        if line - 1 >= len(lines):
            return len(text)
        return starts[line - 1] + column - 1

    out = text
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        out = out[:start] + edit.new_text + out[end:]
    return out


def _import_edit(tree: ast.Module, module: str) -> TextEdit | None:
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name == module and not a.asname for a in node.names):
            return None
    line = 1
    for node in tree.body:
        is_doc = (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        is_future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if is_doc or is_future:
            line = (node.end_lineno or node.lineno) + 1
        else:
            break
    return TextEdit(line=line, column=1, end_line=line, end_column=1, new_text=f"import {module}\n")


def yaml_fix(pos: Positions, call: ast.Call) -> Fix | None:
    if not call.args:
        return None
    data = pos.segment(call.args[0])
    return Fix(title="Use yaml.safe_load", edits=[replace_node(pos, call, f"yaml.safe_load({data})")])


def hash_fixes(pos: Positions, call: ast.Call) -> list[Fix]:
    fixes: list[Fix] = []
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in {"md5", "sha1"} and isinstance(func.value, ast.Name):
        fixes.append(Fix(title="Use SHA-256", edits=[replace_node(pos, func, f"{func.value.id}.sha256")]))
    elif (
        isinstance(func, ast.Attribute)
        and func.attr == "new"
        and call.args
        and isinstance(call.args[0], ast.Constant)
    ):
        fixes.append(Fix(title="Use SHA-256", edits=[replace_node(pos, call.args[0], '"sha256"')]))
    if not any(kw.arg == "usedforsecurity" for kw in call.keywords):
        fixes.append(
            Fix(
                title="Mark as not for security (usedforsecurity=False)",
                edits=[_insert_before_close(pos, call, "usedforsecurity=False")],
            )
        )
    return fixes


def random_fix(pos: Positions, tree: ast.Module, call: ast.Call) -> Fix | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name is None:
        return None
    edits = [replace_node(pos, func, f"secrets.SystemRandom().{name}")]
    imported = _import_edit(tree, "secrets")
    if imported is not None:
        edits.insert(0, imported)
    return Fix(title="Use the secrets module", edits=edits)


def cookie_flags_fix(pos: Positions, call: ast.Call) -> Fix | None:
    wanted = {"secure": "True", "httponly": "True", "samesite": '"Lax"'}
    edits: list[TextEdit] = []
    for kw in call.keywords:
        if kw.arg in wanted:
            if kw.arg != "samesite" and isinstance(kw.value, ast.Constant) and not kw.value.value:
                edits.append(replace_node(pos, kw.value, "True"))
            del wanted[kw.arg]
    if wanted:
        edits.append(_insert_before_close(pos, call, ", ".join(f"{k}={v}" for k, v in wanted.items())))
    if not edits:
        return None
    return Fix(title="Add secure, httponly and samesite cookie flags", edits=edits)


def _tokens(node: ast.expr, pos: Positions) -> list[str] | None:
    """Shell words of a command string as Python expressions, or None when not mechanical."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return [repr(word) for word in shlex.split(node.value)]
        except ValueError:
            return None
    pieces: list[tuple[str, str]] = []  # ("text", s) | ("expr", source)
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant):
                pieces.append(("text", str(value.value)))
            elif (
                isinstance(value, ast.FormattedValue) and value.format_spec is None and value.conversion == -1
            ):
                pieces.append(("expr", pos.segment(value.value)))
            else:
                return None
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces.extend(_concatenation_parts(node, pos))
    else:
        return None
    words: list[str] = []
    glued = False  # whether the last word may take more characters
    for kind, piece in pieces:
        if kind == "expr":
            if glued:
                return None  # `--opt={x}`: not a whole word
            words.append(f"str({piece})")
            glued = True
            continue
        if any(c in piece for c in "'\"\\|;&$`<>*?"):
            return None
        if piece and not piece[0].isspace() and glued:
            return None
        parts = piece.split()
        words.extend(repr(p) for p in parts)
        glued = bool(parts) and not piece[-1].isspace()
    return words or None


def shell_fix(pos: Positions, call: ast.Call) -> Fix | None:
    if not call.args:
        return None
    words = _tokens(call.args[0], pos)
    if words is None:
        return None
    edits = [replace_node(pos, call.args[0], f"[{', '.join(words)}]")]
    for kw in call.keywords:
        if kw.arg == "shell":
            start, end = pos.start(kw), pos.end(kw)
            line_text = pos.lines[start[0] - 1]
            col = start[1]
            prefix = line_text[: col - 1]
            stripped = prefix.rstrip()
            if stripped.endswith(",") and start[0] == end[0]:
                col = len(stripped)  # remove ", shell=True"
            edits.append(TextEdit(line=start[0], column=col, end_line=end[0], end_column=end[1], new_text=""))
    return Fix(title="Run an argument list without a shell", edits=edits)


_QUOTED = re.compile(r"""(['"])\Z""")


def _sql_template(node: ast.expr, pos: Positions, placeholder: str) -> tuple[str, list[str]] | None:
    """A parameterized form of an f-string / %-format / + built SQL string."""
    parts: list[tuple[str, str]] = []
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(("text", str(value.value)))
            elif isinstance(value, ast.FormattedValue) and value.format_spec is None:
                parts.append(("expr", pos.segment(value.value)))
            else:
                return None
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        template = str(node.left.value)
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        chunks = re.split(r"%s", template)
        if len(chunks) != len(values) + 1 or "%" in "".join(chunks).replace("%%", ""):
            return None
        for i, chunk in enumerate(chunks):
            parts.append(("text", chunk.replace("%%", "%")))
            if i < len(values):
                parts.append(("expr", pos.segment(values[i])))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts.extend(_concatenation_parts(node, pos))
    else:
        return None
    sql, params = "", []
    for i, (kind, piece) in enumerate(parts):
        if kind == "text":
            sql += piece
            continue
        following = parts[i + 1][1] if i + 1 < len(parts) and parts[i + 1][0] == "text" else ""
        quote = _QUOTED.search(sql)
        if quote and following.startswith(quote.group(1)):
            sql = sql[:-1]
            parts[i + 1] = ("text", following[1:])
        sql += placeholder
        params.append(piece)
    if not params or any(q in sql for q in ("{", "}")):
        return None
    return sql, params


def sql_fix(pos: Positions, call: ast.Call, query: ast.expr, placeholder: str) -> Fix | None:
    """`cur.execute(f"... '{x}'")` -> `cur.execute("... ?", (x,))`; also through one assignment."""
    if len(call.args) != 1 or call.keywords:
        return None
    built = _sql_template(query, pos, placeholder)
    if built is None:
        return None
    sql, params = built
    literal = repr(sql)
    args = f"({', '.join(params)},)"
    if query is call.args[0]:
        edits = [replace_node(pos, call.args[0], f"{literal}, {args}")]
    else:
        edits = [replace_node(pos, query, literal), _insert_before_close(pos, call, args)]
    return Fix(title="Use a parameterized query", edits=edits)
