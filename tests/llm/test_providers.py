"""The OpenAI-compatible and Ollama providers against the scripted server, through the gateway."""

from __future__ import annotations

import pytest

from aigentflow.llm import Message, ProviderNotConfigured, build_gateway
from aigentflow.llm.settings import LlmSettings, ModelRef, ProviderSettings, RetrySettings
from tests.fakes.model_server import Reply, model_server
from tests.fakes.openai_server import openai_server
from tests.llm.conftest import OPENAI_ENV, GatewayFactory


def _single(kind: str, base_url: str, model: str, **provider: object) -> LlmSettings:
    chain = [ModelRef(provider="p", model=model)]
    return LlmSettings(
        providers={"p": ProviderSettings(kind=kind, base_url=base_url, timeout_s=5, **provider)},  # type: ignore[arg-type]
        tiers={"fast": chain, "strong": chain},
        retry=RetrySettings(max_attempts=2, base_delay_s=0),
    )


async def test_openai_chat_sends_the_system_prompt_as_the_first_message(make_gateway: GatewayFactory) -> None:
    with openai_server(Reply.of("hi back", input_tokens=3, output_tokens=2)) as server:
        gateway = build_gateway(
            _single("openai", server.base_url, "gpt-4o-mini", api_key_env=OPENAI_ENV), {OPENAI_ENV: "k"}
        )
        answer = await gateway.chat([Message("user", "hi")], system="Be nice.")
    assert answer.text == "hi back" and answer.usage.input == 3
    assert server.requests[0].body["messages"] == [
        {"role": "system", "content": "Be nice."},
        {"role": "user", "content": "hi"},
    ]
    assert server.requests[0].headers["authorization"] == "Bearer k"


async def test_a_local_openai_compatible_server_needs_no_key() -> None:
    with openai_server(Reply.of("local"), Reply.of("streamed from local")) as server:
        gateway = build_gateway(_single("openai", server.base_url, "qwen"), {})
        assert (await gateway.chat([Message("user", "hi")])).text == "local"
        chunks = [c async for c in gateway.stream_chat([Message("user", "hi")])]
    assert "".join(chunks) == "streamed from local"


async def test_openai_embeddings_are_returned_in_order() -> None:
    with openai_server(Reply.embedding([[0.1, 0.2], [0.3, 0.4]])) as server:
        gateway = build_gateway(_single("openai", server.base_url, "text-embedding-3-small"), {})
        vectors = await gateway.embed(
            ["a", "mail me at x.y@example.org"], provider="p", model="text-embedding-3-small"
        )
    assert vectors == [[0.1, 0.2], [0.3, 0.4]]
    assert "x.y@example.org" not in server.received_text()


async def test_ollama_chat_stream_and_embed() -> None:
    with model_server(
        Reply.of("llama says hi"), Reply.of("streamed llama"), Reply.embedding([[1.0]])
    ) as server:
        gateway = build_gateway(_single("ollama", server.base_url, "llama3.2"), {})
        answer = await gateway.chat([Message("user", "hi")], system="sys")
        chunks = [c async for c in gateway.stream_chat([Message("user", "hi")])]
        vectors = await gateway.embed(["x"], provider="p", model="nomic-embed-text")
    assert answer.text == "llama says hi" and answer.usage.output == 7
    assert "".join(chunks) == "streamed llama"
    assert vectors == [[1.0]]
    assert [r.path for r in server.requests] == ["/api/chat", "/api/chat", "/api/embed"]
    assert server.requests[0].body["messages"][0] == {"role": "system", "content": "sys"}


async def test_anthropic_has_no_embeddings_and_says_so(make_gateway: GatewayFactory) -> None:
    with pytest.raises(ProviderNotConfigured, match="no embeddings"):
        await make_gateway().embed(["x"], provider="anthropic", model="any")


async def test_a_provider_answers_a_schema_directly_with_one_re_ask() -> None:
    from pydantic import BaseModel

    from aigentflow.llm import ChatRequest
    from aigentflow.llm.openai_provider import OpenAIProvider
    from aigentflow.llm.settings import ProviderSettings as Settings

    class Route(BaseModel):
        agent: str

    with openai_server(Reply.of("no json here"), Reply.of('```json\n{"agent": "tester"}\n```')) as server:
        provider = OpenAIProvider("p", Settings(kind="openai", base_url=server.base_url), {})
        request = ChatRequest([Message("user", "route")], model="m", max_tokens=100, timeout_s=5)
        result = await provider.structured(request, Route)
    assert result.value == Route(agent="tester") and result.stage == "fenced" and result.attempts == 2
    assert "JSON Schema" in server.requests[0].body["messages"][0]["content"]
    assert len(server.requests[1].body["messages"]) == 4
