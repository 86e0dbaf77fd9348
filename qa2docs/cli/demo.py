"""``qa2docs demo``: the whole pipeline on the shipped sample SB, in a folder of the user's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from qa2docs import api
from qa2docs.documents.project import load_raw
from qa2docs.errors import Qa2DocsError
from qa2docs.render.environment import data_dir

SAMPLE = "seed"


def sample_dir() -> Path:
    """The shipped sample tree (archive + reduction outputs)."""
    path = data_dir("samples") / SAMPLE
    if not path.is_dir():
        raise Qa2DocsError(f"{path}: the sample SB is not installed with this copy of qa2docs")
    return path


def run_demo(directory: Path, echo: Callable[[str], None] = print) -> Path:
    """Copy the sample SB into *directory* and run start, fill, validate and report there."""
    directory = Path(directory).expanduser().resolve()
    if directory.exists() and any(directory.iterdir()):
        raise Qa2DocsError(f"{directory}: exists and is not empty; name a new folder")
    src = sample_dir()
    shutil.copytree(src, directory, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("expected", "__pycache__"))
    facts = {k: v for k, v in dict(load_raw(directory / "project.yaml")).items()}
    sb_name = facts.pop("sb_name")
    analysis = directory / "analysis"
    analysis.mkdir(exist_ok=True)
    echo(f"1. qa2docs start {sb_name}  (archive: {directory / 'archive'})")
    started = api.start(analysis, sb_name, directory / "archive", **facts)
    root = started.root
    assert root is not None
    echo(f"   created {len(started.created)} files and folders, linked "
         f"{len(started.linked)} ASDMs under {root}")
    echo("2. copying the reducer's calibration outputs into the EB dirs (as if CASA had run)")
    reduction = directory / "reduction"
    for sub in sorted(reduction.iterdir()):
        target = root / sb_name / sub.name
        shutil.copytree(sub, target, dirs_exist_ok=True, symlinks=True)
        echo(f"   {sub.name}: {sum(1 for _ in sub.iterdir())} files -> {target.relative_to(directory)}")
    echo(f"3. qa2docs fill {root.relative_to(directory)}")
    filled = api.fill(root)
    for doc in filled.documents:
        m = doc.merge
        echo(f"   {doc.path.name}: filled {len(m.filled)}, conflicts {len(m.conflicts)}, "
             f"checks left for you {len(doc.human_checks)}")
    for fs in filled.factsets:
        for w in fs.warnings:
            echo(f"   warning: {w}")
    _later_stages(root, directory, echo)
    echo(f"\nDone. The SB root is {root}\n"
         f"  checklists: {root}/Checklist_SB_*.txt\n"
         f"  try:  qa2docs explain {root}/{sb_name}/X66d bandpass.refant\n"
         f"  then answer the checks left in the browser, beside their plots:\n"
         f"        qa2docs review {root}   (needs: pip install -e '.[review]')")
    return root


def _later_stages(root: Path, directory: Path, echo: Callable[[str], None]) -> None:
    """validate and report, when this copy of qa2docs has them."""
    try:
        from qa2docs.validate.run import validate_path
    except ImportError:
        return
    report = validate_path(root)
    counts = report.counts()
    echo(f"4. qa2docs validate: {counts['error']} errors, {counts['warning']} warnings, "
         f"{counts['info']} notes: what a person still has to answer or tick "
         f"(list them: qa2docs validate {root})")
    try:
        from qa2docs.report.build import make_reports
    except ImportError:
        return
    made = make_reports(root, jobs=min(4, len(os.sched_getaffinity(0)))
                        if hasattr(os, "sched_getaffinity") else 1)
    folders = sorted({str(p.parent) for p in made})
    echo(f"5. qa2docs report: {len(made)} files in {', '.join(folders)}")
    for path in made:
        echo(f"   {path.name}")
