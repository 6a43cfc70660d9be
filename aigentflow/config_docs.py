"""The configuration keys as a Markdown table (for the README and `aigentflow config docs`)."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from aigentflow.settings import Settings

__all__ = ["settings_table"]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return " \\| ".join(_type_name(a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(a) for a in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(_type_name(a) for a in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def _plain(value: Any) -> Any:
    return (
        value.model_dump(mode="json", exclude_defaults=True) if isinstance(value, BaseModel) else str(value)
    )


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += _rows(annotation, f"{key}.")
            continue
        if field.default is not PydanticUndefined:
            default = field.default
        elif field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]
        else:
            default = None
        if isinstance(default, BaseModel):
            default = default.model_dump(mode="json")
        shown = json.dumps(default, default=_plain)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append((key, _type_name(annotation), shown.replace("|", "\\|"), description))
    return rows


def settings_table() -> str:
    """Every configuration key with its type, default and description, as Markdown."""
    lines = ["| key | type | default | description |", "|---|---|---|---|"]
    lines += [
        f"| `{key}` | {kind} | `{default}` | {text} |" for key, kind, default, text in _rows(Settings, "")
    ]
    return "\n".join(lines) + "\n"
