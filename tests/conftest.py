"""Fixtures shared by every test: an isolated daemon home and config, and a workspace."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_lsp.client
from lsprotocol import types as lsp
from pygls.protocol import default_converter


def _converter_with_code_actions_fixed() -> Any:
    """pygls' client converter, except for lsprotocol's `Command | CodeAction` hook.

    That hook reads every object with a `command` key as a `Command`, so a `CodeAction` that
    carries an edit *and* a command (which LSP runs after the edit) loses its edit. The
    specification tells them apart by the type of `command` (a string in a `Command`), as
    VS Code and Neovim do; so does this hook. Test clients only: the server is unaffected.
    """
    converter = default_converter()

    def structure(obj: Any, _: type) -> lsp.Command | lsp.CodeAction:
        kind = lsp.Command if isinstance(obj.get("command"), str) else lsp.CodeAction
        return converter.structure(obj, kind)

    converter.register_structure_hook(Union[lsp.Command, lsp.CodeAction], structure)  # noqa: UP007
    return converter


pytest_lsp.client.default_converter = _converter_with_code_actions_fixed


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Daemon state, user and org config under a private temp dir; no real keys in the env."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AIGENTFLOW_HOME", str(home / "state"))
    monkeypatch.setenv("AIGENTFLOW_USER_CONFIG", str(home / "user-config.yaml"))
    monkeypatch.setenv("AIGENTFLOW_ORG_CONFIG", str(home / "org-config.yaml"))
    for name in list(os.environ):
        if name.startswith("AIGENTFLOW_") and name not in (
            "AIGENTFLOW_HOME",
            "AIGENTFLOW_USER_CONFIG",
            "AIGENTFLOW_ORG_CONFIG",
        ):
            monkeypatch.delenv(name)
    # Tests make real git commits: give git an identity and keep the user's config out.
    for var, value in (
        ("GIT_AUTHOR_NAME", "Test"),
        ("GIT_AUTHOR_EMAIL", "test@example.invalid"),
        ("GIT_COMMITTER_NAME", "Test"),
        ("GIT_COMMITTER_EMAIL", "test@example.invalid"),
        ("GIT_CONFIG_GLOBAL", os.devnull),
        ("GIT_CONFIG_NOSYSTEM", "1"),
    ):
        monkeypatch.setenv(var, value)
    # A daemon a test forgot (or a front end started) must not outlive the run by long.
    monkeypatch.setenv("AIGENTFLOW_DAEMON__IDLE_TIMEOUT_S", "60")
    for key in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "VOYAGE_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    yield home


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace folder."""
    root = tmp_path / "ws"
    root.mkdir()
    return root.resolve()
