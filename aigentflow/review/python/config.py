"""Configuration-style rules (no data flow needed): weak hashes and randomness, cookie flags,
debug mode, TLS verification, unsafe YAML loading, shell=True. Run as call hooks of the
interpreter so constants fold (`hashlib.new(algo)` with `algo = "md5"` is seen)."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from aigentflow.review.findings import Fix, Severity
from aigentflow.review.python import fixes
from aigentflow.review.python.context import CallSite, ConfigHit
from aigentflow.review.python.model import WEB_FRAMEWORKS
from aigentflow.review.python.values import Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["check_call", "check_module", "check_store"]

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
        "normalvariate",
        "lognormvariate",
        "expovariate",
        "gammavariate",
        "paretovariate",
        "weibullvariate",
        "vonmisesvariate",
        "binomialvariate",
        "Random",
    }
)
_SELECTIONS = frozenset({"shuffle", "choice", "choices", "sample"})
_SECURITY_WORDS = re.compile(
    r"token|passw|secret|nonce|salt|otp|csrf|session|cookie|key|auth|remember|reset|verif|"
    r"captcha|pin\b|sid\b|crypt|sign|ticket|code",
    re.I,
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
    chosen = (args[0] if args else kwargs.get("name")) if name == "hashlib.new" else None  # new(name=...)
    if (
        name in _WEAK_HASH_CALLS
        or (
            chosen is not None
            and chosen.consts
            and any(str(v).lower() in _WEAK_HASHES for v in chosen.consts)
        )
    ) and not _falsy(kwargs.get("usedforsecurity")):
        algo = name.rsplit(".", 1)[-1] if chosen is None else str(next(iter(chosen.consts or {""})))
        _hit(it, "hash", node, f"Weak hash {algo.upper()} used ({name}())", *fixes.hash_fixes(pos, node))
    if name.startswith("random.") and name.rsplit(".", 1)[-1] in _RANDOM and _security_random(it, node, name):
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
    if meth in {"update", "from_mapping"} and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Attribute) and owner.attr == "config":
            settings = dict(args[0].keys) if args and args[0].keys is not None else {}
            settings.update(kwargs)
            for key, val in settings.items():
                _config_setting(it, node, str(key), val)
    if meth == "run" and (
        _truthy(kwargs.get("debug"))
        or (web and len(args) >= 3 and _truthy(args[2]) and not name.startswith(("subprocess.", "asyncio.")))
    ):  # Flask's app.run(host, port, debug)
        _hit(it, "debug", node, f"{ast.unparse(node.func)}(debug=True) exposes the interactive debugger")
    if (
        "verify" in kwargs
        and _falsy(kwargs["verify"])
        and (
            name.startswith(_HTTP_CLIENTS)
            or meth in {"get", "post", "put", "patch", "delete", "request", "head", "options"}
        )
    ):
        # `verify` may come from `**options` (no keyword to edit): then the finding has no fix.
        verify = next((kw for kw in node.keywords if kw.arg == "verify"), None)
        _hit(
            it,
            "tls",
            node,
            "TLS certificate verification disabled (verify=False)",
            None
            if verify is None
            else Fix(title="Verify TLS certificates", edits=[fixes.replace_node(pos, verify.value, "True")]),
        )
    if name in {"ssl._create_unverified_context", "ssl._create_stdlib_context"}:
        _hit(it, "tls", node, f"{name}() does not verify certificates")
    for kw in node.keywords:  # urllib3 pools, aiohttp requests
        if kw.arg == "cert_reqs" and ast.unparse(kw.value).strip("'\"").endswith("CERT_NONE"):
            _hit(it, "tls", node, "TLS certificate verification disabled (cert_reqs=CERT_NONE)")
        elif kw.arg == "ssl" and _falsy(kwargs.get("ssl")) and it.ctx.imports_any("aiohttp"):
            _hit(it, "tls", node, "TLS certificate verification disabled (ssl=False)")
    if name == "yaml.load" and args and not _yaml_safe(node) and not _real_live(args[0], "deser"):
        _hit(
            it,
            "yaml",
            node,
            "yaml.load without SafeLoader can construct arbitrary objects",
            fixes.yaml_fix(pos, node),
        )
    if name in _SUBPROCESS and _truthy(kwargs.get("shell")) and args and _from_callers(args[0], "cmd"):
        _hit(
            it,
            "shell",
            node,
            f"{name}(..., shell=True) runs a command built from this function's parameters through a shell",
            fixes.shell_fix(pos, node),
        )


def check_store(
    it: FunctionInterp,
    target: ast.Attribute | ast.Subscript,
    index: Val | None,
    val: Val,
    value: ast.expr | None,
) -> None:
    """Settings made by assignment: `session.verify = False`, `app.debug = True`,
    `ctx.verify_mode = ssl.CERT_NONE`, `app.config["SESSION_COOKIE_SECURE"] = False`."""
    if isinstance(target, ast.Attribute):
        if target.attr == "verify_mode" and value is not None and ast.unparse(value).endswith("CERT_NONE"):
            _hit(it, "tls", target, "TLS certificate verification disabled (verify_mode = CERT_NONE)")
        elif not val.known:
            return
        elif target.attr == "verify" and val.value is False:
            _hit(it, "tls", target, "TLS certificate verification disabled (.verify = False)")
        elif target.attr == "debug" and val.value is True and it.ctx.imports_any(*WEB_FRAMEWORKS):
            _hit(it, "debug", target, f"{ast.unparse(target)} = True exposes the interactive debugger")
    elif (
        index is not None
        and index.known
        and val.known
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "config"
    ):
        _config_setting(it, target, str(index.value), val)


def _config_setting(it: FunctionInterp, node: ast.AST, key: str, val: Val) -> None:
    """One Flask setting (`app.config[key] = value`, `app.config.update(key=value)`)."""
    if key == "DEBUG" and _truthy(val):
        _hit(it, "debug", node, "DEBUG = True in the application's configuration")
    elif key == "SESSION_COOKIE_SECURE" and _falsy(val):
        _hit(it, "cookie-secure", node, "Session cookie configured without the Secure flag")
    elif key == "SESSION_COOKIE_HTTPONLY" and _falsy(val):
        _hit(it, "cookie-httponly", node, "Session cookie configured without the HttpOnly flag")


def _security_random(it: FunctionInterp, node: ast.Call, name: str) -> bool:
    """Whether a `random` call may make a security value. Picking or ordering items of a list
    (`random.shuffle(questions)`, `random.choice(TIPS)`) is not one, unless it picks characters
    (`random.choice(string.ascii_letters)`) or the function deals with tokens, keys, sessions."""
    if name.rsplit(".", 1)[-1] not in _SELECTIONS or not node.args:
        return True
    population = node.args[0]
    for sub in ast.walk(population):
        if (isinstance(sub, ast.Constant) and isinstance(sub.value, str)) or (
            isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "string"
        ):
            return True
    fn = it.fn
    if fn is None:
        return True
    starts = it.ctx.pos.starts
    end = fn.end_lineno or fn.lineno
    text = it.ctx.text[starts[fn.lineno - 1] : starts[end] if end < len(starts) else len(it.ctx.text)]
    return _SECURITY_WORDS.search(text) is not None


def _real_live(val: Val, kind: str) -> bool:
    """Whether request data (not just a parameter of this function) reaches here unsanitized."""
    return any(lb.live_for(kind) and lb.origin.param is None for lb in val.all_labels())


def _from_callers(val: Val, kind: str) -> bool:
    """Whether a parameter of this function reaches here unsanitized while no request data does
    (that is an injection finding): what runs is up to the callers, which this analysis does not
    see. Constants, values of unknown origin and request data made safe are not reported, so a
    safe twin (an allowlist, `shlex.quote`, a cast) stays clean."""
    from_params = any(lb.live_for(kind) and lb.origin.param is not None for lb in val.all_labels())
    return from_params and not _real_live(val, kind)


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
