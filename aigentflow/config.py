"""Layered configuration: defaults → organization → project → user → environment.

Later layers win; mappings are merged key by key. Every leaf value remembers the layer it
came from, so `aigentflow config show` can say why a value is what it is, and a validation
error names the file and key that caused it.

Environment variables: ``AIGENTFLOW_<SECTION>__<KEY>[__<KEY>…]`` (the double underscore
separates levels), with values parsed as YAML scalars: ``AIGENTFLOW_REVIEW__FAIL_ON=medium``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aigentflow.errors import ConfigError
from aigentflow.settings import Settings

__all__ = ["Layer", "LoadedConfig", "load_config", "org_config_path", "user_config_path"]

ENV_PREFIX = "AIGENTFLOW_"
PROJECT_CONFIG = Path(".aigentflow") / "config.yaml"


@dataclass(frozen=True)
class Layer:
    """One source of configuration values."""

    name: str  # defaults | org | project | user | env
    source: str  # a file path, "environment" or "built-in"
    data: Mapping[str, Any]


@dataclass
class LoadedConfig:
    """The validated settings plus, for every leaf key, the layer that set it."""

    settings: Settings
    layers: list[Layer]
    origins: dict[str, Layer] = field(default_factory=dict)

    def origin_of(self, dotted_key: str) -> Layer | None:
        return self.origins.get(dotted_key)


def org_config_path() -> Path:
    """The organization layer: $AIGENTFLOW_ORG_CONFIG or the platform's site config dir."""
    env = os.environ.get("AIGENTFLOW_ORG_CONFIG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.site_config_dir("aigentflow")) / "config.yaml"


def user_config_path() -> Path:
    """The user layer: $AIGENTFLOW_USER_CONFIG or the platform's user config dir."""
    env = os.environ.get("AIGENTFLOW_USER_CONFIG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("aigentflow")) / "config.yaml"


def load_config(workspace: Path | None, environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read every layer, merge, validate. Raises ConfigError naming file, key and reason."""
    environ = os.environ if environ is None else environ
    layers = [Layer("defaults", "built-in", Settings().model_dump(mode="json"))]
    layers += _file_layer("org", org_config_path())
    if workspace is not None:
        layers += _file_layer("project", workspace / PROJECT_CONFIG)
    layers += _file_layer("user", user_config_path())
    env_data = _env_layer(environ)
    if env_data:
        layers.append(Layer("env", "environment", env_data))

    merged: dict[str, Any] = {}
    origins: dict[str, Layer] = {}
    for layer in layers:
        _merge(merged, layer.data, layer, origins, prefix="")
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, origins)) from None
    return LoadedConfig(settings=settings, layers=layers, origins=origins)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `override` merged in, key by key (nested mappings merge; other values replace)."""
    merged = {key: _plain(value) for key, value in base.items()}
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = _plain(value)
    return merged


def _file_layer(name: str, path: Path) -> list[Layer]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc})") from None
    import yaml  # loaded only when there is YAML to read: most runs have no configuration file

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: invalid YAML ({problem})") from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections, not {type(data).__name__}")
    return [Layer(name, str(path), data)]


def _env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or "__" not in key:
            continue
        parts = [p.lower() for p in key[len(ENV_PREFIX) :].split("__")]
        if not all(parts):
            raise ConfigError(f"environment variable {key}: empty key segment")
        import yaml

        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"environment variable {key}: conflicts with another variable")
        node[parts[-1]] = value
    return data


def _merge(
    target: dict[str, Any], incoming: Mapping[str, Any], layer: Layer, origins: dict[str, Layer], prefix: str
) -> None:
    for key, value in incoming.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value, layer, origins, prefix=f"{dotted}.")
            continue
        target[key] = _plain(value)
        for stale in [k for k in origins if k.startswith(f"{dotted}.")]:
            del origins[stale]
        _record(origins, dotted, value, layer)


def _record(origins: dict[str, Layer], dotted: str, value: Any, layer: Layer) -> None:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            _record(origins, f"{dotted}.{key}", inner, layer)
    else:
        origins[dotted] = layer


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _explain(exc: ValidationError, origins: dict[str, Layer]) -> str:
    lines = ["invalid configuration:"]
    for error in exc.errors():
        dotted = ".".join(str(p) for p in error["loc"])
        layer = _closest_origin(dotted, origins)
        where = f"{layer.source} ({layer.name})" if layer else "built-in defaults"
        lines.append(f"  {where}: key '{dotted}': {error['msg']}")
    return "\n".join(lines)


def _closest_origin(dotted: str, origins: dict[str, Layer]) -> Layer | None:
    key = dotted
    while key:
        if key in origins:
            return origins[key]
        children = [layer for k, layer in origins.items() if k.startswith(f"{key}.")]
        if children:
            return children[-1]
        key = key.rpartition(".")[0]
    return None
