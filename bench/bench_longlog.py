"""Benchmark: ``qa2docs facts`` on an EB dir whose casa log is long, next to ``grep -c``.

Not a test and not run in CI. Usage::

    python bench/bench_longlog.py [--logs casa6-100,casa6-1024,synthetic-1024,sample-200]
                                  [--repeat 3] [--tmp /tmp]

Each log goes into a copy of the sample SB root that ``qa2docs demo`` makes (``--sb-root``, or a
new demo in ``--tmp``), as the casa log of EB X66d (its own log removed), so that ``qa2docs
facts EB_DIR`` runs every extractor of the EB and the fact cache of the SB root applies. The
logs:

- ``casa6-N``: both ``../shared/corpus/casa6/casa-*.log`` (or ``$QA2DOCS_CORPUS/casa6``) (real CASA 6 sessions) appended
  over and over to N MiB, as when many sessions append to one log: a marker every few
  lines (13-15 task calls, a WARN or two per session);
- ``synthetic-N``: :func:`bench_logscan.write_log` (markers every ~10 MB);
- ``sample-N``: the sample EB's casapy 4.2 log appended to N MiB (a listobs summary per copy).

For each, in the same run, each command once to warm the page cache and then ``--repeat``
times, in a fresh process, best and worst wall time and peak RSS (``os.wait4``):

- ``grep -c -E MARKERS LOG > FILE`` (the message starts of the extractors' readers);
- ``qa2docs facts EB_DIR --format json`` with ``QA2DOCS_NO_CACHE=1`` ("off"), with the cache
  removed before each run ("cold": extracts and writes the cache) and with the cache
  written ("warm").

``qa2docs`` runs with its bytecode cached (``PYTHONPYCACHEPREFIX``, in ``--tmp`` unless set),
as an installed package is: with ``PYTHONDONTWRITEBYTECODE`` every run compiles its ~70
modules again (~0.13 CPU-s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_logscan import write_log  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("QA2DOCS_CORPUS", REPO.parent / "shared" / "corpus"))
SAMPLE_LOG = REPO / "samples" / "seed" / "reduction" / "X66d" / "casapy-20140828-093512.log"
GREP_MARKERS = ("Flux density for|Fitted spectrum for|Found (reference|transfer) field|"
                "Begin Task|Step +[0-9]|(CASA|casa) [Vv]ersion|In spw=[0-9]+ found|"
                "[$]Id: analysisUtils|(analysisUtils|aU) version|MeasurementSet Name|"
                "WARN|SEVERE")


def append_to_size(path: Path, sources: list[Path], size_mb: int) -> int:
    """Write *sources* one after the other, over and over, until *path* has *size_mb* MiB."""
    chunk = b"".join(p.read_bytes() for p in sources)
    target = size_mb * 1024 * 1024
    reps = max(1, target // len(chunk))
    with open(path, "wb") as f:
        for _ in range(reps):
            f.write(chunk)
    return path.stat().st_size


def demo_root(tmp: Path) -> Path:
    """The SB root of a new ``qa2docs demo`` in *tmp*."""
    out = tmp / "qa2docs-longlog-demo"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "qa2docs", "demo", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return next((out / "analysis").iterdir())


def make_sb(tmp: Path, name: str, sb_root: Path) -> Path:
    """A copy of the SB root *sb_root* whose EB X66d holds the log to test; the EB dir."""
    root = tmp / f"qa2docs-longlog-{name}" / sb_root.name
    shutil.rmtree(root.parent, ignore_errors=True)
    shutil.copytree(sb_root, root, symlinks=True)
    shutil.rmtree(root / ".qa2docs", ignore_errors=True)
    eb = next(root.glob("*/X66d"))
    for old in eb.glob("casa*.log"):
        old.unlink()
    return eb


def write_named_log(eb: Path, spec: str) -> dict:
    """Write the log *spec* (``kind-MiB``) into *eb*; describe it."""
    kind, size = spec.rsplit("-", 1)
    log = eb / "casa-20261124-120000.log"
    if kind == "casa6":
        logs = sorted((CORPUS / "casa6").glob("casa-*.log"))
        if not logs:
            raise SystemExit(f"no casa-*.log in {CORPUS / 'casa6'} (set QA2DOCS_CORPUS)")
        append_to_size(log, logs, int(size))
    elif kind == "sample":
        append_to_size(log, [SAMPLE_LOG], int(size))
    elif kind == "synthetic":
        write_log(log, int(size))
    else:
        raise SystemExit(f"unknown log kind {kind!r}")
    return {"log": log, "mib": log.stat().st_size / 2**20,
            "lines": int(subprocess.run(["wc", "-l", str(log)], capture_output=True,
                                        text=True).stdout.split()[0])}


def run(cmd: list[str], env: dict | None = None, stdout=subprocess.PIPE,
        before=None) -> tuple[float, float, int, str]:
    """Wall time (s), CPU time (user + system, s, with the scan workers it waited for), peak
    RSS (MB) and stdout of one run of *cmd*."""
    if before:
        before()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, text=True, env=env)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status:
        raise SystemExit(f"{cmd} failed: {status}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, out


def timed(cmd: list[str], repeat: int, **kw) -> tuple:
    """Best and worst wall time, least and most CPU time, least and most peak RSS and the
    last stdout of *cmd*."""
    run(cmd, **kw)  # warms the page cache (and, for "warm", writes the cache)
    walls, cpus, rss, out = [], [], [], ""
    for _ in range(repeat):
        wall, cpu, mb, out = run(cmd, **kw)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(mb)
    return min(walls), max(walls), min(cpus), max(cpus), min(rss), max(rss), out


def summary(out: str) -> str:
    """Number of facts and warnings, and what the bounded lists say."""
    data = json.loads(out)
    facts = data["facts"]
    notes = [f"{k}: {facts[k].get('note')}" for k in ("log.tasks", "log.steps", "log.messages")
             if k in facts and facts[k].get("note")]
    return (f"{len(facts)} facts, {len(data['warnings'])} warnings, "
            f"{len(out) // 1024} KB JSON" + ("; " + "; ".join(notes) if notes else ""))


def bench_log(spec: str, tmp: Path, repeat: int, sb_root: Path) -> list[tuple]:
    """The rows of one log: grep, then facts off / cold / warm."""
    eb = make_sb(tmp, spec, sb_root)
    info = write_named_log(eb, spec)
    log = info["log"]
    print(f"## {spec}: {info['mib']:.0f} MiB, {info['lines']} lines; load {os.getloadavg()}",
          flush=True)
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(tmp / "qa2docs-longlog-pycache"))
    off = dict(env, QA2DOCS_NO_CACHE="1")
    cache = eb.parents[1] / ".qa2docs"
    time.sleep(2.5)  # the cache does not store a result whose inputs changed in the last 2 s
    facts = [sys.executable, "-m", "qa2docs", "facts", str(eb), "--format", "json"]
    grep_out = tmp / f"qa2docs-longlog-{spec}.grep"
    rows = []
    with open(grep_out, "w") as out:
        rows.append(("grep -c -E MARKERS LOG > FILE",
                     *timed(["grep", "-c", "-E", GREP_MARKERS, str(log)], repeat, stdout=out)))
    rows.append(("facts, cache off", *timed(facts, repeat, env=off)))
    rows.append(("facts, cache cold (writes it)",
                 *timed(facts, repeat, env=env,
                        before=lambda: shutil.rmtree(cache, ignore_errors=True))))
    rows.append(("facts, cache warm", *timed(facts, repeat, env=env)))
    print(f"grep count: {grep_out.read_text().strip()}")
    shutil.rmtree(eb.parents[2], ignore_errors=True)
    grep_out.unlink()
    return rows


def main() -> None:
    """Run every log's rows and print one Markdown table per log."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--logs", default="casa6-100,casa6-1024,synthetic-1024,sample-200")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tmp", type=Path, default=Path("/tmp"))
    ap.add_argument("--sb-root", type=Path, help="an SB root made by qa2docs demo")
    args = ap.parse_args()
    sb_root = args.sb_root or demo_root(args.tmp)
    for spec in args.logs.split(","):
        rows = bench_log(spec, args.tmp, args.repeat, sb_root)
        grep = rows[0][1:5]
        print("| command | wall s | x grep | CPU s | x grep | peak RSS MB | output |\n"
              "|---|---|---|---|---|---|---|")
        for name, best, worst, cpu0, cpu1, rss0, rss1, out in rows:
            text = summary(out) if out.startswith("{") else ""
            print(f"| {name} | {best:.2f} – {worst:.2f} | {best / grep[0]:.2f} – "
                  f"{worst / grep[1]:.2f} | {cpu0:.2f} – {cpu1:.2f} | {cpu0 / grep[2]:.2f} – "
                  f"{cpu1 / grep[3]:.2f} | {rss0} – {rss1} | {text} |", flush=True)
        print(f"load after: {os.getloadavg()}\n", flush=True)


if __name__ == "__main__":
    main()
