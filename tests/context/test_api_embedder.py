"""An embeddings API as the index's embedder, through a local server speaking OpenAI's protocol:
vectors land in the index, search uses them, and no secret or personal datum is ever sent."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from aigentflow.context.embed import resolve_embedder
from aigentflow.context.index import ChunkIndex
from aigentflow.context.settings import ContextSettings
from aigentflow.errors import ConfigError
from aigentflow.workspace import Workspace
from tests.fakes.openai_server import Reply, openai_server
from tests.helpers import FAKE_AWS_KEY

DIM = 64
EMAIL = "jane.doe@example.org"


def bag_of_words(text: str) -> list[float]:
    """A deterministic stand-in for a model: hashed word counts (similar words, similar vectors)."""
    vector = [0.0] * DIM
    for word in re.findall(r"[a-z]+", text.lower()):
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIM] += 1.0
    return vector


def test_an_api_embedder_fills_the_index_and_never_sends_secrets(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "billing.py").write_text(
        "def charge_invoice(customer, amount):\n"
        '    """Charge the customer invoice amount on the card."""\n'
        f'    token = "{FAKE_AWS_KEY}"  # contact {EMAIL}\n'
        "    return gateway.charge(customer, amount, token)\n"
    )
    (workspace / "render.py").write_text(
        "def render_page(template, context):\n    return template.format(**context)\n"
    )
    with openai_server(*[Reply.embedding_by(bag_of_words)] * 50) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        settings = ContextSettings(embedder="openai", embed_base_url=server.base_url)
        embedder = resolve_embedder(settings, workspace)
        assert (
            embedder is not None and embedder.dim == DIM and embedder.name == "openai:text-embedding-3-small"
        )
        index = ChunkIndex(Workspace(workspace), settings, embedder)
        index.refresh()
        index.embed_pending()
        hits = index.search("charge customer invoice card", limit=2, mode="vector")
        status = index.status()
        sent = server.received_text()
    assert hits[0].symbol == "charge_invoice"
    assert status.embedded_percent == 100.0
    assert all(
        r.path.endswith("/embeddings") and r.body["model"] == "text-embedding-3-small"
        for r in server.requests
    )
    assert server.requests[0].headers["authorization"] == "Bearer sk-test-not-a-real-key"
    assert "charge_invoice" in sent  # the code was sent ...
    assert FAKE_AWS_KEY not in sent and EMAIL not in sent  # ... without its secret or personal data


def test_an_api_embedder_without_its_key_says_which_variable_to_set(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOYAGE_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="VOYAGE_API_KEY"):
        resolve_embedder(ContextSettings(embedder="voyage"), workspace)


def test_an_unreachable_api_leaves_the_index_keyword_only(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with openai_server(Reply.error(500)) as server:
        settings = ContextSettings(embedder="openai", embed_base_url=server.base_url)
        assert resolve_embedder(settings, workspace) is None
