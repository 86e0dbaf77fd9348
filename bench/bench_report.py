"""Benchmark: QA2 report time per EB (HTML, PDF) on the sample SB.

Not a test and not run in CI. Usage::

    python bench/bench_report.py [--repeat 3] [--plots 0] [--keep DIR]

It runs ``qa2docs demo`` into a temp dir (start, fill, validate, report on samples/seed),
optionally adds ``--plots N`` synthetic 1600x1200 PNG plots (~100-200 KB each, like
plotbandpass output) to each EB's Tsys plot folder, then times:

- cold: ``qa2docs report EB_DIR --html`` and ``--pdf`` in a fresh Python process (imports of
  matplotlib and WeasyPrint included), best of ``--repeat``;
- warm, in one process: ``make_reports(eb_dir, html=True, pdf=False)`` and
  ``(html=False, pdf=True)``, best of ``--repeat``, split into facts (extractors),
  validation, context (+ plots and thumbnails), HTML rendering and WeasyPrint;
- the SB root (every EB and the SB report, both formats), warm.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def best(fn, repeat: int) -> float:
    """Best wall time of *repeat* calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def add_plots(eb_dir: Path, n: int) -> None:
    """*n* large PNGs in the EB's Tsys plot folder (what plotbandpass leaves per antenna)."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib.figure import Figure

    folder = next(eb_dir.glob("*.ms.tsys.plots"))
    rng = np.random.default_rng(0)
    for i in range(n):
        fig = Figure(figsize=(8, 6))
        ax = fig.add_subplot()
        for k in range(4):
            ax.plot(np.arange(128), 100 + 10 * np.sin(np.arange(128) / 20 + k)
                    + rng.normal(0, 2, 128), lw=0.8)
        ax.set_title(f"synthetic Tsys plot {i}")
        fig.savefig(folder / f"bench.tsys.DA{i:02d}.spw{i % 4}.png", dpi=200)


@contextmanager
def timed(store: dict[str, float], key: str):
    """Add the wall time of the block to ``store[key]``."""
    t0 = time.perf_counter()
    yield
    store[key] = store.get(key, 0.0) + time.perf_counter() - t0


def breakdown(root: Path, eb_dir: Path) -> dict[str, float]:
    """One warm EB report (HTML + PDF), split by stage."""
    from qa2docs.report import build as report
    from qa2docs.render import pdf as pdf_mod

    parts: dict[str, float] = {}
    originals = (report.eb_facts, report.run_validation, report.eb_context, report.render_html,
                 pdf_mod.write_pdf)

    def wrap(fn, key):
        def inner(*args, **kwargs):
            with timed(parts, key):
                return fn(*args, **kwargs)
        return inner

    report.eb_facts = wrap(report.eb_facts, "facts (extractors)")
    report.run_validation = wrap(report.run_validation, "validation")
    report.render_html = wrap(report.render_html, "templates (HTML + PDF source)")
    pdf_mod.write_pdf = wrap(pdf_mod.write_pdf, "WeasyPrint")
    report.eb_context = wrap(report.eb_context, "context (+ flux plot, thumbnails)")
    try:
        with timed(parts, "total"):
            report.make_reports(eb_dir, html=True, pdf=True)
    finally:
        (report.eb_facts, report.run_validation, report.eb_context, report.render_html,
         pdf_mod.write_pdf) = originals
    return parts


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--plots", type=int, default=0, help="extra large PNGs per EB")
    ap.add_argument("--keep", type=Path, help="build the SB here and keep it")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from qa2docs.cli.demo import run_demo
    from qa2docs.discover.layout import discover
    from qa2docs.report.build import make_reports

    work = args.keep or Path(tempfile.mkdtemp(prefix="qa2docs-bench-")) / "demo"
    t0 = time.perf_counter()
    root = run_demo(work, echo=lambda _: None)
    demo_s = time.perf_counter() - t0
    sb = discover(root)
    if args.plots:
        for eb in sb.ebs:
            add_plots(eb.dir, args.plots)
    print(f"sample SB {sb.name}: {len(sb.ebs)} EBs; qa2docs demo (start, fill, validate, "
          f"report) took {demo_s:.1f} s; extra plots per EB: {args.plots}\n")
    rows = []
    for eb in sb.ebs:
        n_plots = sum(1 for p in eb.dir.rglob("*.png"))
        cold = {}
        for fmt in ("--html", "--pdf"):
            cmd = [sys.executable, "-m", "qa2docs", "report", str(eb.dir), fmt]
            cold[fmt] = best(lambda: subprocess.run(cmd, check=True, capture_output=True),
                             args.repeat)
        warm_html = best(lambda: make_reports(eb.dir, html=True, pdf=False), args.repeat)
        warm_pdf = best(lambda: make_reports(eb.dir, html=False, pdf=True), args.repeat)
        html_kb = (root / "qa2" / f"qa2_report_{eb.uid}.html").stat().st_size / 1024
        pdf_kb = (root / "qa2" / f"qa2_report_{eb.uid}.pdf").stat().st_size / 1024
        rows.append((eb.short, n_plots, cold["--html"], cold["--pdf"], warm_html, warm_pdf,
                     html_kb, pdf_kb))
    print("| EB | plots | cold HTML s | cold PDF s | warm HTML s | warm PDF s | HTML KB | PDF KB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:.2f} | {r[5]:.2f} | "
              f"{r[6]:.0f} | {r[7]:.0f} |")
    sb_both = best(lambda: make_reports(root, html=True, pdf=True), args.repeat)
    print(f"\nSB root, every report (2 EB + SB, HTML + PDF), warm: {sb_both:.2f} s")
    parts = breakdown(root, sb.ebs[0].dir)
    print(f"\nWhere the time goes, one warm EB report ({sb.ebs[0].short}, HTML + PDF):\n")
    print("| stage | s |")
    print("|---|---|")
    for key, value in parts.items():
        print(f"| {key} | {value:.2f} |")


if __name__ == "__main__":
    main()
