"""`aigentflow review`: text, JSON and SARIF output, exit codes, and files it cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import FAKE_AWS_KEY, cli


@pytest.fixture
def project(workspace: Path) -> Path:
    (workspace / "src").mkdir()
    (workspace / "src" / "app.py").write_text(f'import os\n\nAWS_ACCESS_KEY_ID = "{FAKE_AWS_KEY}"\n')
    (workspace / "src" / "ok.py").write_text("def f():\n    return 1\n")
    return workspace


def test_text_output_lists_findings_and_exits_1_at_the_fail_on_severity(project: Path) -> None:
    result = cli("review", ".", cwd=project)
    assert result.returncode == 1
    assert "src/app.py:3:22: high secrets.aws-access-key" in result.stdout
    assert FAKE_AWS_KEY not in result.stdout
    assert cli("review", ".", "--fail-on", "critical", cwd=project).returncode == 0
    assert cli("review", "src/ok.py", cwd=project).returncode == 0


def test_json_output_is_a_list_of_findings_with_the_documented_fields(project: Path) -> None:
    result = cli("review", "src", "--format", "json", cwd=project)
    [finding] = json.loads(result.stdout)
    for key in ("rule_id", "severity", "path", "line", "column", "end_line", "message", "cwe", "fingerprint"):
        assert key in finding
    assert (finding["path"], finding["line"], finding["end_line"]) == ("src/app.py", 3, 3)
    assert finding["cwe"] == 798


def test_sarif_output_is_sarif_2_1_0_that_code_scanning_accepts(project: Path) -> None:
    result = cli("review", ".", "--format", "sarif", cwd=project)
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    [res] = run["results"]
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == "secrets.aws-access-key"
    assert res["level"] == "error" and FAKE_AWS_KEY not in json.dumps(log)
    location = res["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 3 and location["region"]["startColumn"] == 22
    assert "primaryLocationLineHash" in res["partialFingerprints"] or res["partialFingerprints"]
    assert "security-severity" in rules[0]["properties"]


def test_unreadable_inputs_are_skipped_with_a_reason_and_the_rest_is_reviewed(project: Path) -> None:
    (project / "blob.bin").write_bytes(bytes(range(256)) * 10)
    with open(project / "huge.py", "wb") as huge:  # 50 MB
        huge.write((b"x = 1\n" * 1024) * 8534)
    (project / "latin1.py").write_bytes(b"# caf\xe9\nTOKEN = '" + FAKE_AWS_KEY.encode() + b"'\n")
    result = cli("review", ".", cwd=project)
    assert "blob.bin: skipped (binary file)" in result.stdout
    assert "huge.py: skipped (" in result.stdout and "limit" in result.stdout
    assert "latin1.py:2:" in result.stdout  # invalid UTF-8 is still reviewed
    assert "src/app.py:3:" in result.stdout


def test_a_missing_path_is_a_clear_error(project: Path) -> None:
    result = cli("review", "nope.py", cwd=project)
    assert result.returncode == 2 and "no such file or folder: nope.py" in result.stderr


def test_a_long_report_arrives_whole_through_a_pipe_before_the_command_exits(workspace: Path) -> None:
    # The review command exits without tearing its heap down; its output is flushed first.
    lines = [f'TOKEN_{i} = "{FAKE_AWS_KEY}"' for i in range(1_500)]
    (workspace / "keys.py").write_text("\n".join(lines) + "\n")
    result = cli("review", "keys.py", "--format", "json", cwd=workspace)
    assert result.returncode == 1
    assert len(result.stdout) > 256_000  # several pipe buffers
    assert len(json.loads(result.stdout)) == 1_500
