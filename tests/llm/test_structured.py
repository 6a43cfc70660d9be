"""Structured outputs: the recovery stages, the one re-ask, and semver compatibility."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest
from pydantic import BaseModel, Field, ValidationError

from aigentflow.llm import (
    AgentOutput,
    AgentStatus,
    CallOptions,
    Message,
    StructuredOutputError,
    parse_structured,
)
from aigentflow.state import GuardEventLog
from tests.fakes.anthropic_server import Reply, anthropic_server
from tests.llm.conftest import GatewayFactory


class Verdict(BaseModel):
    label: str
    score: float = Field(ge=0, le=1)


class FixOutput(AgentOutput):
    SCHEMA_VERSION: ClassVar[str] = "1.1.0"
    patch: str = ""


GOOD = {"label": "bug", "score": 0.9}


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        (json.dumps(GOOD), "direct"),
        ("Here you go:\n```json\n" + json.dumps(GOOD) + "\n```\nAnything else?", "fenced"),
        ('Sure. {"label": "bug", "score": 0.9} Hope that helps', "fenced"),
        ("{'label': 'bug', 'score': 0.9,}", "repaired"),
        ('{"label": "bug", "score": 0.9', "repaired"),
        ('label: "bug"\nscore: 0.9\n', "partial"),
    ],
)
def test_each_recovery_stage_rescues_its_kind_of_answer(text: str, stage: str) -> None:
    result = parse_structured(text, Verdict)
    assert result.ok, result.errors
    assert result.stage == stage
    assert result.value == Verdict(**GOOD)


def test_a_tool_call_wins_over_the_text() -> None:
    result = parse_structured("ignored", Verdict, tool_input=GOOD)
    assert result.stage == "tool" and result.value == Verdict(**GOOD)


def test_an_invalid_answer_is_an_error_value_with_the_validation_errors() -> None:
    result = parse_structured('{"label": "bug", "score": 7}', Verdict)
    assert not result.ok and result.stage is None
    assert any(e.startswith("score:") for e in result.errors)
    with pytest.raises(StructuredOutputError, match="score"):
        result.unwrap()


def test_prose_without_json_is_an_error_value() -> None:
    result = parse_structured("I cannot help with that.", Verdict)
    assert not result.ok and result.errors


def _agent_output(version: str, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "schema_version": version,
        "agent_type": "bug_fixer",
        "task_id": "t-1",
        "timestamp": "2026-01-01T00:00:00Z",
        "status": "success",
        "confidence": 0.8,
        "errors": [],
        "routing_hints": {
            "next_agents": ["tester"],
            "priority": "high",
            "blocking": False,
            "depends_on": [],
            "needs_user_approval": True,
        },
    }
    data.update(extra)
    return data


def test_output_written_against_an_older_minor_version_still_validates() -> None:
    # 1.0.0 had no tokens_used and no routing_hints.has_failures
    value = FixOutput.model_validate(_agent_output("1.0.0", patch="diff"))
    assert value.schema_version == "1.0.0"
    assert value.tokens_used == 0 and value.routing_hints.has_failures is False
    assert value.status is AgentStatus.SUCCESS and value.routing_hints.needs_user_approval


def test_output_of_another_major_or_a_newer_minor_is_rejected() -> None:
    with pytest.raises(ValidationError, match="major differs"):
        FixOutput.model_validate(_agent_output("2.0.0"))
    with pytest.raises(ValidationError, match="newer"):
        FixOutput.model_validate(_agent_output("1.2.0"))


def test_output_without_a_version_gets_the_current_one() -> None:
    data = _agent_output("")
    assert FixOutput.model_validate(data).schema_version == FixOutput.SCHEMA_VERSION


def test_status_must_be_one_of_the_four() -> None:
    with pytest.raises(ValidationError):
        FixOutput.model_validate(_agent_output("1.1.0", status="done"))


async def test_fenced_json_from_the_server_is_parsed_and_says_its_stage(make_gateway: GatewayFactory) -> None:
    with anthropic_server(Reply.of("```json\n" + json.dumps(GOOD) + "\n```")) as server:
        result = await make_gateway(server).structured([Message("user", "classify")], Verdict)
    assert result.stage == "fenced" and result.value == Verdict(**GOOD) and result.attempts == 1
    body = server.requests[0].body
    assert body["tool_choice"] == {"type": "tool", "name": "emit_result"}
    assert body["tools"][0]["input_schema"]["properties"]["label"]["type"] == "string"
    assert "JSON Schema" in body["system"][-1]["text"]


async def test_a_forced_tool_call_answer_is_used(make_gateway: GatewayFactory) -> None:
    with anthropic_server(Reply.tool(GOOD)) as server:
        result = await make_gateway(server).structured([Message("user", "classify")], Verdict)
    assert result.stage == "tool" and result.value == Verdict(**GOOD)


async def test_malformed_json_is_repaired(make_gateway: GatewayFactory) -> None:
    with anthropic_server(Reply.of('{"label": "bug" "score": 0.9}')) as server:
        result = await make_gateway(server).structured([Message("user", "classify")], Verdict)
    assert result.ok and result.stage == "repaired"


async def test_a_truncated_answer_is_completed_by_repair(make_gateway: GatewayFactory) -> None:
    with anthropic_server(Reply.truncated('{"label": "bug", "score": 0.9')) as server:
        result = await make_gateway(server).structured([Message("user", "classify")], Verdict)
    assert result.ok and result.stage == "repaired"


async def test_an_invalid_answer_is_re_asked_once_with_its_errors(
    make_gateway: GatewayFactory, guard_log: GuardEventLog
) -> None:
    with anthropic_server(Reply.of('{"label": "bug", "score": 3}'), Reply.of(json.dumps(GOOD))) as server:
        result = await make_gateway(server).structured(
            [Message("user", "classify")], Verdict, options=CallOptions(correlation_id="re")
        )
    assert result.ok and result.attempts == 2 and result.stage == "direct"
    second = server.requests[1].body["messages"]
    assert second[1] == {"role": "assistant", "content": '{"label": "bug", "score": 3}'}
    assert "score" in second[2]["content"] and "did not validate" in second[2]["content"]
    assert [e.kind for e in guard_log.events("re")] == ["schema"]


async def test_two_invalid_answers_give_an_error_value_not_an_exception(make_gateway: GatewayFactory) -> None:
    with anthropic_server(Reply.of("no idea"), Reply.of("still no idea")) as server:
        result = await make_gateway(server).structured([Message("user", "classify")], Verdict)
    assert not result.ok and result.attempts == 2 and len(server.requests) == 2


async def test_redacted_values_are_restored_inside_the_parsed_object(make_gateway: GatewayFactory) -> None:
    email = "dev.lead@example.org"

    def echo(received: object) -> str:
        content = received.body["messages"][0]["content"]  # type: ignore[attr-defined]
        start = content.index("[EMAIL_")
        return json.dumps({"label": content[start : content.index("]", start) + 1], "score": 0.5})

    with anthropic_server(Reply.from_request(echo)) as server:
        result = await make_gateway(server).structured([Message("user", f"who owns it? {email}")], Verdict)
    assert result.value == Verdict(label=email, score=0.5)
    assert email not in server.received_text()


async def test_agent_output_counts_the_tokens_it_used(make_gateway: GatewayFactory) -> None:
    data = _agent_output("1.1.0", patch="diff")
    with anthropic_server(Reply.of(json.dumps(data), input_tokens=30, output_tokens=12)) as server:
        result = await make_gateway(server).structured([Message("user", "fix")], FixOutput)
    assert result.value is not None and result.value.tokens_used == 42
