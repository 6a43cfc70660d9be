"""The README's promises that can drift: the configuration table and the two set-up commands."""

from __future__ import annotations

from pathlib import Path

from aigentflow.config_docs import settings_table

README = Path(__file__).resolve().parent.parent / "README.md"
CI = Path(__file__).resolve().parent.parent / ".ci" / "run"
START, END = "<!-- CONFIG-TABLE -->\n", "<!-- /CONFIG-TABLE -->\n"


def test_the_readme_lists_every_configuration_key_with_its_current_default() -> None:
    text = README.read_text()
    assert START in text and END in text, "README needs the CONFIG-TABLE markers"
    table = text.split(START, 1)[1].split(END, 1)[0]
    assert table == settings_table(), "refresh it: `aigentflow config docs` between the CONFIG-TABLE markers"


def test_ci_runs_the_readme_test_command() -> None:
    command = ".venv/bin/python -m pytest"
    assert f"```sh\n{command}\n```" in README.read_text()
    assert command in CI.read_text()
