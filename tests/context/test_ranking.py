"""The ranking stage on a real index (LanceDB BM25 + the packaged MiniLM): the default (score
fusion, name and signature match) must order these where reciprocal rank fusion, the former
default, does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from aigentflow.context.embed import OnnxEmbedder
from aigentflow.context.index import ChunkIndex
from aigentflow.context.search import SearchWeights, hybrid_search, vector_search
from aigentflow.context.settings import ContextSettings
from aigentflow.workspace import Workspace

from .conftest import write_files

FILES = {
    "net.py": """
def send(payload, recipient, retries=3):
    for _ in range(retries):
        if transport.deliver(recipient, payload):
            return True
    return False


def deliver(payload, channel, timeout=5.0):
    with transport.open(channel, timeout) as conn:
        conn.write(payload)
""",
    "text.py": """
def wrap(text, width):
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line += word + " "
    return lines + [line]


def split_words(sentence):
    return [w for w in sentence.split() if w]
""",
}
OLD_DEFAULT = SearchWeights(fusion="rrf", symbol_boost=0.01, signature_boost=0.0)


@pytest.fixture
def index(workspace: Path, minilm: OnnxEmbedder) -> ChunkIndex:
    write_files(workspace, FILES)
    index = ChunkIndex(Workspace(workspace), ContextSettings(), minilm)
    index.refresh()
    assert index.embed_pending() == 4
    return index


@pytest.mark.parametrize(
    ("query", "expected", "rrf_first"),
    [
        # `send` leads both lists by a margin; RRF sees only ranks, and the name `deliver`
        ("Try to deliver the payload, giving up after a number of retries.", "send", "deliver"),
        # BM25 and cosine both prefer `wrap` by a margin that RRF's ranks cannot see
        ("Split the text into lines no longer than width.", "wrap", "split_words"),
    ],
)
def test_default_ranking_finds_the_function_rrf_misses(
    index: ChunkIndex, minilm: OnnxEmbedder, query: str, expected: str, rrf_first: str
) -> None:
    hits = index.search(query, limit=4)
    assert hits[0].symbol == expected
    assert hits[0].sources == ["keyword", "vector"]
    old = hybrid_search(index.store, minilm, query, 4, weights=OLD_DEFAULT)
    assert old[0].symbol == rrf_first


def test_vector_rows_carry_their_cosine_distance_for_score_fusion(index: ChunkIndex) -> None:
    assert index.embedder is not None
    rows = vector_search(index.store, index.embedder, "wrap text to a width", 4)
    distances = [row["_distance"] for row in rows]
    assert distances == sorted(distances) and 0.0 <= distances[0] < 1.0
