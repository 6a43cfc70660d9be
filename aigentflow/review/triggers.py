"""Human-review triggers: information-level findings that say "a person should look at this",
not "this is wrong": auth/crypto code, infrastructure files, public API routes, large diffs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from aigentflow.review.findings import Finding, Severity
from aigentflow.review.lineheads import heads_of_lines
from aigentflow.review.rules import RuleMeta, SourceFile

__all__ = ["LARGE_DIFF_LINES", "TriggersPack", "human_review_reasons"]

LARGE_DIFF_LINES = 500


def _rule(rule_id: str, name: str, hint: str) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        name=name,
        severity=Severity.INFO,
        message=name,
        fix_hint=hint,
        tags=frozenset({"human-review"}),
    )


AUTH = _rule(
    "review.auth-or-crypto",
    "Authentication or cryptography code",
    "Have someone who knows the security model review changes here.",
)
INFRA = _rule(
    "review.infrastructure",
    "Infrastructure or CI configuration",
    "Infrastructure changes deploy and grant access: review them with an operator.",
)
API = _rule(
    "review.public-api", "Public API route", "Review input validation, authorization and rate limits."
)
RULES = (AUTH, INFRA, API)

_AUTH_PATH = re.compile(
    r"(auth|login|logout|password|passwd|crypto|cipher|session|token|jwt|oauth|saml|permission|acl|rbac)",
    re.I,
)
# These are found where they head a line (`lineheads`): unanchored, with the line checked
# after. Each pattern starts with a literal, which the regex engine skips ahead to: one
# alternation of several words in front was tried at every position (13x slower on a tree).
_AUTH_MODULES = (
    r"\s+(hashlib|hmac|secrets|cryptography|jwt|jose|bcrypt|passlib|Crypto|Cryptodome|nacl|"
    r"itsdangerous|flask_login|django\.contrib\.auth|authlib|oauthlib)\b"
)
_AUTH_IMPORTS = (re.compile("import" + _AUTH_MODULES), re.compile("from" + _AUTH_MODULES))
_JS_AUTH_IMPORT = re.compile(
    r"""(?:require\(|from\s+)['"](crypto|bcrypt|jsonwebtoken|passport|jose|argon2)['"]"""
)
_ROUTES = (
    re.compile(r"@[ \t]*[\w.]+\.(?:route|get|post|put|delete|patch|api_route)\("),
    re.compile(r"app\.(?:get|post|put|delete|patch|all)\("),
    re.compile(r"router\.(?:get|post|put|delete|patch|all)\("),
)
_INFRA_NAMES = {
    "Dockerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yaml",
    "compose.yml",
    "Jenkinsfile",
    ".gitlab-ci.yml",
    "azure-pipelines.yml",
    "Makefile",
    "Chart.yaml",
}
_K8S = re.compile(r"^apiVersion:\s*\S+\s*$.*^kind:\s*\S+", re.M | re.S)


def _heads(text: str, patterns: Iterable[re.Pattern[str]]) -> list[re.Match[str]]:
    """Matches of any of `patterns` where they head a line, in text order."""
    found = [match for pattern in patterns for match, _ in heads_of_lines(text, pattern)]
    return sorted(found, key=lambda match: match.start())


def _is_infrastructure(source: SourceFile) -> bool:
    path = PurePosixPath(source.path)
    if (
        path.name in _INFRA_NAMES
        or path.name.startswith("Dockerfile")
        or path.suffix in {".tf", ".tfvars", ".hcl"}
    ):
        return True
    if ".github/workflows/" in f"/{source.path}" or ".circleci/" in f"/{source.path}":
        return True
    return source.language == "yaml" and bool(_K8S.search(source.text[:4000]))


class TriggersPack:
    """Information-level findings flagging files a human should review."""

    name = "triggers"

    @property
    def rules(self) -> Sequence[RuleMeta]:
        return RULES

    def applies_to(self, source: SourceFile) -> bool:
        return True

    def check(self, source: SourceFile) -> Iterable[Finding]:
        findings: list[Finding] = []
        if _is_infrastructure(source):
            findings.append(
                INFRA.finding(
                    source,
                    line=1,
                    column=1,
                    end_line=1,
                    basis="infra",
                    message=f"{source.path} is infrastructure/CI configuration",
                )
            )
        if source.language in {"python", "javascript", "typescript", "tsx"}:
            match = (
                next(iter(_heads(source.text, _AUTH_IMPORTS)), None)
                if source.language == "python"
                else _JS_AUTH_IMPORT.search(source.text)
            )
            if match or _AUTH_PATH.search(PurePosixPath(source.path).stem):
                line = source.text.count("\n", 0, match.start()) + 1 if match else 1
                what = f"imports {match.group(1)}" if match else "is named after authentication/crypto"
                findings.append(
                    AUTH.finding(
                        source,
                        line=line,
                        column=1,
                        basis="auth",
                        message=f"{source.path} {what}: review security-sensitive changes",
                    )
                )
            routes = _heads(source.text, _ROUTES)
            if routes:
                route = routes[0]
                line = source.text.count("\n", 0, route.start()) + 1
                count = len(routes)
                findings.append(
                    API.finding(
                        source,
                        line=line,
                        column=1,
                        basis="routes",
                        message=f"{source.path} defines {count} public API route(s)",
                    )
                )
        return findings


def human_review_reasons(findings: Iterable[Finding], changed_lines: int = 0) -> list[str]:
    """Why a change needs a human reviewer (empty when none): triggers, severe findings, size."""
    reasons: list[str] = []
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.rule_id in {r.id for r in RULES} and (finding.rule_id, finding.path) not in seen:
            seen.add((finding.rule_id, finding.path))
            reasons.append(f"{finding.path}: {finding.message}")
        elif finding.severity.at_least(Severity.HIGH) and ("severe", finding.path) not in seen:
            seen.add(("severe", finding.path))
            reasons.append(f"{finding.path}: {finding.severity.value} finding {finding.rule_id}")
    if changed_lines > LARGE_DIFF_LINES:
        reasons.append(f"the change is large: {changed_lines} changed lines (over {LARGE_DIFF_LINES})")
    return reasons
