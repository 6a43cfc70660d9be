"""Guards on a proposed patch: the failure's scope, and no new security finding.

The scope of a set of failures is the project files they name (frames, paths in messages),
the project modules the failing tests import, and the tests themselves unless the failure is a
wrong result (then changing the test would hide the bug, not fix it).
"""

from __future__ import annotations

from pathlib import Path

from aigentflow.agents.classify import FailureClass
from aigentflow.agents.context import imported_project_files
from aigentflow.agents.frames import mentioned_paths
from aigentflow.agents.records import FailureRecord
from aigentflow.agents.worktree import FixWorktree, git
from aigentflow.review.engine import ReviewEngine
from aigentflow.review.findings import Severity

__all__ = ["failure_scope", "security_findings"]


def failure_scope(workdir: Path, failures: list[FailureRecord]) -> set[str]:
    """Project-relative files a fix for `failures` may touch."""
    scope: set[str] = set()
    tests: set[str] = set()
    for failure in failures:
        scope |= mentioned_paths(f"{failure.test.details}\n{failure.test.message}", workdir)
        if failure.test.file:
            scope.update(imported_project_files(workdir, failure.test.file))
            if failure.classification is FailureClass.ASSERTION:
                tests.add(failure.test.file)
            else:
                scope.add(failure.test.file)
    return scope - tests


def security_findings(
    review: ReviewEngine | None, tree: FixWorktree, workdir: Path, files: list[str]
) -> list[str]:
    """New findings (medium or worse) the patch adds to `files`, as 'path:line rule: message'."""
    if review is None:
        return []
    found: list[str] = []
    for rel in files:
        path = workdir / rel
        if not path.is_file():
            continue
        top_rel = path.resolve().relative_to(tree.path.resolve()).as_posix()
        before_text = git(tree.path, "show", f"HEAD:{top_rel}", check=False)
        before = {f.fingerprint for f in review.check_text(rel, before_text, use_baseline=True)}
        after = review.check_text(rel, path.read_text(encoding="utf-8", errors="replace"), use_baseline=True)
        for finding in after:
            if finding.fingerprint not in before and finding.severity.at_least(Severity.MEDIUM):
                found.append(f"{rel}:{finding.line} {finding.rule_id}: {finding.message}")
    return found
