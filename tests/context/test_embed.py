from __future__ import annotations

import numpy as np

from aigentflow.context.embed import RUN_ROWS, OnnxEmbedder


def test_a_batch_larger_than_one_model_run_embeds_like_each_text_alone(minilm: OnnxEmbedder) -> None:
    texts = [
        f"def handler_{i}(request):\n    return respond(request, code={i})" for i in range(RUN_ROWS * 2 + 3)
    ]
    texts[5] = "a much longer text " * 40  # pads its own run, not the others
    batch = minilm.embed(texts)
    assert batch.shape == (len(texts), minilm.dim) and batch.dtype == np.float32
    alone = np.vstack([minilm.embed([t]) for t in texts])
    np.testing.assert_allclose(batch, alone, atol=2e-5)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
