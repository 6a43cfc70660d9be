"""Diff review on real git repositories: only changed lines, and flows reaching them, are reported."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aigentflow.errors import ReviewError
from aigentflow.review.diff import changed_lines, review_diff
from aigentflow.review.engine import ReviewEngine
from aigentflow.review.packs import default_packs
from aigentflow.settings import ReviewSettings, WorkspaceSettings
from aigentflow.workspace import Workspace

OLD = """\
import os
import sqlite3
from flask import Flask, request

app = Flask(__name__)


@app.route("/old")
def old():
    os.system("ls " + request.args["d"])
    return "ok"
"""

NEW_ROUTE = """

@app.route("/q")
def q():
    name = request.args.get("name", "")
    cur = sqlite3.connect("db").cursor()
    cur.execute("SELECT * FROM u WHERE name = '" + name + "'")
    return "ok"
"""


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "core.fsmonitor=false", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "config", "user.email", "t@example.com")
    _git(tmp_path, "config", "user.name", "T")
    (tmp_path / "app.py").write_text(OLD)
    _git(tmp_path, "add", "app.py")
    _git(tmp_path, "commit", "-q", "-m", "init")
    return tmp_path


def _engine() -> ReviewEngine:
    settings = ReviewSettings()
    return ReviewEngine(default_packs(settings), settings)


def test_staged_change_reports_only_findings_on_changed_lines(repo: Path) -> None:
    (repo / "app.py").write_text(OLD + NEW_ROUTE)
    _git(repo, "add", "app.py")
    review = review_diff(Workspace(repo, WorkspaceSettings()), _engine())
    rules = {(f.rule_id, f.line) for f in review.findings if f.cwe}
    sink_line = (OLD + NEW_ROUTE).splitlines().index(
        '    cur.execute("SELECT * FROM u WHERE name = \'" + name + "\'")'
    ) + 1
    assert rules == {("python.sql-injection", sink_line)}  # the old command injection is not part of the diff
    assert review.base == "index vs HEAD"
    assert review.changed_lines == len(NEW_ROUTE.splitlines())
    assert [s.category for s in review.summary] == ["A03:2021-Injection"]
    assert any("public API" in reason for reason in review.human_review)


def test_unstaged_change_is_not_in_the_default_index_review(repo: Path) -> None:
    (repo / "app.py").write_text(OLD + NEW_ROUTE)
    review = review_diff(Workspace(repo, WorkspaceSettings()), _engine())
    assert review.findings == []
    against_head = review_diff(Workspace(repo, WorkspaceSettings()), _engine(), "HEAD")
    assert "python.sql-injection" in {f.rule_id for f in against_head.findings}
    assert against_head.base == "working tree vs HEAD"


def test_a_changed_source_line_brings_in_the_flow_it_reaches(repo: Path) -> None:
    text = OLD.replace('request.args["d"]', "target").replace(
        "def old():\n", "def old():\n    target = request.args['d']\n"
    )
    (repo / "app.py").write_text(text)
    _git(repo, "add", "app.py")
    _git(repo, "commit", "-q", "-m", "split")
    (repo / "app.py").write_text(text.replace("request.args['d']", "request.args['dir']"))
    review = review_diff(Workspace(repo, WorkspaceSettings()), _engine(), "HEAD")
    flows = [f for f in review.findings if f.rule_id == "python.command-injection"]
    assert flows, "the sink line did not change, but the source line that reaches it did"
    assert flows[0].line == 11


def test_changed_lines_parses_hunks_and_counts_additions_and_deletions(repo: Path) -> None:
    (repo / "app.py").write_text(OLD.replace('return "ok"', "return 'changed'"))
    lines, total = changed_lines(str(repo), "HEAD")
    assert lines == {"app.py": {11}}
    assert total == 2


def test_option_like_revisions_are_refused(repo: Path) -> None:
    with pytest.raises(ReviewError):
        changed_lines(str(repo), "--output=/tmp/x")


def test_outside_a_repository_the_error_says_git_failed(tmp_path: Path) -> None:
    with pytest.raises(ReviewError, match="git diff failed"):
        changed_lines(str(tmp_path), None)


def test_cli_review_diff_prints_only_findings_of_the_change(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aigentflow.cli import main

    (repo / "app.py").write_text(OLD + NEW_ROUTE)
    _git(repo, "add", "app.py")
    code = main(["review", "--diff", "--workspace", str(repo), "--fail-on", "high"])
    out = capsys.readouterr().out
    assert code == 1
    assert "python.sql-injection" in out
    assert "python.command-injection" not in out
