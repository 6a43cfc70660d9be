"""The Python rules: identity, CWE, OWASP Top 10 (2021) category, severity and fix hint."""

from __future__ import annotations

from aigentflow.review.findings import Severity
from aigentflow.review.rules import RuleMeta

__all__ = ["CONFIG_RULES", "KIND_RULES", "TAINT_RULES"]

_PY = frozenset({"python"})
A01 = "A01:2021-Broken Access Control"
A02 = "A02:2021-Cryptographic Failures"
A03 = "A03:2021-Injection"
A04 = "A04:2021-Insecure Design"
A05 = "A05:2021-Security Misconfiguration"
A07 = "A07:2021-Identification and Authentication Failures"
A08 = "A08:2021-Software and Data Integrity Failures"


def _rule(
    rule_id: str, name: str, severity: Severity, cwe: int, owasp: str, hint: str, *tags: str
) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        name=name,
        severity=severity,
        message=name,
        cwe=cwe,
        owasp=owasp,
        fix_hint=hint,
        languages=_PY,
        tags=frozenset({"security", *tags}),
    )


H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

# sink kind -> rule (data-flow rules)
KIND_RULES: dict[str, RuleMeta] = {
    "sql": _rule(
        "python.sql-injection",
        "SQL injection",
        H,
        89,
        A03,
        "Pass values as query parameters (cursor.execute(sql, params)); never format them into SQL.",
    ),
    "cmd": _rule(
        "python.command-injection",
        "OS command injection",
        H,
        78,
        A03,
        "Run an argument list without a shell (subprocess.run([...])) or quote with shlex.quote.",
    ),
    "code": _rule(
        "python.code-injection",
        "Code injection",
        H,
        94,  # the class (CWE-94); eval/exec injection is its child CWE-95
        A03,
        "Never eval/exec request data; parse it (json.loads, ast.literal_eval) or dispatch from a table.",
    ),
    "path": _rule(
        "python.path-traversal",
        "Path traversal",
        H,
        22,
        A01,
        "Reduce the name with os.path.basename/secure_filename, or resolve it and check it stays "
        "under the base directory.",
    ),
    "xss": _rule(
        "python.xss",
        "Cross-site scripting",
        H,
        79,
        A03,
        "Escape with markupsafe.escape/html.escape or render through an autoescaping template.",
    ),
    "redirect": _rule(
        "python.open-redirect",
        "Open redirect",
        M,
        601,
        A01,
        "Redirect only to url_for() targets or to URLs checked against an allowlist of hosts.",
    ),
    "ldap": _rule(
        "python.ldap-injection",
        "LDAP injection",
        H,
        90,
        A03,
        "Escape filter values with ldap3.utils.conv.escape_filter_chars / ldap.filter.escape_filter_chars.",
    ),
    "xpath": _rule(
        "python.xpath-injection",
        "XPath injection",
        H,
        643,
        A03,
        "Pass values as XPath variables (tree.xpath('//u[@n=$name]', name=value)).",
    ),
    "xxe": _rule(
        "python.xxe",
        "XML external entity expansion",
        H,
        611,
        A05,
        "Parse untrusted XML with defusedxml, or keep external entities disabled.",
    ),
    "deser": _rule(
        "python.insecure-deserialization",
        "Insecure deserialization",
        H,
        502,
        A08,
        "Use yaml.safe_load/json for untrusted data; never pickle/marshal/shelve it.",
    ),
    "trust": _rule(
        "python.trust-boundary",
        "Trust boundary violation",
        M,
        501,
        A04,
        "Validate request data (allowlist, type conversion) before storing it in the session.",
    ),
}
TAINT_RULES = list(KIND_RULES.values())

CONFIG_RULES: dict[str, RuleMeta] = {
    "hash": _rule(
        "python.weak-hash",
        "Weak hash (MD5/SHA-1)",
        M,
        328,
        A02,
        "Use hashlib.sha256 (or pass usedforsecurity=False when the hash is not for security).",
    ),
    "random": _rule(
        "python.weak-random",
        "Weak random number generator",
        M,
        330,
        A02,
        "Use the secrets module for tokens, keys and passwords.",
    ),
    "cookie-secure": _rule(
        "python.cookie-without-secure",
        "Cookie without the Secure flag",
        M,
        614,
        A05,
        "Pass secure=True (and httponly=True, samesite='Lax') to set_cookie.",
    ),
    "cookie-httponly": _rule(
        "python.cookie-without-httponly",
        "Cookie without the HttpOnly flag",
        L,
        1004,
        A05,
        "Pass httponly=True to set_cookie.",
    ),
    "debug": _rule(
        "python.debug-enabled",
        "Debug mode enabled",
        M,
        489,
        A05,
        "Never run with debug=True outside development; read it from configuration.",
    ),
    "tls": _rule(
        "python.tls-verify-disabled",
        "TLS certificate verification disabled",
        H,
        295,
        A07,
        "Keep verify=True (the default) and pass a CA bundle if needed.",
    ),
    # The API hazard, whatever the document (bandit's B506 files it under CWE-20 too); untrusted
    # data that reaches it is python.insecure-deserialization, CWE-502.
    "yaml": _rule(
        "python.unsafe-yaml-load", "yaml.load with an unsafe loader", M, 20, A08, "Use yaml.safe_load."
    ),
    "shell": _rule(
        "python.subprocess-shell",
        "Shell command built from a parameter (shell=True)",
        L,
        78,
        A03,
        "Pass an argument list without shell=True.",
    ),
}
