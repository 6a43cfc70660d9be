"""The taint interpreter: one pass over a function's statements with abstract values.

Flow-sensitive (a later assignment replaces an earlier one), folds constant conditions
(only the reachable arm counts), refines variables on guards (`if '..' in name: return`),
and follows helper functions of the same module through summaries computed on demand.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from aigentflow.review.hintscan import HeadedPattern
from aigentflow.review.python import exprs, inline, regexes
from aigentflow.review.python.context import Flow, ModuleContext, ParamSink, Summary
from aigentflow.review.python.guards import refine
from aigentflow.review.python.model import TERMINATING_CALLS, WEB_FRAMEWORKS
from aigentflow.review.python.parsing import module_statements
from aigentflow.review.python.routes import (
    REQUEST_PARAMS,
    ROUTE_ATTRS,
    in_view_class,
    registered_views,
    route_info,
    view_handler,
)
from aigentflow.review.python.values import ALL_KINDS, Label, Origin, Val, join_all

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["FunctionInterp", "analyze_module", "hint_pattern", "may_hold_findings"]

Env = dict[str, Val]
FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
_VALIDATING = frozenset(
    {
        "int", "float", "uuid.UUID", "ipaddress.ip_address", "ipaddress.ip_network", "ipaddress.IPv4Address",
        "ipaddress.IPv6Address", "datetime.date.fromisoformat", "datetime.datetime.fromisoformat",
        "decimal.Decimal",
    }
)  # fmt: skip
_URL_PARSERS = frozenset({"urlparse", "urlsplit", "urllib.parse.urlparse", "urllib.parse.urlsplit"})
_PATH_KIND = frozenset({"path"})
_MATCHERS = frozenset({"match", "search", "fullmatch"})
_STEP_BUDGET = 20_000  # statements interpreted per function before the rest is skipped
# Text that must appear in a function for it to hold a source or a configuration-rule call.
# Functions without any are skipped (most library code): their flows start nowhere.
# Each is as narrow as the rule it serves allows: `debug`/`DEBUG` not as a logging call or
# level, `verify` and `shell` as settings (a keyword, an attribute, a dict key) and not
# passed through (`verify=verify`), standard input as the read the source table knows. None
# spans a line end (`BlockMatches` scans blocks of lines), and each starts with a literal
# (a word boundary in front is written as a look-behind after it): RE2 finds those heads.
# Measured on library code, the broad words selected a third of the functions analysed.
_LOCAL_HINTS = [
    r"input\(", "argv", "environ", "getenv", r"\.recv", r"stdin\.read", "hashlib",
    r"random\b(?<!\wrandom)", "Random", r"debug(?![ \t]*\()",
    r"verify(?:_mode)?[ \t]*=(?!=)(?![ \t]*(?:self\.)?verify\b)", "verify(?<=[\"']verify)[\"']",
    "_unverified", r"yaml\b(?<!\wyaml)", r"shell[ \t]*=(?!=)", "shell(?<=[\"']shell)[\"']", "Crypto",
    r"hashes\.", "MD5", "SHA1", r"ssl[ \t]*=", "CERT_NONE", r"DEBUG(?<!logging\.DEBUG)", "SESSION_COOKIE",
]  # fmt: skip
# In modules of a web framework, request data and routes are sources too.
_WEB_ONLY_HINTS = [
    "request",
    r"req\b(?<!\wreq)",
    "session",
    "set_cookie",
    r"@\s*[\w.]+\.(?:" + "|".join(sorted(ROUTE_ATTRS)) + r")\b",
    "_url_rule",  # views registered by add_url_rule, without a decorator (see `registered_views`)
    "MethodView",  # a class-based view: its handler methods are analysed (see `analyze_module`)
]


_HINTS = HeadedPattern(_LOCAL_HINTS)
_WEB_HINTS = HeadedPattern(_LOCAL_HINTS + _WEB_ONLY_HINTS)


def join_envs(a: Env | None, b: Env | None) -> Env | None:
    if a is None:
        return b
    if b is None:
        return a
    out = dict(a)
    for key, val in b.items():
        out[key] = out[key].join(val) if key in out else val
    return out


def _same_val(a: Val, b: Val) -> bool:
    if a is b:
        return True
    if a.items is not None or b.items is not None or a.keys is not None or b.keys is not None:
        return False
    return a.labels == b.labels and a.consts == b.consts


def _same_env(a: Env, b: Env) -> bool:
    return a.keys() == b.keys() and all(_same_val(v, b[k]) for k, v in a.items())


class FunctionInterp(exprs.ExprEvaluator):
    """Interprets one function (or the module body) and records flows and its summary."""

    def __init__(self, ctx: ModuleContext, fn: FuncNode | None) -> None:
        super().__init__(ctx)
        self.fn = fn
        self.ret: Val | None = None
        self.param_sinks: list[ParamSink] = []
        self.is_route = False
        self.params: list[str] = []
        self.loop_exits: list[list[Env]] = []
        self.steps = 0
        self.depth = 0  # how deep inside inline calls of local functions this interpreter runs
        self.inlining: set[str] = set()  # local functions being followed (no recursion)
        if fn is not None:
            self._bind_params(fn)

    def _bind_params(self, fn: FuncNode) -> None:
        web = self.ctx.imports_any(*WEB_FRAMEWORKS)
        views = (
            web and view_handler(fn) and self.ctx.imports_any("flask.views") and in_view_class(self.ctx, fn)
        )
        self.is_route, sources = route_info(fn, web, self.ctx.imports_any("django", "rest_framework"), views)
        if web and not self.is_route and fn.name in registered_views(self.ctx.text):
            self.is_route, sources = True, {a.arg for a in fn.args.args + fn.args.kwonlyargs}
        args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        self.params = [a.arg for a in args]
        for index, arg in enumerate(args):
            if arg.arg in REQUEST_PARAMS and web:
                self.request_names.add(arg.arg)
                self.env[arg.arg] = self.source_val(f"{arg.arg}", arg)
            elif arg.arg in sources:
                self.env[arg.arg] = self.source_val(f"route parameter '{arg.arg}'", arg)
            elif arg.arg == "cls" or (arg.arg == "self" and (index > 0 or self.is_route)):
                self.env[arg.arg] = Val()
            else:
                origin = Origin(f"parameter '{arg.arg}'", arg.lineno, arg.col_offset + 1, param=index)
                self.env[arg.arg] = Val(frozenset({Label(origin)}))

    # ----------------------------------------------------------------- reporting
    def report(
        self, kind: str, node: ast.AST, sink: str, val: Val, inner: tuple[tuple[int, int, str], ...] = ()
    ) -> None:
        reported_real = False
        for label in sorted(val.all_labels(), key=lambda lb: (lb.origin.line, lb.origin.column)):
            if not label.live_for(kind):
                continue
            if label.origin.param is not None:
                line, col = getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1
                self.param_sinks.append(ParamSink(label.origin.param, kind, sink, line, col, label.safe))
            elif not reported_real:
                self.ctx.flows.append(Flow(kind, node, sink, label, inner, self.fn))
                reported_real = True

    # ----------------------------------------------------------------- summaries
    def call_module_function(
        self, name: str, node: ast.Call, args: Sequence[Val], kwargs: dict[str, Val], offset: int
    ) -> Val | None:
        if self.fn is not None:
            self.ctx.calls.append((self.fn, name))
        summary = summarize(self.ctx, name)
        if summary is None:
            return None
        actual: dict[int, Val] = {}
        for i, val in enumerate(args):
            actual[i + offset] = val
        for key, val in kwargs.items():
            if key in summary.params:
                actual[summary.params.index(key)] = val
        line, col = node.lineno, node.col_offset + 1
        labels: set[Label] = set()
        for label in summary.ret.all_labels():
            if label.origin.param is None:
                if not summary.is_route:
                    labels.add(label)
                continue
            arg = actual.get(label.origin.param)
            for inner in arg.all_labels() if arg else ():
                labels.add(replace(inner, safe=inner.safe | label.safe).step(line, col, f"through {name}()"))
        for ps in summary.param_sinks:
            arg = actual.get(ps.param)
            if arg is None:
                continue
            merged = Val(frozenset(replace(lb, safe=lb.safe | ps.safe) for lb in arg.all_labels()))
            self.report(
                ps.kind,
                node,
                f"{name}() → {ps.sink}",
                merged,
                ((ps.line, ps.column, f"sink {ps.sink} in {name}()"),),
            )
        return Val(frozenset(labels), summary.ret.consts)

    # ----------------------------------------------------------------- statements
    def run(self) -> None:
        body = self.fn.body if self.fn is not None else self.ctx.tree.body
        self.block(body)

    def block(self, stmts: Sequence[ast.stmt]) -> bool:
        """Run statements; False when control cannot fall off the end (return, raise, abort)."""
        return all(self.stmt(stmt) for stmt in stmts)

    def branch(self, stmts: Sequence[ast.stmt], env: Env) -> Env | None:
        self.env = env
        return self.env if self.block(stmts) else None

    def stmt(self, st: ast.stmt) -> bool:
        self.steps += 1
        if self.steps > _STEP_BUDGET:  # nested loops run bodies 2^depth times: stay bounded
            return True
        method = getattr(self, f"s_{type(st).__name__}", None)
        if method is None:
            return True
        return bool(method(st))

    def s_Expr(self, st: ast.Expr) -> bool:
        self.ev(st.value)
        if isinstance(st.value, ast.Call):
            name = self.qualname(st.value.func) or ""
            if name in TERMINATING_CALLS or name.rsplit(".", 1)[-1] == "abort":
                return False
            self._validated(name, st.value)
        return True

    def _validated(self, name: str, call: ast.Call) -> None:
        """A conversion whose result is dropped (`ipaddress.ip_address(host)`, `int(n)`) only
        checks its argument: past it (it raises otherwise) the variable is well-formed. So does
        `path.relative_to(base)` (ValueError when `path` is not under `base`)."""
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "relative_to"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.env
        ):
            self.env[func.value.id] = self.env[func.value.id].sanitized(_PATH_KIND)
            return
        if len(call.args) != 1 or not isinstance(arg := call.args[0], ast.Name) or arg.id not in self.env:
            return
        if name in _VALIDATING or name.rsplit(".", 1)[-1].lower().startswith(("validate", "check_")):
            self.env[arg.id] = self.env[arg.id].sanitized(ALL_KINDS)

    def s_Assign(self, st: ast.Assign) -> bool:
        val = self.ev(st.value)
        for target in st.targets:
            self.assign(target, val, st)
            if isinstance(target, ast.Name):
                self._note_url_parts(target.id, st.value)
                self._note_match(target.id, st.value)
                if isinstance(st.value, ast.Lambda | ast.Call):
                    inline.note_local(self, target.id, st.value)
        return True

    def _note_match(self, name: str, value: ast.expr) -> None:
        """Remember `m = re.match(pattern, s)`, so that `m.group(1)` holds group 1's characters."""
        if self.match_patterns:
            self.match_patterns.pop(name, None)
        if (
            isinstance(value, ast.Call)
            and isinstance(func := value.func, ast.Attribute | ast.Name)
            and (func.attr if isinstance(func, ast.Attribute) else func.id) in _MATCHERS
            and (pattern := regexes.regex_pattern(self, value)) is not None
        ):
            self.match_patterns[name] = pattern

    def _note_url_parts(self, name: str, value: ast.expr) -> None:
        """Remember `parts = urlparse(url)`, so that a check of `parts.netloc` validates `url`."""
        self.url_parts.pop(name, None)
        if (
            isinstance(value, ast.Call)
            and value.args
            and isinstance(value.args[0], ast.Name)
            and (self.qualname(value.func) or "") in _URL_PARSERS
        ):
            self.url_parts[name] = value.args[0].id

    def s_AnnAssign(self, st: ast.AnnAssign) -> bool:
        if st.value is not None:
            self.assign(st.target, self.ev(st.value), st)
        return True

    def s_AugAssign(self, st: ast.AugAssign) -> bool:
        current = self.ev(st.target)
        val = exprs.binop(st.op, current, self.ev(st.value))
        self.assign(st.target, val, st)
        return True

    def s_Return(self, st: ast.Return) -> bool:
        val = self.ev(st.value) if st.value is not None else Val.const(None)
        self.ret = val if self.ret is None else self.ret.join(val)
        if self.is_route and st.value is not None:
            self.sinks.check_return(self, st.value, val)
        return False

    def s_Assert(self, st: ast.Assert) -> bool:
        self.env = refine(self, self.env, st.test, True)  # past `assert name.isalnum()`
        return True

    def s_Raise(self, st: ast.Raise) -> bool:
        if st.exc is not None:
            self.ev(st.exc)
        return False

    def s_Break(self, st: ast.Break) -> bool:
        if self.loop_exits:
            self.loop_exits[-1].append(dict(self.env))
        return False

    def s_Continue(self, st: ast.Continue) -> bool:
        if self.loop_exits:
            self.loop_exits[-1].append(dict(self.env))
        return False

    def s_If(self, st: ast.If) -> bool:
        truth = exprs.truth(self.ev(st.test))
        if truth is True:
            return self.block(st.body)
        if truth is False:
            return self.block(st.orelse)
        base = self.env
        then_env = self.branch(st.body, refine(self, base, st.test, True))
        else_env = self.branch(st.orelse, refine(self, base, st.test, False))
        merged = join_envs(then_env, else_env)
        self.env = merged if merged is not None else base
        return merged is not None

    def s_Match(self, st: ast.Match) -> bool:
        subject = self.ev(st.subject)
        base = self.env
        envs: list[Env | None] = []
        for case in st.cases:
            fits = exprs.pattern_matches(case.pattern, subject) if case.guard is None else None
            if fits is False:
                continue
            self.env = dict(base)
            if isinstance(case.pattern, ast.MatchAs) and case.pattern.name:
                self.env[case.pattern.name] = subject
            envs.append(self.env if self.block(case.body) else None)
            if fits is True:
                break
        else:
            envs.append(dict(base))  # no case matched
        merged = None
        for env in envs:
            merged = join_envs(merged, env)
        self.env = merged if merged is not None else base
        return merged is not None

    def _loop(
        self,
        body: Sequence[ast.stmt],
        orelse: Sequence[ast.stmt],
        bind: ast.expr | None,
        element: Val | None,
        node: ast.stmt,
    ) -> bool:
        entry = self.env
        merged: Env | None = entry
        self.loop_exits.append([])
        for _ in range(2):  # twice: values flowing around the loop once are seen
            before = merged or entry
            self.env = dict(before)
            if bind is not None and element is not None:
                self.assign(bind, element, node)
            if self.block(body):
                merged = join_envs(merged, self.env)
            if _same_env(before, merged or entry):
                break  # a fixpoint already: a second pass would change nothing
        for exit_env in self.loop_exits.pop():  # break/continue: state reaches the loop's exit
            merged = join_envs(merged, exit_env)
        self.env = merged or entry
        self.block(orelse)
        return True

    def s_For(self, st: ast.For) -> bool:
        it = self.ev(st.iter)
        element = join_all(it.items) if it.items else it.flat()
        if it.keys is not None:
            element = Val(it.all_labels())
        return self._loop(st.body, st.orelse, st.target, element, st)

    s_AsyncFor = s_For

    def s_While(self, st: ast.While) -> bool:
        if exprs.truth(self.ev(st.test)) is False:
            return self.block(st.orelse)
        return self._loop(st.body, st.orelse, None, None, st)

    def s_With(self, st: ast.With) -> bool:
        for item in st.items:
            val = self.ev(item.context_expr)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, val, st)
        return self.block(st.body)

    s_AsyncWith = s_With

    def s_Try(self, st: ast.Try) -> bool:
        entry = self.env
        body_env = self.branch(st.body, dict(entry))
        if body_env is not None:
            body_env = self.branch(st.orelse, body_env)
        merged = body_env
        for handler in st.handlers:
            start = join_envs(dict(entry), body_env) or dict(entry)
            merged = join_envs(merged, self.branch(handler.body, start))
        if st.finalbody:
            self.env = merged if merged is not None else dict(entry)
            if not self.block(st.finalbody):
                return False
            return merged is not None
        self.env = merged if merged is not None else entry
        return merged is not None

    s_TryStar = s_Try

    def s_FunctionDef(self, st: FuncNode) -> bool:
        self.env.pop(st.name, None)
        if self.fn is not None:  # a nested function: called here, it runs with our variables
            self.local_defs[st.name] = st
        # A module-level function is a module function (summaries), whether or not its body was
        # parsed: incremental review runs module code with bodiless stand-ins for most of them.
        return True

    def e_Yield(self, node: ast.Yield) -> Val:
        """A generator's yielded values are what iterating over its result gives."""
        val = self.ev(node.value) if node.value is not None else Val.const(None)
        self.ret = val if self.ret is None else self.ret.join(val)
        return Val()

    def e_YieldFrom(self, node: ast.YieldFrom) -> Val:
        val = self.ev(node.value).flat()
        self.ret = val if self.ret is None else self.ret.join(val)
        return Val()

    # ----------------------------------------------------------------- inline calls
    def nested(self, name: str) -> FunctionInterp:
        """An interpreter for the body of local function `name`, seeing this one's variables."""
        sub = FunctionInterp(self.ctx, None)
        sub.fn, sub.is_route, sub.allow_summaries = self.fn, False, self.allow_summaries
        sub.env = dict(self.env)
        sub.local_defs = dict(self.local_defs)
        sub.url_parts = dict(self.url_parts)
        sub.ext_entities = self.ext_entities
        sub.depth, sub.inlining = self.depth + 1, {*self.inlining, name}
        sub.steps = self.steps
        return sub

    def absorb(self, sub: FunctionInterp) -> None:
        """Keep what an inline call found: sinks its parameters reached, the steps it took."""
        self.param_sinks.extend(sub.param_sinks)
        self.steps = sub.steps

    s_AsyncFunctionDef = s_FunctionDef


def summarize(ctx: ModuleContext, name: str) -> Summary | None:
    """The summary of a module function, analysing it on first use (None while recursing)."""
    if name in ctx.summaries:
        return ctx.summaries[name]
    if name in ctx.in_progress or name not in ctx.functions:
        return None
    ctx.in_progress.add(name)
    interp = FunctionInterp(ctx, ctx.functions[name])
    interp.run()
    ret = interp.ret if interp.ret is not None else Val.const(None)
    summary = Summary(interp.params, ret, interp.param_sinks, interp.is_route)
    ctx.summaries[name] = summary
    ctx.in_progress.discard(name)
    return summary


def may_hold_findings(text: str) -> bool:
    """Whether a module's text has any hint at all (of web code too): without one, no function
    and no module-level code is analysed, so there is nothing to parse."""
    return _WEB_HINTS.search(text) is not None


def hint_pattern(ctx: ModuleContext) -> HeadedPattern:
    """Text that a function must contain to hold a source or a configuration-rule call (or the
    definition of a view registered by `add_url_rule`, whose parameters are URL variables)."""
    if not ctx.imports_any(*WEB_FRAMEWORKS):
        return _HINTS
    views = registered_views(ctx.text)
    return _views_hints(views) if views else _WEB_HINTS


@lru_cache(maxsize=8)
def _views_hints(views: frozenset[str]) -> HeadedPattern:
    return HeadedPattern(
        [*_LOCAL_HINTS, *_WEB_ONLY_HINTS, *(rf"def {re.escape(v)}\b" for v in sorted(views))]
    )


def analyze_module(
    ctx: ModuleContext, targets: Sequence[FuncNode] | None = None, *, run_top: bool = True
) -> None:
    """Run the module body (for its constants and top-level flows), then the functions.

    With `targets`, only those functions are candidates (the rest of the module is known from
    an earlier version) and `ctx.functions` must already be a table of the whole module.
    """
    if targets is None:
        functions = [
            n for n in module_statements(ctx.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        table: dict[str, FuncNode] = {}
        for node in functions:
            table.setdefault(node.name, node)
        ctx.functions = table
    else:
        functions = list(targets)
    if run_top:
        top = FunctionInterp(ctx, None)
        top.allow_summaries = False
        top.run()
        ctx.globals = {k: v for k, v in top.env.items() if not v.tainted}
    hints = hint_pattern(ctx)
    starts, size = ctx.pos.starts, len(ctx.text)
    views = ctx.imports_any("flask.views")
    for node in functions:
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        last = node.end_lineno or node.lineno
        begin = starts[first - 1] if first <= len(starts) else size
        end = starts[last] if last < len(starts) else size
        if not ctx.mentions(hints, begin, end) and not (
            views and view_handler(node) and in_view_class(ctx, node)
        ):
            continue  # no source and no configuration call: analysed only if a caller needs it
        if ctx.functions.get(node.name) is node:
            summarize(ctx, node.name)
        else:  # a second function with the same name: analysed for its own flows only
            FunctionInterp(ctx, node).run()
