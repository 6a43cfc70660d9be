"""The provider-specific secret formats and the placeholders that are never secrets.

Each `ProviderPattern` pairs a rule with one regex whose group `secret` is exactly the
credential (so an editor underlines the key, not the line). Regexes start with a literal
wherever the format allows, so sre's prefix scan skips ordinary code at memory speed; the
few that cannot are gated by literal *prefixes* looked up with `str.__contains__`. Formats
follow the providers' documentation and the rule sets of gitleaks and detect-secrets.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass

from aigentflow.review.findings import Severity
from aigentflow.review.rules import RuleMeta

__all__ = [
    "CONNECTION_STRING",
    "CWE_HARDCODED_CREDENTIALS",
    "OWASP_AUTH_FAILURES",
    "PEM_BEGIN",
    "PEM_MAX_BODY",
    "PLACEHOLDER_VALUES",
    "PRIVATE_KEY",
    "PROVIDER_PATTERNS",
    "ProviderPattern",
    "is_placeholder",
    "pem_body_ok",
    "secret_rule",
]

CWE_HARDCODED_CREDENTIALS = 798
OWASP_AUTH_FAILURES = "A07:2021"
_FIX_HINT = (
    "Remove the credential from the source, rotate it (it is compromised once committed), "
    "and load it from the environment or a secret manager."
)


def secret_rule(rule_id: str, name: str, severity: Severity = Severity.HIGH) -> RuleMeta:
    """A secrets rule: CWE-798, OWASP A07:2021, the rotate-and-move fix hint."""
    return RuleMeta(
        id=f"secrets.{rule_id}",
        name=name,
        severity=severity,
        message=name,
        cwe=CWE_HARDCODED_CREDENTIALS,
        owasp=OWASP_AUTH_FAILURES,
        fix_hint=_FIX_HINT,
        tags=frozenset({"security", "secrets"}),
    )


@dataclass(frozen=True)
class ProviderPattern:
    """One credential format: its rule, its regex (group `secret`), and a cheap prefilter."""

    rule: RuleMeta
    regex: re.Pattern[str]
    prefixes: tuple[str, ...] = ()  # run only when one occurs; () = always run (regex starts with a literal)
    lowercase_prefixes: bool = False  # prefixes are looked up in the lowercased text
    validate: Callable[[str], bool] | None = None
    severity_of: Callable[[str], Severity] | None = None


# Values that documentation, templates and tests use in place of a real credential.
PLACEHOLDER_VALUES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "AKIAI44QH8DHBEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        # jwt.io's and PyJWT's documentation tokens.
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
        "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg",
    }
)
_PLACEHOLDER_WORDS = re.compile(
    r"example|placeholder|changeme|change_me|change-me|dummy|redacted|your[_-]?(?:api|secret|token|key|pass)"
    r"|insert[_-]?your|replace[_-]?me|xxxx|\*\*\*\*|\.\.\.|…|^<.*>$|\$\{|\{\{|\$\(|%\(|%s",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """Whether a value is a known stand-in (documented example key, template, masked text)."""
    return value in PLACEHOLDER_VALUES or _PLACEHOLDER_WORDS.search(value) is not None


def _jwt_header_ok(token: str) -> bool:
    """A JWT's first segment must decode to a JSON header naming an algorithm or a type."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return b'"alg"' in decoded or b'"typ"' in decoded


# A PEM private key block. The END line is found with `str.find` from each BEGIN, bounded by
# PEM_MAX_BODY, rather than by a lazy regex that rescans the rest of the file per BEGIN.
PEM_BEGIN = re.compile(
    r"-----BEGIN (?P<kind>(?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----"
)
PEM_MAX_BODY = 16384
_PEM_BODY_CHARS = re.compile(r"[A-Za-z0-9+/=]")


def pem_body_ok(body: str) -> bool:
    """A real key block carries key material (64+ base64 characters), not `...` or a stand-in."""
    return len(_PEM_BODY_CHARS.findall(body.replace("\\n", "\n"))) >= 64 and not is_placeholder(body)


def _stripe_severity(secret: str) -> Severity:
    return Severity.HIGH if "_live_" in secret else Severity.MEDIUM


# Boundaries: a key must not be a slice of a longer token. The left boundary is a lookbehind
# placed *after* the first two literal characters (`_NB2`: "the character before those two is
# not a token character"), for two reasons measured on real code and on adversarial input:
# a regex that starts with a literal is searched by sre's fast prefix scan (one that starts
# with a lookbehind is tried at every position, ~40x slower), and rejecting a start inside a
# run (`eyJeyJeyJ…`, `glpat-glpat-…`) at once keeps the scan linear instead of quadratic.
# Runs are bounded and possessive (`{n,m}+`) for the same reason.
_NB2 = r"(?<![A-Za-z0-9_\-]..)"
_R = r"(?![A-Za-z0-9_\-])"
_B64L = r"(?<![A-Za-z0-9/+])"
_B64R = r"(?![A-Za-z0-9/+=])"


def _p(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


AWS_ACCESS_KEY = secret_rule("aws-access-key", "AWS access key ID")
AWS_SECRET_KEY = secret_rule("aws-secret-key", "AWS secret access key", Severity.CRITICAL)
GITHUB_TOKEN = secret_rule("github-token", "GitHub token")
GITLAB_TOKEN = secret_rule("gitlab-token", "GitLab token")
ANTHROPIC_KEY = secret_rule("anthropic-key", "Anthropic API key")
OPENAI_KEY = secret_rule("openai-key", "OpenAI API key")
SLACK_TOKEN = secret_rule("slack-token", "Slack token")
SLACK_WEBHOOK = secret_rule("slack-webhook", "Slack incoming webhook URL", Severity.MEDIUM)
STRIPE_KEY = secret_rule("stripe-key", "Stripe secret key")
GOOGLE_API_KEY = secret_rule("google-api-key", "Google API key")
AZURE_STORAGE_KEY = secret_rule("azure-storage-key", "Azure storage account key", Severity.CRITICAL)
AZURE_CLIENT_SECRET = secret_rule("azure-client-secret", "Azure AD client secret")
NPM_TOKEN = secret_rule("npm-token", "npm access token")
PYPI_TOKEN = secret_rule("pypi-token", "PyPI API token")
HUGGINGFACE_TOKEN = secret_rule("huggingface-token", "Hugging Face access token")
SENDGRID_KEY = secret_rule("sendgrid-key", "SendGrid API key")
DIGITALOCEAN_TOKEN = secret_rule("digitalocean-token", "DigitalOcean token")
SHOPIFY_TOKEN = secret_rule("shopify-token", "Shopify access token")
VAULT_TOKEN = secret_rule("vault-token", "HashiCorp Vault token")
DATABRICKS_TOKEN = secret_rule("databricks-token", "Databricks access token")
PRIVATE_KEY = secret_rule("private-key", "Private key", Severity.CRITICAL)
JWT = secret_rule("jwt", "JSON Web Token", Severity.MEDIUM)
CONNECTION_STRING = secret_rule("connection-string", "Password in a connection string")

PROVIDER_PATTERNS: tuple[ProviderPattern, ...] = (
    ProviderPattern(
        AWS_ACCESS_KEY,
        _p(r"(?P<secret>A(?<![A-Za-z0-9].)(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z0-9]{16})(?![A-Za-z0-9])"),
    ),
    ProviderPattern(
        AWS_SECRET_KEY,
        _p(
            r"aws[\w.\-]{0,20}?(?:secret|private)[\w.\-]{0,20}?[\"']?\s*(?:=>|:=|=|:)\s*[\"']?"
            rf"{_B64L}(?P<secret>[A-Za-z0-9/+]{{40}}){_B64R}",
            re.IGNORECASE,
        ),
        ("aws",),
        lowercase_prefixes=True,
    ),
    ProviderPattern(
        GITHUB_TOKEN,
        _p(rf"(?P<secret>gh{_NB2}[pousr]_[A-Za-z0-9]{{36,255}}+){_R}"),
    ),
    ProviderPattern(
        GITHUB_TOKEN,
        _p(rf"(?P<secret>gi{_NB2}thub_pat_[A-Za-z0-9_]{{50,255}}+){_R}"),
    ),
    ProviderPattern(
        GITLAB_TOKEN,
        _p(
            rf"(?P<secret>gl{_NB2}(?:(?:pat|dt|rt|cbt|soat|ft|imt|agent)-[A-Za-z0-9_\-]{{20,255}}+"
            rf"|ptt-[0-9a-f]{{40}})){_R}"
        ),
    ),
    ProviderPattern(
        ANTHROPIC_KEY,
        _p(rf"(?P<secret>sk{_NB2}-ant-[a-z]{{1,10}}\d\d-[A-Za-z0-9_\-]{{32,255}}+){_R}"),
    ),
    ProviderPattern(
        OPENAI_KEY,
        _p(
            rf"(?P<secret>sk{_NB2}-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{{40,400}}+"
            rf"|[A-Za-z0-9]{{20}}T3BlbkFJ[A-Za-z0-9]{{20}}|[A-Za-z0-9]{{48}})){_R}"
        ),
    ),
    ProviderPattern(
        SLACK_TOKEN,
        _p(
            rf"(?P<secret>xo{_NB2}x[abposre]-[0-9A-Za-z]{{8,64}}+-[0-9A-Za-z\-]{{8,255}}+"
            rf"|xa{_NB2}pp-\d-[A-Z0-9]{{1,64}}+-\d{{1,32}}+-[a-z0-9]{{1,128}}+){_R}"
        ),
    ),
    ProviderPattern(
        SLACK_WEBHOOK,
        _p(
            r"(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,255}+)"
        ),
    ),
    ProviderPattern(
        STRIPE_KEY,
        _p(rf"(?P<secret>[sr]k{_NB2}_(?:live|test)_[A-Za-z0-9]{{24,255}}+){_R}"),
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
        severity_of=_stripe_severity,
    ),
    ProviderPattern(
        GOOGLE_API_KEY,
        _p(rf"(?P<secret>AI{_NB2}za[0-9A-Za-z_\-]{{35}}){_R}"),
    ),
    ProviderPattern(
        AZURE_STORAGE_KEY,
        _p(rf"AccountKey=(?P<secret>[A-Za-z0-9+/]{{86}}==){_B64R}"),
    ),
    ProviderPattern(
        AZURE_CLIENT_SECRET,
        _p(
            r"(?<![A-Za-z0-9_~.\-])(?P<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])"
        ),
        ("Q~",),
    ),
    ProviderPattern(
        NPM_TOKEN,
        _p(rf"(?P<secret>np{_NB2}m_[A-Za-z0-9]{{36}}){_R}"),
    ),
    ProviderPattern(
        PYPI_TOKEN,
        _p(rf"(?P<secret>py{_NB2}pi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{{50,400}}+){_R}"),
    ),
    ProviderPattern(
        HUGGINGFACE_TOKEN,
        _p(rf"(?P<secret>hf{_NB2}_[A-Za-z]{{34}}){_R}"),
    ),
    ProviderPattern(
        SENDGRID_KEY,
        _p(rf"(?P<secret>SG{_NB2}\.[A-Za-z0-9_\-]{{22}}\.[A-Za-z0-9_\-]{{43}}){_R}"),
    ),
    ProviderPattern(
        DIGITALOCEAN_TOKEN,
        _p(rf"(?P<secret>do{_NB2}[opr]_v1_[a-f0-9]{{64}}){_R}"),
    ),
    ProviderPattern(
        SHOPIFY_TOKEN,
        _p(rf"(?P<secret>sh{_NB2}p(?:at|ca|pa|ss)_[a-fA-F0-9]{{32}}){_R}"),
    ),
    ProviderPattern(
        VAULT_TOKEN,
        _p(rf"(?P<secret>hv{_NB2}[sb]\.[A-Za-z0-9_\-]{{90,300}}+){_R}"),
    ),
    ProviderPattern(
        DATABRICKS_TOKEN,
        _p(rf"(?P<secret>da{_NB2}pi[a-f0-9]{{32}}(?:-\d)?){_R}"),
    ),
    ProviderPattern(
        JWT,
        _p(
            rf"(?P<secret>ey{_NB2}J[A-Za-z0-9_\-]{{8,4096}}+\.eyJ[A-Za-z0-9_\-]{{8,16384}}+"
            rf"\.[A-Za-z0-9_\-]{{0,4096}}+){_R}"
        ),
        validate=_jwt_header_ok,
    ),
)
