"""Reviewing a tree: files read in batches, looked up in the findings cache, the rest analysed
in forked worker processes when there are enough of them, and reported in walk order."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from aigentflow.errors import FileSkipped
from aigentflow.review.cache import ReviewCache, text_hash
from aigentflow.review.findings import Finding

if TYPE_CHECKING:
    from aigentflow.review.engine import FileReview, ReviewEngine, ReviewReport
    from aigentflow.workspace import Workspace

__all__ = ["review_tree"]

_BATCH = 512  # files held in memory at once
_SHARED: ReviewEngine | None = None  # what forked workers inherit


def _analyse_in_worker(item: tuple[str, str]) -> list[Finding]:
    assert _SHARED is not None
    return _SHARED.check_text(item[0], item[1], use_baseline=False)


def _batches(files: Iterable[Path]) -> Iterator[list[Path]]:
    iterator = iter(files)
    while batch := list(itertools.islice(iterator, _BATCH)):
        yield batch


def review_tree(
    engine: ReviewEngine,
    workspace: Workspace,
    paths: Iterable[str | Path],
    *,
    jobs: int = 1,
    cache: ReviewCache | None = None,
) -> ReviewReport:
    """See `ReviewEngine.check_paths`."""
    from aigentflow.review.engine import FileReview, ReviewReport

    global _SHARED
    files = [file for target in paths for file in workspace.walk(target)]
    forking = jobs > 1 and len(files) >= 4 * jobs and "fork" in multiprocessing.get_all_start_methods()
    reviews: list[FileReview] = []
    with ExitStack() as stack:
        pool: Executor | None = None
        if forking:
            _SHARED = engine
            stack.callback(_forget_engine)
            pool = stack.enter_context(
                ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
            )
        for batch in _batches(files):
            todo: list[tuple[FileReview, str, str]] = []  # (review, text, hash)
            for file in batch:
                review = FileReview(path=workspace.relpath(file))
                reviews.append(review)
                try:
                    content = workspace.read_text(file)
                except FileSkipped as skipped:
                    review.skipped = skipped.reason
                    continue
                review.invalid_utf8 = content.invalid_utf8
                digest = text_hash(content.text) if cache is not None else ""
                known = cache.get(review.path, digest) if cache is not None else None
                if known is not None:
                    review.findings = engine.without_baseline(known[0])
                else:
                    todo.append((review, content.text, digest))
            for (review, _, digest), found in zip(todo, _analyse(engine, pool, todo, jobs), strict=True):
                if cache is not None:
                    cache.put(review.path, digest, found, review.invalid_utf8)
                review.findings = engine.without_baseline(found)
    if cache is not None:
        cache.save()
    return ReviewReport(files=reviews)


def _forget_engine() -> None:
    global _SHARED
    _SHARED = None


def _analyse(
    engine: ReviewEngine, pool: Executor | None, todo: list[tuple[FileReview, str, str]], jobs: int
) -> list[list[Finding]]:
    """Findings (before the baseline) of each text; largest first in workers, so none ends last alone."""
    items = [(review.path, text) for review, text, _ in todo]
    if pool is None or len(items) < 2 * jobs:
        return [engine.check_text(path, text, use_baseline=False) for path, text in items]
    order = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
    chunk = max(1, len(items) // (jobs * 16))
    done = list(pool.map(_analyse_in_worker, [items[i] for i in order], chunksize=chunk))
    found: list[list[Finding]] = [[] for _ in items]
    for index, findings in zip(order, done, strict=True):
        found[index] = findings
    return found
