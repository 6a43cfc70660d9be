"""The prompt hierarchy and the registry of versioned prompt files.

Four levels, always composed in this order: 1 system identity and constraints; 2 agent role,
tools and few-shot examples; 3 task objective, context and acceptance criteria; 4 compliance
restrictions and disclosures. Levels 1 and 2 change rarely and are marked cacheable.

Prompt files live in `<root>/<name>/<version>.md` (version is semver); `<root>/<name>/labels.yaml`
maps labels (`production`, `staging`) to versions; `latest` is always the highest version.
Templates use `{{ name }}` and fail on any missing variable, never rendering a half prompt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import yaml

from aigentflow.errors import ConfigError
from aigentflow.llm.schemas import parse_semver
from aigentflow.llm.types import SystemBlock

__all__ = ["PromptError", "PromptLevel", "PromptRegistry", "PromptStack", "PromptTemplate"]

_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class PromptError(ConfigError):
    """A prompt is missing, badly labelled, or a template lacks a variable."""


class PromptLevel(IntEnum):
    SYSTEM = 1
    ROLE = 2
    TASK = 3
    COMPLIANCE = 4


@dataclass(frozen=True)
class PromptTemplate:
    """One version of a named prompt."""

    name: str
    version: str
    text: str

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(_VAR.findall(self.text))

    def render(self, values: Mapping[str, object]) -> str:
        """The text with every `{{ var }}` filled; PromptError naming all missing variables."""
        missing = sorted(self.variables - values.keys())
        if missing:
            raise PromptError(f"prompt '{self.name}' {self.version} needs: {', '.join(missing)}")
        return _VAR.sub(lambda m: str(values[m.group(1)]), self.text)


class PromptStack:
    """Collects the four levels and composes them in order, whatever order they were set in."""

    def __init__(self) -> None:
        self._levels: dict[PromptLevel, list[str]] = {}

    def add(self, level: PromptLevel, text: str) -> PromptStack:
        if text.strip():
            self._levels.setdefault(level, []).append(text.strip())
        return self

    def blocks(self) -> list[SystemBlock]:
        """One system block per level present, cacheable for SYSTEM and ROLE."""
        return [
            SystemBlock("\n\n".join(self._levels[level]), cache=level <= PromptLevel.ROLE)
            for level in sorted(self._levels)
        ]

    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks())


class PromptRegistry:
    """Versioned prompt files under one or more roots (later roots override earlier ones)."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = list(roots)

    @classmethod
    def for_workspace(cls, root: Path, builtin: Path | None = None) -> PromptRegistry:
        """Built-in prompts (when given), overridden by the project's `.aigentflow/prompts/`."""
        return cls([*([builtin] if builtin else []), root / ".aigentflow" / "prompts"])

    def versions(self, name: str) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for root in self.roots:
            for path in sorted((root / name).glob("*.md")) if (root / name).is_dir() else []:
                try:
                    parse_semver(path.stem)
                except ValueError:
                    continue
                found[path.stem] = path
        return found

    def labels(self, name: str) -> dict[str, str]:
        labels: dict[str, str] = {}
        for root in self.roots:
            path = root / name / "labels.yaml"
            if path.is_file():
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                if not isinstance(data, dict):
                    raise PromptError(f"{path}: expected a mapping of label -> version")
                labels.update({str(k): str(v) for k, v in data.items()})
        return labels

    def get(self, name: str, label: str = "production") -> PromptTemplate:
        """The prompt version a label points at (`latest`: the highest version)."""
        versions = self.versions(name)
        if not versions:
            raise PromptError(f"no prompt named '{name}' under {', '.join(map(str, self.roots))}")
        if label == "latest":
            version = max(versions, key=parse_semver)
        else:
            version = self.labels(name).get(label, "")
            if version not in versions:
                raise PromptError(
                    f"prompt '{name}': label '{label}' points at no existing version ({version or 'unset'})"
                )
        return PromptTemplate(name, version, versions[version].read_text(encoding="utf-8"))
