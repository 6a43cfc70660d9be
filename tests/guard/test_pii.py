"""Personal data detection: each kind found, look-alikes left alone."""

from __future__ import annotations

import pytest

from aigentflow.guard import PiiDetector, luhn_ok

DETECTOR = PiiDetector()


def _found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in DETECTOR.find(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("write to jane.doe+ci@mail.example.co.uk today", "EMAIL", "jane.doe+ci@mail.example.co.uk"),
        ("call +1 415-555-0132 now", "PHONE", "+1 415-555-0132"),
        ("call (415) 555-0132 now", "PHONE", "(415) 555-0132"),
        ("uk +44 20 7946 0958.", "PHONE", "+44 20 7946 0958"),
        ("visa 4111 1111 1111 1111 ok", "CARD", "4111 1111 1111 1111"),
        ("mc 5500-0000-0000-0004,", "CARD", "5500-0000-0000-0004"),
        ("amex 378282246310005 ok", "CARD", "378282246310005"),
        ("ssn 123-45-6789.", "SSN", "123-45-6789"),
        ("nino AB 12 34 56 C here", "NINO", "AB 12 34 56 C"),
        ("server at 10.20.30.40.", "IP", "10.20.30.40"),
    ],
)
def test_each_kind_of_personal_data_is_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112 fails luhn",
        "version 1.2.3.4.5 and 10.0.0.256",
        "listen on 127.0.0.1 and 0.0.0.0",
        "ssn-like 000-12-3456 and 666-12-3456",
        "decorator @property and a@b",
        "x = 12345678",
        "date 2024-01-15 and time 12:30:45",
    ],
)
def test_look_alikes_are_not_personal_data(text: str) -> None:
    assert _found(text) == []


def test_luhn() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_kinds_can_be_limited() -> None:
    assert [s.kind for s in PiiDetector(frozenset({"EMAIL"})).find("a@example.com 10.1.2.3")] == ["EMAIL"]
