"""Secret detection through the review engine: spans, redaction, placeholders, suppressions, baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aigentflow.errors import ConfigError
from aigentflow.review.baseline import Baseline
from aigentflow.review.engine import ReviewEngine
from aigentflow.review.findings import Finding, Severity
from aigentflow.review.packs import default_packs
from aigentflow.review.rules import RulePack, SourceFile
from aigentflow.review.secrets import SecretsPack, redact, shannon_entropy
from aigentflow.settings import ReviewSettings, SecretsSettings
from aigentflow.workspace import Workspace

# Format-valid, obviously fake credentials (built from runs of the alphabet).
AWS_KEY_ID = "AKIA" + "Z7Q3XK4MJ2NB5WPL"
AWS_SECRET = "Zx9vQ2mK7pL4nR8sT1uW3yB6cD0eF5gH2jK9mN4q"
GITHUB = "ghp_" + "0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2y"
PEM_BODY = "\n".join(["MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Ovl9uFdR8OAhEhVYKjYfQYVoTr1"] * 4)


def engine(baseline: Baseline | None = None, **review: Any) -> ReviewEngine:
    """An engine running only the secrets pack, so other packs' rules do not blur the assertions."""
    settings = ReviewSettings.model_validate(review)
    return ReviewEngine([SecretsPack(settings.secrets)], settings, baseline)


def check(text: str, path: str = "app/config.py", **review: Any) -> list[Finding]:
    return engine(**review).check_text(path, text)


def underlined(text: str, finding: Finding) -> str:
    """The text an editor would underline for a single-line finding."""
    line = SourceFile.of("x", text).line_text(finding.line)
    return line[finding.column - 1 : finding.end_column - 1]


def test_the_default_packs_include_secrets_configured_from_review_settings() -> None:
    settings = ReviewSettings.model_validate({"secrets": {"min_length": 20}})
    [pack] = [p for p in default_packs(settings) if isinstance(p, SecretsPack)]
    assert pack.settings.min_length == 20


def test_the_secrets_pack_is_a_rule_pack_with_cwe_798_on_every_rule() -> None:
    pack = SecretsPack(SecretsSettings.model_validate({}))
    assert isinstance(pack, RulePack)
    ids = [rule.id for rule in pack.rules]
    assert len(ids) == len(set(ids))
    assert {"secrets.aws-access-key", "secrets.generic", "secrets.private-key", "secrets.jwt"} <= set(ids)
    assert all(rule.cwe == 798 and rule.owasp == "A07:2021" and rule.fix_hint for rule in pack.rules)


def test_aws_key_is_reported_with_a_span_covering_exactly_the_key() -> None:
    text = f'import os\nclient = make(key_id="{AWS_KEY_ID}")\n'
    [finding] = check(text)
    assert finding.rule_id == "secrets.aws-access-key"
    assert (finding.line, finding.end_line) == (2, 2)
    assert underlined(text, finding) == AWS_KEY_ID
    assert finding.cwe == 798
    assert finding.severity is Severity.HIGH


def test_the_secret_never_appears_in_full_in_the_finding() -> None:
    text = f'aws_secret_access_key = "{AWS_SECRET}"\ntoken = "{GITHUB}"\n'
    findings = check(text)
    assert [f.rule_id for f in findings] == ["secrets.aws-secret-key", "secrets.github-token"]
    for finding in findings:
        dumped = finding.model_dump_json()
        assert AWS_SECRET not in dumped and GITHUB not in dumped
        assert AWS_SECRET[8:] not in dumped and GITHUB[8:] not in dumped
    assert findings[1].message == "GitHub token: ghp_…(42 chars)"


def test_redaction_shows_at_most_a_quarter_of_a_short_secret() -> None:
    assert redact("abcdefgh") == "ab…(8 chars)"
    assert redact("abc") == "…(3 chars)"


@pytest.mark.parametrize(
    ("line", "rule_id", "secret"),
    [
        ('k = "glpat-' + "aB3dE5fG7hJ9kL1mN2pQ" + '"', "secrets.gitlab-token", "glpat-aB3dE5fG7hJ9kL1mN2pQ"),
        (
            'k = "sk-ant-api03-' + "A1b2C3d4" * 5 + '"',
            "secrets.anthropic-key",
            "sk-ant-api03-" + "A1b2C3d4" * 5,
        ),
        ('k = "sk-proj-' + "Q1w2E3r4T5y6" * 4 + '"', "secrets.openai-key", "sk-proj-" + "Q1w2E3r4T5y6" * 4),
        ('k = "xoxb-' + "1234567890-0987654321-AbCdEfGhIjKl" + '"', "secrets.slack-token", None),
        (
            'h = "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/' + "cCcCcCcCcCcCcCcCcCcCcCcC" + '"',
            "secrets.slack-webhook",
            None,
        ),
        ('k = "sk_live_' + "4eC39HqLyjWDarjtT1zdp7dc" + '"', "secrets.stripe-key", None),
        ('k = "AIza' + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q" + '"', "secrets.google-api-key", None),
        (
            "conn = 'DefaultEndpointsProtocol=https;AccountKey=" + "Ab1+" * 21 + "Cd==;'",
            "secrets.azure-storage-key",
            None,
        ),
        ('k = "npm_' + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + '"', "secrets.npm-token", None),
        ('k = "hf_' + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh" + '"', "secrets.huggingface-token", None),
    ],
)
def test_each_provider_format_is_reported_under_its_own_rule(
    line: str, rule_id: str, secret: str | None
) -> None:
    [finding] = check(line + "\n")
    assert finding.rule_id == rule_id
    if secret is not None:
        assert underlined(line, finding) == secret


def test_stripe_test_keys_are_reported_at_lower_severity_than_live_keys() -> None:
    live, test = check('a = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\nb = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"\n')
    assert live.severity is Severity.HIGH and test.severity is Severity.MEDIUM


def test_private_key_block_spans_from_begin_to_end_line() -> None:
    text = f"x = 1\nKEY = '''-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----'''\n"
    [finding] = check(text)
    assert finding.rule_id == "secrets.private-key"
    assert (finding.line, finding.column) == (2, 10)
    assert (finding.end_line, finding.end_column) == (7, 30)
    assert finding.severity is Severity.CRITICAL
    assert "MIIE" not in finding.message


def test_private_key_headers_without_key_material_are_not_reported() -> None:
    text = 'doc = """\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"""\n'
    assert check(text) == []


def test_jwt_is_reported_and_a_dotted_lookalike_is_not() -> None:
    header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkZha2UifQ"
    jwt = f"{header}.{payload}.c2lnbmF0dXJlLW5vdC1yZWFs"
    [finding] = check(f'bearer = "{jwt}"\n')
    assert finding.rule_id == "secrets.jwt"
    assert check("value = 'eyJxxxxxxxxxx.eyJyyyyyyyyyyy.zzz'\n") == []


def test_connection_string_reports_only_the_password() -> None:
    text = 'DATABASE_URL = "postgresql://app:Sup3r-S3cret-Pw@db.internal:5432/app"\n'
    [finding] = check(text)
    assert finding.rule_id == "secrets.connection-string"
    assert underlined(text, finding) == "Sup3r-S3cret-Pw"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres:postgres@localhost/test",
        "postgres://app:${DB_PASSWORD}@db/app",
        "redis://:password@localhost:6379",
        "https://user:<password>@example.com",
        "https://example.com/path?q=1",
    ],
)
def test_connection_strings_with_placeholder_passwords_are_not_reported(url: str) -> None:
    assert check(f'url = "{url}"\n') == []


def test_generic_secret_needs_a_credential_name_and_a_random_value() -> None:
    findings = check(
        'db_password = "q8Zr!v2Lm#9Tx4Kp"\n'  # reported
        'greeting = "q8Zr!v2Lm#9Tx4Kp"\n'  # not a credential name
        'password = "hunter2"\n'  # too short
        'password = "aaaaaaaaaaaaaaaa"\n'  # not random
        'password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"\n'  # a hash, by its name
        'token_url = "https://auth.example.com/token"\n'  # names a place, not a credential
        'secret_key = os.environ["SECRET_KEY"]\n'  # an environment lookup
        'api_key = "${API_KEY}"\n'  # a template
        'tokenizer_name = "bert-base-uncased"\n'
    )
    assert [(f.rule_id, f.line) for f in findings] == [("secrets.generic", 1)]


def test_generic_secret_in_annotated_assignment_dict_and_yaml() -> None:
    assert check('api_key: str = "f3a9c2e17b8d4e6a9c0b1d2e3f4a5b6c"\n')
    assert check('cfg = {"clientSecret": "Xy7#pQ2$mN9!kL4@"}\n', path="app.js")
    [finding] = check("db:\n  password: Xy7pQ2mN9kL4wR8t\n", path="config.yaml")
    assert finding.rule_id == "secrets.generic" and finding.line == 2


def test_bearer_header_underlines_the_token_not_the_scheme() -> None:
    text = 'headers = {"Authorization": "Bearer q8Zr2v9LmT4xKp7WnB3c"}\n'
    [finding] = check(text)
    assert finding.rule_id == "secrets.generic"
    assert underlined(text, finding) == "q8Zr2v9LmT4xKp7WnB3c"


def test_generic_thresholds_come_from_the_settings() -> None:
    text = 'secret = "q8Zr!v2Lm#9Tx4Kp"\n'
    assert check(text)
    assert check(text, secrets={"entropy_threshold": 4.5}) == []
    assert check(text, secrets={"min_length": 20}) == []


def test_documented_example_keys_and_placeholders_are_not_reported() -> None:
    text = (
        'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\n'
        'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'
        'api_key = "<your-api-key-here>"\n'
        'password = "changeme-changeme"\n'
        'token = "xxxxxxxxxxxxxxxxxxxxxxxx"\n'
        "PASSWORD=${DB_PASSWORD}\n"
    )
    assert check(text) == []


def test_configured_allowlist_silences_matching_values() -> None:
    text = f'key = "{AWS_KEY_ID}"\n'
    assert check(text, secrets={"allowlist": ["^AKIAZ7Q3"]}) == []
    assert check(text, secrets={"allowlist": ["^AKIAQQQQ"]})


def test_invalid_allowlist_regex_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="allowlist"):
        SecretsPack(SecretsSettings.model_validate({"allowlist": ["(unclosed"]}))


def test_a_provider_match_is_not_reported_again_as_generic_or_as_a_password() -> None:
    findings = check(
        f'api_key = "{GITHUB}"\naws_secret_access_key = "{AWS_SECRET}"\n'
        f'remote = "https://x-access-token:{GITHUB}@github.com/org/repo.git"\n'
    )
    assert [f.rule_id for f in findings] == [
        "secrets.github-token",
        "secrets.aws-secret-key",
        "secrets.github-token",
    ]


def test_names_are_judged_by_their_last_word_not_by_any_substring() -> None:
    value = "q8Zr!v2Lm#9Tx4Kp"
    reported = [
        "db_admin_password",
        "secret_admin",
        "apiKey",
        "GITHUB_TOKEN",
        "clientSecret",
        "DB_PASS",
        "auth",
    ]
    silent = ["token_url", "passwordField", "SECRET_NAME", "tokenId", "auth_token_ttl", "bypass", "author"]
    text = "".join(f'{name} = "{value}"\n' for name in reported + silent)
    assert [f.line for f in check(text)] == list(range(1, len(reported) + 1))


def test_allow_comment_suppresses_only_the_named_rule() -> None:
    text = (
        f'a = "{AWS_KEY_ID}"  # aigentflow: allow[secrets.aws-access-key]\n'
        f'b = "{AWS_KEY_ID}"  # aigentflow: allow[secrets.github-token]\n'
        "# aigentflow: allow-next-line[secrets.*]\n"
        f'c = "{AWS_KEY_ID}"\n'
    )
    assert [f.line for f in check(text)] == [2]


def test_rule_settings_disable_and_override_secrets_rules() -> None:
    text = f'k = "{AWS_KEY_ID}"\npassword = "q8Zr!v2Lm#9Tx4Kp"\n'
    findings = check(
        text, rules={"secrets.generic": {"enabled": False}, "secrets.aws-*": {"severity": "critical"}}
    )
    assert [(f.rule_id, f.severity) for f in findings] == [("secrets.aws-access-key", Severity.CRITICAL)]


def test_fingerprint_survives_line_moves_and_changes_with_the_secret() -> None:
    before = check(f'k = "{AWS_KEY_ID}"\n')[0]
    moved = check(f'"""Docs."""\n\nimport os\n\nk  =  "{AWS_KEY_ID}"\n')[0]
    other = check(f'k = "{AWS_KEY_ID[:-1]}Q"\n')[0]
    assert moved.line == 5 and moved.fingerprint == before.fingerprint
    assert other.fingerprint != before.fingerprint


def test_baselined_secret_stays_accepted_after_lines_move_and_a_new_one_is_reported(tmp_path: Path) -> None:
    baseline = Baseline(tmp_path / ".aigentflow" / "baseline.json")
    first = engine(baseline).check_text("app.py", f'k = "{AWS_KEY_ID}"\n')
    assert baseline.add(first) == 1
    moved = f'import os\n\n\nk = "{AWS_KEY_ID}"\ntoken = "{GITHUB}"\n'
    findings = engine(baseline).check_text("app.py", moved)
    assert [f.rule_id for f in findings] == ["secrets.github-token"]
    assert AWS_KEY_ID not in (tmp_path / ".aigentflow" / "baseline.json").read_text()


def test_columns_count_code_points_and_lines_follow_splitlines() -> None:
    text = f'x = 1\f\ngrüße = "ü"; key = "{AWS_KEY_ID}"\r\ny = 2\n'
    [finding] = check(text)
    source = SourceFile.of("app.py", text)
    assert source.line_text(finding.line)[finding.column - 1 : finding.end_column - 1] == AWS_KEY_ID


def test_files_on_disk_are_reviewed_through_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "settings.py").write_text(f'AWS_KEY = "{AWS_KEY_ID}"\n')
    (tmp_path / ".env").write_text("STRIPE_SECRET=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nDEBUG=true\n")
    (tmp_path / "README.md").write_text("Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` first.\n")
    report = engine().check_paths(Workspace(tmp_path), ["."])
    found = sorted((f.path, f.rule_id) for f in report.findings)
    assert found == [(".env", "secrets.stripe-key"), ("src/settings.py", "secrets.aws-access-key")]


def test_shannon_entropy_is_bits_per_character() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    [
        "eyJ" * 150_000,  # a run of JWT starts: quadratic before the in-regex boundary
        "-----BEGIN RSA PRIVATE KEY-----\n" * 20_000,  # BEGINs without an END
        "glpat-" * 80_000,
        '"' + "a" * 500_000,  # an unterminated string
        "password = " * 50_000,
        "://a:b" * 80_000,
    ],
    ids=["jwt-run", "pem-begins", "gitlab-run", "open-quote", "assignments", "schemes"],
)
def test_adversarial_input_is_scanned_in_linear_time_without_findings(text: str) -> None:
    # Linear scans finish these in well under a second; a quadratic one would hit the timeout.
    assert check(text, path="big.txt") == []
