"""Model access: providers, routing with fallback, retry, budgets, structured outputs, prompts.

Everything else calls `ModelGateway` (built once by `build_gateway`), never a provider or SDK.
"""

# Imports are lazy (PEP 562): `aigentflow.settings` imports `aigentflow.llm.settings`, which
# runs this file, and every CLI command and the LSP front end must not pay for the SDKs.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AgentOutput": "aigentflow.llm.schemas",
    "AgentStatus": "aigentflow.llm.schemas",
    "Answer": "aigentflow.llm.gateway",
    "CallOptions": "aigentflow.llm.gateway",
    "Capabilities": "aigentflow.llm.types",
    "ChatRequest": "aigentflow.llm.provider",
    "ChatResult": "aigentflow.llm.types",
    "Message": "aigentflow.llm.types",
    "ModelGateway": "aigentflow.llm.gateway",
    "Priority": "aigentflow.llm.schemas",
    "PromptError": "aigentflow.llm.prompts",
    "PromptLevel": "aigentflow.llm.prompts",
    "PromptRegistry": "aigentflow.llm.prompts",
    "PromptStack": "aigentflow.llm.prompts",
    "PromptTemplate": "aigentflow.llm.prompts",
    "Provider": "aigentflow.llm.provider",
    "ProviderCallError": "aigentflow.llm.types",
    "ProviderNotConfigured": "aigentflow.llm.types",
    "RetryPolicy": "aigentflow.llm.retry",
    "RoutingHints": "aigentflow.llm.schemas",
    "StructuredOutputError": "aigentflow.llm.structured",
    "StructuredResult": "aigentflow.llm.structured",
    "SystemBlock": "aigentflow.llm.types",
    "Usage": "aigentflow.llm.types",
    "bind_sampling": "aigentflow.llm.sampling_provider",
    "build_gateway": "aigentflow.llm.factory",
    "build_provider": "aigentflow.llm.factory",
    "default_detectors": "aigentflow.llm.factory",
    "parse_structured": "aigentflow.llm.structured",
}

if TYPE_CHECKING:
    from aigentflow.llm.factory import build_gateway, build_provider, default_detectors
    from aigentflow.llm.gateway import Answer, CallOptions, ModelGateway
    from aigentflow.llm.prompts import PromptError, PromptLevel, PromptRegistry, PromptStack, PromptTemplate
    from aigentflow.llm.provider import ChatRequest, Provider
    from aigentflow.llm.retry import RetryPolicy
    from aigentflow.llm.sampling_provider import bind_sampling
    from aigentflow.llm.schemas import AgentOutput, AgentStatus, Priority, RoutingHints
    from aigentflow.llm.structured import StructuredOutputError, StructuredResult, parse_structured
    from aigentflow.llm.types import (
        Capabilities,
        ChatResult,
        Message,
        ProviderCallError,
        ProviderNotConfigured,
        SystemBlock,
        Usage,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "AgentOutput",
    "AgentStatus",
    "Answer",
    "CallOptions",
    "Capabilities",
    "ChatRequest",
    "ChatResult",
    "Message",
    "ModelGateway",
    "Priority",
    "PromptError",
    "PromptLevel",
    "PromptRegistry",
    "PromptStack",
    "PromptTemplate",
    "Provider",
    "ProviderCallError",
    "ProviderNotConfigured",
    "RetryPolicy",
    "RoutingHints",
    "StructuredOutputError",
    "StructuredResult",
    "SystemBlock",
    "Usage",
    "bind_sampling",
    "build_gateway",
    "build_provider",
    "default_detectors",
    "parse_structured",
]
