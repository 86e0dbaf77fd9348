"""Dump the facts of every input the project has at hand, to compare two checkouts.

Not a test and not run in CI. Usage (in each checkout, then ``cmp`` the two outputs)::

    QA2DOCS_NO_CACHE=1 PYTHONPATH=$PWD python bench/dump_facts.py OUT.json [TREE]

It writes, as one JSON document with sorted keys:

- every file below ``../shared/corpus``, ``samples/`` and ``tests/fixtures`` through every
  extractor that claims it (as ``tests/test_corpus_all.py`` does): facts and warnings;
- ``qa2docs facts`` of every folder there, as an EB dir and as an SB ``calibrated`` dir
  (:func:`~qa2docs.collect.extraction.extract_dir`), and of the samples' SB roots and, when
  given, of the SB roots below ``TREE/roots`` (a ``bench_batch.py --keep`` tree).
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from pathlib import Path

from qa2docs.collect.extraction import extract_dir, facts
from qa2docs.errors import Qa2DocsError
from qa2docs.extractors.registry import get_extractors

REPO = Path(__file__).resolve().parents[1]
TOPS = (REPO.parent / "shared" / "corpus", REPO / "samples", REPO / "tests" / "fixtures")


def _file(path: Path) -> dict:
    out = {}
    for cls in get_extractors().values():
        if not any(fnmatch.fnmatch(path.name, pat) for pat in cls.patterns):
            continue
        extractor = cls()
        try:
            found = [f.model_dump(mode="json") for f in extractor.extract(path)]
        except Exception as err:  # noqa: BLE001 (recorded, compared)
            found = [f"{type(err).__name__}: {err}"]
        out[cls.name] = {"facts": found, "warnings": [str(w) for w in extractor.warnings]}
    return out


def _dir(path: Path) -> dict:
    out = {}
    for level in ("eb", "sb"):
        try:
            out[level] = extract_dir(path, path.name, level).to_json()
        except Exception as err:  # noqa: BLE001
            out[level] = f"{type(err).__name__}: {err}"
    return out


def main() -> None:
    os.environ["QA2DOCS_NO_CACHE"] = "1"
    dump: dict = {}
    for top in TOPS:
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            key = str(path.relative_to(top.parent))
            if path.is_file():
                dump[f"file {key}"] = _file(path)
            elif path.is_dir() and not path.is_symlink():
                dump[f"dir {key}"] = _dir(path)
    roots = [REPO / "samples" / "seed"]
    if len(sys.argv) > 2:
        roots += sorted(p for p in (Path(sys.argv[2]) / "roots").iterdir() if p.is_dir())
    for root in roots:
        try:
            dump[f"root {root.name}"] = facts(root)
        except Qa2DocsError as err:
            dump[f"root {root.name}"] = str(err)
    text = json.dumps(dump, sort_keys=True, indent=1, default=str)
    Path(sys.argv[1]).write_text(text.replace(str(REPO), "<repo>"))
    print(f"{len(dump)} entries")


if __name__ == "__main__":
    main()
