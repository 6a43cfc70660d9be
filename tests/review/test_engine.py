"""The engine applies configuration, inline suppressions and the baseline to every rule."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from aigentflow.errors import ReviewError
from aigentflow.review.baseline import Baseline
from aigentflow.review.engine import ReviewEngine, ReviewReport
from aigentflow.review.findings import Finding, Severity
from aigentflow.review.packs import default_packs
from aigentflow.review.rules import RuleMeta, SourceFile
from aigentflow.settings import ReviewSettings, RuleSettings
from tests.helpers import FAKE_AWS_KEY

CODE = f'KEY = "{FAKE_AWS_KEY}"\n'


def engine(rules: dict[str, RuleSettings] | None = None, baseline: Baseline | None = None) -> ReviewEngine:
    settings = ReviewSettings(rules=rules or {})
    return ReviewEngine(default_packs(settings), settings, baseline)


def test_a_rule_can_be_disabled_or_given_another_severity() -> None:
    assert engine({"secrets.aws-access-key": RuleSettings(enabled=False)}).check_text("a.py", CODE) == []
    [finding] = engine({"secrets.*": RuleSettings(severity=Severity.CRITICAL)}).check_text("a.py", CODE)
    assert finding.severity == Severity.CRITICAL


def test_an_unknown_rule_id_in_the_configuration_is_an_error() -> None:
    with pytest.raises(ReviewError, match=r"secrets\.aws-acess-key"):
        engine({"secrets.aws-acess-key": RuleSettings(enabled=False)})


@pytest.mark.parametrize(
    "code",
    [
        f'KEY = "{FAKE_AWS_KEY}"  # aigentflow: allow[secrets.aws-access-key]\n',
        f'KEY = "{FAKE_AWS_KEY}"  # aigentflow: allow\n',
        f'# aigentflow: allow-next-line[secrets.aws-access-key]\nKEY = "{FAKE_AWS_KEY}"\n',
    ],
)
def test_allow_comments_suppress_the_finding_on_their_line(code: str) -> None:
    assert engine().check_text("a.py", code) == []


def test_an_allow_comment_for_another_rule_does_not_suppress() -> None:
    code = f'KEY = "{FAKE_AWS_KEY}"  # aigentflow: allow[python.sql-injection]\n'
    assert [f.rule_id for f in engine().check_text("a.py", code)] == ["secrets.aws-access-key"]


def test_a_baselined_finding_stays_silent_when_its_line_moves(tmp_path: Path) -> None:
    baseline = Baseline(tmp_path / "baseline.json")
    [finding] = engine(baseline=baseline).check_text("a.py", CODE)
    assert baseline.add([finding]) == 1
    assert engine(baseline=baseline).check_text("a.py", "import os\n\n" + CODE) == []
    assert len(engine(baseline=baseline).check_text("b.py", CODE)) == 1  # per file


def test_a_corrupt_baseline_is_reported_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("{ not json")
    baseline = Baseline(path)
    [finding] = engine(baseline=baseline).check_text("a.py", CODE)
    assert baseline.error and "baseline" in baseline.error
    with pytest.raises(ReviewError):
        baseline.add([finding])
    assert path.read_text() == "{ not json"


def test_a_pack_whose_rules_are_all_disabled_is_not_run() -> None:
    off = engine({"python.*": RuleSettings(enabled=False), "js.*": RuleSettings(enabled=False)})
    names = {pack.name for pack in off.active}
    assert "secrets" in names and not any(n.startswith(("python", "javascript")) for n in names)
    assert [f.rule_id for f in off.check_text("a.py", CODE + "import yaml\nyaml.load(x)\n")] == [
        "secrets.aws-access-key"
    ]


class _Broken:
    """A rule pack with a bug: it raises on every file."""

    name = "broken"
    rules = [RuleMeta(id="broken.rule", name="Broken", severity=Severity.LOW)]

    def applies_to(self, source: SourceFile) -> bool:
        return True

    def check(self, source: SourceFile) -> list[Finding]:
        raise KeyError("a bug")


def test_a_pack_that_fails_on_a_file_is_logged_and_the_other_packs_still_report(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = ReviewSettings()
    review = ReviewEngine([_Broken(), *default_packs(settings)], settings)
    with caplog.at_level(logging.ERROR):
        found = review.check_text("a.py", CODE)
    assert [f.rule_id for f in found] == ["secrets.aws-access-key"]
    assert "a.py: the broken rules failed" in caplog.text


def test_a_tree_reviewed_in_worker_processes_gives_the_same_report_in_walk_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from aigentflow.review import batch
    from aigentflow.workspace import Workspace

    forked: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            forked.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", CountedPool)

    cases = Path(__file__).parent / "cases"
    for index, case in enumerate(sorted(cases.glob("*.py")) * 2):
        (tmp_path / f"m{index:02d}_{case.name}").write_text(
            case.read_text(encoding="utf-8"), encoding="utf-8"
        )
    (tmp_path / "keys.env").write_text(f"AWS_KEY={FAKE_AWS_KEY}\n", encoding="utf-8")
    settings = ReviewSettings()
    workspace = Workspace(tmp_path)
    alone = ReviewEngine(default_packs(settings), settings).check_paths(workspace, [tmp_path])
    workers = ReviewEngine(default_packs(settings), settings).check_paths(workspace, [tmp_path], jobs=2)
    assert len(alone.files) >= 8 and alone.findings
    assert workers.model_dump() == alone.model_dump()
    assert forked == [1]  # the second review really ran in worker processes


def test_a_cached_tree_with_few_changed_files_is_analysed_without_forking_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from aigentflow.review import batch
    from aigentflow.review.cache import ReviewCache, rules_fingerprint
    from aigentflow.workspace import Workspace

    handed: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            handed.append(len(args[0]))  # files in the chunk
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", CountedPool)
    cases = sorted((Path(__file__).parent / "cases").glob("*.py"))
    for index, case in enumerate(cases):
        (tmp_path / f"m{index:02d}.py").write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\0binary")  # skipped, in its place in walk order
    settings = ReviewSettings()
    workspace = Workspace(tmp_path)

    def review() -> ReviewReport:
        cache = ReviewCache(tmp_path / ".aigentflow" / "review.db", rules_fingerprint(settings))
        return ReviewEngine(default_packs(settings), settings).check_paths(
            workspace, [tmp_path], jobs=2, cache=cache
        )

    first = review()
    assert sum(handed) == len(cases)  # every Python file handed to a worker
    assert [f.path for f in first.files] == sorted(f.path for f in first.files)
    assert next(f for f in first.files if f.path == "blob.bin").skipped == "binary file"
    handed.clear()
    (tmp_path / "m00.py").write_text(cases[0].read_text(encoding="utf-8") + "\nx = 1\n", encoding="utf-8")
    again = review()
    assert handed == []  # one changed file: analysed in the parent, no fork
    assert again.model_dump() == first.model_dump()
