"""Guardrail throughput: redaction and injection screening on a few MB of real code and text.

    .venv/bin/python benchmarks/guard.py [--mb 4] [--repeat 3]

The corpus is real: the `.py` sources of a few installed libraries plus the text of their
package metadata and licences (prose with emails and URLs), read file by file, as the model
gateway sees them (one message per file). Rows, best of `--repeat`:

- redaction with the built-in detectors (token formats + personal data): what every prompt pays;
- the same plus the review's own secret pack (`SecretsPack`, the foundation's detector);
- injection screening of untrusted content;
- both together (a file sent as untrusted content: screen, then redact);
- peer: detect-secrets `scan_line` over the same bytes (on a slice; it is slow).

Prints MB/s (per CPU-second of this process, best of the repeats), the ratio to
detect-secrets, and what guarding a 200K-token context (~700 KB) costs at that speed; the
issue's target is >= 20 MB/s (under 50 ms for such a context).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from aigentflow import guard  # noqa: E402
from aigentflow.review.secrets import SecretsPack  # noqa: E402
from aigentflow.settings import SecretsSettings  # noqa: E402

PACKAGES = ("anthropic", "pydantic", "mcp", "pygls", "openai", "httpx2", "json_repair", "yaml")
CONTEXT_BYTES = 700_000  # ~200K tokens


def corpus(limit_mb: float) -> list[str]:
    """Real source and prose from installed packages, up to `limit_mb`."""
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    files: list[Path] = []
    for name in PACKAGES:
        files += sorted((site / name).rglob("*.py"))
    files += sorted(site.glob("*.dist-info/METADATA")) + sorted(site.glob("*.dist-info/LICENSE*"))
    texts: list[str] = []
    total = 0
    prose = [f for f in files if f.suffix != ".py"]
    code = [f for f in files if f.suffix == ".py"]
    for path in [*prose[:200], *code]:  # some prose first, then code up to the limit
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        texts.append(text)
        total += len(text.encode())
        if total >= limit_mb * 1_000_000:
            break
    return texts


def measure(texts: list[str], work: Callable[[str], object], repeat: int) -> float:
    """Best MB/s of `repeat` passes of `work` over every text, in CPU time of this process
    (the machine is shared: wall time would measure the neighbours too)."""
    size = sum(len(t.encode()) for t in texts) / 1_000_000
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for text in texts:
            work(text)
        best = min(best, time.process_time() - start)
    return size / max(best, 1e-9)


def detect_secrets_peer() -> Callable[[str], object]:
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    def scan(text: str) -> object:
        with default_settings():
            return [s for line in text.splitlines() for s in scan_line(line)]

    return scan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = corpus(args.mb)
    size = sum(len(t.encode()) for t in texts) / 1_000_000
    print(f"corpus: {len(texts)} files, {size:.2f} MB (code of {', '.join(PACKAGES)} + package prose)")

    builtin = guard.Redactor([guard.TokenPatternDetector(), guard.PiiDetector()])
    pack = guard.PackSecretDetector([SecretsPack(SecretsSettings())])
    with_pack = guard.Redactor([guard.TokenPatternDetector(), pack, guard.PiiDetector()])
    screener = guard.InjectionScreener()

    def both(text: str) -> object:
        screener.screen(text, "file")
        return builtin.redact(text)

    rows: list[tuple[str, float]] = [
        ("redact: token formats + personal data", measure(texts, builtin.redact, args.repeat)),
        ("redact: + review SecretsPack", measure(texts, with_pack.redact, args.repeat)),
        ("injection screening", measure(texts, screener.screen, args.repeat)),
        ("screen + redact (untrusted file)", measure(texts, both, args.repeat)),
    ]
    peer_slice = texts[: max(1, len(texts) // 8)]
    peer = measure(peer_slice, detect_secrets_peer(), 1)
    rows.append(("peer: detect-secrets scan_line", peer))

    print(f"\n{'row':<42} {'MB/s':>8} {'x detect-secrets':>17} {'ms per 200K tokens':>19}")
    for name, mbps in rows:
        print(f"{name:<42} {mbps:>8.1f} {mbps / peer:>16.1f}x {CONTEXT_BYTES / 1e6 / mbps * 1000:>18.1f}")
    target = rows[0][1] >= 20 and rows[2][1] >= 20
    print(f"\ntarget >= 20 MB/s for redaction and screening: {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
