"""Request data kept on `flask.g` by a `before_request` hook and read in a view.

A hook runs before every request of its app (or blueprint), so what it stores on `g`
(`g.search = request.args.get("q")`) is what a view reads as `g.search`. The hooks' stores are
computed once per module, on the first read of a `g` attribute the view did not set itself.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aigentflow.review.python.context import Summary
from aigentflow.review.python.values import Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["G_OBJECTS", "g_value"]

G_OBJECTS = frozenset({"flask.g", "quart.g"})
_KEY = "<flask.g stores>"  # never a function name: the stores live beside the summaries
_HOOK = re.compile(
    r"@[\w.]+\.before_(?:app_)?request\b[^\n]*\n(?:[ \t]*@[^\n]*\n)*[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)"
)


def g_value(it: FunctionInterp, attr: str) -> Val:
    """What `g.<attr>` holds when a view starts: the join of the hooks' stores (none: clean)."""
    ctx = it.ctx
    summary = ctx.summaries.get(_KEY)
    if summary is None:
        if _KEY in ctx.in_progress or "before_" not in ctx.text:
            return Val()
        summary = _stores(it)
    if it.fn is not None:
        for hook in summary.params:  # an edit of a hook re-analyses the views that read g
            ctx.calls.append((it.fn, hook))
    stores = summary.ret.keys or {}
    return stores.get(attr, Val())


def _stores(it: FunctionInterp) -> Summary:
    from aigentflow.review.python.taint import FunctionInterp

    ctx = it.ctx
    ctx.in_progress.add(_KEY)
    names = {alias for alias, qualified in ctx.aliases.items() if qualified in G_OBJECTS}
    hooks = [name for name in dict.fromkeys(_HOOK.findall(ctx.text)) if name in ctx.functions]
    stores: dict[object, Val] = {}
    flows, hits, calls = len(ctx.flows), len(ctx.hits), len(ctx.calls)
    for hook in hooks:
        interp = FunctionInterp(ctx, ctx.functions[hook])
        interp.run()
        for key, val in interp.env.items():
            owner, _, attr = key.partition(".")
            if attr and owner in names:
                stores[attr] = stores[attr].join(val) if attr in stores else val
    del ctx.flows[flows:], ctx.hits[hits:], ctx.calls[calls:]  # reported when the hook is analysed
    summary = Summary(hooks, Val(keys=stores), [], False)
    ctx.summaries[_KEY] = summary
    ctx.in_progress.discard(_KEY)
    return summary
