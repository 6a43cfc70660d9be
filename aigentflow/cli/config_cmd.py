"""`aigentflow config show|schema`: the merged configuration with its origins, or its schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from aigentflow.cli.serve import add_workspace_argument

HELP = "show the merged configuration or its JSON Schema"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument(
        "action", choices=("show", "schema", "docs"), help="docs: the keys as a Markdown table"
    )
    add_workspace_argument(parser)
    parser.add_argument(
        "--json", action="store_true", help="show: print JSON ({key: {value, layer, source}})"
    )


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: data}


def run(args: argparse.Namespace) -> int:
    from aigentflow.config import load_config
    from aigentflow.settings import Settings

    if args.action == "docs":
        from aigentflow.config_docs import settings_table

        sys.stdout.write(settings_table())
        return 0
    if args.action == "schema":
        sys.stdout.write(json.dumps(Settings.model_json_schema(), indent=2) + "\n")
        return 0
    loaded = load_config((args.workspace or Path.cwd()).resolve())
    rows = {}
    for key, value in _flatten(loaded.settings.model_dump(mode="json")).items():
        layer = loaded.origin_of(key)
        rows[key] = {
            "value": value,
            "layer": layer.name if layer else "defaults",
            "source": layer.source if layer else "built-in",
        }
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    width = max(map(len, rows), default=0)
    for key, row in rows.items():
        origin = row["layer"] if row["layer"] in ("defaults", "env") else f"{row['layer']} ({row['source']})"
        sys.stdout.write(f"{key:<{width}}  {json.dumps(row['value'])}  # {origin}\n")
    return 0
