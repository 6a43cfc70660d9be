"""Redaction: stable placeholders, exact restoration, secrets from the review's own pack."""

from __future__ import annotations

from aigentflow.guard import PackSecretDetector, PiiDetector, Redactor, TokenPatternDetector
from aigentflow.review.secrets import SecretsPack
from aigentflow.settings import SecretsSettings
from tests.helpers import FAKE_AWS_KEY

GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"


def _redactor(key: bytes = b"k" * 16) -> Redactor:
    return Redactor([TokenPatternDetector(), PiiDetector()], key=key)


def test_secrets_and_personal_data_become_placeholders_and_come_back() -> None:
    text = (
        f"key={FAKE_AWS_KEY}\ntoken: {GITHUB}\n{PRIVATE_KEY}\npassword = 'S3cr3t-Value!'\nmail a@example.org"
    )
    redactor = _redactor()
    redaction = redactor.redact(text)
    for value in (FAKE_AWS_KEY, GITHUB, "MIIEowIBAAKCAQEA7", "S3cr3t-Value!", "a@example.org"):
        assert value not in redaction.text
    assert redaction.text.count("[SECRET_") == 4 and "[EMAIL_" in redaction.text
    assert redactor.restore(redaction.text) == (text, 5)


def test_the_same_value_always_gets_the_same_placeholder_and_different_values_differ() -> None:
    redactor = _redactor()
    one = redactor.redact("a@example.org and b@example.org").text
    two = redactor.redact("again a@example.org").text
    first, second = one.split(" and ")
    assert first != second and two.endswith(first)
    assert _redactor(b"x" * 16).redact("a@example.org").text != first  # keyed: no dictionary attack


def test_unknown_placeholders_are_left_as_they_are() -> None:
    assert _redactor().restore("see [EMAIL_deadbeef]") == ("see [EMAIL_deadbeef]", 0)


def test_environment_references_and_templates_are_not_secrets() -> None:
    text = 'password = "${DB_PASSWORD}"\napi_key = "<your-api-key>"\ntoken = "xxxxxxxxxx"'
    assert _redactor().redact(text).text == text


def test_restore_reaches_inside_parsed_data() -> None:
    redactor = _redactor()
    placeholder = redactor.redact("a@example.org").text
    data = {"owner": placeholder, "list": [f"to {placeholder}"], "n": 1}
    assert redactor.restore_data(data) == {"owner": "a@example.org", "list": ["to a@example.org"], "n": 1}


def test_the_review_secret_pack_drives_redaction_through_its_finding_columns() -> None:
    detector = PackSecretDetector([SecretsPack(SecretsSettings())])
    text = f'x = 1\naws = "{FAKE_AWS_KEY}"\ndb_password = "Zx9#kLm2pQ7vW"\n'
    redaction = Redactor([detector]).redact(text)
    assert FAKE_AWS_KEY not in redaction.text and "Zx9#kLm2pQ7vW" not in redaction.text
    assert redaction.text.startswith('x = 1\naws = "[SECRET_')
    assert {s.rule for s in redaction.spans} == {"secrets.aws-access-key", "secrets.generic"}


def test_events_count_per_rule_and_never_hold_values() -> None:
    redaction = _redactor().redact("a@example.org b@example.org 4111 1111 1111 1111")
    events = {(e.kind, e.rule): e.detail for e in redaction.events("file:x")}
    assert events[("pii", "pii.email")].startswith("2 value(s)")
    assert ("pii", "pii.card") in events
    assert not any("example.org" in d for d in events.values())
