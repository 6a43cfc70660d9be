"""The hint words that decide which functions the Python analysis runs on: narrow enough to
skip library code that merely logs or passes settings through, never so narrow that a
configuration finding is lost."""

from __future__ import annotations

import pytest

from aigentflow.review.engine import ReviewEngine
from aigentflow.review.packs import default_packs
from aigentflow.review.python.taint import _HINTS
from aigentflow.settings import ReviewSettings


@pytest.mark.parametrize(
    "line",
    [
        "logger.debug('connected %s', host)",
        "if log.isEnabledFor(logging.DEBUG):",
        "return self.send(request, verify=verify, cert=cert)",
        "proc = subprocess.Popen(args, stdin=subprocess.PIPE)",
        "def shell_complete(self, ctx, incomplete):",
    ],
)
def test_logging_and_pass_through_settings_are_not_hints(line: str) -> None:
    assert _HINTS.search(line) is None


@pytest.mark.parametrize(
    ("code", "rule"),  # settings passed as `**options` too (no keyword to fix: no crash, no edit)
    [
        ("def run():\n    logger.debug('start')\n    app.run(debug=True)\n", "python.debug-enabled"),
        ("def get(url):\n    return requests.get(url, verify=False)\n", "python.tls-verify-disabled"),
        (
            "def get(url):\n    opts = {'verify': False}\n    return requests.get(url, **opts)\n",
            "python.tls-verify-disabled",
        ),
        ("def run(cmd):\n    subprocess.run(cmd, shell=True)\n", "python.subprocess-shell"),
        ("def ask():\n    os.system(sys.stdin.readline())\n", "python.command-injection"),
    ],
)
def test_narrowed_hints_still_find_what_the_rules_report(code: str, rule: str) -> None:
    head = (
        "import logging, os, subprocess, sys\nimport requests\nfrom flask import Flask\n"
        "app = Flask(__name__)\nlogger = logging.getLogger()\n"
    )
    settings = ReviewSettings()
    engine = ReviewEngine(default_packs(settings), settings)
    found = {f.rule_id for f in engine.check_text("app.py", head + code, use_baseline=False)}
    assert rule in found
