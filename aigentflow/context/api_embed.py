"""Embeddings from an HTTP API: OpenAI-compatible `/embeddings` (OpenAI, local servers) and
Voyage (`voyage-code-3`, made for code). Used when configured and keyed.

Code leaves the machine here, so every text passes the guard's redactor first: secrets and
personal data are replaced by stable placeholders before the request is built. The key is read
from the environment variable the settings name and is never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx2
import numpy as np

from aigentflow.errors import ConfigError, ProviderError

__all__ = ["API_DEFAULTS", "ApiEmbedder"]

logger = logging.getLogger(__name__)

# kind -> (base URL, model, environment variable of the key)
API_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "openai": ("https://api.openai.com/v1", "text-embedding-3-small", "OPENAI_API_KEY"),
    "voyage": ("https://api.voyageai.com/v1", "voyage-code-3", "VOYAGE_API_KEY"),
}


class ApiEmbedder:
    """An `Embedder` over an embeddings HTTP API; thread-safe (one client, no shared state)."""

    def __init__(
        self,
        kind: str,
        environ: Mapping[str, str],
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key_env: str | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        """Raises ConfigError naming the environment variable when the key is missing."""
        from aigentflow.guard.pii import PiiDetector
        from aigentflow.guard.redact import Redactor
        from aigentflow.guard.secrets import TokenPatternDetector

        default_url, default_model, default_env = API_DEFAULTS[kind]
        key_env = api_key_env or default_env
        key = environ.get(key_env, "")
        local = base_url is not None and base_url.startswith(("http://127.0.0.1", "http://localhost"))
        if not key and not local:
            raise ConfigError(f"context.embedder is '{kind}': set the environment variable {key_env}")
        self.kind = kind
        self.model = model or default_model
        self.name = f"{kind}:{self.model}"
        self.dim = 0  # known after the first answer
        self._url = (base_url or default_url).rstrip("/") + "/embeddings"
        self._headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx2.Client(timeout=timeout_s)
        self._redactor = Redactor([TokenPatternDetector(), PiiDetector()])

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` (redacted before sending). Raises ProviderError."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        body: dict[str, Any] = {"model": self.model, "input": [self._redactor.redact(t).text for t in texts]}
        if self.kind == "voyage":
            body["input_type"] = "document"
        try:
            response = self._client.post(self._url, json=body, headers=self._headers)
        except httpx2.HTTPError as exc:
            raise ProviderError(f"{self.name}: embeddings request failed ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise ProviderError(f"{self.name}: embeddings request answered {response.status_code}")
        data = sorted(response.json().get("data", []), key=lambda item: item.get("index", 0))
        vectors = np.array([item["embedding"] for item in data], dtype=np.float32)
        if vectors.shape[0] != len(texts):
            raise ProviderError(f"{self.name}: {vectors.shape[0]} vectors for {len(texts)} texts")
        self.dim = int(vectors.shape[1])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: np.ndarray = (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit

    def close(self) -> None:
        self._client.close()
