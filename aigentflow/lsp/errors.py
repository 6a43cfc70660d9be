"""Turning core errors into LSP error responses a user can read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pygls.exceptions import JsonRpcException

from aigentflow.errors import AigentflowError

__all__ = ["RequestFailed", "request_failed_on_error"]


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: the request was valid, but the server could not do it."""

    CODE = -32803
    MESSAGE = "Request failed"


@contextmanager
def request_failed_on_error() -> Iterator[None]:
    """Answer an AigentflowError with RequestFailed carrying its message (no traceback)."""
    try:
        yield
    except AigentflowError as exc:
        raise RequestFailed(message=str(exc)) from exc
