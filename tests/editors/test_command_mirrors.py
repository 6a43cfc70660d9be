"""The editors' command-name constants equal the server's (aigentflow/lsp/commands.py).

Parses the Python module with `ast`, the VS Code commands module and the Neovim module as
text, so a rename on either side fails here before it fails in an editor.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from aigentflow.lsp import commands

REPO = Path(__file__).resolve().parents[2]


def _python_commands() -> dict[str, str]:
    tree = ast.parse((REPO / "aigentflow" / "lsp" / "commands.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found[node.targets[0].id] = node.value.value
    return found


def _assignments(text: str, pattern: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(pattern, text, re.MULTILINE)}


def test_python_parse_sees_every_registered_command() -> None:
    assert sorted(_python_commands().values()) == sorted(commands.ALL_COMMANDS)


def test_vscode_constants_equal_the_python_commands() -> None:
    text = (REPO / "editors" / "vscode" / "src" / "commands.ts").read_text(encoding="utf-8")
    ts = _assignments(text, r'^export const ([A-Z_]+) = "(aigentflow\.[^"]+)";')
    assert ts == _python_commands()
    listed = re.search(r"ALL_COMMANDS: readonly string\[\] = \[(.*?)\];", text, re.DOTALL)
    assert listed is not None
    assert [n.strip() for n in listed.group(1).split(",") if n.strip()] == [
        name for name, value in _python_commands().items() if value in commands.ALL_COMMANDS
    ]


def test_neovim_constants_equal_the_python_commands() -> None:
    text = (REPO / "editors" / "neovim" / "lua" / "aigentflow" / "commands.lua").read_text(encoding="utf-8")
    lua = _assignments(text, r'^\s*([A-Z_]+) = "(aigentflow\.[^"]+)",')
    assert lua == _python_commands()
