"""Fault localization of the build-test-fix loop, measured on a real library with its tests.

    .venv/bin/python benchmarks/localize.py [--mutants 40] [--seed 1] [--budget 8000]

The project: the installed `referencing` package (a real library, ~1.7K lines, 200+ pytest
tests) copied into a temporary git repository. For each of its functions one single-line
mutation is seeded (a flipped comparison, boolean, operator or index) and committed, so the
recent git diff gives nothing away. The loop then runs with no model configured: it builds,
tests, classifies and escalates with the context it *would* send the fixer. A mutant no test
kills is skipped. For each killed mutant the benchmark checks whether the mutated function is
inside that context and what the context costs in tokens.

Peers, on the same failures in the same run:
- "frames only": the enclosing functions of the traceback frames, nothing else;
- "whole files": every project file named in the traceback or imported by the failing tests,
  in full (what a naive "send the files" fixer gets).

Then classification accuracy over the seeded sample failures of tests/agents (one per class).
The issue's targets: the mutated function in context >= 90 % within 8K tokens; classification
>= 95 %. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import ast
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from aigentflow.agents.check import observe, split_flaky  # noqa: E402
from aigentflow.agents.classify import FailureClass  # noqa: E402
from aigentflow.agents.context import (  # noqa: E402
    FailureInfo,
    _snippet,
    build_fixer_context,
    estimate_tokens,
    imported_project_files,
)
from aigentflow.agents.detect import detect_commands  # noqa: E402
from aigentflow.agents.frames import mentioned_paths, traceback_frames  # noqa: E402
from aigentflow.agents.loop import BuildTestFixLoop  # noqa: E402
from aigentflow.agents.records import FailureRecord, RunState  # noqa: E402
from aigentflow.agents.runner import TestRunner  # noqa: E402
from aigentflow.agents.settings import FixSettings  # noqa: E402
from tests.agents.samples import SEEDS, git, make_repo  # noqa: E402

LIBRARY = "referencing"
OPERATORS = (
    (" == ", " != "),
    (" != ", " == "),
    (" is not None", " is None"),
    (" is None", " is not None"),
    (" not in ", " in "),
    (" in ", " not in "),
    ("return True", "return False"),
    ("return False", "return True"),
    (" and ", " or "),
    (" or ", " and "),
    (" + 1", " - 1"),
    (" - 1", " + 1"),
    ("[0]", "[-1]"),
    (" < ", " <= "),
    (" > ", " >= "),
    ("not ", ""),
)
FAST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


@dataclass
class Mutant:
    path: str
    function: str
    start: int  # the function's span (1-based, inclusive)
    end: int
    line: int  # the mutated line
    before: str
    after: str


def make_project(tmp: Path) -> Path:
    """A git repository holding the installed library and its own tests."""
    import importlib.util

    spec = importlib.util.find_spec(LIBRARY)
    assert spec is not None and spec.origin is not None
    root = tmp / "project"
    shutil.copytree(Path(spec.origin).parent, root / LIBRARY, ignore=shutil.ignore_patterns("__pycache__"))
    (root / LIBRARY / "tests" / "test_referencing_suite.py").unlink(missing_ok=True)  # needs a git checkout
    (root / "pyproject.toml").write_text(f'[tool.pytest.ini_options]\ntestpaths = ["{LIBRARY}/tests"]\n')
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "pristine")
    return root


def _docstring_lines(node: ast.AST) -> set[int]:
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        first = body[0]
        return set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return set()


def mutants(root: Path, rng: random.Random) -> list[Mutant]:
    """One single-line mutation per function of the library (where an operator applies)."""
    found: list[Mutant] = []
    for file in sorted((root / LIBRARY).glob("*.py")):
        rel = file.relative_to(root).as_posix()
        lines = file.read_text().splitlines()
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            skip = _docstring_lines(node) | {node.lineno}
            last = node.end_lineno or node.lineno
            body = [n for n in range(node.body[0].lineno, last + 1) if n not in skip]
            rng.shuffle(body)
            for number in body:
                text = lines[number - 1]
                if text.strip().startswith(("#", "def ", "@")):
                    continue
                ops = [op for op in OPERATORS if op[0] in text]
                if not ops:
                    continue
                old, new = rng.choice(ops)
                mutated = text.replace(old, new, 1)
                try:
                    ast.parse("\n".join([*lines[: number - 1], mutated, *lines[number:]]))
                except SyntaxError:
                    continue
                end = node.end_lineno or node.lineno
                found.append(Mutant(rel, node.name, node.lineno, end, number, text, mutated))
                break
    rng.shuffle(found)
    return found


def apply(root: Path, mutant: Mutant) -> None:
    file = root / mutant.path
    lines = file.read_text().split("\n")
    lines[mutant.line - 1] = mutant.after
    file.write_text("\n".join(lines))
    git(root, "commit", "-q", "-am", f"mutate {mutant.function}")


def covers(snippets: list[tuple[str, int, int]], mutant: Mutant) -> bool:
    return any(path == mutant.path and start <= mutant.line <= end for path, start, end in snippets)


def frames_only(root: Path, failures: list[FailureRecord]) -> tuple[list[tuple[str, int, int]], int]:
    spans, tokens = [], 0
    for failure in failures[:5]:
        for frame in traceback_frames(failure.test.details, root):
            snip = _snippet(root, frame.path, frame.line, "frame")
            if snip is not None and (snip.path, snip.start_line, snip.end_line) not in spans:
                spans.append((snip.path, snip.start_line, snip.end_line))
                tokens += estimate_tokens(snip.text)
    return spans, tokens


def whole_files(root: Path, failures: list[FailureRecord]) -> tuple[list[tuple[str, int, int]], int]:
    files: set[str] = set()
    for failure in failures[:5]:
        files |= mentioned_paths(failure.test.details, root)
        if failure.test.file:
            files.add(failure.test.file)
            files.update(imported_project_files(root, failure.test.file))
    spans, tokens = [], 0
    for rel in sorted(files):
        text = (root / rel).read_text()
        spans.append((rel, 1, text.count("\n") + 1))
        tokens += estimate_tokens(text)
    return spans, tokens


def localize(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="aigentflow-localize-") as tmp:
        root = make_project(Path(tmp))
        pristine = git(root, "rev-parse", "HEAD").strip()
        candidates = mutants(root, rng)
        settings = FixSettings(flaky_retries=0, context_tokens=args.budget, env=FAST_ENV, test_timeout_s=120)
        rows: list[dict[str, object]] = []
        survived = 0
        started = time.perf_counter()
        for mutant in candidates:
            if len(rows) >= args.mutants:
                break
            apply(root, mutant)
            loop = BuildTestFixLoop(root, settings, worktree_dir=Path(tmp) / "wt")
            record = loop.run(loop.new_record())
            git(root, "reset", "-q", "--hard", pristine)
            escalation = record.escalation
            if record.state is RunState.COMPLETE or escalation is None or escalation.context is None:
                survived += 1
                continue
            ctx = escalation.context
            ours = [(s.path, s.start_line, s.end_line) for s in ctx.snippets]
            apply(root, mutant)  # the peers read the same (mutated) sources
            frame_spans, frame_tokens = frames_only(root, record.failures)
            file_spans, file_tokens = whole_files(root, record.failures)
            budgets = {}
            for budget in (2000, 4000):
                infos = [
                    FailureInfo(
                        test_id=f.test.id,
                        test_file=f.test.file,
                        classification=f.classification.value,
                        message=f.test.message,
                        details=f.test.details,
                    )
                    for f in record.failures
                ]
                lines = {f.test.id: f.test.line for f in record.failures}
                small = build_fixer_context(
                    root, "bench", ctx.classification, infos, test_lines=lines, budget_tokens=budget
                )
                budgets[budget] = covers([(s.path, s.start_line, s.end_line) for s in small.snippets], mutant)
            git(root, "reset", "-q", "--hard", pristine)
            rows.append(
                {
                    "mutant": mutant,
                    "ours": covers(ours, mutant),
                    "first": bool(ours) and covers(ours[:1], mutant),
                    "tokens": ctx.token_estimate,
                    "frames": covers(frame_spans, mutant),
                    "frame_tokens": frame_tokens,
                    "files": covers(file_spans, mutant),
                    "file_tokens": file_tokens,
                    "b2000": budgets[2000],
                    "b4000": budgets[4000],
                    "classes": sorted({f.classification.value for f in record.failures}),
                }
            )
            if args.verbose:
                hit = "hit " if rows[-1]["ours"] else "MISS"
                print(f"  {hit} {mutant.path}:{mutant.line} {mutant.function}: {mutant.after.strip()[:60]}")
        elapsed = time.perf_counter() - started
    report(rows, survived, elapsed, args.budget)


def _pct(rows: list[dict[str, object]], key: str) -> str:
    return f"{100 * sum(bool(r[key]) for r in rows) / max(1, len(rows)):5.1f} %"


def report(rows: list[dict[str, object]], survived: int, elapsed: float, budget: int) -> None:
    if not rows:
        print("no mutant was killed by the tests")
        return
    tokens = [int(r["tokens"]) for r in rows]  # type: ignore[call-overload]
    frame_tokens = [int(r["frame_tokens"]) for r in rows]  # type: ignore[call-overload]
    file_tokens = [int(r["file_tokens"]) for r in rows]  # type: ignore[call-overload]
    print(
        f"\nFault localization on '{LIBRARY}': {len(rows)} killed mutants "
        f"({survived} survived), {elapsed:.0f}s"
    )
    print(f"{'context':<28}{'mutated fn inside':>18}{'median tokens':>15}{'max tokens':>12}")
    print(f"{'aigentflow (budget ' + str(budget) + ')':<28}{_pct(rows, 'ours'):>18}"
          f"{statistics.median(tokens):>15.0f}{max(tokens):>12}")  # fmt: skip
    print(f"{'  same, budget 4000':<28}{_pct(rows, 'b4000'):>18}")
    print(f"{'  same, budget 2000':<28}{_pct(rows, 'b2000'):>18}")
    print(f"{'  first snippet only':<28}{_pct(rows, 'first'):>18}")
    print(f"{'peer: frames only':<28}{_pct(rows, 'frames'):>18}"
          f"{statistics.median(frame_tokens):>15.0f}{max(frame_tokens):>12}")  # fmt: skip
    print(f"{'peer: whole files':<28}{_pct(rows, 'files'):>18}"
          f"{statistics.median(file_tokens):>15.0f}{max(file_tokens):>12}")  # fmt: skip
    ratio = statistics.median(file_tokens) / max(1, statistics.median(tokens))
    print(f"token ratio whole files / aigentflow (median): {ratio:.1f}x")
    within = sum(1 for r, t in zip(rows, tokens, strict=True) if r["ours"] and t <= 8000) / len(rows)
    print(f"target: mutated function in context within 8K tokens >= 90 %: {100 * within:.1f} %")
    kinds: dict[str, int] = {}
    for r in rows:
        for kind in r["classes"]:  # type: ignore[attr-defined]
            kinds[kind] = kinds.get(kind, 0) + 1
    print(f"classes of the mutants' failures: {kinds}")


def classification(args: argparse.Namespace) -> None:
    """Accuracy of the classifier over the seeded sample failures (one or more per class)."""
    correct, results = 0, []
    names = [n for n, s in SEEDS.items() if s.project == "pycalc" or shutil.which("node")]
    with tempfile.TemporaryDirectory(prefix="aigentflow-classify-") as tmp:
        for name in names:
            seed = SEEDS[name]
            root = make_repo(Path(tmp) / name, seed)
            commands = detect_commands(root)
            assert commands is not None
            runner = TestRunner(commands, float(seed.settings.get("test_timeout_s", 60)), FAST_ENV)  # type: ignore[arg-type]
            seen = observe(runner, root)
            failures, flaky = split_flaky(runner, root, seen.failures, 2)
            kinds = {f.classification.value for f in failures}
            got = FailureClass.FLAKY_TEST.value if flaky and not failures else ",".join(sorted(kinds))
            correct += got == seed.expected
            results.append(f"{name}: expected {seed.expected}, got {got}")
    print(f"\nClassification over {len(names)} seeded failures: {100 * correct / len(names):.1f} % correct")
    if args.verbose or correct < len(names):
        print("\n".join("  " + line for line in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=40, help="killed mutants to measure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=int, default=8000, help="fixer context budget (tokens)")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    localize(args)
    classification(args)


if __name__ == "__main__":
    main()
