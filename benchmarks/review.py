"""Review throughput and latency: aigentflow's engine against bandit and `ruff --select S`.

Runs the same tree of Python files through
  * aigentflow in-process (every built-in rule pack, one file at a time, as the daemon does),
  * `aigentflow review` as a command (process start-up included): in one process, in one
    worker process per core, and again on the unchanged tree (findings from its cache),
  * bandit (`bandit -r`), and ruff (`ruff check --select S`),
and prints files/s, MB/s and ratios, then per-file latency p50/p95 for the in-process engine
and for a generated 2,000-line Flask module, opened (analysed whole) and then re-checked at
every keystroke while two statements are typed into it at three places (the review re-analyses
what the edit touched). Targets: >= 10x bandit's throughput, <= 30 ms p95 for the 2,000-line
file as it is typed.

    .venv/bin/python benchmarks/review.py [TREE ...]
"""

from __future__ import annotations

import ast
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

# Sibling benchmark scripts (benchmarks/secrets.py) would shadow standard modules.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from aigentflow.gctune import tune_gc  # noqa: E402
from aigentflow.review.engine import ReviewEngine  # noqa: E402
from aigentflow.review.packs import default_packs  # noqa: E402
from aigentflow.settings import ReviewSettings  # noqa: E402

VENV_BIN = Path(sys.executable).parent
DEFAULT_PACKAGES = ("click", "requests", "yaml", "starlette", "anyio", "pygls", "mcp")


def default_tree() -> list[Path]:
    site = Path(sysconfig.get_paths()["purelib"])
    return [site / name for name in DEFAULT_PACKAGES if (site / name).is_dir()]


def python_files(roots: list[Path]) -> list[Path]:
    return sorted(p for root in roots for p in ([root] if root.is_file() else root.rglob("*.py")))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def generated_module(lines: int = 2000) -> str:
    """A Flask module of many small handlers (sources, propagation, sinks, safe twins)."""
    head = (
        "import os, sqlite3, subprocess, hashlib\n"
        "from flask import Flask, request, redirect\n"
        "app = Flask(__name__)\n"
    )
    block = """
@app.route("/h{i}")
def handler_{i}():
    param = request.args.get("q{i}", "")
    lookup = {{"a": "const", "b": param}}
    bar = lookup["b"] if {i} % 2 else lookup["a"]
    if "../" in bar:
        return "bad"
    sql = f"SELECT * FROM t WHERE c = '{{bar}}'"
    cur = sqlite3.connect("db").cursor()
    cur.execute(sql)
    os.system("echo " + bar)
    digest = hashlib.md5(bar.encode()).hexdigest()
    return redirect("/done?d=" + digest)
"""
    parts = [head]
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(block.format(i=i))
        i += 1
    return "".join(parts)


def typed_versions(module: str) -> list[str]:
    """Versions of `module` as a coder types two new statements, character by character, into
    handlers near the top, the middle and the end (Enter moves every later line down)."""
    lines = module.splitlines(keepends=True)
    versions: list[str] = []
    statement = 'extra = request.args.get("k", "") + bar'
    for fraction in (0.1, 0.5, 0.9):
        anchor = next(
            i for i in range(int(len(lines) * fraction), len(lines)) if "cur.execute(sql)" in lines[i]
        )
        for offset in (1, 2):
            at = anchor + offset
            lines.insert(at, "    \n")  # Enter: the new line is indented already
            versions.append("".join(lines))
            for end in range(1, len(statement) + 1):
                lines[at] = "    " + statement[:end] + "\n"
                versions.append("".join(lines))
    return versions


def main(argv: list[str]) -> int:
    given = [Path(a) for a in argv] or default_tree()
    # One private copy for every tool: the same bytes, and no ignore rule (.venv) hides them.
    scratch = Path(tempfile.mkdtemp(prefix="review-bench-"))
    for root in given:
        shutil.copytree(
            root, scratch / root.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so")
        )
    roots = [scratch / root.name for root in given]
    files = python_files(roots)
    texts = [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in files]
    size_mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    print(f"tree: {len(files)} Python files, {size_mb:.2f} MB from {', '.join(r.name for r in roots)}")

    settings = ReviewSettings()
    engine = ReviewEngine(default_packs(settings), settings)
    tune_gc()  # as the daemon and `aigentflow review` do
    per_file: list[float] = []
    findings = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for path, text in texts:
        t0 = time.perf_counter()
        findings += len(engine.check_text(path, text, use_baseline=False))
        per_file.append(time.perf_counter() - t0)
    ours = (time.perf_counter() - start, time.process_time() - cpu_start)

    command = [
        str(VENV_BIN / "aigentflow"),
        "review",
        "--fail-on",
        "none",
        "-f",
        "json",
        "-o",
        "/dev/null",
        "--workspace",
        str(scratch),
        *map(str, roots),
    ]
    cli_one = timed([*command, "--no-cache", "--jobs", "1"])
    cli = timed([*command, "--no-cache"])  # one worker process per core
    timed(command)  # fills .aigentflow/cache/review.db
    cli_cached = timed(command)  # nothing changed: every file's findings come from the cache
    bandit = timed([str(VENV_BIN / "bandit"), "-r", "-q", "-f", "json", "-o", "/dev/null", *map(str, roots)])
    ruff = timed(
        [
            str(VENV_BIN / "ruff"),
            "check",
            "--select",
            "S",
            "--no-cache",
            "--exit-zero",
            "-q",
            "--output-format",
            "json",
            *map(str, roots),
        ]
    )

    # CPU seconds are the fairer measure on a shared machine: waiting for a core is not work.
    print(
        f"\n{'tool':<26}{'wall s':>8}{'cpu s':>8}{'files/s':>9}{'MB/s':>7}"
        f"{'vs bandit (wall)':>18}{'(cpu)':>8}"
    )
    for name, (wall, cpu) in [
        ("aigentflow (in-process)", ours),
        ("review CLI, 1 process", cli_one),
        (f"review CLI, {os.cpu_count()} processes", cli),
        ("review CLI, cached", cli_cached),
        ("bandit -r", bandit),
        ("ruff check --select S", ruff),
    ]:
        print(
            f"{name:<26}{wall:>8.2f}{cpu:>8.2f}{len(files) / cpu:>9.1f}{size_mb / cpu:>7.2f}"
            f"{bandit[0] / wall:>17.1f}x{bandit[1] / cpu:>7.1f}x"
        )
    print(f"\naigentflow findings: {findings}")
    print(
        f"per-file latency (tree): p50 {percentile(per_file, 0.5) * 1e3:.1f} ms, "
        f"p95 {percentile(per_file, 0.95) * 1e3:.1f} ms, max {max(per_file) * 1e3:.1f} ms"
    )

    module = generated_module()
    parse_only: list[float] = []
    for i in range(20):
        t0 = time.perf_counter()
        ast.parse(module + f"# edit {i}\n")
        parse_only.append(time.perf_counter() - t0)
    opened: list[float] = []
    for i in range(10):  # a file opened for the first time: the whole file is analysed
        fresh = ReviewEngine(default_packs(settings), settings)
        t0 = time.perf_counter()
        fresh.check_text(f"opened{i}.py", module, use_baseline=False)
        opened.append(time.perf_counter() - t0)
    keystrokes = typed_versions(module)
    engine.check_text("typed.py", module, use_baseline=False)
    typing: list[float] = []
    for text in keystrokes:  # every keystroke a new version, many of them not valid Python
        t0 = time.perf_counter()
        engine.check_text("typed.py", text, use_baseline=False)
        typing.append(time.perf_counter() - t0)
    lines = module.count(chr(10))
    print(
        f"\n2,000-line Flask file ({lines} lines), all rules:\n"
        f"  opened (whole file):       p50 {statistics.median(opened) * 1e3:6.1f} ms, "
        f"p95 {percentile(opened, 0.95) * 1e3:6.1f} ms\n"
        f"  typing ({len(typing)} keystrokes): p50 {statistics.median(typing) * 1e3:6.1f} ms, "
        f"p95 {percentile(typing, 0.95) * 1e3:6.1f} ms, max {max(typing) * 1e3:.1f} ms\n"
        f"  (ast.parse alone of the whole file: p50 {statistics.median(parse_only) * 1e3:.1f} ms, "
        f"p95 {percentile(parse_only, 0.95) * 1e3:.1f} ms)"
    )
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
