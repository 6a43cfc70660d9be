"""Reviewing a tree: files read in batches, looked up in the findings cache, the rest analysed
in forked worker processes when there are enough of them, and reported in walk order.

With workers, a batch is read largest file first and handed over in chunks as it is read: the
workers analyse the first chunks while the parent still reads (and hashes) the rest, and the
largest files start first, so that no worker ends last alone on a big one.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
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
_CHUNKS_PER_JOB = 16  # chunks handed to each worker per batch: small enough to even out the end
_SHARED: ReviewEngine | None = None  # what forked workers inherit


def _analyse_in_worker(items: list[tuple[str, str]]) -> list[list[Finding]]:
    assert _SHARED is not None
    return [_SHARED.check_text(path, text, use_baseline=False) for path, text in items]


def _batches(files: Iterable[Path]) -> Iterator[list[Path]]:
    iterator = iter(files)
    while batch := list(itertools.islice(iterator, _BATCH)):
        yield batch


@dataclass
class _Todo:
    """A file read and not in the cache: its review, text and text hash."""

    review: FileReview
    text: str
    digest: str


def review_tree(
    engine: ReviewEngine,
    workspace: Workspace,
    paths: Iterable[str | Path],
    *,
    jobs: int = 1,
    cache: ReviewCache | None = None,
) -> ReviewReport:
    """See `ReviewEngine.check_paths`."""
    from aigentflow.review.engine import ReviewReport

    global _SHARED
    files = [file for target in paths for file in workspace.walk(target)]
    forking = jobs > 1 and len(files) >= 4 * jobs and "fork" in multiprocessing.get_all_start_methods()
    reviews: list[FileReview] = []
    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        if forking:  # the workers are forked at the first chunk handed over
            _SHARED = engine
            stack.callback(_forget_engine)
            pool = stack.enter_context(
                ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
            )
        for batch in _batches(files):
            reviews.extend(_review_batch(engine, workspace, batch, pool, jobs, cache))
    if cache is not None:
        cache.save()
    return ReviewReport(files=reviews)


def _forget_engine() -> None:
    global _SHARED
    _SHARED = None


def _review_batch(
    engine: ReviewEngine,
    workspace: Workspace,
    batch: list[Path],
    pool: ProcessPoolExecutor | None,
    jobs: int,
    cache: ReviewCache | None,
) -> list[FileReview]:
    """The reviews of one batch of files, in its order."""
    reviews: list[FileReview | None] = [None] * len(batch)
    order = range(len(batch)) if pool is None else sorted(range(len(batch)), key=lambda i: -_size(batch[i]))
    chunk_size = max(1, len(batch) // (jobs * _CHUNKS_PER_JOB))
    held: list[_Todo] = []  # read, not handed over yet
    handed: list[tuple[list[_Todo], Future[list[list[Finding]]]]] = []
    for index in order:
        review, todo = _read(engine, workspace, batch[index], cache)
        reviews[index] = review
        if todo is not None:
            held.append(todo)
        # Fewer files to analyse than two per worker (most found in the cache) are not worth a fork.
        if pool is not None and len(held) >= chunk_size and (handed or len(held) >= 2 * jobs):
            handed.append((held, pool.submit(_analyse_in_worker, [(t.review.path, t.text) for t in held])))
            held = []
    if pool is not None and held and handed:
        handed.append((held, pool.submit(_analyse_in_worker, [(t.review.path, t.text) for t in held])))
        held = []
    for todo in held:
        _record(engine, cache, todo, engine.check_text(todo.review.path, todo.text, use_baseline=False))
    for chunk, future in handed:
        for todo, found in zip(chunk, future.result(), strict=True):
            _record(engine, cache, todo, found)
    return [review for review in reviews if review is not None]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say why


def _read(
    engine: ReviewEngine, workspace: Workspace, file: Path, cache: ReviewCache | None
) -> tuple[FileReview, _Todo | None]:
    """The review of a file as far as reading and the cache take it, and what is left to analyse."""
    from aigentflow.review.engine import FileReview

    try:
        content = workspace.read_text(file)
    except FileSkipped as skipped:
        return FileReview(path=skipped.path, skipped=skipped.reason), None
    review = FileReview(path=content.path, invalid_utf8=content.invalid_utf8)
    digest = text_hash(content.text) if cache is not None else ""
    known = cache.get(review.path, digest) if cache is not None else None
    if known is not None:
        review.findings = engine.without_baseline(known[0])
        return review, None
    return review, _Todo(review, content.text, digest)


def _record(engine: ReviewEngine, cache: ReviewCache | None, todo: _Todo, found: list[Finding]) -> None:
    if cache is not None:
        cache.put(todo.review.path, todo.digest, found, todo.review.invalid_utf8)
    todo.review.findings = engine.without_baseline(found)
