"""Layered configuration: defaults → org → project → user → environment, validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aigentflow.config import load_config
from aigentflow.errors import ConfigError
from aigentflow.review.findings import Severity
from tests.helpers import cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_later_layers_win_key_by_key_and_each_value_knows_its_layer(
    workspace: Path, isolated_env: Path
) -> None:
    org = write(
        isolated_env / "org-config.yaml",
        "review:\n  fail_on: low\n  debounce_ms: 100\ndaemon:\n  idle_timeout_s: 5\n",
    )
    write(workspace / ".aigentflow" / "config.yaml", "review:\n  fail_on: medium\n")
    user = write(isolated_env / "user-config.yaml", "daemon:\n  idle_timeout_s: 50\n")
    env = {
        "AIGENTFLOW_ORG_CONFIG": str(org),
        "AIGENTFLOW_USER_CONFIG": str(user),
        "AIGENTFLOW_REVIEW__DEBOUNCE_MS": "75",
    }
    loaded = load_config(workspace, env)
    assert loaded.settings.review.fail_on == Severity.MEDIUM  # project over org
    assert loaded.settings.review.debounce_ms == 75  # env over org
    assert loaded.settings.daemon.idle_timeout_s == 50  # user over org
    assert loaded.settings.review.secrets.min_length == 12  # untouched default
    origin = loaded.origin_of("review.fail_on")
    assert origin is not None and origin.name == "project"
    origin = loaded.origin_of("review.debounce_ms")
    assert origin is not None and origin.name == "env"


def test_invalid_yaml_names_the_file_and_line(workspace: Path) -> None:
    path = write(workspace / ".aigentflow" / "config.yaml", "review:\n  fail_on: [unclosed\n")
    with pytest.raises(ConfigError) as info:
        load_config(workspace, {})
    assert str(path) in str(info.value) and "line" in str(info.value)


def test_an_invalid_value_names_the_file_key_and_reason(workspace: Path) -> None:
    path = write(workspace / ".aigentflow" / "config.yaml", "review:\n  debounce_ms: soon\n")
    with pytest.raises(ConfigError) as info:
        load_config(workspace, {})
    message = str(info.value)
    assert str(path) in message and "review.debounce_ms" in message and "integer" in message


def test_an_unknown_key_is_an_error_not_silently_ignored(workspace: Path) -> None:
    write(workspace / ".aigentflow" / "config.yaml", "review:\n  debounse_ms: 10\n")
    with pytest.raises(ConfigError, match="debounse_ms"):
        load_config(workspace, {})


def test_a_top_level_that_is_not_a_mapping_is_an_error(workspace: Path) -> None:
    write(workspace / ".aigentflow" / "config.yaml", "- just\n- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(workspace, {})


def test_an_invalid_environment_value_names_the_variable(workspace: Path) -> None:
    with pytest.raises(ConfigError, match="environment"):
        load_config(workspace, {"AIGENTFLOW_DAEMON__IDLE_TIMEOUT_S": "never"})


def test_config_show_prints_every_value_with_its_layer(workspace: Path) -> None:
    write(workspace / ".aigentflow" / "config.yaml", "review:\n  fail_on: critical\n")
    result = cli("config", "show", "--json", "--workspace", str(workspace))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows["review.fail_on"] == {
        "value": "critical",
        "layer": "project",
        "source": str(workspace / ".aigentflow" / "config.yaml"),
    }
    assert rows["review.debounce_ms"]["layer"] == "defaults"
    text = cli("config", "show", "--workspace", str(workspace)).stdout
    assert "review.fail_on" in text and "project" in text


def test_config_schema_is_a_json_schema_of_every_section() -> None:
    result = cli("config", "schema")
    schema = json.loads(result.stdout)
    assert {"daemon", "http", "workspace", "review"} <= set(schema["properties"])
