"""Benchmark: ``qa2docs batch`` over 1,000 EBs (500 SB roots x 2 EBs) made from the sample.

Not a test and not run in CI. Usage::

    python bench/bench_batch.py [--roots 500] [--repeat 2] [--dask] [--keep DIR]

It runs ``qa2docs demo`` once into a temp dir (in /tmp), then copies the demo's SB root
(checklists, qa2docs.yaml, README header, answer state, EB dirs with their logs, listobs,
scripts and plots; no reports, no fact cache) and its archive ``--roots`` times, giving
every copy distinct UIDs: the execution-block UIDs' middle part (``Xdd9c61``, ``X4sda4d``)
becomes ``Xb<n>``/``Xc<n>`` (same length) in file names and file contents alike, and the
ASDM links point at the copy's own archive. Then it times, each in a fresh process with
``/usr/bin/time -v`` (wall, user+sys CPU of the whole tree, max RSS of the largest
process) while sampling the total RSS of the whole process tree every 0.2 s:

- ``qa2docs batch TOP --jobs 2 --html`` (first run: facts extracted, validated, text +
  HTML reports written);
- the same again with nothing changed (every SB root skipped);
- with ``--dask``: ``qa2docs batch TOP --html --dask tcp://...`` on a local 2-worker
  ``distributed.LocalCluster`` (one thread per worker), after removing the reports, batch
  state and fact caches, so it redoes the same work; then a no-change re-run. The workers'
  RSS is sampled and their CPU time added to the client's.

``--tree DIR`` reuses a tree an earlier ``--keep DIR`` built (``--roots 50`` for a quick
one). Every first run starts with the reports, batch state and fact caches removed.

Beside them, the yardstick from the same run: ``cp -r`` of the whole tree (the I/O floor)
and before each command the load average and ``cal``, the best CPU time of a fixed
pure-Python loop (``bench_pdf.calibrate``: 0.088 - 0.092 s on a quiet host; a shared host's
neighbours stretch it, and every CPU figure of the same run with it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_pdf import calibrate  # the CPU yardstick: this host's speed before each command

REPO = Path(__file__).resolve().parents[1]
SB = "B6_IRAS12345"
UID_PARTS = (("Xdd9c61", "Xb{:05x}"), ("X4sda4d", "Xc{:05x}"))
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".pdf"}


def run_demo(base: Path) -> Path:
    """``qa2docs demo`` into *base*/demo; the demo folder."""
    demo = base / "demo"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "qa2docs", "demo", str(demo)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return demo


def _template(demo: Path) -> list[tuple[str, str, bytes | None, str | None]]:
    """(area, relative path, content or None for a folder, link target) of every entry of
    the demo's SB root (no reports, no fact cache, no batch state) and archive."""
    entries = []
    areas = {"root": demo / "analysis" / SB, "archive": demo / "archive" / SB}
    for area, top in areas.items():
        for dirpath, dirnames, filenames in os.walk(top):
            rel_dir = os.path.relpath(dirpath, top)
            if area == "root" and rel_dir == ".":
                dirnames[:] = [d for d in dirnames if d != "qa2"]
            if area == "root" and rel_dir == ".qa2docs":
                dirnames[:] = []
                filenames = [f for f in filenames if f == "state.json"]
            for name in sorted(dirnames + filenames):
                path = Path(dirpath) / name
                rel = os.path.normpath(os.path.join(rel_dir, name))
                if path.is_symlink():
                    target = os.readlink(path)
                    entries.append((area, rel, None, os.path.relpath(target, demo / "archive" / SB)))
                elif path.is_dir():
                    entries.append((area, rel, None, None))
                else:
                    entries.append((area, rel, path.read_bytes(), None))
    return entries


# The flux values of fluxscale results (in .fluxscale files and casa logs), scaled a little
# per copy: no two roots draw the same figures, so no cache keyed on the data flatters the
# bench (real SBs do not repeat each other's data).
_FLUX = re.compile(rb"((?:Flux density for \S+ in SpW=\d+ (?:\(freq=[^)]*\) )?is: )|"
                   rb"(?:Fitted spectrum for \S+ with fitorder=\d+: Flux density = ))"
                   rb"(\d+\.\d+)")


def _renamer(n: int, demo: Path, root: Path, archive: Path):
    """The rename of copy *n*: UIDs, and the demo's absolute paths to the copy's."""
    pairs = [(old, new.format(n)) for old, new in UID_PARTS]
    paths = [(str(demo / "analysis" / SB), str(root)), (str(demo / "archive" / SB), str(archive))]

    def text(s: str) -> str:
        for old, new in pairs + paths:
            s = s.replace(old, new)
        return s

    def data(b: bytes) -> bytes:
        for old, new in pairs + paths:
            b = b.replace(old.encode(), new.encode())
        return _FLUX.sub(lambda m: m[1] + b"%.4f" % (float(m[2]) * (1 + 1e-3 * (n % 97 + 1))), b)

    return text, data


def make_tree(top: Path, demo: Path, n_roots: int) -> tuple[Path, Path]:
    """*n_roots* SB roots under *top*/roots (sb000, sb001, ...) and their archives under
    *top*/archive; (roots folder, archive folder)."""
    entries = _template(demo)
    roots_dir, archives = top / "roots", top / "archive"
    for n in range(n_roots):
        root, archive = roots_dir / f"sb{n:03d}", archives / f"sb{n:03d}"
        text, data = _renamer(n, demo, root, archive)
        for area, rel, content, link in entries:
            dest = (root if area == "root" else archive) / text(rel)
            if link is not None:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.symlink_to(archive / text(link))
            elif content is None:
                dest.mkdir(parents=True, exist_ok=True)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                binary = Path(rel).suffix.lower() in BINARY_SUFFIXES
                dest.write_bytes(content if binary else data(content))
    return roots_dir, archives


class TreeSampler(threading.Thread):
    """Samples the summed RSS (MB) of a process and all its descendants every 0.2 s."""

    def __init__(self, pid: int, extra_pids=()):
        super().__init__(daemon=True)
        self.pid, self.extra = pid, list(extra_pids)
        self.peak = 0.0
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            total = 0
            procs = []
            for pid in [self.pid, *self.extra]:
                try:
                    p = psutil.Process(pid)
                    procs += [p, *p.children(recursive=True)]
                except psutil.Error:
                    continue
            for p in {p.pid: p for p in procs}.values():
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
            mb = total / 2**20
            self.samples.append(mb)
            self.peak = max(self.peak, mb)
            self.stop.wait(0.2)


_TIME_FIELDS = {"wall": r"Elapsed \(wall clock\) time.*: (.+)",
                "user": r"User time \(seconds\): ([\d.]+)",
                "sys": r"System time \(seconds\): ([\d.]+)",
                "maxrss_kb": r"Maximum resident set size \(kbytes\): (\d+)"}


def _wall(text: str) -> float:
    parts = [float(p) for p in text.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))


def timed(argv: list[str], extra_pids=()) -> dict:
    """Run *argv* under ``/usr/bin/time -v``; wall, cpu, max RSS (MB) of the largest process,
    peak summed RSS of the tree (MB), its stdout's last line, the load average before."""
    load = os.getloadavg()[0]
    cal = calibrate()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(["/usr/bin/time", "-v", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    sampler = TreeSampler(proc.pid, extra_pids)
    sampler.start()
    out, err = proc.communicate()
    sampler.stop.set()
    sampler.join()
    got = {k: re.search(v, err).group(1) for k, v in _TIME_FIELDS.items()}
    return {"wall": _wall(got["wall"]), "cpu": float(got["user"]) + float(got["sys"]),
            "maxrss": int(got["maxrss_kb"]) / 1024, "tree_rss": sampler.peak,
            "samples": sampler.samples, "load": load, "cal": cal, "rc": proc.returncode,
            "last": (out.strip().splitlines() or [""])[-1],
            "errors": [line for line in err.splitlines() if line.startswith("qa2docs:")]}


def show(label: str, r: dict) -> None:
    mid = r["samples"][len(r["samples"]) // 2:] if r["samples"] else [0]
    print(f"{label:<34} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  "
          f"max RSS {r['maxrss']:6.0f} MB  tree RSS peak {r['tree_rss']:6.0f} MB "
          f"(2nd half mean {sum(mid) / len(mid):5.0f})  load {r['load']:.1f}  "
          f"cal {r['cal']:.3f} s  rc {r['rc']}"
          f"  | {r['last']}", flush=True)
    for line in r["errors"][:3]:
        print("   ", line)


def clear_reports(roots_dir: Path) -> None:
    """Remove every report and batch state (the fact caches stay)."""
    for root in roots_dir.iterdir():
        shutil.rmtree(root / "qa2", ignore_errors=True)
        (root / ".qa2docs" / "batch.json").unlink(missing_ok=True)


def clear_caches(roots_dir: Path) -> None:
    for root in roots_dir.iterdir():
        shutil.rmtree(root / ".qa2docs" / "facts", ignore_errors=True)


def run_dask(roots_dir: Path, repeat: int) -> None:
    # The scheduler runs in this process and unpickles the tasks, the workers are started
    # from it: both must import this checkout's qa2docs, as the client does.
    os.environ["PYTHONPATH"] = str(REPO)
    sys.path.insert(0, str(REPO))
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        import psutil

        workers = [w.pid for w in cluster.workers.values() if getattr(w, "pid", None)]
        workers = workers or [c.pid for c in psutil.Process().children(recursive=True)]
        def workers_cpu() -> float:
            total = 0.0
            for pid in workers:
                try:
                    t = psutil.Process(pid).cpu_times()
                    total += t.user + t.system
                except psutil.Error:
                    continue
            return total

        argv = [sys.executable, "-m", "qa2docs", "batch", str(roots_dir), "--html",
                "--dask", cluster.scheduler_address]
        for i in range(repeat + 1):
            label = f"batch --dask (2 workers) #{i + 1}" if i < repeat else "  no-change re-run"
            if i < repeat:
                clear_reports(roots_dir)
                clear_caches(roots_dir)
            before = workers_cpu()
            r = timed(argv, extra_pids=workers)
            r["cpu"] += workers_cpu() - before  # the client's and the workers' CPU
            show(label, r)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--roots", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="also time batch --dask")
    ap.add_argument("--keep", type=Path, help="build the tree here and keep it")
    ap.add_argument("--tree", type=Path, help="reuse a tree an earlier --keep built")
    args = ap.parse_args()
    base = args.keep or args.tree or Path(tempfile.mkdtemp(prefix="qa2docs-bench-batch-",
                                                           dir="/tmp"))
    try:
        if args.tree:
            roots_dir = args.tree / "roots"
        else:
            t0 = time.perf_counter()
            demo = run_demo(base)
            roots_dir, _ = make_tree(base, demo, args.roots)
            print(f"tree: {args.roots} SB roots, {2 * args.roots} EBs under {roots_dir} "
                  f"({time.perf_counter() - t0:.1f} s to make)", flush=True)
        n = sum(1 for _ in roots_dir.iterdir())
        r = timed(["cp", "-r", str(roots_dir), str(base / "copy")])
        shutil.rmtree(base / "copy")
        show(f"yardstick: cp -r ({n} roots)", r)
        batch = [sys.executable, "-m", "qa2docs", "batch", str(roots_dir), "--html",
                 "--jobs", str(args.jobs)]
        for i in range(args.repeat):
            clear_reports(roots_dir)
            clear_caches(roots_dir)
            show(f"batch --jobs {args.jobs} --html #{i + 1}", timed(batch))
            show("  no-change re-run", timed(batch))
        if args.dask:
            run_dask(roots_dir, args.repeat)
    finally:
        if not (args.keep or args.tree):
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
