from __future__ import annotations

import numpy as np

from aigentflow.context.embed import RUN_ROWS, OnnxEmbedder, QueryCache

from .conftest import CountingEmbedder


def test_a_batch_larger_than_one_model_run_embeds_like_each_text_alone(minilm: OnnxEmbedder) -> None:
    texts = [
        f"def handler_{i}(request):\n    return respond(request, code={i})" for i in range(RUN_ROWS * 2 + 5)
    ]
    texts[5] = "a much longer text " * 40  # pads its own run (if runs hold several), not the others
    batch = minilm.embed(texts)
    assert batch.shape == (len(texts), minilm.dim) and batch.dtype == np.float32
    alone = np.vstack([minilm.embed([t]) for t in texts])
    np.testing.assert_allclose(batch, alone, atol=2e-5)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


def test_a_repeated_query_is_embedded_once_and_batches_pass_through(counting: CountingEmbedder) -> None:
    cache = QueryCache(counting, size=2)
    first = cache.embed(["parse a version string"])
    again = cache.embed(["parse a version string"])
    assert counting.calls == 1 and cache.hits == 1
    np.testing.assert_array_equal(first, again)
    assert not again.flags.writeable  # shared between callers
    cache.embed(["a", "b"])  # chunks being indexed: never cached
    cache.embed(["a", "b"])
    assert counting.calls == 3


def test_the_query_cache_forgets_the_least_recently_used_query(counting: CountingEmbedder) -> None:
    cache = QueryCache(counting, size=2)
    for query in ("first", "second", "first", "third"):  # "second" is the least recent
        cache.embed([query])
    calls = counting.calls
    cache.embed(["first"])
    assert counting.calls == calls
    cache.embed(["second"])
    assert counting.calls == calls + 1
    cache.clear()
    cache.embed(["first"])
    assert counting.calls == calls + 2
