"""MCP sampling: the host's model answers through a real MCP client session's sampling callback."""

from __future__ import annotations

from mcp import Client, types
from mcp.client.session import ClientRequestContext
from mcp.server.mcpserver import Context, MCPServer

from aigentflow.llm import (
    CallOptions,
    Message,
    ModelGateway,
    ProviderNotConfigured,
    bind_sampling,
    build_gateway,
)
from aigentflow.llm.settings import LlmSettings, ModelRef, ProviderSettings

SSN = "123-45-6789"


def _gateway() -> ModelGateway:
    chain = [ModelRef(provider="host", model="claude-haiku-4-5")]
    settings = LlmSettings(
        providers={"host": ProviderSettings(kind="mcp_sampling")}, tiers={"fast": chain, "strong": chain}
    )
    return build_gateway(settings, {})


def _server(gateway: ModelGateway) -> MCPServer:
    mcp = MCPServer("sampling-test")

    @mcp.tool()
    async def ask(question: str, ctx: Context) -> str:
        with bind_sampling(ctx.session, ctx.request_context.request_id):
            try:
                answer = await gateway.chat(
                    [Message("user", question)], system="Answer briefly.", options=CallOptions(max_tokens=50)
                )
            except ProviderNotConfigured as exc:
                return f"unavailable: {exc}"
        return f"{answer.provider}/{answer.model}: {answer.text}"

    return mcp


async def test_the_hosts_model_answers_through_sampling() -> None:
    seen: list[types.CreateMessageRequestParams] = []

    async def sampling(
        context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult:
        seen.append(params)
        question = params.messages[0].content
        assert isinstance(question, types.TextContent)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=f"echo {question.text}"),
            model="host-model",
            stop_reason="endTurn",
        )

    async with Client(_server(_gateway()), sampling_callback=sampling, mode="legacy") as client:
        result = await client.call_tool("ask", {"question": f"is {SSN} valid?"})
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert text.text == f"host/host-model: echo is {SSN} valid?"  # restored on the way back
    (params,) = seen
    assert SSN not in str(params.messages[0].content)  # the host never saw it
    assert params.system_prompt == "Answer briefly." and params.max_tokens == 50
    assert (
        params.model_preferences is not None and params.model_preferences.hints[0].name == "claude-haiku-4-5"
    )


async def test_without_host_sampling_the_provider_says_what_is_missing() -> None:
    async with Client(_server(_gateway()), mode="legacy") as client:
        result = await client.call_tool("ask", {"question": "hi"})
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert text.text.startswith("unavailable:") and "does not offer sampling" in text.text


async def test_outside_an_mcp_request_sampling_is_unavailable() -> None:
    assert "MCP host" in (_gateway().unavailable() or "")


async def test_a_connection_that_cannot_carry_server_requests_makes_sampling_unavailable() -> None:
    async def sampling(
        context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.ErrorData:
        raise AssertionError("never called")

    # The modern per-request protocol (2026-07-28) has no back-channel for sampling.
    async with Client(_server(_gateway()), sampling_callback=sampling) as client:
        result = await client.call_tool("ask", {"question": "hi"})
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert text.text.startswith("unavailable:")
