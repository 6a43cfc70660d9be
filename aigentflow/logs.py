"""Logging set-up. stdout is a protocol stream on stdio transports: logs go to stderr or a file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

__all__ = ["configure_logging"]

# Libraries that log message payloads (file text, tool arguments) at INFO.
_CHATTY = ("pygls", "mcp", "uvicorn.access", "httpx", "watchfiles")


def configure_logging(level: str = "INFO", file: Path | None = None) -> None:
    """Send every log record to `file` (appending) or to stderr; never to stdout."""
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
