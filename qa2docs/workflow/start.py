"""``start`` (the seed's qa2_start): the SB root, its EB dirs with the ASDMs linked, and the
first documents, never overwriting a file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa2docs.answers.eb import project_proposals
from qa2docs.answers.fill import fill_document, write_results
from qa2docs.answers.merge import Proposal, State
from qa2docs.answers.readme import readme_start_proposals
from qa2docs.discover.layout import STATE_DIR, eb_checklist_name, sb_checklist_name
from qa2docs.documents.project import PROJECT_FILE, load_project, save_project
from qa2docs.documents.store import lock_at
from qa2docs.errors import LayoutError, Qa2DocsError
from qa2docs.models import Project
from qa2docs.models.common import ASDM_DIR_RE, short_id, uid_of_name


@dataclass
class StartResult:
    """What ``start`` created and kept, or the SBs to choose from."""

    root: Path | None = None
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    linked: list[tuple[Path, Path]] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)


def list_archive_sbs(archive: Path) -> list[str]:
    """SB folders of an archive: folders that hold at least one ASDM."""
    if not archive.is_dir():
        raise LayoutError(f"{archive}: archive directory not found (give --archive DIR)")
    return sorted(d.name for d in archive.iterdir()
                  if d.is_dir() and any(ASDM_DIR_RE.match(a.name) and a.is_dir()
                                        for a in d.iterdir()))


def start(analysis: Path | str, sb_name: str | None = None, archive: Path | str | None = None,
          dry_run: bool = False, **project_facts: Any) -> StartResult:
    """Set up an SB for QA2 as the seed's qa2_start does (never overwriting a file)."""
    analysis = Path(analysis).resolve()
    archive = archive or os.environ.get("QA2DOCS_ARCHIVE")
    archive = Path(archive).expanduser().resolve() if archive else analysis / "archive"
    sbs = list_archive_sbs(archive)
    if sb_name is None:
        if len(sbs) != 1:
            if not sbs:
                raise LayoutError(f"{archive}: no SB folder with ASDMs in it")
            return StartResult(choices=sbs)
        sb_name = sbs[0]
    if sb_name not in sbs:
        known = ", ".join(sbs) or "none"
        raise LayoutError(f"{archive / sb_name}: no such SB folder with ASDMs (found: {known})")
    asdms = sorted(a for a in (archive / sb_name).iterdir() if a.is_dir() and ASDM_DIR_RE.match(a.name))
    root = analysis / sb_name
    res = StartResult(root=root)
    project_file = root / PROJECT_FILE
    if project_file.exists():
        project = load_project(project_file)
        res.kept.append(project_file)
    else:
        given = {k: v for k, v in project_facts.items() if v not in (None, "", [], ())}
        if "project_code" not in given:
            raise Qa2DocsError("--code PROJECT_CODE is needed to create qa2docs.yaml "
                               "(e.g. --code 2013.1.12345.S)")
        from pydantic import ValidationError

        try:
            project = Project(sb_name=sb_name, **given)
        except ValidationError as err:
            first = err.errors()[0]
            raise Qa2DocsError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from err
        res.created.append(project_file)
        if not dry_run:
            root.mkdir(parents=True, exist_ok=True)
            save_project(project_file, project, lock=lock_at(root / STATE_DIR))
    work = root / sb_name
    dirs = [work, work / "calibrated", root / "packaging" / "ticket", root / "packaging" / "hard",
            root / STATE_DIR]
    dirs += [work / short_id(a.name) for a in asdms]
    for d in dirs:
        (res.kept if d.exists() else res.created).append(d)
        if not dry_run:
            d.mkdir(parents=True, exist_ok=True)
    for a in asdms:
        link = work / short_id(a.name) / a.name
        if link.exists() or link.is_symlink():
            res.kept.append(link)
        else:
            res.linked.append((link, a))
            if not dry_run:
                link.symlink_to(a, target_is_directory=True)
    docs: list[tuple[Path, str, list[Proposal]]] = []
    for a in asdms:
        props = project_proposals(project, ("project_code", "contact_scientist", "pi", "sb_name"))
        uid = uid_of_name(a.name) or a.name
        props.append(Proposal("asdm_uid", "value", uid))
        docs.append((root / eb_checklist_name(sb_name, uid), "eb", props))
    docs.append((root / sb_checklist_name(sb_name), "sb",
                 project_proposals(project, ("project_code", "contact_scientist", "pi", "sb_name"))
                 + [Proposal("execution_blocks", "value", "\n".join(a.name for a in asdms))]))
    docs.append((root / "README.header.txt", "readme", readme_start_proposals(project)))
    state = State(root / STATE_DIR)
    results = []
    for path, kind, props in docs:
        if path.exists():
            res.kept.append(path)
            continue
        results.append(fill_document(path, kind, props, state, project))
        res.created.append(path)
    write_results(results, state, dry_run, None if dry_run else lock_at(root / STATE_DIR))
    return res
