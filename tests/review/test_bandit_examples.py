"""bandit's own `examples/` (from its source distribution) as an extra corpus.

The examples are not in this repository: point BANDIT_EXAMPLES_DIR at the `examples/` folder of
an unpacked bandit sdist (`pip download bandit --no-binary :all: --no-deps`) to run these tests.
The expected lines are the ones bandit's examples exist to show for the configuration rules;
the data-flow rules must stay silent there because the examples read no untrusted input.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aigentflow.review.python import PythonPack
from aigentflow.review.python.catalog import TAINT_RULES
from aigentflow.review.rules import SourceFile

EXAMPLES = Path(os.environ.get("BANDIT_EXAMPLES_DIR", "/nonexistent"))
pytestmark = pytest.mark.skipif(
    not (EXAMPLES / "yaml_load.py").is_file(),
    reason="bandit's examples/ are not available offline; set BANDIT_EXAMPLES_DIR to run",
)

EXPECTED = {
    "yaml_load.py": ("python.unsafe-yaml-load", {9, 22}),
    "flask_debug.py": ("python.debug-enabled", {10}),
    "unverified_context.py": ("python.tls-verify-disabled", {7}),
    "hashlib_new_insecure_functions.py": ("python.weak-hash", {3, 5, 7, 9, 11, 13, 15, 17, 19}),
    "random_module.py": ("python.weak-random", set(range(5, 17))),
}


def _found(name: str, rule: str) -> set[int]:
    text = (EXAMPLES / name).read_text(errors="replace")
    return {f.line for f in PythonPack().check(SourceFile.of(name, text)) if f.rule_id == rule}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_configuration_rules_find_what_bandit_examples_show(name: str) -> None:
    rule, lines = EXPECTED[name]
    assert _found(name, rule) == lines


def test_data_flow_rules_stay_silent_without_untrusted_input() -> None:
    flow_rules = {r.id for r in TAINT_RULES}
    noisy = {
        (path.name, f.rule_id, f.line)
        for path in sorted(EXAMPLES.glob("*.py"))
        for f in PythonPack().check(SourceFile.of(path.name, path.read_text(errors="replace")))
        if f.rule_id in flow_rules
    }
    assert noisy == set()
