"""`aigentflow search QUERY`: ranked code hits (path, symbol, lines, score, snippet)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from aigentflow.cli.serve import add_workspace_argument

HELP = "search the code index (hybrid keyword + semantic)"
SNIPPET_LINES = 3


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("query", help="words, a description or identifiers")
    parser.add_argument("--limit", "-n", type=int, default=10, help="how many hits (default 10)")
    parser.add_argument("--json", action="store_true", help="print hits as a JSON array")
    parser.add_argument("--language", default=None, help="only this language (python, typescript, ...)")
    parser.add_argument(
        "--path", dest="path_glob", default=None, help="only paths matching this glob or folder"
    )
    parser.add_argument("--mode", choices=("hybrid", "keyword", "vector"), default="hybrid")
    add_workspace_argument(parser)


def run(args: argparse.Namespace) -> int:
    from aigentflow.compose import build_services
    from aigentflow.errors import AigentflowError

    if not 1 <= args.limit <= 200:
        raise AigentflowError("--limit must be between 1 and 200")
    root = (args.workspace or Path(".")).resolve()
    services = build_services(root)
    assert services.index is not None
    services.index.ensure_indexed()
    hits = services.index.search(
        args.query, args.limit, mode=args.mode, language=args.language, path_glob=args.path_glob
    )
    if args.json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], indent=2))
        return 0
    for hit in hits:
        print(f"{hit.path}:{hit.start_line}-{hit.end_line}  {hit.symbol} ({hit.kind})  score {hit.score:.4f}")
        for line in hit.text.splitlines()[:SNIPPET_LINES]:
            print(f"    {line}")
    if not hits:
        print("no hits")
    return 0
