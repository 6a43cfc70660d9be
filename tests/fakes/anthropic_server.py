"""The scripted Anthropic Messages API server (see `tests.fakes.model_server`)."""

from tests.fakes.model_server import ModelServer, Received, Reply, anthropic_server

__all__ = ["ModelServer", "Received", "Reply", "anthropic_server"]
