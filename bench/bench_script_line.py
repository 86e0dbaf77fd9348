"""A calibration script with one huge line (issue 10, item 9): time and peak RSS of the
calibration-script extractor, beside the same script without the line, in the same run.

    python bench/bench_script_line.py [MIB ...]      # default: 8 32

Before the line limit, 8 MiB took 14.6 s and 4.6 GB (16 min and still growing on a loaded
machine); the figures now are in bench/README.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = (REPO / "samples" / "seed" / "reduction" / "X66d"
          / "uid___A002_Xdd9c61_X66d.ms.scriptForCalibration.py")
CODE = ("import sys, time, resource\n"
        "from pathlib import Path\n"
        "from qa2docs.extractors.calscript import CalScriptExtractor\n"
        "t = time.perf_counter(); ex = CalScriptExtractor()\n"
        "n = len(list(ex.extract(Path(sys.argv[1]))))\n"
        "print(f'{time.perf_counter() - t:.2f} s, '\n"
        "      f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB peak, '\n"
        "      f'{n} facts, {len(ex.warnings)} warnings')\n")


def run(path: Path) -> str:
    return subprocess.run([sys.executable, "-c", CODE, str(path)], capture_output=True,
                          text=True, check=True, cwd=REPO).stdout.strip()


def main(sizes: list[int]) -> None:
    print(f"yardstick, the script as it is: {run(SCRIPT)}")
    lines = SCRIPT.read_text().split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        for mib in sizes:
            path = Path(tmp) / SCRIPT.name
            huge = "flagdata(vis='x.ms', antenna=[" + "1, " * ((mib << 20) // 3) + "])"
            path.write_text("\n".join(lines[:20] + [huge] + lines[20:]))
            print(f"with one {mib} MiB line: {run(path)}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [8, 32])
