"""`run_query`: one LanceDB query in one hop to LanceDB's event loop thread.

LanceDB's sync API runs every step on a background asyncio loop: a query built with
`table.search()` hops there ~6 times (schema lookups for the vector column and blob
handling, execute, each batch), and each hop is a thread wake-up. On 2 loaded cores that
measured ~1 ms per hop, ~13 hops per hybrid search (README, "Measured"). Building the query
on the table's async handle and awaiting it inside one coroutine makes it one hop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

__all__ = ["run_query", "scan_batches"]


def run_query(table: Any, build: Callable[[Any], Any]) -> pa.Table:
    """`build(async_table)` returns an async LanceDB query; run it and return its Arrow table.

    `table` is a sync `lancedb.table.LanceTable`; its `_table` is the `AsyncTable` it wraps
    (the same handle, so it sees this process's writes exactly as the sync API does).
    """
    from lancedb.background_loop import LOOP

    loop: Any = LOOP  # untyped in lancedb

    async def run() -> pa.Table:
        result: pa.Table = await build(table._table).to_arrow()
        return result

    result: pa.Table = loop.run(run())
    return result


def scan_batches(
    table: Any, build: Callable[[Any], Any], consume: Callable[[pa.RecordBatch], None], rows: int
) -> None:
    """Run the async query `build(async_table)` and pass each record batch (of up to `rows`
    rows) to `consume` as it arrives, on LanceDB's loop thread (keep `consume` short)."""
    from lancedb.background_loop import LOOP

    loop: Any = LOOP  # untyped in lancedb

    async def run() -> None:
        async for batch in await build(table._table).to_batches(max_batch_length=rows):
            consume(batch)

    loop.run(run())
