"""Benchmark: the CPU time of fact extraction per SB root, as a first ``qa2docs batch`` run
does it (fact cache empty: inputs found, cache key, extractors, cache written).

Not a test and not run in CI. Usage::

    python bench/bench_extract.py TREE [--checkout DIR ...] [--rounds 3] [--profile OUT]

*TREE* is a tree ``bench_batch.py --keep`` built (its ``roots/`` hold the SB roots). Each
checkout (default: this one) runs in a child process of its own, in turn, *rounds* times
(before/after interleaved on a loaded machine); each child removes every root's fact
cache, then for each root runs :func:`~qa2docs.collect.extraction.eb_facts` on its EBs and
:func:`~qa2docs.collect.extraction.sb_facts` and prints the CPU time (``time.process_time``)
per root, the first root (imports, warm-up) left out. ``--profile OUT`` writes a cProfile
of this checkout's run instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import shutil, sys, time
from pathlib import Path
from qa2docs.collect.extraction import eb_facts, sb_facts
from qa2docs.discover.layout import discover

roots = sorted(p for p in Path(sys.argv[1]).iterdir() if p.is_dir())
for root in roots:
    shutil.rmtree(root / ".qa2docs" / "facts", ignore_errors=True)
times = []
for root in roots:
    start = time.process_time()
    sb = discover(root)
    for eb in sb.ebs:
        eb_facts(eb)
    sb_facts(sb)
    times.append(time.process_time() - start)
rest = times[1:] or times
print(f"{sum(rest) / len(rest):.4f} {min(rest):.4f} {len(rest)}")
"""


def run(checkout: Path, roots: Path) -> str:
    """One child's "mean min n" line."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    env.pop("QA2DOCS_NO_CACHE", None)
    out = subprocess.run([sys.executable, "-c", CHILD, str(roots)], check=True, env=env,
                         cwd=checkout, capture_output=True, text=True)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--checkout", type=Path, action="append")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    roots = args.tree / "roots"
    if args.profile:
        for root in roots.iterdir():
            shutil.rmtree(root / ".qa2docs" / "facts", ignore_errors=True)
        import cProfile
        code = CHILD.replace("sys.argv[1]", repr(str(roots)))
        sys.path.insert(0, str(REPO))
        cProfile.run(code, str(args.profile))
        return
    checkouts = args.checkout or [REPO]
    for n in range(args.rounds):
        for checkout in checkouts:
            mean, low, count = run(checkout.resolve(), roots).split()
            load = os.getloadavg()[0]
            print(f"round {n + 1}  {str(checkout):28}  CPU per root: mean {float(mean) * 1000:6.1f} ms"
                  f"  min {float(low) * 1000:6.1f} ms  ({count} roots, load {load:.1f})", flush=True)


if __name__ == "__main__":
    main()
