"""Configuration-style rules (no data flow needed): weak hashes and randomness, cookie flags,
debug mode, TLS verification, unsafe YAML loading, shell=True. Run as call hooks of the
interpreter so constants fold (`hashlib.new(algo)` with `algo = "md5"` is seen)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from aigentflow.review.findings import Fix, Severity
from aigentflow.review.python import fixes
from aigentflow.review.python.context import CallSite, ConfigHit
from aigentflow.review.python.model import WEB_FRAMEWORKS
from aigentflow.review.python.values import Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["check_call", "check_module"]

_WEAK_HASHES = frozenset({"md5", "sha1", "md4", "md2", "sha", "ripemd160", "md5-sha1"})
_WEAK_HASH_CALLS = frozenset(
    {
        "hashlib.md5",
        "hashlib.sha1",
        "Crypto.Hash.MD5.new",
        "Crypto.Hash.SHA1.new",
        "Cryptodome.Hash.MD5.new",
        "Cryptodome.Hash.SHA1.new",
        "cryptography.hazmat.primitives.hashes.MD5",
        "cryptography.hazmat.primitives.hashes.SHA1",
    }
)
_RANDOM = frozenset(
    {
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "sample",
        "getrandbits",
        "uniform",
        "shuffle",
        "randbytes",
        "triangular",
        "gauss",
        "betavariate",
        "Random",
    }
)
_HTTP_CLIENTS = ("requests.", "httpx.", "aiohttp.", "urllib3.")
_SUBPROCESS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)


def _falsy(val: Val | None) -> bool:
    return val is not None and val.consts is not None and not any(bool(v) for v in val.consts)


def _truthy(val: Val | None) -> bool:
    return val is not None and val.consts is not None and all(bool(v) for v in val.consts)


def _unset(kwargs: dict[str, Val], flag: str) -> bool:
    """A cookie flag that is missing or known to be false (a computed value is given the benefit)."""
    if flag in kwargs:
        return _falsy(kwargs[flag])
    return "**" not in kwargs


def _hit(
    it: FunctionInterp, key: str, node: ast.AST, message: str, *fx: object, severity: Severity | None = None
) -> None:
    it.ctx.hits.append(ConfigHit(key, node, message, tuple(f for f in fx if f is not None), severity))


def check_call(it: FunctionInterp, call: CallSite) -> None:
    node, qn, meth, recv, args, kwargs = call.node, call.qn, call.meth, call.recv, call.args, call.kwargs
    name = qn or ""
    pos = it.ctx.pos
    web = it.ctx.imports_any(*WEB_FRAMEWORKS)
    if (
        name in _WEAK_HASH_CALLS
        or (
            name == "hashlib.new"
            and args
            and args[0].consts
            and any(str(v).lower() in _WEAK_HASHES for v in args[0].consts)
        )
    ) and not _falsy(kwargs.get("usedforsecurity")):
        algo = name.rsplit(".", 1)[-1] if name != "hashlib.new" else str(next(iter(args[0].consts or {""})))
        _hit(it, "hash", node, f"Weak hash {algo.upper()} used ({name}())", *fixes.hash_fixes(pos, node))
    if name.startswith("random.") and name.rsplit(".", 1)[-1] in _RANDOM:
        # In web code a random value usually ends up in a token, cookie or id: a security value.
        _hit(
            it,
            "random",
            node,
            f"{name}() is predictable; use secrets for security values",
            fixes.random_fix(pos, it.ctx.tree, node),
            severity=None if web else Severity.LOW,
        )
    if meth == "set_cookie" and recv is not None and web:  # a server's response, not a client's cookie jar
        cookie_fix = fixes.cookie_flags_fix(pos, node)
        if _unset(kwargs, "secure"):
            _hit(it, "cookie-secure", node, "Cookie set without secure=True", cookie_fix)
        if _unset(kwargs, "httponly"):
            _hit(it, "cookie-httponly", node, "Cookie set without httponly=True", cookie_fix)
    if meth == "run" and _truthy(kwargs.get("debug")):
        _hit(it, "debug", node, f"{ast.unparse(node.func)}(debug=True) exposes the interactive debugger")
    if (
        "verify" in kwargs
        and _falsy(kwargs["verify"])
        and (
            name.startswith(_HTTP_CLIENTS)
            or meth in {"get", "post", "put", "patch", "delete", "request", "head", "options"}
        )
    ):
        verify = next(kw for kw in node.keywords if kw.arg == "verify")
        _hit(
            it,
            "tls",
            node,
            "TLS certificate verification disabled (verify=False)",
            Fix(title="Verify TLS certificates", edits=[fixes.replace_node(pos, verify.value, "True")]),
        )
    if name in {"ssl._create_unverified_context", "ssl._create_stdlib_context"}:
        _hit(it, "tls", node, f"{name}() does not verify certificates")
    if name == "yaml.load" and args and not _yaml_safe(node) and not _real_live(args[0], "deser"):
        _hit(
            it,
            "yaml",
            node,
            "yaml.load without SafeLoader can construct arbitrary objects",
            fixes.yaml_fix(pos, node),
        )
    if name in _SUBPROCESS and _truthy(kwargs.get("shell")) and args and not _real_live(args[0], "cmd"):
        _hit(
            it,
            "shell",
            node,
            f"{name}(..., shell=True) runs the command through a shell",
            fixes.shell_fix(pos, node),
        )


def _real_live(val: Val, kind: str) -> bool:
    """Whether request data (not just a parameter of this function) reaches here unsanitized."""
    return any(lb.live_for(kind) and lb.origin.param is None for lb in val.all_labels())


def _yaml_safe(node: ast.Call) -> bool:
    from aigentflow.review.python.sinks import yaml_loader_is_safe

    return yaml_loader_is_safe(node)


def check_module(tree: ast.Module, path: str) -> list[ConfigHit]:
    """Module-level settings: `DEBUG = True` in a Django settings module."""
    hits: list[ConfigHit] = []
    if not path.endswith("settings.py"):
        return hits
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and node.value.value is True
        ):
            hits.append(ConfigHit("debug", node, "DEBUG = True in a settings module"))
    return hits
