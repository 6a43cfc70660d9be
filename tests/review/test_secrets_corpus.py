"""Precision and recall of secret detection on a labelled corpus, per rule.

Every file under `secrets_corpus/` is reviewed as it would be in a workspace. A line carrying
`expect: <rule-id>` (in whatever comment the format allows) must produce exactly that finding
on that line; every other line is a trap (placeholder, hash, UUID, git SHA, lockfile integrity,
test fixture, variable reference …) and must produce nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from aigentflow.review.engine import ReviewEngine
from aigentflow.review.findings import Finding
from aigentflow.review.rules import SourceFile
from aigentflow.review.secrets import SecretsPack
from aigentflow.settings import ReviewSettings

CORPUS = Path(__file__).parent / "secrets_corpus"
_EXPECT = re.compile(r"expect:\s*(secrets\.[\w\-]+)")
MIN_PRECISION = 0.95
MIN_RECALL = 0.95


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class CorpusRun:
    scores: dict[str, Score]
    mistakes: list[str]
    traps: int
    findings: list[tuple[SourceFile, Finding]]


def expectations(source: SourceFile) -> dict[int, str]:
    return {n: m.group(1) for n, line in enumerate(source.lines, 1) if (m := _EXPECT.search(line))}


def run_corpus() -> CorpusRun:
    settings = ReviewSettings.model_validate({})
    engine = ReviewEngine([SecretsPack(settings.secrets)], settings)
    scores: dict[str, Score] = {rule_id: Score() for rule_id in engine.rules}
    run = CorpusRun(scores=scores, mistakes=[], traps=0, findings=[])
    for path in sorted(CORPUS.iterdir()):
        source = SourceFile.of(path.name, path.read_text(encoding="utf-8"))
        expected = expectations(source)
        found = Counter((f.line, f.rule_id) for f in engine.check_source(source))
        run.findings.extend((source, f) for f in engine.check_source(source))
        run.traps += sum(1 for n, line in enumerate(source.lines, 1) if line.strip() and n not in expected)
        for line, rule_id in expected.items():
            if found[(line, rule_id)]:
                scores[rule_id].tp += 1
                found[(line, rule_id)] -= 1
            else:
                scores[rule_id].fn += 1
                run.mistakes.append(f"missed   {path.name}:{line} {rule_id}")
        for (line, rule_id), count in found.items():
            if count > 0:
                scores[rule_id].fp += count
                run.mistakes.append(f"spurious {path.name}:{line} {rule_id}: {source.line_text(line)[:80]}")
    return run


def table(run: CorpusRun) -> str:
    rows = [f"{'rule':32} {'tp':>3} {'fp':>3} {'fn':>3} {'prec':>6} {'recall':>6}"]
    for rule_id, s in sorted(run.scores.items()):
        rows.append(f"{rule_id:32} {s.tp:3} {s.fp:3} {s.fn:3} {s.precision:6.2f} {s.recall:6.2f}")
    rows.append(f"trap lines (must stay silent): {run.traps}")
    return "\n".join(rows + run.mistakes)


@pytest.fixture(scope="module")
def corpus_run() -> CorpusRun:
    return run_corpus()


def test_every_rule_has_true_positives_in_the_corpus(corpus_run: CorpusRun) -> None:
    untested = [rule_id for rule_id, s in corpus_run.scores.items() if s.tp + s.fn == 0]
    assert untested == [], f"rules without a labelled case: {untested}\n{table(corpus_run)}"


def test_precision_and_recall_per_rule_meet_the_bar(corpus_run: CorpusRun) -> None:
    weak = [
        rule_id
        for rule_id, s in corpus_run.scores.items()
        if s.precision < MIN_PRECISION or s.recall < MIN_RECALL
    ]
    assert weak == [], "\n" + table(corpus_run)


def test_the_corpus_has_many_more_traps_than_secrets(corpus_run: CorpusRun) -> None:
    positives = sum(s.tp + s.fn for s in corpus_run.scores.values())
    assert positives >= 40
    assert corpus_run.traps >= 3 * positives, table(corpus_run)


def test_every_corpus_finding_underlines_a_bare_secret_and_hides_it(corpus_run: CorpusRun) -> None:
    for source, finding in corpus_run.findings:
        if finding.line != finding.end_line:
            continue  # key blocks span lines; their bounds are tested in test_secrets.py
        secret = source.line_text(finding.line)[finding.column - 1 : finding.end_column - 1]
        assert len(secret) >= 8 and secret.strip("\"'` ") == secret, (finding.path, finding.line, secret)
        assert secret not in finding.message
