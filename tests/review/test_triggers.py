"""Human-review triggers: info-level findings on auth/crypto code, infrastructure and API routes."""

from __future__ import annotations

from aigentflow.review.findings import Severity
from aigentflow.review.rules import SourceFile
from aigentflow.review.triggers import TriggersPack, human_review_reasons


def _rules(path: str, text: str) -> set[str]:
    findings = list(TriggersPack().check(SourceFile.of(path, text)))
    assert all(f.severity is Severity.INFO for f in findings)
    return {f.rule_id for f in findings}


def test_crypto_imports_and_auth_file_names_trigger_review() -> None:
    assert _rules("app/util.py", "import os\nimport hmac\n") == {"review.auth-or-crypto"}
    assert _rules("app/login.py", "x = 1\n") == {"review.auth-or-crypto"}
    assert _rules("web/token.ts", "const a = require('jsonwebtoken');\n") == {"review.auth-or-crypto"}


def test_infrastructure_files_trigger_review() -> None:
    assert _rules("Dockerfile", "FROM python:3.12\n") == {"review.infrastructure"}
    assert _rules("infra/main.tf", 'resource "aws_s3_bucket" "b" {}\n') == {"review.infrastructure"}
    assert _rules(".github/workflows/ci.yml", "on: push\n") == {"review.infrastructure"}
    assert _rules("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n") == {"review.infrastructure"}


def test_route_definitions_trigger_review_at_the_first_route() -> None:
    text = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    return 'x'\n"
    findings = list(TriggersPack().check(SourceFile.of("views.py", text)))
    assert [(f.rule_id, f.line) for f in findings] == [("review.public-api", 4)]


def test_ordinary_code_triggers_nothing() -> None:
    assert _rules("app/math.py", "def add(a, b):\n    return a + b\n") == set()
    assert _rules("README.md", "# hello\n") == set()


def test_large_diffs_and_severe_findings_need_a_human() -> None:
    findings = list(TriggersPack().check(SourceFile.of("Dockerfile", "FROM x\n")))
    reasons = human_review_reasons(findings, changed_lines=501)
    assert any("Dockerfile" in r for r in reasons)
    assert any("501 changed lines" in r for r in reasons)
    assert human_review_reasons([], changed_lines=500) == []
