"""Expressions for the taint interpreter: constants fold, taint propagates, containers stay precise."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aigentflow.review.python import calls, containers, forms, hooks, inline, library, methods, records, sinks
from aigentflow.review.python.context import ModuleContext
from aigentflow.review.python.guards import refine
from aigentflow.review.python.hooks import G_OBJECTS
from aigentflow.review.python.model import REQUEST_ROOTS, REQUEST_SAFE_ATTRS, SOURCE_NAMES, pins_origin
from aigentflow.review.python.routes import fixed_rules
from aigentflow.review.python.values import QUOTE_FREE, Label, Origin, Val, join_all

if TYPE_CHECKING:
    pass

__all__ = ["ExprEvaluator", "binop", "pattern_matches", "truth"]

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_LOCAL_SAFE = frozenset({"path"})
# Query languages whose string literals have no escape character: a field that holds no
# quote of the literal around it cannot leave the literal.
_IN_QUOTED_LITERAL = frozenset({"xpath"})
_REDIRECT = frozenset({"redirect"})
_PATH = frozenset({"path"})
_REQUEST_MODULES = frozenset(root.rsplit(".", 1)[0] for root in REQUEST_ROOTS)  # flask, quart, ...
_OWN_URLS = frozenset({"url", "base_url", "url_root", "host_url"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PosixPath"})
_ENV_SAFE = frozenset({"path", "cmd"})  # $EDITOR, $PAGER: the environment chooses programs on purpose
_SCALARS = (str, int, float, bool, bytes, type(None), tuple, frozenset)


def _fold(fn: Callable[..., Any], *vals: Val) -> Val | None:
    """Apply `fn` to every combination of known constants; None when any is unknown."""
    if any(val.consts is None for val in vals):
        return None
    if all(len(val.consts) == 1 for val in vals):  # type: ignore[arg-type]
        combos: list[tuple[Any, ...]] = [tuple(next(iter(val.consts)) for val in vals)]  # type: ignore[arg-type]
    else:
        combos = [()]
        for val in vals:
            combos = [(*c, v) for c in combos for v in val.consts]  # type: ignore[union-attr]
            if len(combos) > 8:
                return None
    results: set[Any] = set()
    for combo in combos:
        try:
            result = fn(*combo)
        except Exception:  # folding is best effort: an error means "unknown"
            return None
        if not isinstance(result, _SCALARS) or (isinstance(result, str | bytes) and len(result) > 4096):
            return None
        results.add(result)
    return Val(consts=frozenset(results))


def binop(op: ast.operator, left: Val, right: Val) -> Val:
    folded = _fold(_BINOPS[type(op)], left, right) if type(op) in _BINOPS else None
    labels = left.all_labels() | right.all_labels()
    if folded is not None:
        return Val(labels, folded.consts)
    if isinstance(op, ast.Add | ast.Mod) and (escaped := library.escaped_by_markup(left, right)) is not None:
        return escaped
    if isinstance(op, ast.Mod) and left.known and right.keys is not None:
        used = library.percent_fields(left.value, right)  # "%(name)s" % {...}: the named keys only
        if used is not None:
            return used.sanitized(_REDIRECT) if pins_origin(left.value) else used
    if isinstance(op, ast.Add) and left.items is not None and right.items is not None:
        return Val(frozenset(), None, left.items + right.items)
    if isinstance(op, ast.Add | ast.Mod) and right.tainted and left.known and pins_origin(left.value):
        return Val(left.labels).join(right.flat().sanitized(_REDIRECT))  # "/search?q=" + q
    return Val(labels)


def truth(val: Val) -> bool | None:
    """The truth value of a condition when every constant it may hold agrees."""
    if val.consts is None or val.tainted:
        return None
    values = {bool(v) for v in val.consts}
    return values.pop() if len(values) == 1 else None


def pattern_matches(pattern: ast.pattern, subject: Val) -> bool | None:
    """Whether a `case` pattern matches a subject of known constant value (None: cannot tell)."""
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
        return True
    if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant) and subject.known:
        return bool(pattern.value.value == subject.value)
    if isinstance(pattern, ast.MatchOr):
        results = [pattern_matches(p, subject) for p in pattern.patterns]
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    return None


def _via_request(chain: ast.expr) -> bool:
    """Whether `flask.request...`: an attribute chain through the request object of a module."""
    while isinstance(chain, ast.Attribute):
        if chain.attr == "request" and isinstance(chain.value, ast.Name):
            return True
        chain = chain.value
    return False


class ExprEvaluator:
    """Evaluates expressions against `self.env`; subclasses run statements."""

    sinks = sinks

    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.env: dict[str, Val] = {}
        self.request_names: set[str] = {a for a, q in ctx.aliases.items() if q in REQUEST_ROOTS}
        self.allow_summaries = True
        self.ext_entities = False  # a SAX parser had external entities switched on
        self.url_parts: dict[str, str] = {}  # `parts = urlparse(url)`: parts -> url
        self.local_defs: dict[str, inline.LocalDef] = {}  # nested functions, lambdas, partials
        self.match_patterns: dict[str, str] = {}  # `m = re.match(p, s)`: m -> p

    def _fixed_rules(self) -> bool:
        """Whether the function being read is a view whose URL rules are all constant."""
        fn = getattr(self, "fn", None)
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        known = self.ctx.fixed_rule_views.get(fn)
        if known is None:
            known = self.ctx.fixed_rule_views[fn] = fixed_rules(fn, self.ctx.text, self.ctx.globals)
        return known

    # ----------------------------------------------------------------- names
    def qualname(self, node: ast.expr) -> str | None:
        """`a.b.c` with `a` resolved through imports; None for computed callees."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = node.id
        if root not in self.env:
            root = self.ctx.aliases.get(root, root)
        return ".".join([root, *reversed(parts)])

    def is_module_ref(self, node: ast.expr) -> bool:
        """Whether an attribute chain is rooted at an imported module (not a value)."""
        chain = node
        while isinstance(node, ast.Attribute):
            node = node.value
        return (
            isinstance(node, ast.Name)
            and node.id not in self.env
            and node.id in self.ctx.aliases
            and node.id not in self.request_names
            and not (self.ctx.aliases[node.id] in _REQUEST_MODULES and _via_request(chain))
        )

    def source_val(self, what: str, node: ast.AST, local: bool = False) -> Val:
        """A fresh taint. `local` sources (command line, stdin, environment) come from the
        person running the program: naming a file to open is their right, so they are born
        safe for path sinks."""
        origin = Origin(what, getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1)
        safe = (_ENV_SAFE if what == "environment variable" else _LOCAL_SAFE) if local else frozenset()
        return Val(frozenset({Label(origin, safe)}))

    # ----------------------------------------------------------------- evaluation
    def ev(self, node: ast.expr | None) -> Val:
        if node is None:
            return Val()
        method = getattr(self, f"e_{type(node).__name__}", None)
        if method is None:
            return Val()
        result: Val = method(node)
        return result

    def e_Constant(self, node: ast.Constant) -> Val:
        return Val.const(node.value)

    def e_Name(self, node: ast.Name) -> Val:
        if node.id in self.env:
            return self.env[node.id]
        if self.local_defs and isinstance(local := self.local_defs.get(node.id), ast.FunctionDef):
            inline.escaped(self, local, node.id)  # type: ignore[arg-type]  # `Thread(target=worker)`
            return Val()
        if node.id in self.request_names:
            return self.source_val("request", node)
        qn = self.ctx.aliases.get(node.id)
        if qn in SOURCE_NAMES:
            return self.source_val(SOURCE_NAMES[qn], node, local=True)
        return self.ctx.globals.get(node.id, Val())

    def e_Attribute(self, node: ast.Attribute) -> Val:
        base = node.value
        if (isinstance(base, ast.Name) and base.id in self.request_names) or (
            isinstance(base, ast.Attribute) and self.qualname(base) in REQUEST_ROOTS  # flask.request.args
        ):
            what = f"{ast.unparse(base)}.{node.attr}"
            if node.attr in REQUEST_SAFE_ATTRS or (node.attr == "path" and self._fixed_rules()):
                return Val()
            if node.attr in _OWN_URLS:  # this request's absolute URL: a redirect back stays here
                return self.source_val(what, node).sanitized(_REDIRECT)
            return self.source_val(what, node)
        qn = self.qualname(node)
        if qn in SOURCE_NAMES:
            return self.source_val(SOURCE_NAMES[qn], node, local=True)
        if qn in REQUEST_ROOTS:  # `flask.request` passed whole
            return self.source_val(qn, node)
        if isinstance(base, ast.Name):
            key = f"{base.id}.{node.attr}"
            if key in self.env:
                return self.env[key]
            held = self.env.get(base.id)
            if held is not None and held.consts is not None:
                if (form := forms.form_of(held)) is not None:  # `form.name` of a WTForms form
                    return forms.field_val(self.ctx.text, form, held, node.attr)
                if (field := records.record_field(held, node.attr)) is not None:  # `row.name`
                    return field
                if held.keys is not None and methods.INSTANCE in held.consts and node.attr in held.keys:
                    return held.keys[node.attr]  # `obj.label` that only __init__ set
            if held is None and self.ctx.aliases.get(base.id) in G_OBJECTS:
                return hooks.g_value(self, node.attr)  # type: ignore[arg-type]  # set by before_request
        if self.is_module_ref(node):
            return Val()
        if node.attr == "name" and isinstance(base, ast.Call) and self.qualname(base.func) in _PATH_TYPES:
            return self.ev(base).flat().sanitized(_PATH)  # Path(x).name: the last part, like basename
        return self.ev(base).flat()

    def e_JoinedStr(self, node: ast.JoinedStr) -> Val:
        parts = [_within_quotes(node.values, i, self.ev(v)) for i, v in enumerate(node.values)]
        folded = _fold(lambda *xs: "".join(str(x) for x in xs), *parts)
        labels = frozenset().union(*(p.all_labels() for p in parts)) if parts else frozenset()
        if labels and parts[0].known and pins_origin(parts[0].value):
            return Val(labels).sanitized(_REDIRECT)  # f"/users/{name}": stays on this site
        return Val(labels, folded.consts if folded else None)

    def e_FormattedValue(self, node: ast.FormattedValue) -> Val:
        return self.ev(node.value)

    def e_BinOp(self, node: ast.BinOp) -> Val:
        return binop(node.op, self.ev(node.left), self.ev(node.right))

    def e_UnaryOp(self, node: ast.UnaryOp) -> Val:
        val = self.ev(node.operand)
        ops: dict[type, Callable[[Any], Any]] = {
            ast.Not: operator.not_,
            ast.USub: operator.neg,
            ast.UAdd: operator.pos,
            ast.Invert: operator.invert,
        }
        folded = _fold(ops[type(node.op)], val)
        if isinstance(node.op, ast.Not):
            return folded or Val()
        return Val(val.all_labels(), folded.consts if folded else None)

    def e_BoolOp(self, node: ast.BoolOp) -> Val:
        vals: list[Val] = []
        for value in node.values:
            val = self.ev(value)
            t = truth(val)
            if (isinstance(node.op, ast.Or) and t is True) or (isinstance(node.op, ast.And) and t is False):
                return join_all([*vals, val]) if vals else val
            if t is None:
                vals.append(val)
        return join_all(vals) if vals else Val.const(isinstance(node.op, ast.And))

    def e_Compare(self, node: ast.Compare) -> Val:
        left = self.ev(node.left)
        result: Val | None = Val.const(True)
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = self.ev(comp)
            step = _fold(_CMPOPS[type(op)], left, right)
            if result is not None and step is not None:
                result = _fold(lambda a, b: a and b, result, step)
            else:
                result = None
            left = right
        return result if result is not None else Val()

    def e_IfExp(self, node: ast.IfExp) -> Val:
        t = truth(self.ev(node.test))
        if t is True:
            return self.ev(node.body)
        if t is False:
            return self.ev(node.orelse)
        saved = self.env
        try:  # each arm sees what the test proves: `role if role in ROLES else "viewer"`
            self.env = refine(self, saved, node.test, True)  # type: ignore[arg-type]
            body = self.ev(node.body)
            self.env = refine(self, saved, node.test, False)  # type: ignore[arg-type]
            return body.join(self.ev(node.orelse))
        finally:
            self.env = saved

    def e_Subscript(self, node: ast.Subscript) -> Val:
        base = self.ev(node.value)
        if isinstance(node.slice, ast.Slice):
            lower, upper = self.ev(node.slice.lower), self.ev(node.slice.upper)
            if (
                base.items is not None
                and (node.slice.lower is None or lower.known)
                and (node.slice.upper is None or upper.known)
            ):
                try:
                    return Val(
                        items=base.items[
                            slice(
                                lower.value if lower.known else None,  # type: ignore[arg-type]
                                upper.value if upper.known else None,  # type: ignore[arg-type]
                            )
                        ]
                    )
                except TypeError:
                    pass
            folded = (
                _fold(
                    lambda b: b[slice(*(None if v.consts is None else v.value for v in (lower, upper)))], base
                )
                if ((node.slice.lower is None or lower.known) and (node.slice.upper is None or upper.known))
                else None
            )
            return Val(base.all_labels(), folded.consts if folded else None)
        index = self.ev(node.slice)
        return containers.subscript(base, index)

    def e_List(self, node: ast.List | ast.Tuple) -> Val:
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return Val(frozenset().union(*(self.ev(e).all_labels() for e in node.elts)))
        items = tuple(self.ev(e) for e in node.elts)
        folded = _fold(lambda *xs: tuple(xs), *items) if isinstance(node, ast.Tuple) else None
        return Val(frozenset(), folded.consts if folded else None, items)

    e_Tuple = e_List

    def e_Set(self, node: ast.Set) -> Val:
        vals = [self.ev(e) for e in node.elts]
        folded = _fold(lambda *xs: frozenset(xs), *vals)
        return Val(frozenset().union(*(v.all_labels() for v in vals)), folded.consts if folded else None)

    def e_Dict(self, node: ast.Dict) -> Val:
        keys: dict[object, Val] = {}
        extra: set[Label] = set()
        for k, v in zip(node.keys, node.values, strict=True):
            val = self.ev(v)
            key = self.ev(k) if k is not None else None
            if key is not None and key.known:
                keys[key.value] = val
            else:
                extra |= val.all_labels()
        return Val(frozenset(extra), None, None, keys)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Val:
        saved = self.env
        self.env = dict(saved)
        for gen in node.generators:
            it = self.ev(gen.iter)
            self.assign(gen.target, join_all(it.items) if it.items else Val(it.all_labels()), node)
            for cond in gen.ifs:  # conditions may hold sinks too: `[r for r in rows if eval(c)]`
                self.ev(cond)
                self.env = refine(self, self.env, cond, True)  # type: ignore[arg-type]  # `if c.isalnum()`
        if isinstance(node, ast.DictComp):
            out = Val(self.ev(node.key).all_labels() | self.ev(node.value).all_labels())
        else:
            out = Val(self.ev(node.elt).all_labels())
        self.env = saved
        return out

    e_ListComp = e_SetComp = e_GeneratorExp = e_DictComp = _comprehension

    def e_Lambda(self, node: ast.Lambda) -> Val:
        inline.escaped(self, node, f"<lambda {node.lineno}:{node.col_offset}>")  # type: ignore[arg-type]
        return Val()

    def e_Starred(self, node: ast.Starred) -> Val:
        return self.ev(node.value).flat()

    def e_Await(self, node: ast.Await) -> Val:
        return self.ev(node.value)

    def e_NamedExpr(self, node: ast.NamedExpr) -> Val:
        val = self.ev(node.value)
        self.assign(node.target, val, node)
        return val

    def e_Call(self, node: ast.Call) -> Val:
        return calls.evaluate_call(self, node)  # type: ignore[arg-type]

    # ----------------------------------------------------------------- stores
    def assign(self, target: ast.expr, val: Val, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if val.labels:
                val = val.stepped(node.lineno, node.col_offset + 1, f"assigned to '{target.id}'")  # type: ignore[attr-defined]
            self.env[target.id] = val
            if self.local_defs:
                self.local_defs.pop(target.id, None)
        elif isinstance(target, ast.Tuple | ast.List):
            if val.items is not None and len(val.items) == len(target.elts):
                for elt, item in zip(target.elts, val.items, strict=True):
                    self.assign(elt, item, node)
            else:
                for elt in target.elts:
                    self.assign(elt.value if isinstance(elt, ast.Starred) else elt, val.flat(), node)
        elif isinstance(target, ast.Subscript):
            calls.store_subscript(self, target, val)  # type: ignore[arg-type]
        elif isinstance(target, ast.Attribute):
            calls.store_attribute(self, target, val, node)  # type: ignore[arg-type]
        elif isinstance(target, ast.Starred):
            self.assign(target.value, val.flat(), node)

    def update_root(self, node: ast.expr, val: Val, strong: bool = False) -> None:
        """Record that the variable at the root of `node` now holds (or also holds) `val`."""
        if isinstance(node, ast.Name):
            if strong or node.id not in self.env:
                self.env[node.id] = val
            else:
                self.env[node.id] = Val(self.env[node.id].all_labels() | val.all_labels())
        elif isinstance(node, ast.Attribute | ast.Subscript) and val.tainted:
            self.update_root(node.value, Val(val.all_labels()))

    def argument_vals(self, args: Sequence[ast.expr]) -> list[Val]:
        return [self.ev(a) for a in args]

    # Filled in by FunctionInterp.
    def report(
        self, kind: str, node: ast.AST, sink: str, val: Val, inner: tuple[tuple[int, int, str], ...] = ()
    ) -> None:
        raise NotImplementedError

    def call_module_function(
        self, name: str, node: ast.Call, args: Sequence[Val], kwargs: dict[str, Val], offset: int
    ) -> Val | None:
        raise NotImplementedError


def _within_quotes(values: list[ast.expr], index: int, part: Val) -> Val:
    """An f-string field between the two quotes of a literal (`f"[@id='{v}']"`) whose value
    holds no such quote any more (`v.replace("'", "&apos;")`): it stays inside the literal."""
    if not part.labels or not 0 < index < len(values) - 1:
        return part
    before, after = values[index - 1], values[index + 1]
    if not (
        isinstance(before, ast.Constant)
        and isinstance(after, ast.Constant)
        and isinstance(before.value, str)
        and isinstance(after.value, str)
        and before.value[-1:] in QUOTE_FREE
        and after.value[:1] == before.value[-1:]
    ):
        return part
    mark = QUOTE_FREE[before.value[-1]]
    if all(mark in label.safe for label in part.all_labels()):
        return part.sanitized(_IN_QUOTED_LITERAL)
    return part
