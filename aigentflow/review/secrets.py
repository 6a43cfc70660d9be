"""Secret detection: hardcoded credentials in any text file.

Three kinds of evidence, in order of confidence:

1. *Provider formats* (`secret_patterns.PROVIDER_PATTERNS`): a key that looks like an AWS,
   GitHub, Stripe … credential is one, wherever it appears; so is a PEM private key block
   that carries key material.
2. *Connection strings*: `scheme://user:password@host`; the password is the secret.
3. *Generic*: a string assigned to a name that says it holds a credential (`password`,
   `api_key`, `clientSecret` …), long enough and random enough (Shannon entropy per char)
   not to be a word, a path or a placeholder.

Contracts every finding honours: `column`/`end_column` span exactly the secret; the message
shows only a redacted form (`redact`); the fingerprint is the rule id + path + SHA-256 of the
secret, so moving lines keeps a baselined finding accepted. A value matched by the built-in
placeholders or by `review.secrets.allowlist` is never reported.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from urllib.parse import unquote

from aigentflow.errors import ConfigError
from aigentflow.review.findings import Finding, Severity
from aigentflow.review.rules import RuleMeta, SourceFile
from aigentflow.review.secret_patterns import (
    CONNECTION_STRING,
    PEM_BEGIN,
    PEM_MAX_BODY,
    PRIVATE_KEY,
    PROVIDER_PATTERNS,
    is_placeholder,
    pem_body_ok,
    secret_rule,
)
from aigentflow.settings import SecretsSettings

__all__ = ["GENERIC_SECRET", "SecretsPack", "redact", "shannon_entropy"]

GENERIC_SECRET = secret_rule("generic", "Hardcoded secret", Severity.MEDIUM)

# Line boundaries exactly as `str.splitlines` (and so `SourceFile.lines`) counts them.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# `scheme://user:password@host` — anchored on the literal `://` so the scan is a fast search.
_CONNECTION = re.compile(
    r"://(?P<user>[^\s:@/\"'`<>\[\]]*):(?P<secret>[^\s:@/\"'`<>\[\]]+)@(?P<host>[\w.\-\[\]]+)"
)

# Names that say "this holds a credential", and names that only talk about one.
_KEYWORD = re.compile(
    r"pass(?:word|wd|phrase)|pwd|secret|token|api[_.\-]?key|access[_.\-]?key|auth[_.\-]?(?:key|token)"
    r"|authorization|credential|private[_.\-]?key|signing[_.\-]?key|encryption[_.\-]?key"
    r"|session[_.\-]?key|master[_.\-]?key|bearer"
    r"|(?:^|[_.\-])(?:pass|pw|auth)$",  # `db_pass`, `DB_PW`, docker's `"auth": "<base64>"`
)
_NOT_A_CREDENTIAL_WORD = re.compile(
    r"hash|digest|checksum|sha\d*|md5|fingerprint|integrity|tokeni[sz]"
    # Tokens that page, order or verify requests rather than grant access.
    r"|next|continuation|pagination|page[_.\-]?token|cursor|sync[_.\-]?token|csrf|xsrf|verification|idempoten"
)
# A last word (after `_`, `.`, `-` or a camelCase hump) that makes the name about something else:
# `token_url`, `passwordField`, `SECRET_NAME` — but not `secret_admin` (`min`) or `apiKey` (`key`).
_NOT_A_CREDENTIAL_SUFFIX = re.compile(
    r"(?:(?<=[_.\-])|(?<=[a-z0-9])(?=[A-Z]))(?i:url|uri|endpoint|path|file|dir|name|type|field|prompt"
    r"|label|format|pattern|regex|header|env|var|length|len|count|policy|message|msg|hint|template|class"
    r"|mode|kind|id|limit|size|max|min|expiry|expires|ttl|timeout|budget|usage|estimate|arn|prefix|suffix"
    r"|used|at|date|time)s?$",
)
# Keywords a file must contain (lowercased) for the generic rule to look at it at all.
_KEYWORD_HINTS = ("pass", "pwd", "secret", "token", "key", "credential", "auth", "bearer")

# The generic rule finds quoted values first (a fast scan anchored on quote characters), then
# reads the text before the opening quote *backwards* to find `name =` / `name:` / `name :=`:
# matching the reversed prefix from its start is linear, where a forward regex that starts at
# every identifier is several times slower on ordinary code.
# Blanks only, never a newline: `if x == "/api/token":` ⏎ `result = "…"` is not `token: result = …`.
_ASSIGNED_NAME_REVERSED = re.compile(
    r"[bBrRuUfF]{0,2}[ \t]*(?:={1,3}|=:|>=|:)[ \t]*(?:[\w.\[\], |]{1,40}?[ \t]*:[ \t]*)?[\"'\]]?"
    r"(?P<name>[\w.\-]*[A-Za-z_])(?![\w])"
)
_CONTEXT_CHARS = 120
# What may stand just before the quote of an assigned value (`= "`, `:"`, `=> '`, `= r"`);
# most quoted strings in code follow `(`, `,` or `[` and are dismissed on this one character.
_BEFORE_VALUE = frozenset("=:> \tbBrRuUfF")

# Values that are structure, not randomness.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
_SHORT_HEX = re.compile(r"(?:0x)?[0-9a-fA-F]{1,19}")  # 64 bits or less: an id or a short hash
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# `word`, `camelCase`, `UPPER`, `123`, each optionally numbered (`password1`, `V2`).
_WORD = re.compile(r"(?:[A-Z]?[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)\d*|\d+")
_WORD_SEPARATORS = re.compile(r"[/._:\-]+")
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)+")  # module.attr, package.module:func
_FILE_NAME = re.compile(r"[\w\-]+\.[A-Za-z]{2,4}")
_CODE_VALUE = re.compile(
    r"[(){}\[\]<>]|^[$%]|^arn:|^(?:/|\./|\.\./|~/)|://|\\|process\.env|os\.environ|getenv"
)

# Formats whose values may stand unquoted after `name=` / `name:`.
_UNQUOTED_LANGUAGES = frozenset({None, "dotenv", "yaml", "shell", "toml", "dockerfile"})


def shannon_entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character (0.0 for the empty string)."""
    if not value:
        return 0.0
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in Counter(value).values())


def _is_words(value: str) -> bool:
    """Whether `value` is words joined by separators (`textDocument/semanticTokens`,
    `privateKeyUsagePeriod`, `urn:ietf:params`, `v2-api`): a name a person wrote, not randomness.

    A part is a word when it is lowercase, UPPERCASE, camelCase or all digits; a part mixing
    letters and digits the way random strings do (`a1B2c3`) is not, and neither is a value
    made of digit groups alone (a date, a version: left to the entropy test).
    """
    parts = [part for part in _WORD_SEPARATORS.split(value) if part]
    if not parts or not all(_WORD.fullmatch(part) for part in parts):
        return False
    return any(not part.isdigit() for part in parts)


def redact(secret: str) -> str:
    """A form of `secret` safe to show: a short prefix (never more than a quarter) and the length."""
    shown = min(4, len(secret) // 4)
    return f"{secret[:shown]}…({len(secret)} chars)"


class _Lines:
    """Offset → (1-based line, 1-based column), built only when a file has findings."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


class SecretsPack:
    """The secrets rule pack: provider formats, connection strings, generic high-entropy values."""

    name = "secrets"

    def __init__(self, settings: SecretsSettings | None = None) -> None:
        self.settings = settings or SecretsSettings.model_validate({})
        try:
            self._allow = [re.compile(pattern) for pattern in self.settings.allowlist]
        except re.error as exc:
            raise ConfigError(f"review.secrets.allowlist: invalid regex {exc.pattern!r}: {exc}") from exc
        self._rules: list[RuleMeta] = []
        for meta in [p.rule for p in PROVIDER_PATTERNS] + [PRIVATE_KEY, CONNECTION_STRING, GENERIC_SECRET]:
            if meta not in self._rules:
                self._rules.append(meta)
        n = self.settings.min_length
        self._quoted = re.compile(
            rf"(?P<q>[\"'`])(?:(?:[Bb]earer|[Bb]asic|[Tt]oken)\s+)?(?P<value>[^\s\"'`]{{{n},}})(?P=q)"
        )
        self._unquoted = re.compile(
            rf"^[ \t]*(?:export[ \t]+|-[ \t]+)?[\"']?(?P<name>[A-Za-z_][\w.\-]*)[\"']?[ \t]*[:=][ \t]*"
            rf"(?P<value>[^\s\"'`#,;]{{{n},}})[ \t]*(?:#.*)?$",
            re.MULTILINE,
        )

    @property
    def rules(self) -> Sequence[RuleMeta]:
        return self._rules

    def applies_to(self, source: SourceFile) -> bool:
        """Every text file may hold a secret; the prefilters inside `check` keep it cheap."""
        return bool(source.text)

    def check(self, source: SourceFile) -> list[Finding]:
        """Every secret in `source`; a span claimed by a provider rule is not reported again as generic."""
        text = source.text
        lower = text.lower()
        hits: list[tuple[RuleMeta, int, int, Severity | None]] = []
        for pattern in PROVIDER_PATTERNS:
            haystack = lower if pattern.lowercase_prefixes else text
            if pattern.prefixes and not any(prefix in haystack for prefix in pattern.prefixes):
                continue
            for match in pattern.regex.finditer(text):
                start = match.start("secret")
                secret = match.group("secret")
                if self._allowed(secret) or (pattern.validate and not pattern.validate(secret)):
                    continue
                severity = pattern.severity_of(secret) if pattern.severity_of else None
                hits.append((pattern.rule, start, match.end("secret"), severity))
        if "PRIVATE KEY-----" in text:
            hits.extend((PRIVATE_KEY, s, e, None) for s, e in self._private_keys(text))
        # Weaker evidence never re-reports a span a provider rule already claimed
        # (`https://x-access-token:ghp_…@github.com` is a GitHub token, not also a password).
        claimed = [(start, end) for _, start, end, _ in hits]
        weaker: list[tuple[RuleMeta, Iterator[tuple[int, int]]]] = []
        if "://" in text:
            weaker.append((CONNECTION_STRING, self._connection_passwords(text)))
        if any(hint in lower for hint in _KEYWORD_HINTS):
            weaker.append((GENERIC_SECRET, self._generic(source)))
        for rule, spans in weaker:
            for start, end in spans:
                if not any(start < c_end and c_start < end for c_start, c_end in claimed):
                    hits.append((rule, start, end, None))
                    claimed.append((start, end))
        if not hits:
            return []
        lines = _Lines(text)
        return [self._finding(source, lines, *hit) for hit in hits]

    def _allowed(self, value: str) -> bool:
        return is_placeholder(value) or any(allow.search(value) for allow in self._allow)

    def _private_keys(self, text: str) -> Iterator[tuple[int, int]]:
        """BEGIN … END blocks of private keys that carry key material; the span is the whole block."""
        # Where a failed search for each END marker stopped: a later BEGIN resumes from there,
        # so a file of many BEGINs without an END is still read once, not once per BEGIN.
        searched: dict[str, int] = {}
        for begin in PEM_BEGIN.finditer(text):
            marker = f"-----END {begin.group('kind')}-----"
            low, high = max(begin.end(), searched.get(marker, 0)), begin.end() + PEM_MAX_BODY
            end = text.find(marker, low, high)
            if end < 0:
                searched[marker] = max(low, high - len(marker) + 1)
            elif pem_body_ok(text[begin.end() : end]):
                yield begin.start(), end + len(marker)

    def _connection_passwords(self, text: str) -> Iterator[tuple[int, int]]:
        for match in _CONNECTION.finditer(text):
            password = match.group("secret")
            if (
                password == match.group("user")
                or _is_words(password)  # `user:password@`, `myuser:mypassword@`, `org:repo@`
                or " " in unquote(password)  # prose in an example URL
                or password.startswith(("$", "%", "{"))
                or self._allowed(password)
            ):
                continue
            yield match.start("secret"), match.end("secret")

    def _generic(self, source: SourceFile) -> Iterator[tuple[int, int]]:
        text = source.text
        seen: set[int] = set()
        for match in self._quoted.finditer(text):
            quote = match.start()
            if text[quote - 1 : quote] not in _BEFORE_VALUE:
                continue
            prefix = text[max(0, quote - _CONTEXT_CHARS) : quote]
            assigned = _ASSIGNED_NAME_REVERSED.match(prefix[::-1])
            if assigned and self._is_generic_secret(assigned.group("name")[::-1], match.group("value")):
                seen.add(match.start("value"))
                yield match.start("value"), match.end("value")
        if source.language not in _UNQUOTED_LANGUAGES:
            return
        for match in self._unquoted.finditer(text):
            start = match.start("value")
            if start not in seen and self._is_generic_secret(match.group("name"), match.group("value")):
                yield start, match.end("value")

    def _is_generic_secret(self, name: str, value: str) -> bool:
        """Keyword-context name, then a value that is long, random, and not structure or a stand-in."""
        lowered = name.lower()
        if (
            not _KEYWORD.search(lowered)
            or _NOT_A_CREDENTIAL_WORD.search(lowered)
            or _NOT_A_CREDENTIAL_SUFFIX.search(name)
        ):
            return False
        if len(value) < self.settings.min_length or shannon_entropy(value) < self.settings.entropy_threshold:
            return False
        return not (
            _CODE_VALUE.search(value)
            or _UUID.fullmatch(value)
            or _SHORT_HEX.fullmatch(value)
            or _TIMESTAMP.match(value)
            or _is_words(value)
            or _DOTTED_NAME.fullmatch(value)
            or _FILE_NAME.fullmatch(value)
            or self._allowed(value)
        )

    def _finding(
        self,
        source: SourceFile,
        lines: _Lines,
        rule: RuleMeta,
        start: int,
        end: int,
        severity: Severity | None,
    ) -> Finding:
        secret = source.text[start:end]
        line, column = lines.position(start)
        end_line, end_column = lines.position(end)
        return rule.finding(
            source,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            message=f"{rule.name}: {redact(secret)}",
            basis=hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest(),
            severity=severity,
        )
