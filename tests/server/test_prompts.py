"""The MCP prompts (Claude Code slash commands) through a real in-memory client session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from aigentflow.compose import build_services
from aigentflow.review.masking import mask_secrets
from aigentflow.server.app import build_mcp_server
from tests.helpers import FAKE_AWS_KEY


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def repo(workspace: Path) -> Path:
    """A git repository with one commit, then an uncommitted key and an untracked file."""
    (workspace / "app").mkdir()
    (workspace / "app" / "settings.py").write_text('REGION = "eu-west-1"\n')
    (workspace / "app" / "untouched.py").write_text("def add(a, b):\n    return a + b\n")
    _git(workspace, "init", "-q")
    _git(workspace, "add", ".")
    _git(workspace, "commit", "-q", "-m", "start")
    (workspace / "app" / "settings.py").write_text(
        f'REGION = "eu-west-1"\naws_access_key_id = "{FAKE_AWS_KEY}"\n'
    )
    (workspace / "app" / "new_view.py").write_text("def view(request):\n    return request.args['q']\n")
    return workspace


async def _prompt(root: Path, name: str, arguments: dict[str, str]) -> str:
    async with Client(build_mcp_server(build_services(root))) as client:
        result = await client.get_prompt(name, arguments)
    [message] = result.messages
    assert message.role == "user" and message.content.type == "text"
    return message.content.text


async def _prompt_error(root: Path, name: str, arguments: dict[str, str]) -> str:
    """The message of the error the client gets back (raised inside the session, where it lands)."""
    async with Client(build_mcp_server(build_services(root))) as client:
        with pytest.raises(MCPError) as info:
            await client.get_prompt(name, arguments)
    return info.value.message


async def test_the_three_prompts_are_listed_with_titles_and_arguments(workspace: Path) -> None:
    async with Client(build_mcp_server(build_services(workspace))) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert {"security-review", "fix_failing_tests", "explain_finding"} <= set(prompts)
    assert prompts["security-review"].title == "Security review of the changed lines"
    explain = {a.name: a.required for a in prompts["explain_finding"].arguments or []}
    assert explain == {"path": True, "line": False, "rule_id": False}


async def test_explain_finding_shows_rule_and_code_with_the_secret_masked(repo: Path) -> None:
    text = await _prompt(repo, "explain_finding", {"path": "app/settings.py", "line": "2"})

    assert "secrets.aws-access-key" in text and "CWE-798" in text
    assert '    2  aws_access_key_id = "[REDACTED]"' in text
    assert '    1  REGION = "eu-west-1"' in text
    assert FAKE_AWS_KEY not in text
    assert "aigentflow: allow[<rule id>]" in text


async def test_explain_finding_where_there_is_none_is_an_error_the_model_sees(repo: Path) -> None:
    message = await _prompt_error(repo, "explain_finding", {"path": "app/settings.py", "line": "1"})
    assert message == "no finding at app/settings.py:1"
    message = await _prompt_error(repo, "explain_finding", {"path": "../outside.py"})
    assert message.startswith("cannot read '../outside.py'")


async def test_fix_failing_tests_names_the_projects_test_command(workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.pytest.ini_options]\n')
    (workspace / "test_demo.py").write_text("def test_one():\n    assert 1 == 2\n")

    text = await _prompt(workspace, "fix_failing_tests", {"test": "test_demo.py::test_one"})

    assert text.startswith("Fix the failing test `test_demo.py::test_one`.")
    assert "pytest" in text
    assert "Never delete, skip or weaken a test" in text


def test_mask_secrets_masks_only_secret_spans_on_the_shown_lines(repo: Path) -> None:
    services = build_services(repo)
    findings = services.findings.get("app/settings.py").findings
    lines = (repo / "app" / "settings.py").read_text().splitlines()
    assert mask_secrets(lines, findings) == ['REGION = "eu-west-1"', 'aws_access_key_id = "[REDACTED]"']
    assert mask_secrets(lines[1:], findings, first_line=2) == ['aws_access_key_id = "[REDACTED]"']
    assert mask_secrets(lines[:1], findings) == ['REGION = "eu-west-1"']
