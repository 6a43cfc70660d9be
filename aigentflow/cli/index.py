"""`aigentflow index [PATH]`: build or refresh the workspace's code index, with progress.

Progress (files, chunks, rate, ETA) goes to stderr; the summary to stdout. Only changed files
are re-read and only new chunk texts are embedded, so a second run is near-instant.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from aigentflow.context.status import RefreshProgress

HELP = "build or refresh the code index (files, chunks, embeddings)"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), help="workspace root (default: .)")
    parser.add_argument(
        "--keyword-only", action="store_true", help="do not compute embeddings now (the daemon will, later)"
    )


class _Progress:
    """One status line on stderr, rewritten in place on a terminal, else every few seconds."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def files(self, p: RefreshProgress) -> None:
        self._line(
            f"indexing: {p.files_done}/{p.files_total} files, {p.chunks} chunks, "
            f"{p.rate:.0f} files/s, ETA {p.eta:.0f}s",
            final=p.files_done == p.files_total,
        )

    def embedding(self, done: int, total: int, started: float) -> None:
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        self._line(
            f"embedding: {done}/{total} chunks, {rate:.1f} chunks/s, ETA {eta:.0f}s", final=done >= total
        )

    def _line(self, text: str, *, final: bool) -> None:
        now = time.monotonic()
        if self.tty:
            sys.stderr.write(f"\r\033[K{text}" + ("\n" if final else ""))
        elif final or now - self.last >= 2.0:
            sys.stderr.write(text + "\n")
            self.last = now
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from aigentflow.compose import build_services

    services = build_services(args.path.resolve())
    assert services.index is not None
    progress = _Progress()
    stats = services.index.refresh(progress.files)
    index = services.index.index
    embedded = 0
    if not args.keyword_only and index.embedder is not None:
        total = index.pending
        started = time.monotonic()
        while index.pending:
            embedded += index.embed_pending(max_batches=1)
            progress.embedding(embedded, total, started)
    status = index.status()
    print(
        f"{status.files} files, {status.chunks} chunks ({stats.files_indexed} files re-indexed, "
        f"{stats.files_removed} removed, {embedded} chunks embedded) in {stats.seconds:.1f}s; "
        f"mode {status.mode}"
        + (f", model {status.model}, {status.embedded_percent:.0f}% embedded" if status.model else "")
    )
    for error in status.errors:
        sys.stderr.write(f"warning: {error}\n")
    return 0
