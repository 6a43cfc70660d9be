"""What the taint interpreter knows about libraries: sources, sanitizers, pass-through calls.

Names are fully qualified through the module's imports (`from flask import request` makes
`request.args` read `flask.request.args`).
"""

from __future__ import annotations

import re

from aigentflow.review.python.values import ALL_KINDS

__all__ = [
    "CAST_CALLS",
    "NEW_DICT_CALLS",
    "REQUEST_PARAMS",
    "REQUEST_ROOTS",
    "REQUEST_SAFE_ATTRS",
    "SANITIZERS",
    "SOURCE_CALLS",
    "SOURCE_METHODS",
    "SOURCE_NAMES",
    "TERMINATING_CALLS",
    "WEB_FRAMEWORKS",
    "match_kinds",
    "pattern_kinds",
    "pins_origin",
    "sanitizer_by_name",
    "scrub_kinds",
]

# Objects whose attributes are request data.
REQUEST_ROOTS = frozenset(
    {"flask.request", "quart.request", "bottle.request", "werkzeug.request", "starlette.requests.Request"}
)
# Parameter names that are the request object (Django views, Starlette/FastAPI handlers),
# in modules that import one of these web frameworks.
REQUEST_PARAMS = frozenset({"request", "req"})
WEB_FRAMEWORKS = (
    "flask",
    "django",
    "starlette",
    "fastapi",
    "quart",
    "sanic",
    "aiohttp.web",
    "tornado",
    "pyramid",
    "falcon",
    "bottle",
    "werkzeug",
    "rest_framework",
    "litestar",
)
# Attributes of a request that are not attacker-controlled data.
REQUEST_SAFE_ATTRS = frozenset(
    {
        "method",
        "url_rule",
        "endpoint",
        "blueprint",
        "scheme",
        "is_secure",
        "is_json",
        "content_length",
        "mimetype",
        "remote_addr",
        "user",
        "session",
        "app",
        "max_content_length",
        "routing_exception",
        "environ_base",
        "is_ajax",
        "auth",
    }
)
SOURCE_CALLS = {
    "input": "input()",
    "raw_input": "raw_input()",
    "os.getenv": "environment variable",
    "os.environ.get": "environment variable",
    "sys.stdin.read": "standard input",
    "sys.stdin.readline": "standard input",
}
SOURCE_NAMES = {"sys.argv": "command-line argument", "os.environ": "environment variable"}
SOURCE_METHODS = frozenset({"recv", "recvfrom", "recv_into"})

# Calls whose result carries no taint at all.
CAST_CALLS = frozenset(
    {
        "int",
        "float",
        "bool",
        "len",
        "type",
        "ord",
        "hash",
        "abs",
        "round",
        "complex",
        "id",
        "isinstance",
        "uuid.UUID",
        "decimal.Decimal",
        "datetime.date.fromisoformat",
        "url_for",
        "flask.url_for",
        "django.urls.reverse",
        "secrets.token_hex",
        "secrets.token_urlsafe",
        "uuid.uuid4",
        "json.dumps",
        "ipaddress.ip_address",
        "ipaddress.ip_network",
        "ipaddress.ip_interface",
        "ipaddress.IPv4Address",
        "ipaddress.IPv6Address",
        "flask.jsonify",
        "jsonify",
    }
)
NEW_DICT_CALLS = frozenset(
    {"dict", "configparser.ConfigParser", "configparser.RawConfigParser", "collections.OrderedDict"}
)
TERMINATING_CALLS = frozenset(
    {"flask.abort", "abort", "sys.exit", "exit", "os._exit", "quit", "werkzeug.exceptions.abort"}
)

_XSS = frozenset({"xss"})
SANITIZERS: dict[str, frozenset[str]] = {
    "html.escape": _XSS,
    "cgi.escape": _XSS,
    "markupsafe.escape": _XSS,
    "flask.escape": _XSS,
    "jinja2.escape": _XSS,
    "markupsafe.Markup.escape": _XSS,
    "django.utils.html.escape": _XSS,
    "bleach.clean": _XSS,
    "urllib.parse.quote": frozenset({"xss", "cmd", "sql", "ldap", "xpath"}),
    "urllib.parse.quote_plus": frozenset({"xss", "cmd", "sql", "ldap", "xpath", "path"}),
    "shlex.quote": frozenset({"cmd"}),
    "pipes.quote": frozenset({"cmd"}),
    "os.path.basename": frozenset({"path"}),
    "werkzeug.utils.secure_filename": frozenset({"path", "cmd", "xss"}),
    "secure_filename": frozenset({"path", "cmd", "xss"}),
    "ldap3.utils.conv.escape_filter_chars": frozenset({"ldap"}),
    "ldap.filter.escape_filter_chars": frozenset({"ldap"}),
    "ldap.dn.escape_dn_chars": frozenset({"ldap"}),
    "ldap.filter.filter_format": frozenset({"ldap"}),  # escapes every value it formats in
    "psycopg2.sql.Identifier": frozenset({"sql"}),  # quoted as identifiers/literals when composed
    "psycopg2.sql.Literal": frozenset({"sql"}),
    "psycopg.sql.Identifier": frozenset({"sql"}),
    "psycopg.sql.Literal": frozenset({"sql"}),
    # None when the joined path would leave the directory
    "werkzeug.utils.safe_join": frozenset({"path"}),
    "werkzeug.security.safe_join": frozenset({"path"}),
    "flask.safe_join": frozenset({"path"}),
    "flask.helpers.safe_join": frozenset({"path"}),
}


def sanitizer_by_name(name: str) -> frozenset[str] | None:
    """Sanitizer kinds for a function known only by its (last) name, e.g. `escape_for_html`."""
    last = name.rsplit(".", 1)[-1].lower()
    if "escape_filter" in last:
        return frozenset({"ldap"})
    if "escape" in last and "unescape" not in last:
        return _XSS
    if "sanitiz" in last or "safe_value" in last or last.startswith(("get_safe", "validate", "validated")):
        return ALL_KINDS
    return None


def pins_origin(prefix: object) -> bool:
    """Whether text starting with `prefix` stays on this site or on one fixed origin whatever
    follows: a path like "/search?q=" (not "//" or "/\\", which browsers read as another
    host) or "https://host/..." with the host closed by a slash."""
    if not isinstance(prefix, str):
        return False
    if prefix.startswith("/"):
        return len(prefix) > 1 and prefix[1] not in "/\\"
    return prefix.startswith(("https://", "http://")) and prefix.count("/") >= 3


# `re.sub(r"[^a-z0-9_]", "", text)`: a class of kept characters, removing the rest.
_NEGATED_CLASS = re.compile(r"\[\^((?:\\.|[^\]\\])+)\][+*]?")
_CLASS_PART = re.compile(r"\\[wd]|[A-Za-z0-9]-[A-Za-z0-9]|\\.|.", re.S)
_HARMLESS = frozenset("_-")  # kept punctuation that no sink kind gives a meaning to


_ATOM = re.compile(r"(\[(?:\\.|[^\]\\])+\]|\\[wd]|[A-Za-z0-9_-])(?:[+*?]|\{\d+(?:,\d*)?\})?")


def pattern_kinds(pattern: object) -> frozenset[str]:
    """Sink kinds made safe by requiring a match of `pattern` from the start (`re.match`) to
    the end: anchored by `$`/`\\Z`, every atom a class of harmless characters (`[A-Za-z0-9_]`,
    `\\w`, `\\d`, letters) with any quantifier."""
    if not isinstance(pattern, str) or not pattern.endswith(("$", r"\Z")):
        return frozenset()
    body = pattern.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    kinds = ALL_KINDS
    position = 0
    while position < len(body):
        atom = _ATOM.match(body, position)
        if atom is None or not atom.group(1):
            return frozenset()
        if atom.group(1).startswith("["):
            if atom.group(1).startswith("[^"):
                return frozenset()
            kinds = kinds & _class_kinds(atom.group(1)[1:-1])
        position = atom.end()
    return kinds if position else frozenset()


_GROUPING = re.compile(r"\(\?:|\(\?P<\w+>|[()|^$]|\\[AZb]")


def match_kinds(pattern: object) -> frozenset[str]:
    """Sink kinds safe for any text a match of `pattern` holds (`re.search(r"(\\d+)", s)`):
    groups, alternatives and anchors around atoms of harmless characters only."""
    if not isinstance(pattern, str):
        return frozenset()
    atoms = _GROUPING.sub("", pattern)
    return pattern_kinds(atoms + "$") if atoms else frozenset()


def _class_kinds(content: str) -> frozenset[str]:
    """Sink kinds safe for text made only of the characters a class lists."""
    kept: set[str] = set()
    for part in _CLASS_PART.findall(content):
        if part in {r"\w", r"\d"} or (len(part) == 3 and part[1] == "-"):
            continue  # word characters, digits, letter/digit ranges
        kept.add(part[-1] if part.startswith("\\") else part)
    kept -= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    if kept <= _HARMLESS:
        return ALL_KINDS
    if kept <= _HARMLESS | {"."}:
        return ALL_KINDS - {"path"}
    return frozenset()


def scrub_kinds(pattern: object) -> frozenset[str]:
    """Sink kinds made safe by deleting every match of `pattern`: a negated class keeping only
    letters, digits and `_`/`-` (and `.`, except for paths) makes text safe for every kind."""
    if not isinstance(pattern, str):
        return frozenset()
    if pattern in {r"\W", r"\W+", r"[\W]", r"[\W]+"}:
        return ALL_KINDS
    match = _NEGATED_CLASS.fullmatch(pattern)
    return frozenset() if match is None else _class_kinds(match.group(1))
