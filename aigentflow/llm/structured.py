"""Turn a model's text into a validated pydantic object, recovering what can be recovered.

Stages, in order: `tool` (a forced tool call's arguments), `direct` (the whole text is JSON),
`fenced` (a ```json block, or the outermost {...}), `repaired` (`json-repair` fixes quotes,
commas, truncation), `partial` (top-level "key": value pairs picked out one by one). The
first candidate that validates wins and the result names its stage; when none does, the
result carries the validation errors (for one re-ask) instead of raising.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import json_repair
from pydantic import BaseModel, ValidationError

from aigentflow.errors import ProviderError
from aigentflow.llm.types import ChatResult, Message, SystemBlock

if TYPE_CHECKING:
    from aigentflow.llm.provider import ChatRequest, Provider

__all__ = [
    "StructuredOutputError",
    "StructuredResult",
    "parse_structured",
    "reask_message",
    "schema_instruction",
]

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"```(?:json|JSON)?[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)
_SCALAR = r'("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)'


class StructuredOutputError(ProviderError):
    """A model's answer could not be turned into the requested schema."""


@dataclass
class StructuredResult(Generic[T]):
    """The outcome of a structured call: a value and the stage that produced it, or errors."""

    value: T | None
    stage: str | None
    raw: str
    errors: list[str] = field(default_factory=list)
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.value is not None

    def unwrap(self) -> T:
        """The value, or StructuredOutputError listing the validation errors."""
        if self.value is None:
            raise StructuredOutputError(
                "the model's answer did not match the schema: " + "; ".join(self.errors[:5])
            )
        return self.value


def _direct(text: str) -> Any:
    return json.loads(text.strip())


def _fenced(text: str) -> Any:
    for m in _FENCE.finditer(text):
        try:
            return json.loads(m.group(1).strip())
        except json.JSONDecodeError:
            continue
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        return json.loads(text[start : end + 1])
    raise ValueError("no fenced block")


def _repaired(text: str) -> Any:
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text[text.find("{") :] if "{" in text else text
    data = json_repair.repair_json(body, return_objects=True)
    if not isinstance(data, dict) or not data:
        raise ValueError("nothing repairable")
    return data


def _partial(text: str, schema: type[BaseModel]) -> Any:
    data: dict[str, Any] = {}
    for name in schema.model_fields:
        m = re.search(rf'"?{re.escape(name)}"?\s*[:=]\s*{_SCALAR}', text)
        if m:
            try:
                data[name] = json.loads(m.group(1))
            except json.JSONDecodeError:
                continue
    if not data:
        raise ValueError("no known keys")
    return data


def _candidates(
    text: str, schema: type[BaseModel], tool_input: dict[str, Any] | None
) -> Iterator[tuple[str, Any]]:
    if tool_input is not None:
        yield "tool", tool_input
    stages: list[tuple[str, Callable[[str], Any]]] = [
        ("direct", _direct),
        ("fenced", _fenced),
        ("repaired", _repaired),
        ("partial", lambda t: _partial(t, schema)),
    ]
    for stage, parse in stages:
        try:
            yield stage, parse(text)
        except (ValueError, TypeError, RecursionError):
            continue


def _errors(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()]


def parse_structured(
    text: str,
    schema: type[T],
    *,
    tool_input: dict[str, Any] | None = None,
    transform: Callable[[Any], Any] | None = None,
) -> StructuredResult[T]:
    """Run the recovery stages over `text` and validate against `schema`.

    `transform` is applied to each parsed candidate before validation (the gateway uses it to
    restore redacted values inside strings). Never raises for bad model output.
    """
    errors: list[str] = []
    seen: list[Any] = []
    for stage, data in _candidates(text, schema, tool_input):
        if not isinstance(data, dict) or data in seen:
            continue
        seen.append(data)
        try:
            value = schema.model_validate(transform(data) if transform else data)
        except ValidationError as exc:
            errors = errors or _errors(exc)  # the earliest stage's errors say most about intent
            continue
        return StructuredResult(value, stage, text)
    return StructuredResult(None, None, text, errors or ["the answer contains no JSON object"])


def schema_instruction(schema: type[BaseModel]) -> str:
    """What to append to the prompt so a model answers with the schema."""
    return "Answer with one JSON object and nothing else, matching this JSON Schema:\n" + json.dumps(
        schema.model_json_schema(), separators=(",", ":")
    )


def reask_message(errors: list[str]) -> Message:
    """The one follow-up turn sent after an answer failed validation."""
    listed = "\n".join(f"- {e}" for e in errors[:10])
    return Message(
        "user",
        f"Your previous answer did not validate:\n{listed}\nReply again with only the corrected JSON object.",
    )


async def structured_via_chat(
    provider: Provider, request: ChatRequest, schema: type[T]
) -> StructuredResult[T]:
    """`Provider.structured` for every provider: schema in the prompt (and forced tool use where
    the provider has it), the recovery stages, and one re-ask. No guardrails, no retries: call
    `ModelGateway.structured` for those."""
    system = request.system
    blocks = [SystemBlock(system)] if isinstance(system, str) else list(system or [])
    request.system = [*blocks, SystemBlock(schema_instruction(schema))]
    if provider.capabilities.tool_use:
        request.tool_schema = schema.model_json_schema()
    parsed: StructuredResult[T] = StructuredResult(None, None, "")
    for attempt in (1, 2):
        result: ChatResult = await provider.chat(request)
        parsed = parse_structured(result.text, schema, tool_input=result.tool_input)
        parsed.attempts = attempt
        if parsed.ok:
            return parsed
        request.messages = [
            *request.messages,
            Message("assistant", result.text or "(no answer)"),
            reask_message(parsed.errors),
        ]
    return parsed
