"""The findings cache: an unchanged file under unchanged rules is not analysed again."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from aigentflow.review.baseline import Baseline
from aigentflow.review.cache import ReviewCache, rules_fingerprint
from aigentflow.review.engine import ReviewEngine, ReviewReport
from aigentflow.review.packs import default_packs
from aigentflow.settings import ReviewSettings, RuleSettings
from aigentflow.workspace import Workspace
from tests.helpers import FAKE_AWS_KEY, cli

CASES = Path(__file__).parent / "cases"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for case in sorted(CASES.glob("*.py"))[:4]:
        (tmp_path / case.name).write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "settings.env").write_text(f"AWS_ACCESS_KEY_ID={FAKE_AWS_KEY}\n", encoding="utf-8")
    return tmp_path


def review(
    root: Path, settings: ReviewSettings | None = None, baseline: Baseline | None = None
) -> tuple[ReviewReport, ReviewCache]:
    settings = settings or ReviewSettings()
    cache = ReviewCache(root / ".aigentflow" / "cache" / "review.db", rules_fingerprint(settings))
    engine = ReviewEngine(default_packs(settings), settings, baseline)
    return engine.check_paths(Workspace(root), [root], cache=cache), cache


def test_a_second_review_of_an_unchanged_tree_analyses_nothing_and_reports_the_same(project: Path) -> None:
    first, cold = review(project)
    second, warm = review(project)
    assert cold.hits == 0 and first.findings
    assert warm.hits == len([f for f in second.files if not f.skipped]) == 5
    assert second.model_dump() == first.model_dump()
    mode = (project / ".aigentflow" / "cache" / "review.db").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_an_edited_file_is_analysed_again(project: Path) -> None:
    review(project)
    target = project / "settings.env"
    target.write_text("NOTHING=here\n", encoding="utf-8")
    report, cache = review(project)
    assert cache.hits == 4
    assert not next(f for f in report.files if f.path == "settings.env").findings


def test_other_rules_or_settings_are_another_generation(project: Path) -> None:
    review(project)
    quieter = ReviewSettings(rules={"secrets.aws-access-key": RuleSettings(enabled=False)})
    report, cache = review(project, quieter)
    assert cache.hits == 0
    assert not any(f.rule_id == "secrets.aws-access-key" for f in report.findings)


def test_the_baseline_applies_to_cached_findings(project: Path, tmp_path: Path) -> None:
    first, _ = review(project)
    accepted = Baseline(tmp_path / "baseline.json")
    accepted.add(first.findings)
    report, cache = review(project, baseline=accepted)
    assert cache.hits == 5 and not report.findings


def test_a_corrupt_cache_is_replaced_with_a_warning(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = project / ".aigentflow" / "cache" / "review.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not SQLite" * 100)
    with caplog.at_level(logging.WARNING):
        report, _ = review(project)
    assert "corrupt" in caplog.text and report.findings
    assert review(project)[1].hits == 5


def test_the_command_caches_unless_told_not_to(project: Path) -> None:
    first = cli("review", ".", "--fail-on", "none", "-f", "json", cwd=project)
    assert first.returncode == 0, first.stderr
    assert (project / ".aigentflow" / "cache" / "review.db").is_file()
    again = cli("review", ".", "--fail-on", "none", "-f", "json", cwd=project)
    uncached = cli("review", ".", "--fail-on", "none", "-f", "json", "--no-cache", cwd=project)
    assert json.loads(again.stdout) == json.loads(first.stdout) == json.loads(uncached.stdout)
    assert json.loads(first.stdout)
