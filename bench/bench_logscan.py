"""Benchmark: extracting facts from a ~1 GB synthetic CASA log, next to ``grep -c``.

Not a test and not run in CI. Usage::

    python bench/bench_logscan.py [--size-mb 1024] [--keep DIR]

It writes a synthetic casa log (realistic tab-separated lines, the markers rare) to a temp
dir, then reports the wall time and peak RSS of:

- ``grep -c -E 'Flux density for|Fitted spectrum|Begin Task|SEVERE|WARN|Step [0-9]'``;
- ``CasaLogExtractor().extract(path)`` (all casalog facts, fluxscale included), the same
  forced into one process, and
  ``FluxscaleExtractor().extract(path)``, each in a fresh Python process;
- ``qa2docs facts EB_DIR --format json``, the whole command on an EB dir holding the log
  (which starts with the sample EB's listobs summary): casalog and listobs share one scan.

Each command runs once to warm the page cache, then ``--repeat`` times; the best wall time
is reported. Peak RSS comes from ``os.wait4`` (the child's ``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GREP_PATTERN = "Flux density for|Fitted spectrum|Begin Task|SEVERE|WARN|Step [0-9]"

_ORIGINS = ["calibrater::solve", "Calibrater::solve", "imager::ft() ", "AgentFlagger::run",
            "FlagDataHandler::nextChunk", "VisSetUtil::initScrCols", "gaincal::::casa",
            "MSTransformManager::parseMsSpecParams", "applycal::::casa", "plotms::::casa",
            "SolvableVisJones::smooth", "ms::summary", "", "listobs::ms::summary"]
_MESSAGES = [
    "Found good {t} Jones solutions in {n} solution intervals.",
    "SPW: {n} [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]  [{k}]",
    "Selected {n} out of {m} rows.",
    "Chunk = {n}, Observation = 0, Array = 0, Scan = {k}, Field = {k} (J1733-1304), Spw = {k}",
    "=> {n} (out of {m}) solutions flagged due to SNR < 3 in spw={k} at 2024/06/02/05:{k:02d}:11.0",
    "Applying refant: DA47 refantmode = flex (hold alternate refants' phase constant)",
    "   {k}     J1733-1304   17:33:02.706000 -13.04.49.55000 J2000   {k}   {n}",
    "Writing solutions to table: uid___A002_Xc0ffee_X1b.ms.split.phase_int",
    "Processing after subtracting componentlist /data/uid___A002_Xc0ffee_X1b.ms.split_setjy_spw{k}.cl",
    "Data selection: spw='{k}' field='{k}' scan='' intent='*CALIBRATE_PHASE*' uvrange='>{n}m'",
    "Time = 2024/06/02/05:{k:02d}:{k:02d}.0  Total = {n}  Flagged = {m}  (fraction {k}.{n} %)",
    "Mean phase: {k}.{n} deg, rms {k}.{m} deg (spw {k}, antenna DV{k:02d}) \u00e9t\u00e9",
]


def _filler(rng: random.Random, lines: int) -> tuple[bytes, int]:
    out = []
    for _ in range(lines):
        msg = rng.choice(_MESSAGES).format(t=rng.choice("GTB"), n=rng.randint(1, 99999),
                                           m=rng.randint(1, 999999), k=rng.randint(0, 59))
        out.append(f"2026-11-24 12:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}\tINFO\t"
                   f"{rng.choice(_ORIGINS)}\t{msg}\n")
    return "".join(out).encode("latin-1", "replace"), lines


def _markers(step: int) -> str:
    call = ("gaincal( vis='x.ms.split', caltable='x.ms.split.ampli_inf', field='0~1', "
            "spw='', solint='inf', combine='', refant='DA47', minsnr=2.0, gaintype='T', "
            "calmode='a', append=False )")
    return (f"2026-11-24 12:07:16\tINFO\tflagmanager::::casa\tStep {step} Gain calibration\n"
            "2026-11-24 12:07:16\tINFO\tgaincal::::casa\t##### Begin Task: gaincal            #####\n"
            f"2026-11-24 12:07:16\tINFO\tgaincal::::casa\t{call}\n"
            "2026-11-24 12:07:16\tWARN\tFlagDataHandler::preLoadColumn (file F.cc, line 989)\t"
            "PROCESSOR sub-table is empty. Assuming CORRELATOR type.\n")


_FLUXSCALE = """\
2026-11-24 12:07:21\tINFO\tfluxscale::::casa\t##### Begin Task: fluxscale          #####
2026-11-24 12:07:21\tINFO\tfluxscale::::casa\tfluxscale( vis='x.ms.split', caltable='x.ms.split.ampli_inf', fluxtable='x.ms.split.flux_inf', reference=['0'], transfer=[] )
2026-11-24 12:07:21\tINFO\tfluxscale::::\t Found reference field(s): J1517-2422
2026-11-24 12:07:21\tINFO\tfluxscale::::\t Found transfer field(s):  J1733-1304
2026-11-24 12:07:21\tINFO\tfluxscale::::\t Flux density for J1733-1304 in SpW=0 (freq=3.35e+11 Hz) is: {s} +/- 0.0027775 (SNR = 411.314, N = 11)
2026-11-24 12:07:21\tINFO\tfluxscale::::\t Fitted spectrum for J1733-1304 with fitorder=1: Flux density = {s} +/- 0.00213541 (freq=341.157 GHz) spidx: a_1 (spectral index) =-0.645276 +/- 0.123406 covariance matrix for the fit:  covar(0,0)=1.5e-06
"""
_SEVERE = ("2026-11-24 12:07:18\tSEVERE\tMeasTable::dUTC(Double) (file MeasTable.cc, line 4290)\t"
           "Leap second table TAI_UTC seems out-of-date.\n"
           "2026-11-24 12:07:18\tSEVERE\tMeasTable::dUTC(Double) (file MeasTable.cc, line 4290)+\t"
           "Until the table is updated (see the CASA documentation or your system admin),\n")


SAMPLE_LOG = REPO / "samples" / "seed" / "reduction" / "X66d" / "casapy-20140828-093512.log"


def _listobs_summary() -> bytes:
    """The listobs summary printed in the sample EB's casa log (the lines of origin
    ``listobs::ms::summary``), as a reduction log has it near its start."""
    with open(SAMPLE_LOG, "rb") as f:
        return b"".join(line for line in f if b"\tlistobs::ms::summary" in line)


def write_log(path: Path, size_mb: int, seed: int = 7) -> dict:
    """Write the synthetic log; return what is in it (lines, markers, last flux)."""
    rng = random.Random(seed)
    blocks = [_filler(rng, 8000) for _ in range(8)]  # ~1 MB each, reused in random order
    target = size_mb * 1024 * 1024
    written = lines = steps = 0
    severe_done = False
    header = ("2026-11-24 12:07:16\tINFO\t::casa\tPython version 3.11.7\n"
              "2026-11-24 12:07:16\tINFO\t::casa\tCASA Version MODULAR 6.7.0.31\n")
    summary = _listobs_summary()
    with open(path, "wb") as f:
        f.write(header.encode() + summary)
        written, lines = len(header) + len(summary), 2 + summary.count(b"\n")
        while written < target:
            data, n = rng.choice(blocks)
            f.write(data)
            written, lines = written + len(data), lines + n
            if rng.random() < 0.1:  # markers every ~10 MB
                extra = _markers(steps % 20).encode()
                steps += 1
                f.write(extra)
                written, lines = written + len(extra), lines + 4
            if written > target // 2 and not severe_done:  # the leap-second SEVERE, once
                f.write(_SEVERE.encode())
                written, lines, severe_done = written + len(_SEVERE), lines + 2, True
        for s in ("1.11", "1.13298"):  # two fluxscale runs: the last one counts
            text = _FLUXSCALE.format(s=s).encode()
            f.write(text)
            lines += 6
    return {"lines": lines, "steps": steps, "bytes": path.stat().st_size}


def timed(cmd: list[str], repeat: int) -> tuple[float, int, str]:
    """Best wall time (s), peak RSS (MB) and stdout of *cmd* over *repeat* runs."""
    best, rss, out = float("inf"), 0, ""
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        stdout = proc.stdout.read() if proc.stdout else ""
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = 0
        if i:  # the first run warms the page cache
            best, rss, out = min(best, wall), max(rss, usage.ru_maxrss // 1024), stdout
    return best, rss, out.strip()


_EXTRACT = """
import sys, time
from pathlib import Path
from qa2docs.extractors import logscan_ranges
from qa2docs.extractors.{mod} import {cls}
if {single}:
    logscan_ranges.PARALLEL_MIN_SIZE = float("inf")  # scan in this process only
ex = {cls}()
t0 = time.perf_counter()
facts = list(ex.extract(Path(sys.argv[1])))
print(len(facts), 'facts in', round(time.perf_counter() - t0, 3), 's;',
      {{f.field: (f.value if f.field != 'log.tasks' else len(f.value)) for f in facts
        if f.field in ('casa_version', 'log.tasks', 'log.messages', 'fitted_spectra')}})
"""


def _facts_summary(out: str) -> str:
    """``N facts (casalog a, listobs b), W warnings`` from ``qa2docs facts`` JSON."""
    try:
        data = json.loads(out)
    except ValueError:
        return out
    by = Counter(f["provenance"][0]["extractor"] for f in data["facts"].values())
    return (f"{len(data['facts'])} facts ({', '.join(f'{k} {n}' for k, n in sorted(by.items()))}),"
            f" {len(data['warnings'])} warnings")


def main() -> None:
    """Write the log, run the three measurements, print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="write the log here and keep it")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qa2docs-bench-"))
    eb_dir = (args.keep or tmp) / "X1"              # an EB dir, for `qa2docs facts EB_DIR`
    (eb_dir / "uid___A002_Xbe7c41_X1").mkdir(parents=True, exist_ok=True)
    log = eb_dir / "casa-20261124-120000.log"
    try:
        t0 = time.perf_counter()
        info = write_log(log, args.size_mb)
        print(f"{len(os.sched_getaffinity(0))} CPUs; wrote {log} ({info['bytes'] / 2**20:.0f} MiB, {info['lines']} lines, "
              f"{info['steps']} step markers) in {time.perf_counter() - t0:.1f} s")
        env_py = [sys.executable, "-c"]
        os.environ["PYTHONPATH"] = f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
        rows = []
        if shutil.which("grep"):
            rows.append(("grep -c -E '...'", *timed(["grep", "-c", "-E", GREP_PATTERN, str(log)],
                                                     args.repeat)))
        for mod, cls, single in (("casalog", "CasaLogExtractor", False),
                                 ("casalog", "CasaLogExtractor", True),
                                 ("fluxscale", "FluxscaleExtractor", False)):
            code = _EXTRACT.format(mod=mod, cls=cls, single=single)
            name = f"{cls}.extract" + (" (1 process)" if single else "")
            rows.append((name, *timed([*env_py, code, str(log)], args.repeat)))
        # The whole CLI on the EB dir: every extractor that claims the log (casalog,
        # listobs) plus start-up, as a reducer runs it.
        wall, rss, out = timed(
            [sys.executable, "-m", "qa2docs", "facts", str(eb_dir), "--format", "json"],
            args.repeat)
        rows.append(("qa2docs facts EB_DIR", wall, rss, _facts_summary(out)))
        grep_time = rows[0][1] if rows and rows[0][0].startswith("grep") else None
        print("\n| command | wall s | x grep | peak RSS MB | output |\n|---|---|---|---|---|")
        for name, wall, rss, out in rows:
            ratio = f"{wall / grep_time:.2f}" if grep_time else "-"
            print(f"| {name} | {wall:.2f} | {ratio} | {rss} | {out[:150]} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
