from __future__ import annotations

from aigentflow.context.text import TokenCounter, identifier_parts, search_query, search_text


def test_identifiers_split_on_camel_case_snake_case_and_acronyms() -> None:
    assert identifier_parts("parseHTTPConfig_v2") == ["parse", "http", "config", "v", "2"]
    assert identifier_parts("find_user_by_email") == ["find", "user", "by", "email"]


def test_search_text_keeps_originals_and_adds_parts_and_joined_forms() -> None:
    text = search_text(
        "a/b.py", "Repo.find_user", "class Repo:", "def find_user(self): return getUserById(1)"
    )
    assert "find_user" in text  # the original stays
    tail = text.rsplit("\n", 1)[1].split()
    assert {"finduser", "find", "user", "getuserbyid", "get", "by", "id"} <= set(tail)


def test_queries_are_expanded_the_same_way_so_spellings_meet() -> None:
    assert {w.lower() for w in search_query("findUser").split()} == {"finduser", "find", "user"}
    assert search_query("  ") == ""


def test_token_counter_uses_the_shipped_tokenizer_with_its_safety_factor() -> None:
    exact = TokenCounter(safety_factor=1.0)
    padded = TokenCounter(safety_factor=1.5)
    assert exact.exact
    text = "def load_config(path):\n    return json.load(open(path))\n"
    raw = exact.count(text)
    assert 10 < raw < len(text)
    assert padded.count(text) >= raw * 1.5
    assert exact.count("") == 0
