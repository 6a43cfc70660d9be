"""Tiered context: chunking, LanceDB index, hybrid search, budgeted context (see README.md).

Entry points: `aigentflow.context.service.ContextService` (what the daemon holds, as
`services.index`), `aigentflow.context.index.ChunkIndex` (the index itself) and
`aigentflow.context.assemble.assemble` (tiered context). Importing this package is cheap:
LanceDB, pyarrow and the model load only when an index is opened.
"""
