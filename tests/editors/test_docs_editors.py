"""docs/editors.md runs as written: the blocks marked `<!-- docs-test: NAME -->` are executed
(the demo shell block with the real `aigentflow`, the Neovim Lua blocks in headless Neovim)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.editors.nvim import NVIM

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
PLUGIN = REPO / "editors" / "neovim"


def block(name: str) -> str:
    """The fenced code block right after `<!-- docs-test: name -->`."""
    match = re.search(rf"<!-- docs-test: {name} -->\n```\w+\n(.*?)\n```", DOC, re.DOTALL)
    assert match is not None, f"no docs-test block {name!r} in docs/editors.md"
    return match.group(1)


def test_demo_project_block_prints_the_documented_finding(tmp_path: Path) -> None:
    expected = re.search(r"prints\n\n```text\n(.*?)\n```", DOC, re.DOTALL)
    assert expected is not None
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", block("demo")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == expected.group(1).strip(), done.stderr
    assert "Q7ZP4K2M9XW3B8NT" not in done.stdout


NVIM_CHECK = r"""
vim.opt.runtimepath:prepend(assert(os.getenv("NVIM_TEST_PLUGIN")))
vim.cmd("runtime! plugin/aigentflow.lua")
local name, code = os.getenv("NVIM_TEST_BLOCK_NAME"), assert(os.getenv("NVIM_TEST_BLOCK"))
if name == "lazy" then
  -- What lazy.nvim does with a spec: require(main).setup(opts).
  local spec = assert(loadstring("return " .. code))()
  require(spec.main).setup(spec.opts)
else
  assert(loadstring(code))()
end
local config = vim.lsp.config.aigentflow
io.stdout:write(vim.json.encode({
  cmd = config.cmd,
  commands = vim.tbl_keys(vim.api.nvim_get_commands({})),
  has_root_dir = type(config.root_dir) == "function",
}))
"""


@pytest.mark.skipif(NVIM is None, reason="no runnable Neovim >= 0.11 here (install the dev extra)")
@pytest.mark.parametrize("name", ["setup", "lazy"])
def test_neovim_setup_blocks_configure_the_aigentflow_server(tmp_path: Path, name: str) -> None:
    assert NVIM is not None
    script = tmp_path / "check.lua"
    script.write_text(NVIM_CHECK)
    env = {
        **os.environ,
        "NVIM_TEST_PLUGIN": str(PLUGIN),
        "NVIM_TEST_BLOCK": block(name),
        "NVIM_TEST_BLOCK_NAME": name,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["cmd"] == ["aigentflow", "lsp"]
    assert result["has_root_dir"] is True
    assert {"AigentflowFix", "AigentflowReview", "AigentflowSearch", "AigentflowStatus"} <= set(
        result["commands"]
    )
