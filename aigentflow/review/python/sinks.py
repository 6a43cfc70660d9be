"""Sinks by CWE: where tainted data must not arrive unless made safe for that kind of sink."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from aigentflow.review.python.context import CallSite
from aigentflow.review.python.library import MarkupText
from aigentflow.review.python.sinkspecs import (
    CODE_FUNCS,
    DESER,
    LDAP_METHODS,
    LXML_PARSE,
    PATH_FUNCS,
    PATH_METHODS,
    PATH_QUERIES,
    REDIRECTS,
    SHELL_FUNCS,
    SHELLS,
    SQL_FUNCS,
    SQL_METHODS,
    STD_PARSE,
    SUBPROCESS,
    TEMPLATE_FUNCS,
    XPATH_METHODS,
    XSS_FUNCS,
)
from aigentflow.review.python.values import Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["check_call", "check_return", "check_store", "special_result"]

UNSAFE_XML_PARSER = "<unsafe-xml-parser>"
_PATH_ARG_METHODS = frozenset({"save", "open_resource", "open_instance_resource"})
IN_MEMORY_FILE = "<in-memory file>"  # io.BytesIO(...): file-like, but not a path
_SAFE_FILTER = re.compile(r"\|\s*safe\b|autoescape\s+false")
_CONTAINER_WRITES = frozenset({"append", "extend", "insert", "add"})
_SESSION_WRITES = frozenset({"update", "setdefault", "__setitem__"}) | _CONTAINER_WRITES
_SHELL_SCRIPT_FLAGS = frozenset({"-c", "/c", "/C", "-Command"})
_POSIX_SHELLS = frozenset({"sh", "bash", "zsh", "/bin/sh", "/bin/bash"})
SAX_EXTERNAL = "<sax-parser-external-entities>"
_TEMPLATE_EXPR = re.compile(r"\{\{(.*?)\}\}", re.S)
_ESCAPING_FILTER = re.compile(r"\|\s*(?:e|escape|int|float|length|count|urlencode|tojson)\s*(?:\(.*\))?\s*$")
RAW_ENVIRONMENT = "<jinja2 environment without autoescape>"
RAW_TEMPLATE = "<jinja2 template without autoescape>"
_RESPONSES = frozenset({"Response", "make_response", "HttpResponse"})


def _describe(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _arg(args: list[Val], kwargs: dict[str, Val], index: int, *names: str) -> Val | None:
    if index < len(args):
        return args[index]
    for name in names:
        if name in kwargs:
            return kwargs[name]
    return None


def yaml_loader_is_safe(node: ast.Call) -> bool:
    loader = next(
        (kw.value for kw in node.keywords if kw.arg == "Loader"), node.args[1] if len(node.args) > 1 else None
    )
    return loader is not None and any(
        s in ast.unparse(loader) for s in ("SafeLoader", "BaseLoader", "CSafeLoader")
    )


def _subprocess(
    it: FunctionInterp, node: ast.Call, desc: str, args: list[Val], kwargs: dict[str, Val]
) -> None:
    command = _arg(args, kwargs, 0, "args")
    if command is None:
        return
    split = node.args[0] if node.args else None
    if isinstance(split, ast.Call) and ast.unparse(split.func).endswith("shlex.split"):
        # an argument vector: no shell parses it, the first word (if fixed) names the program
        program = Val() if split.args and _fixed_first_word(it, split.args[0]) else command.flat()
        command = Val(items=(program, command.flat()))
    shell = kwargs.get("shell")
    if shell is not None and (shell.consts is None or any(bool(v) for v in shell.consts)):
        it.report("cmd", node, desc, command)
        return
    if command.items is not None:
        if not command.items:
            return
        first = command.items[0]
        if first.tainted:
            it.report("cmd", node, desc, first)
        elif first.consts is not None and first.consts & SHELLS:
            _shell_vector(it, node, desc, first.consts, command.items)
        return
    vector = node.args[0] if node.args else None
    if (
        isinstance(vector, ast.List | ast.Tuple)
        and vector.elts
        and not isinstance(vector.elts[0], ast.Starred)
    ):
        program = it.ev(vector.elts[0])  # ["ls", *names]: words unknown, the program is not
        if program.tainted or (program.consts is not None and program.consts & SHELLS):
            it.report("cmd", node, desc, program if program.tainted else command.flat())
        return
    it.report("cmd", node, desc, command)


def _fixed_first_word(it: FunctionInterp, text: ast.expr) -> bool:
    """Whether text built as `"ls -l " + x` or `f"ls -l {x}"` starts with a constant word
    that whitespace ends (the program `shlex.split` puts first)."""
    while isinstance(text, ast.BinOp) and isinstance(text.op, ast.Add):
        text = text.left
    if isinstance(text, ast.JoinedStr) and text.values:
        text = text.values[0]
    head = it.ev(text)
    if not head.known or not isinstance(head.value, str) or head.tainted:
        return False
    stripped = head.value.lstrip()
    return bool(stripped) and any(c.isspace() for c in stripped)


def _shell_vector(
    it: FunctionInterp, node: ast.Call, desc: str, shells: frozenset[object], items: tuple[Val, ...]
) -> None:
    """`[shell, "-c", script, ...]`: the script is parsed by the shell. A POSIX shell takes the
    words after the script as its positional parameters ($0, $1), unparsed; cmd.exe /c and
    PowerShell join every later word into the command line."""
    flag = next((i for i, v in enumerate(items) if i and v.consts and v.consts & _SHELL_SCRIPT_FLAGS), None)
    if flag is None:
        return
    if shells <= _POSIX_SHELLS:
        script = items[flag + 1] if flag + 1 < len(items) else Val()
    else:
        script = Val(frozenset().union(*(v.all_labels() for v in items[flag + 1 :])))
    it.report("cmd", node, desc, script.flat())


def check_call(it: FunctionInterp, call: CallSite) -> None:
    node, qn, meth, recv, args, kwargs = call.node, call.qn, call.meth, call.recv, call.args, call.kwargs
    name = qn or ""
    if meth == "setFeature":
        _check_xxe(it, node, name, meth, recv, args, kwargs, "")
        return
    if not (
        (recv is not None and recv.tainted)
        or any(a.tainted for a in args)
        or any(v.tainted for v in kwargs.values())
    ):
        return  # nothing tainted reaches this call: no sink can fire
    last = name.rsplit(".", 1)[-1] if name else (meth or "")
    desc = _describe(node.func)
    first = _arg(args, kwargs, 0, "sql", "query", "statement")
    # SQL
    if (
        (meth in SQL_METHODS and recv is not None)
        or name in SQL_FUNCS
        or (meth == "text" and it.ctx.imports_any("sqlalchemy", "flask_sqlalchemy"))  # db.text(...)
    ) and first is not None:
        it.report("sql", node, desc, first)
    # OS commands
    if name in SHELL_FUNCS and args:
        it.report("cmd", node, desc, args[0].flat())
    elif name in SUBPROCESS:
        _subprocess(it, node, desc, args, kwargs)
    elif name.startswith(("os.exec", "os.spawn", "os.posix_spawn")) and args:
        index = 1 if name.startswith("os.spawn") else 0
        if len(args) > index:
            it.report("cmd", node, desc, args[index])
            program = args[index]
            if program.consts and program.consts & SHELLS:  # os.execl("/bin/sh", "sh", "-c", command)
                rest = args[index + 1 :]
                argv = rest[0].items if len(rest) == 1 and rest[0].items is not None else tuple(rest)
                _shell_vector(it, node, desc, program.consts, (program, *argv[1:]))
    # code
    if name in CODE_FUNCS and args and not (isinstance(node.func, ast.Name) and node.func.id in it.env):
        it.report("code", node, desc, args[0])
    # paths
    if name in PATH_FUNCS and args and not (args[0].consts and IN_MEMORY_FILE in args[0].consts):
        it.report("path", node, desc, args[0])
        if (
            name
            in {"os.rename", "os.replace", "shutil.copy", "shutil.copyfile", "shutil.copy2", "shutil.move"}
            and len(args) > 1
        ):
            it.report("path", node, desc, args[1])
    elif recv is not None and _path_method(it, node, meth):
        it.report("path", node, desc, recv)
    elif last == "send_from_directory" and (directory := _arg(args, kwargs, 0, "directory")) is not None:
        it.report("path", node, desc, directory)  # the base directory; the file name is confined
    elif meth in _PATH_ARG_METHODS and args and recv is not None and not it.is_module_ref(node.func):
        it.report("path", node, desc, args[0].flat())  # FileStorage.save(destination), app.open_resource
    # XSS
    if (name in XSS_FUNCS or last in {"render_template_string", "Markup", "mark_safe"}) and args:
        it.report("xss", node, desc, args[0])
    if (
        last == "render_template_string"
        and args
        and args[0].known
        and _SAFE_FILTER.search(str(args[0].value))
    ):
        # `{{ bio|safe }}` switches autoescape off for the values passed in
        it.report("xss", node, desc, Val(frozenset().union(*(v.all_labels() for v in kwargs.values()))))
    # server-side template injection: a template is code (`{{ cycler.__init__.__globals__ }}`)
    if args and (name in TEMPLATE_FUNCS or last == "render_template_string" or meth == "from_string"):
        it.report("code", node, desc, args[0])
    # open redirect
    if (
        last in REDIRECTS
        and (location := _arg(args, kwargs, 0, "location", "url", "redirect_to")) is not None
    ):
        it.report("redirect", node, desc, location)
    if last in _RESPONSES and (headers := _arg(args, kwargs, 2, "headers")) is not None:
        location = _header(headers, "location")  # Response(status=302, headers={"Location": url})
        if location is not None:
            it.report("redirect", node, f"{desc}(headers={{'Location': ...}})", location)
    # LDAP
    if meth in LDAP_METHODS and recv is not None and it.ctx.imports_any("ldap", "ldap3"):
        parts = args[:3] + [
            v for k, v in kwargs.items() if k in {"search_filter", "filterstr", "search_base", "base"}
        ]
        it.report(
            "ldap",
            node,
            desc,
            Val(frozenset().union(*(p.all_labels() for p in parts)) if parts else frozenset()),
        )
    # XPath
    if (meth == "xpath" and recv is not None) or name in {"lxml.etree.XPath", "lxml.etree.ETXPath"}:
        if args:
            it.report("xpath", node, desc, args[0])
    elif (
        meth in XPATH_METHODS
        and recv is not None
        and not recv.tainted
        and args
        and it.ctx.imports_any("xml", "lxml")
    ):
        it.report("xpath", node, desc, args[0])
    elif name == "elementpath.select" and len(args) > 1:
        it.report("xpath", node, desc, args[1])
    # XXE
    _check_xxe(it, node, name, meth, recv, args, kwargs, desc)
    # deserialization
    if (
        (name in DESER and args)
        or (name == "yaml.load" and args and not yaml_loader_is_safe(node))
        or (name == "numpy.load" and args and _allows_pickle(kwargs.get("allow_pickle")))
    ):
        it.report("deser", node, desc, args[0])
    # trust boundary: request data stored in the session (or in a container kept in it)
    if meth in _SESSION_WRITES and isinstance(node.func, ast.Attribute):
        holder: ast.expr | None = node.func.value
        if meth in _CONTAINER_WRITES:  # session["cart"].append(item)
            holder = holder.value if isinstance(holder, ast.Subscript) else None
        owner = (it.qualname(holder) or "") if holder is not None else ""
        if owner == "flask.session" or owner.endswith(".session"):
            it.report(
                "trust",
                node,
                desc,
                Val(frozenset().union(*(a.all_labels() for a in [*args, *kwargs.values()]))),
            )


def _path_method(it: FunctionInterp, node: ast.Call, meth: str | None) -> bool:
    """`p.read_text()`, `p.unlink()`, `p.exists()`: a method of a path object (not of a module)."""
    if meth is None or it.is_module_ref(node.func):
        return False
    if meth in PATH_METHODS:
        return not (meth == "replace" and len(node.args) != 1)  # str.replace(old, new), not Path.replace
    return meth in PATH_QUERIES and it.ctx.imports_any("pathlib")


def _check_xxe(
    it: FunctionInterp,
    node: ast.Call,
    name: str,
    meth: str | None,
    recv: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
    desc: str,
) -> None:
    if meth == "setFeature" and len(args) > 1 and "external" in ast.unparse(node.args[0]):
        if args[1].consts is not None and any(bool(v) for v in args[1].consts):
            it.ext_entities = True
            it.update_root(node.func.value, Val.const(SAX_EXTERNAL), strong=True)  # type: ignore[attr-defined]
        return
    if not args:
        return
    if name in LXML_PARSE:
        parser = _arg(args, kwargs, 1, "parser")
        if parser is not None and parser.consts and UNSAFE_XML_PARSER in parser.consts:
            it.report("xxe", node, desc, args[0])
    elif name in STD_PARSE:
        parser = _arg(args, kwargs, 1, "parser")
        if it.ext_entities or (parser is not None and parser.consts and SAX_EXTERNAL in parser.consts):
            it.report("xxe", node, desc, args[0])
    elif (
        meth in {"parse", "feed", "parseString"}
        and recv is not None
        and recv.consts
        and SAX_EXTERNAL in recv.consts
    ):
        it.report("xxe", node, desc, args[0])


def check_return(it: FunctionInterp, node: ast.expr, val: Val) -> None:
    """A route returning request data unescaped is reflected XSS (Flask serves text/html).

    Dicts and lists are served as JSON (Flask, FastAPI), and FastAPI serves any return value
    as JSON unless it builds an HTMLResponse itself: neither is HTML.
    """
    if isinstance(node, ast.Tuple) and node.elts:
        if val.items is not None and any(_non_html_headers(item) for item in val.items[1:]):
            return  # (body, status, {"Content-Type": "text/plain"})
        node = node.elts[0]
    if isinstance(node, ast.Dict | ast.List | ast.ListComp | ast.DictComp) or val.keys is not None:
        return
    if it.ctx.imports_any("fastapi", "rest_framework") and "HTML" not in ast.unparse(node):
        return
    body = val.items[0] if val.items else val
    it.report("xss", node, "response body returned from the route", body)


def _allows_pickle(flag: Val | None) -> bool:
    return flag is not None and flag.consts is not None and any(bool(v) for v in flag.consts)


def _unescaped_templates(
    name: str, last: str, recv: Val | None, args: list[Val], kwargs: dict[str, Val]
) -> Val | None:
    """Jinja2 without autoescape: `Environment()` (autoescape off unless asked), its templates,
    `jinja2.Template(text)`; what their `.render(...)` makes holds the values unescaped."""
    if name == "jinja2.Environment":
        autoescape = kwargs.get("autoescape")
        off = autoescape is None or (autoescape.consts is not None and not any(autoescape.consts))
        return Val.const(RAW_ENVIRONMENT) if off else None
    if name == "jinja2.Template" and args and not args[0].tainted:
        return None if _escapes_all(args[0]) else Val.const(RAW_TEMPLATE)
    if recv is None or not recv.known:
        return None
    if last in {"from_string", "get_template"} and recv.value == RAW_ENVIRONMENT:
        if last == "from_string" and args and _escapes_all(args[0]):
            return None
        return Val(frozenset().union(*(a.all_labels() for a in args)), frozenset({RAW_TEMPLATE}))
    if last in {"render", "stream"} and recv.value == RAW_TEMPLATE:
        return Val(frozenset().union(*(a.all_labels() for a in [*args, *kwargs.values()])))
    return None


def _escapes_all(text: Val) -> bool:
    """A constant template whose every `{{ ... }}` ends in an escaping filter (`|e`, `|int`)."""
    if not text.known or not isinstance(text.value, str):
        return False
    return all(_ESCAPING_FILTER.search(expr) for expr in _TEMPLATE_EXPR.findall(text.value))


def _header(headers: Val, name: str) -> Val | None:
    """The value of header `name` in a headers dict built in view."""
    if headers.keys is None:
        return None
    return next((v for k, v in headers.keys.items() if str(k).lower() == name), None)


def _non_html_headers(headers: Val) -> bool:
    """A headers dict whose Content-Type is known and not HTML."""
    if headers.keys is None:
        return False
    value = next((v for k, v in headers.keys.items() if str(k).lower() == "content-type"), None)
    return value is not None and value.known and "html" not in str(value.value)


def check_store(it: FunctionInterp, target: ast.Subscript, base: Val, index: Val, val: Val) -> bool:
    """Sinks reached by `x[k] = v`; True when the store makes the response non-HTML."""
    owner = it.qualname(target.value) or ""
    if owner == "flask.session" or owner.endswith(".session") or owner == "session":
        it.report("trust", target, f"{owner}[...] = ...", Val(val.all_labels() | index.all_labels()))
    if owner.endswith(".headers") and index.known and isinstance(index.value, str):
        header = index.value.lower()
        if header == "location":
            it.report("redirect", target, f"{owner}['Location']", val)
        if header == "content-type" and val.known and "html" not in str(val.value):
            return True
    return False


def special_result(
    it: FunctionInterp, node: ast.Call, name: str, recv: Val | None, args: list[Val], kwargs: dict[str, Val]
) -> Val | None:
    """Values of calls with known effects on taint (responses, templates, parsers)."""
    last = name.rsplit(".", 1)[-1]
    raw = _unescaped_templates(name, last, recv, args, kwargs)
    if raw is not None:
        return raw
    if last in {"render_template", "TemplateResponse", "render"} and "string" not in last:
        return Val(frozenset().union(*(a.all_labels() for a in [*args, *kwargs.values()]))).sanitized({"xss"})
    if last in {"jsonify", "send_file", "send_from_directory", "FileResponse"} or last.upper().endswith(
        "JSONRESPONSE"
    ):
        return Val()  # JSON and files are not parsed as HTML
    if last == "PlainTextResponse":
        return Val(frozenset().union(*(a.all_labels() for a in args))).sanitized({"xss"})
    if last in {"make_response", "Response", "HttpResponse"}:
        body = args[0] if args else Val()
        content_type = kwargs.get("mimetype") or kwargs.get("content_type")
        if content_type is not None and content_type.known and "html" not in str(content_type.value):
            return body.flat().sanitized({"xss"})
        if len(args) > 2 and args[2].keys is not None:
            header = next((v for k, v in args[2].keys.items() if str(k).lower() == "content-type"), None)
            if header is not None and header.known and "html" not in str(header.value):
                return body.flat().sanitized({"xss"})
        return body if body.items is not None else body.flat()
    if last == "Markup" and len(args) == 1 and args[0].known and isinstance(args[0].value, str):
        return Val.const(MarkupText(args[0].value))  # its `%`, `+` and `.format` escape what they add
    if last in XSS_FUNCS or last == "Markup":
        return Val(frozenset().union(*(a.all_labels() for a in args))).sanitized({"xss"})
    if name == "lxml.etree.XMLParser":
        resolve = kwargs.get("resolve_entities")
        network = kwargs.get("no_network")
        unsafe = (resolve is not None and resolve.known and resolve.value is True) or (
            network is not None and network.known and network.value is False
        )
        return Val.const(UNSAFE_XML_PARSER) if unsafe else Val()
    if last in REDIRECTS:
        return Val()
    return None
