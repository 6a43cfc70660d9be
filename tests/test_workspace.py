"""The workspace walk: ignore files, confinement, and files that are not reviewable text."""

from __future__ import annotations

from pathlib import Path

import pytest

from aigentflow.errors import FileSkipped, PathOutsideWorkspace
from aigentflow.settings import WorkspaceSettings
from aigentflow.workspace import Workspace


def rel_walk(ws: Workspace, under: str | None = None) -> list[str]:
    return [ws.relpath(p) for p in ws.walk(under)]


def test_the_walk_honours_gitignore_nested_gitignore_and_aigentflow_ignore(workspace: Path) -> None:
    for name in (
        "src/a.py",
        "src/gen/b.py",
        "build/out.js",
        "notes.log",
        "docs/x.md",
        "vendor/lib.py",
        "src/keep.log",
    ):
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text("x\n")
    (workspace / ".git").mkdir()
    (workspace / ".git" / "config").write_text("[core]\n")
    (workspace / ".gitignore").write_text("build/\n*.log\n!src/keep.log\n")
    (workspace / "src" / ".gitignore").write_text("gen/\n")
    (workspace / ".aigentflow").mkdir()
    (workspace / ".aigentflow" / "ignore").write_text("vendor/\n")
    ws = Workspace(workspace)
    assert rel_walk(ws) == [".gitignore", "docs/x.md", "src/.gitignore", "src/a.py", "src/keep.log"]
    assert ws.is_ignored("src/gen/b.py") and ws.is_ignored("vendor/lib.py") and not ws.is_ignored("src/a.py")


def test_configured_ignore_patterns_apply_too(workspace: Path) -> None:
    (workspace / "fixtures").mkdir()
    (workspace / "fixtures" / "keys.txt").write_text("x\n")
    (workspace / "main.py").write_text("x\n")
    ws = Workspace(workspace, WorkspaceSettings(ignore=["fixtures/"]))
    assert rel_walk(ws) == ["main.py"]


def test_paths_that_leave_the_workspace_are_refused_even_through_symlinks(
    workspace: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("private\n")
    (workspace / "escape").symlink_to(secret)
    (workspace / "escape_dir").symlink_to(tmp_path)
    ws = Workspace(workspace)
    for path in ("../outside.txt", str(secret), "escape", "escape_dir/outside.txt"):
        with pytest.raises(PathOutsideWorkspace):
            ws.resolve(path)
    assert rel_walk(ws) == []  # links out of the workspace are not followed


def test_binary_oversized_and_missing_files_are_skipped_with_a_reason(workspace: Path) -> None:
    (workspace / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (workspace / "big.txt").write_bytes(b"a" * 2_000_001)
    ws = Workspace(workspace)
    with pytest.raises(FileSkipped, match="binary"):
        ws.read_text("image.png")
    with pytest.raises(FileSkipped, match="limit"):
        ws.read_text("big.txt")
    with pytest.raises(FileSkipped, match="no such file"):
        ws.read_text("gone.py")


def test_invalid_utf8_is_read_with_replacement_and_flagged(workspace: Path) -> None:
    (workspace / "latin1.py").write_bytes(b"name = 'caf\xe9'\nok = 1\n")
    text = Workspace(workspace).read_text("latin1.py")
    assert text.invalid_utf8 and "ok = 1" in text.text and "\ufffd" in text.text


def test_the_state_folder_keeps_caches_out_of_git_but_not_the_files_a_team_shares(workspace: Path) -> None:
    import subprocess

    from aigentflow.compose import build_services

    def status() -> str:
        return subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "status", "--porcelain", "--untracked-files=all"],
            cwd=workspace, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    (workspace / "app.py").write_text("def f():\n    return 1\n")
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    subprocess.run(["git", "add", "."], cwd=workspace, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=workspace, check=True)
    services = build_services(workspace)
    try:
        assert services.index is not None and services.state is not None
        services.index.refresh()  # writes .aigentflow/index/
        services.state.query("SELECT 1")  # creates .aigentflow/state.db
        assert (workspace / ".aigentflow" / "index").is_dir() and (
            workspace / ".aigentflow" / "state.db"
        ).exists()
        assert status() == ""
        (workspace / ".aigentflow" / "config.yaml").write_text("review: {}\n")
        (workspace / ".aigentflow" / "baseline.json").write_text('{"findings": []}\n')
        assert status().splitlines() == ["?? .aigentflow/baseline.json", "?? .aigentflow/config.yaml"]
    finally:
        for close in reversed(services.closers):
            close()
