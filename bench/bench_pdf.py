"""Benchmark: what the PDF adds to a QA2 report, per EB, for one or more checkouts interleaved.

Not a test and not run in CI. Usage::

    python bench/bench_pdf.py [--checkout DIR ...] [--rounds 3] [--repeat 3] [--keep DIR]

It runs ``qa2docs demo`` once into a temp dir (the sample SB: 2 EBs), then, round after round
and checkout after checkout (each checkout's code through PYTHONPATH, so a ``git worktree`` at
another commit compares before and after in the same run):

- warm: in one process, per EB, ``make_reports(eb, pdf=False)`` and ``make_reports(eb,
  pdf=True)`` (both write the HTML), best of ``--repeat`` each; the PDF's cost is the
  difference, in CPU seconds (``time.process_time``) and wall seconds; the same for the SB
  root (every EB and the SB report);
- fresh: ``qa2docs report EB_DIR --html`` and ``--pdf`` in a new Python process, best of
  ``--repeat``, CPU (user + sys of the child, ``os.wait4``) and wall.

CPU time is the yardstick on a shared machine, but even CPU time stretches under load (the
CPUs are shared threads): each row also gives the load average and ``cal``, the CPU time of a
fixed pure-Python loop measured just before (compare it with its smallest value).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WARM = r"""
import json, sys, time
from pathlib import Path
from qa2docs.discover.layout import discover
from qa2docs.report.build import make_reports

root, repeat = Path(sys.argv[1]), int(sys.argv[2])
sb = discover(root)

def best(fn):
    runs = []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        runs.append((time.process_time() - c0, time.perf_counter() - w0))
    return min(r[0] for r in runs), min(r[1] for r in runs)

make_reports(root, html=True, pdf=True)  # warm: imports, fonts, caches
out = {}
for target in [eb.dir for eb in sb.ebs] + [root]:
    html = best(lambda: make_reports(target, html=True, pdf=False))
    both = best(lambda: make_reports(target, html=True, pdf=True))
    out[target.name] = {"html": html, "both": both}
print(json.dumps(out))
"""


def calibrate() -> float:
    """Best CPU time of a fixed pure-Python loop: how much the machine's load stretches CPU time."""
    runs = []
    for _ in range(3):
        c0 = time.process_time()
        sum(i * i for i in range(2_000_000))
        runs.append(time.process_time() - c0)
    return min(runs)


def _env(checkout: Path) -> dict[str, str]:
    """The checkout's code first (``-c`` and ``-m`` also put the working directory first on
    sys.path: the children run in the checkout)."""
    return dict(os.environ, PYTHONPATH=str(checkout))


def warm(checkout: Path, root: Path, repeat: int) -> dict:
    """Per EB dir and the SB root: (CPU, wall) of HTML alone and of HTML + PDF."""
    proc = subprocess.run([sys.executable, "-c", WARM, str(root), str(repeat)], cwd=checkout,
                          env=_env(checkout), check=True, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fresh(checkout: Path, eb_dir: Path, fmt: str, repeat: int) -> tuple[float, float]:
    """Best (CPU, wall) of ``qa2docs report EB_DIR fmt`` in a new process."""
    runs = []
    for _ in range(repeat):
        w0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "qa2docs", "report", str(eb_dir), fmt],
                                cwd=checkout, env=_env(checkout), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, (checkout, eb_dir, fmt)
        runs.append((usage.ru_utime + usage.ru_stime, time.perf_counter() - w0))
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    """Run the benchmark and print one Markdown table per round."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", type=Path, action="append",
                    help="a checkout to measure (repeatable; default: this one)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the SB here and keep it")
    args = ap.parse_args()
    checkouts = [c.resolve() for c in args.checkout or [REPO]]
    sys.path.insert(0, str(REPO))
    from qa2docs.cli.demo import run_demo
    from qa2docs.discover.layout import discover

    root = run_demo(args.keep or Path(tempfile.mkdtemp(prefix="qa2docs-bench-")) / "demo",
                    echo=lambda _: None)
    sb = discover(root)
    print("| round | checkout | report | load | cal s | warm PDF added: CPU s | wall s "
          "| fresh --html: CPU s | wall s | fresh --pdf: CPU s | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for rnd in range(1, args.rounds + 1):
        for checkout in checkouts:
            load, cal = os.getloadavg()[0], calibrate()
            times = warm(checkout, root, args.repeat)
            for name, t in times.items():
                added = [t["both"][k] - t["html"][k] for k in (0, 1)]
                eb = next((e for e in sb.ebs if e.dir.name == name), None)
                cold = ""
                if eb is not None:
                    h, p = (fresh(checkout, eb.dir, f, args.repeat) for f in ("--html", "--pdf"))
                    cold = f"{h[0]:.2f} | {h[1]:.2f} | {p[0]:.2f} | {p[1]:.2f}"
                label = name if eb else f"SB root ({len(sb.ebs) + 1} reports)"
                print(f"| {rnd} | {checkout.name} | {label} | {load:.1f} | {cal:.3f} | {added[0]:.2f} | "
                      f"{added[1]:.2f} | {cold or '– | – | – | –'} |", flush=True)


if __name__ == "__main__":
    main()
