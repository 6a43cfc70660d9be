"""Does recency of edit predict the code a developer searches for next? Replayed git history.

For every first-parent commit C of a real repository (default: this one, cloned read-only
into the work directory), the queries are the first docstring sentences of the Python
functions and methods C added or changed, the targets those functions. The workspace is the
tree at C, written out with the targets' docstrings removed (as in benchmarks/retrieval.py),
and indexed with the real `ChunkIndex` (incrementally, commit after commit). Edit recency
is what the daemon would know just before C, in two models: "prior commits", each file's
last commit time among the commits before C; "+ files C creates", those also stamped at C's
start (a function in a file C creates can be searched for only once the file exists, and
the daemon saw it created). Ages are taken at C's commit time. C's edits to files that
existed are *not* used: that would hand every changed file a fresh stamp, and whether the
edit came before the search is unknowable. Each query's keyword (and, with --hybrid, vector)
list is fetched once and fused under every recency weight and half-life of the grid, so all
rows of the table rank the same candidates. Prints R@1 / R@10 / MRR@10 per setting, ratios
to weight 0, the subset whose target file existed before C, the ranking stage's cost with
and without the term, and a no-op check: with every file at the same age the term must
change no answer, here and on benchmarks/retrieval.py's docstring corpus.

    cp benchmarks/recency.py /tmp/rec/ && .venv/bin/python /tmp/rec/recency.py [--hybrid]
        [--repo /work/main] [--workdir /tmp/rec/work]
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# run as a script, sys.path[0] is benchmarks/, whose secrets.py would shadow the stdlib's
sys.path[0] = str(Path(__file__).resolve().parents[1])

import aigentflow  # noqa: E402
from aigentflow.context.embed import resolve_embedder  # noqa: E402
from aigentflow.context.index import ChunkIndex  # noqa: E402
from aigentflow.context.ranking import RecencyLookup, SearchHit, SearchWeights, fuse  # noqa: E402
from aigentflow.context.search import keyword_search, vector_search  # noqa: E402
from aigentflow.context.settings import ContextSettings  # noqa: E402
from aigentflow.workspace import Workspace  # noqa: E402

GIT = ("git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=false")
BOOSTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
HALF_LIVES = {"10min": 600.0, "1h": 3600.0, "6h": 21600.0, "1d": 86400.0}
Lists = list[tuple[str, float, list[dict[str, Any]]]]
Case = tuple["Query", Lists, dict[str, dict[str, float]]]  # edit times per model


@dataclass(frozen=True)
class Query:
    text: str
    path: str
    symbol: str
    commit: int  # index into the commit list
    known_file: bool  # the target's file was committed before C
    existed: bool  # the function existed before C: it could be searched for before being edited


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def git_bytes(repo: Path, *args: str) -> bytes:
    return subprocess.run([*GIT, *args], cwd=repo, capture_output=True, check=True).stdout


def first_sentence(doc: str) -> str:
    para = doc.strip().split("\n\n", 1)[0]
    return re.split(r"(?<=[.!?])\s", " ".join(para.split()), maxsplit=1)[0].strip()


def functions(source: str) -> dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """Top-level functions and methods of top-level classes (the units the chunker names),
    by qualified name, with their source text."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = {}
    for node in tree.body:
        members = [(node, node.name)] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else []
        if isinstance(node, ast.ClassDef):
            members = [
                (c, f"{node.name}.{c.name}")
                for c in node.body
                if isinstance(c, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
        for fn, name in members:
            found[name] = (fn, ast.get_source_segment(source, fn) or "")
    return found


Target = tuple[str, str, ast.FunctionDef | ast.AsyncFunctionDef, bool]


def targets(new: str, old: str | None) -> list[Target]:
    """(qualname, query, node, existed) for each function added or changed from `old` to `new`
    with a docstring of 4+ words and a body besides it."""
    before = functions(old) if old is not None else {}
    out = []
    for name, (node, text) in functions(new).items():
        if name in before and before[name][1] == text:
            continue
        doc = ast.get_docstring(node)
        if not doc or len(node.body) < 2:
            continue
        sentence = first_sentence(doc)
        if len(sentence.split()) >= 4:
            out.append((name, sentence, node, name in before))
    return out


def strip_docstrings(source: str, nodes: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> str:
    drop: set[int] = set()
    for node in nodes:
        first = node.body[0]
        drop.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines = source.splitlines()
    return "\n".join(line for n, line in enumerate(lines, 1) if n not in drop) + "\n"


class Replay:
    """The repository's first-parent history, tree by tree, written into a workspace."""

    def __init__(self, repo: Path, ws: Path) -> None:
        self.repo, self.ws = repo, ws
        log = git(repo, "log", "--first-parent", "--reverse", "--format=%H %ct").split()
        self.commits = log[0::2]
        self.times = [float(t) for t in log[1::2]]
        self.written: dict[str, bytes] = {}

    def changes(self, i: int) -> list[tuple[str, str]]:
        """(status, path) of commit i against its first parent."""
        out = git(
            self.repo,
            "diff-tree",
            "-r",
            "--no-renames",
            "--name-status",
            self.commits[i - 1],
            self.commits[i],
        )
        return [(line[0], line.split("\t", 1)[1]) for line in out.splitlines() if "\t" in line]

    def show(self, i: int, path: str) -> str | None:
        try:
            return git_bytes(self.repo, "show", f"{self.commits[i]}:{path}").decode("utf-8")
        except (subprocess.CalledProcessError, UnicodeDecodeError):
            return None

    def checkout(self, i: int, override: dict[str, str]) -> list[str]:
        """Make the workspace hold commit i's tree, `override` texts replacing some files;
        returns the paths written or deleted."""
        tree = git(self.repo, "ls-tree", "-r", "-z", "--format=%(objectname) %(path)", self.commits[i])
        blobs = dict(reversed(e.split(" ", 1)) for e in tree.split("\0") if e)  # type: ignore[misc]
        changed = []
        for path in set(self.written) - set(blobs):
            (self.ws / path).unlink(missing_ok=True)
            del self.written[path]
            changed.append(path)
        for path, blob in blobs.items():
            data = override[path].encode() if path in override else blob.encode()  # blob id as a stand-in key
            if self.written.get(path) == data:
                continue
            content = (
                override[path].encode()
                if path in override
                else git_bytes(self.repo, "cat-file", "blob", blob)
            )
            target = self.ws / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            self.written[path] = data
            changed.append(path)
        return changed

    def edit_times(self, i: int) -> dict[str, float]:
        """Each path's last commit time among commits 0..i-1."""
        times: dict[str, float] = {}
        for j in range(i):
            files = self._files[j] if j < len(self._files) else []
            for path in files:
                times[path] = self.times[j]
        return times

    def load_files(self) -> None:
        out = git(
            self.repo, "log", "--first-parent", "--reverse", "--format=\x01%H", "--name-only", "--no-renames"
        )
        self._files: list[list[str]] = [
            [p for p in block.split("\n")[1:] if p] for block in out.split("\x01")[1:]
        ]


def build(replay: Replay, index: ChunkIndex, hybrid: bool) -> list[Case]:
    """Replay every commit; each query with its fetched lists and, per recency model, the edit
    times the daemon would know: "prior commits" (each file's last commit before C) and
    "+ files C creates" (those also stamped at C's start: a function in a file C creates can
    only be searched for once the file exists, and the daemon saw it created)."""
    cases = []
    replay.load_files()
    for i in range(1, len(replay.commits)):
        override: dict[str, str] = {}
        queries: list[Query] = []
        before = replay.edit_times(i)
        changes = replay.changes(i)
        created = {path: replay.times[i - 1] for status, path in changes if status == "A"}
        models = {"prior commits": before, "+ files C creates": {**before, **created}}
        for status, path in changes:
            if status == "D" or not path.endswith(".py"):
                continue
            new = replay.show(i, path)
            if new is None:
                continue
            found = targets(new, replay.show(i - 1, path) if status == "M" else None)
            if found:
                override[path] = strip_docstrings(new, [t[2] for t in found])
                queries += [Query(q, path, name, i, path in before, old) for name, q, _, old in found]
        replay.checkout(i, override)
        index.refresh()
        if hybrid:
            index.embed_pending()
        embedder = index.embedder if hybrid else None
        for q in queries:
            lists: Lists = [("keyword", 1.0, keyword_search(index.store, q.text, 100))]
            if embedder is not None:
                lists.append(("vector", 1.0, vector_search(index.store, embedder, q.text, 100)))
            cases.append((q, lists, models))
        print(f"commit {i}/{len(replay.commits) - 1}: {len(queries)} queries", file=sys.stderr, flush=True)
    return cases


def ages(before: dict[str, float], now: float) -> RecencyLookup:
    def age(path: str) -> float | None:
        when = before.get(path)
        return None if when is None else max(0.0, now - when)

    return age


def rank_of(hits: list[SearchHit], q: Query) -> int | None:
    return next((i for i, h in enumerate(hits) if h.path == q.path and h.symbol == q.symbol), None)


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "R@1": sum(r == 0 for r in ranks) / n,
        "R@10": sum(r is not None for r in ranks) / n,
        "MRR@10": sum(1 / (r + 1) for r in ranks if r is not None) / n,
    }


SUBSETS: dict[str, Callable[[Query], bool]] = {
    "all": lambda q: True,
    "changed fn": lambda q: q.existed,  # searchable before C's session touched it
    "added fn": lambda q: not q.existed,
    "file edited before": lambda q: q.known_file,
}


def evaluate(cases: list[Case], times: list[float], base: SearchWeights, model: str) -> None:
    """R@1/R@10/MRR@10 per setting and subset, then MRR@10 ratios to weight 0 with how many
    queries the setting moved up / down (a ratio over a few dozen queries is mostly noise)."""
    sizes = {name: sum(keep(q) for q, _, _ in cases) for name, keep in SUBSETS.items()}
    print(f"recency model: {model}")
    print(f"{'setting':22s} " + " ".join(f"{f'{n} ({sizes[n]})':>22s}" for n in SUBSETS))
    results: dict[str, dict[str, dict[str, float]]] = {}
    reciprocal: dict[str, list[float]] = {}
    for label, weights in grid(base):
        ranks: dict[str, list[int | None]] = {name: [] for name in SUBSETS}
        for q, lists, models in cases:
            rank = rank_of(fuse(lists, q.text, 10, weights, ages(models[model], times[q.commit])), q)
            reciprocal.setdefault(label, []).append(0.0 if rank is None else 1 / (rank + 1))
            for name, keep in SUBSETS.items():
                if keep(q):
                    ranks[name].append(rank)
        results[label] = {name: score(r) for name, r in ranks.items()}
        print(f"{label:22s} " + " ".join(f"{fmt(results[label][n]):>22s}" for n in SUBSETS), flush=True)
    zero = results["weight 0"]
    print("MRR@10 ratio to weight 0 (queries up/down), per subset (" + ", ".join(SUBSETS) + "):")
    for label, by_subset in results.items():
        cells = []
        for name, keep in SUBSETS.items():
            pairs = [
                (new, old)
                for (q, _, _), new, old in zip(cases, reciprocal[label], reciprocal["weight 0"], strict=True)
                if keep(q)
            ]
            up, down = sum(n > o for n, o in pairs), sum(n < o for n, o in pairs)
            cells.append(f"{ratio(by_subset[name], zero[name])} ({up}/{down})")
        print(f"  {label:22s} " + "  ".join(f"{c:>18s}" for c in cells))


def grid(base: SearchWeights) -> list[tuple[str, SearchWeights]]:
    out = [("weight 0", replace(base, recency_boost=0.0))]
    for boost in BOOSTS[1:]:
        for name, half in HALF_LIVES.items():
            out.append(
                (f"{boost:g} half-life {name}", replace(base, recency_boost=boost, recency_half_life_s=half))
            )
    return out


def fmt(r: dict[str, float]) -> str:
    return f"{r['R@1']:.3f}/{r['R@10']:.3f}/{r['MRR@10']:.3f}"


def ratio(a: dict[str, float], b: dict[str, float]) -> str:
    return f"{a['MRR@10'] / b['MRR@10']:.3f}x" if b["MRR@10"] else "n/a"


def same_age_noop(cases: list[tuple[str, Lists]], label: str, base: SearchWeights) -> None:
    """Every file the same age: the term must leave every answer exactly as at weight 0."""
    same: RecencyLookup = lambda path: 120.0  # noqa: E731
    off = replace(base, recency_boost=0.0)
    on = replace(base, recency_boost=0.5, recency_half_life_s=600.0)
    differ = sum(
        _key(fuse(lists, text, 10, off)) != _key(fuse(lists, text, 10, on, same)) for text, lists in cases
    )
    print(f"no-op check ({label}): {differ} of {len(cases)} answers differ with every file at the same age")


def _key(hits: list[SearchHit]) -> list[tuple[str, float]]:
    return [(h.chunk_id, h.score) for h in hits]


def cost(cases: list[Case], times: list[float], base: SearchWeights) -> str:
    """Milliseconds per query of `fuse` without and with the recency term (lookup included):
    each query's best of 7 runs, the two interleaved, so that load from other jobs (2 shared
    cores) inflates neither."""
    on = replace(base, recency_boost=0.2)
    spent = {"without": 0.0, "with recency": 0.0}
    for q, lists, models in cases:
        best = {"without": float("inf"), "with recency": float("inf")}
        for _ in range(7):
            started = time.perf_counter()
            fuse(lists, q.text, 10, base)
            middle = time.perf_counter()
            fuse(lists, q.text, 10, on, ages(models["prior commits"], times[q.commit]))
            best["without"] = min(best["without"], middle - started)
            best["with recency"] = min(best["with recency"], time.perf_counter() - middle)
        for key, value in best.items():
            spent[key] += value
    each = {k: v / len(cases) * 1000 for k, v in spent.items()}
    paths = sum(len({r["path"] for _, _, got in lists for r in got}) for _, lists, _ in cases) / len(cases)
    off, with_term = each["without"], each["with recency"]
    return (
        f"ranking stage per query: without {off:.3f} ms, with recency {with_term:.3f} ms "
        f"(+{with_term - off:.3f} ms; {paths:.0f} distinct paths per query)"
    )


def docstring_noop(base: SearchWeights) -> None:
    """The no-op check on benchmarks/retrieval.py's tuning corpus (keyword lists)."""
    path = Path(aigentflow.__file__).resolve().parents[1] / "benchmarks" / "retrieval.py"
    spec = importlib.util.spec_from_file_location("retrieval_bench", path)
    assert spec is not None and spec.loader is not None
    retrieval = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = retrieval  # its dataclasses look their module up there
    spec.loader.exec_module(retrieval)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        queries = retrieval.build_corpus(retrieval.DEFAULT_LIBS.split(","), root)[:800]
        index = ChunkIndex(Workspace(root), ContextSettings(embedder="none"), None)
        index.refresh()
        cases = [(q.text, [("keyword", 1.0, keyword_search(index.store, q.text, 100))]) for q in queries]
        same_age_noop(cases, f"docstring corpus, {len(cases)} queries", base)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", type=Path, default=Path(aigentflow.__file__).resolve().parents[1])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/rec/work"))
    parser.add_argument(
        "--hybrid", action="store_true", help="also the MiniLM vector list (embeds every version)"
    )
    parser.add_argument("--skip-docstring-check", action="store_true")
    args = parser.parse_args()

    work = args.workdir.resolve()
    clone, ws = work / "repo", work / "ws"
    if clone.exists():
        shutil.rmtree(clone)  # our own clone: re-cloned so it matches the source's history
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    subprocess.run([*GIT, "clone", "--quiet", "--no-checkout", str(args.repo), str(clone)], check=True)
    settings = ContextSettings(
        index_uri=str(work / ("index-hybrid" if args.hybrid else "index-keyword")),
        embedder="auto" if args.hybrid else "none",
        embed_batch=32,
    )
    embedder = resolve_embedder(settings, ws) if args.hybrid else None
    shutil.rmtree(settings.index_uri, ignore_errors=True)  # vectors are reused only within the run
    index = ChunkIndex(Workspace(ws), settings, embedder)
    replay = Replay(clone, ws)
    started = time.monotonic()
    cases = build(replay, index, args.hybrid)
    known = sum(q.known_file for q, _, _ in cases)
    mode = "hybrid (MiniLM)" if args.hybrid else "keyword"
    print(
        f"repo {args.repo}: {len(replay.commits)} commits, {len(cases)} queries ({known} in files edited "
        f"before their commit); {mode}; replay {time.monotonic() - started:.0f}s"
    )
    base = SearchWeights()
    for model in cases[0][2]:
        evaluate(cases, replay.times, base, model)
    print(cost(cases, replay.times, base))
    same_age_noop([(q.text, lists) for q, lists, _ in cases], "replayed queries", base)
    if not args.skip_docstring_check:
        docstring_noop(base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
