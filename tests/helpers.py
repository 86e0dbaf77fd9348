"""Test helpers: run the real entry point, build SB trees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa2docs import api
from qa2docs.documents.project import load_raw

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "seed"


def run_cli(*args: str, cwd: Path | None = None, check: int | None = 0) -> subprocess.CompletedProcess:
    """Run ``python -m qa2docs ARGS`` (the real entry point) and return the result."""
    env = dict(os.environ, COLUMNS="120")
    proc = subprocess.run([sys.executable, "-m", "qa2docs", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def make_sb(tmp: Path, sb: str = "B7_HD163296", ebs: dict[str, list[Path]] | None = None,
            code: str = "2013.1.12345.S") -> Path:
    """An SB root with qa2docs.yaml and one EB dir per uid holding copies of the given files."""
    root = tmp / sb
    (root / sb).mkdir(parents=True)
    (root / "qa2docs.yaml").write_text(
        f"project_code: {code}\nsb_name: {sb}\npi: Jane Doe\ncontact_scientist: John Smith\n")
    for uid, files in (ebs or {}).items():
        eb_dir = root / sb / uid.rsplit("_", 1)[-1]
        eb_dir.mkdir()
        for f in files:
            shutil.copy(f, eb_dir / f.name)
    return root


def extract_facts(extractor_cls, path: Path, unique: bool = False):
    """Run one extractor on *path*: its facts by field id, and the extractor (for warnings).

    With *unique*, a field id produced twice fails the test.
    """
    extractor = extractor_cls()
    facts = list(extractor.extract(path))
    by_field = {f.field: f for f in facts}
    if unique:
        assert len(by_field) == len(facts), "a field id was produced twice"
    return by_field, extractor


MIN_UID = "uid___A002_Xc0ffee_X1b"


def make_min_sb(tmp: Path) -> Path:
    """An SB root (B7_HD163296) with one EB dir holding only an empty ASDM dir: ``fill`` writes
    the project facts of qa2docs.yaml and the ASDM UID, fast and without the corpus."""
    root = make_sb(tmp)
    (root / "B7_HD163296" / "X1b" / MIN_UID).mkdir(parents=True)
    return root


def min_checklist(root: Path) -> Path:
    """The EB checklist of :func:`make_min_sb`."""
    return root / f"Checklist_SB_B7_HD163296_{MIN_UID}.txt"


def set_pi(root: Path, pi: str) -> None:
    """Change the PI in qa2docs.yaml (fill then has a value to write)."""
    path = root / "qa2docs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pi: Jane Doe", f"pi: {pi}"),
                    encoding="utf-8")


def start_sample(dest: Path) -> Path:
    """The sample SB copied to *dest*, started, with the reducer's outputs in its EB dirs:
    what ``qa2docs demo`` does before ``fill``. Returns the SB root."""
    if not (SAMPLE / "project.yaml").is_file():
        pytest.skip("samples/seed is absent")
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns("expected", "__pycache__"))
    facts = dict(load_raw(dest / "project.yaml"))
    sb_name = facts.pop("sb_name")
    analysis = dest / "analysis"
    analysis.mkdir()
    root = api.start(analysis, sb_name, dest / "archive", **facts).root
    assert root is not None
    for sub in sorted((dest / "reduction").iterdir()):
        shutil.copytree(sub, root / sb_name / sub.name, dirs_exist_ok=True, symlinks=True)
    return root


def copy_root(root: Path, parent: Path) -> Path:
    """A private copy of the SB root *root* in *parent* (symbolic links kept as links)."""
    dest = parent / root.name
    shutil.copytree(root, dest, symlinks=True)
    return dest


def worker_pids(trace: Path, prefix: str) -> tuple[set[int], set[int]]:
    """From a $QA2DOCS_TRACE_WORKERS file: the process ids that did the *prefix* work, and
    their parents' ids."""
    rows = [line.split() for line in trace.read_text().splitlines() if line.startswith(prefix)]
    return {int(r[1]) for r in rows}, {int(r[2]) for r in rows}
