"""The scripted OpenAI chat-completions server (see `tests.fakes.model_server`)."""

from tests.fakes.model_server import ModelServer, Received, Reply, openai_server

__all__ = ["ModelServer", "Received", "Reply", "openai_server"]
