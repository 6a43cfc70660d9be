"""The four-level prompt hierarchy and the versioned prompt registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from aigentflow.llm import PromptError, PromptLevel, PromptRegistry, PromptStack, PromptTemplate


def test_levels_compose_in_hierarchy_order_whatever_the_order_they_were_added() -> None:
    stack = (
        PromptStack()
        .add(PromptLevel.COMPLIANCE, "Never include licence-incompatible code.")
        .add(PromptLevel.TASK, "Fix test_login.")
        .add(PromptLevel.SYSTEM, "You are Aigentflow.")
        .add(PromptLevel.ROLE, "Role: bug fixer.")
    )
    blocks = stack.blocks()
    assert [b.text for b in blocks] == [
        "You are Aigentflow.",
        "Role: bug fixer.",
        "Fix test_login.",
        "Never include licence-incompatible code.",
    ]
    assert [b.cache for b in blocks] == [True, True, False, False]
    assert stack.text().startswith("You are Aigentflow.\n\nRole: bug fixer.")


def test_a_template_fails_on_a_missing_variable_naming_all_of_them() -> None:
    template = PromptTemplate("fix", "1.0.0", "Fix {{ test }} in {{file}} ({{ test }}).")
    assert template.render({"test": "t1", "file": "a.py"}) == "Fix t1 in a.py (t1)."
    with pytest.raises(PromptError, match="needs: file, test"):
        template.render({})


def _write(root: Path, name: str, files: dict[str, str]) -> None:
    (root / name).mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (root / name / file).write_text(text, encoding="utf-8")


def test_labels_pick_versions_and_latest_is_the_highest(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "planner",
        {
            "1.0.0.md": "v1 {{goal}}",
            "1.2.0.md": "v1.2 {{goal}}",
            "1.10.0.md": "v1.10 {{goal}}",
            "labels.yaml": "production: 1.0.0\nstaging: 1.2.0\n",
            "notes.md": "not a version",
        },
    )
    registry = PromptRegistry([tmp_path])
    assert registry.get("planner").version == "1.0.0"
    assert registry.get("planner", "staging").text == "v1.2 {{goal}}"
    assert registry.get("planner", "latest").version == "1.10.0"


def test_a_later_root_overrides_an_earlier_one(tmp_path: Path) -> None:
    builtin, project = tmp_path / "builtin", tmp_path / "project"
    _write(builtin, "fixer", {"1.0.0.md": "builtin", "labels.yaml": "production: 1.0.0\n"})
    _write(project, "fixer", {"1.0.0.md": "project"})
    assert PromptRegistry([builtin, project]).get("fixer").text == "project"


def test_unknown_prompts_and_dangling_labels_are_clear_errors(tmp_path: Path) -> None:
    _write(tmp_path, "x", {"1.0.0.md": "x", "labels.yaml": "production: 2.0.0\n"})
    registry = PromptRegistry([tmp_path])
    with pytest.raises(PromptError, match="no prompt named 'y'"):
        registry.get("y")
    with pytest.raises(PromptError, match="label 'production' points at no existing version"):
        registry.get("x")


def test_a_workspace_registry_reads_the_projects_prompt_folder(tmp_path: Path) -> None:
    _write(tmp_path / ".aigentflow" / "prompts", "router", {"0.1.0.md": "Route {{task}}."})
    template = PromptRegistry.for_workspace(tmp_path).get("router", "latest")
    assert template.render({"task": "t-1"}) == "Route t-1."
