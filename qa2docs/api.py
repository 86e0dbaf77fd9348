"""The Python API that the CLI wraps thinly; importable inside a CASA 6 session.

    >>> from qa2docs import api
    >>> api.fill("/analysis/me/B6_IRAS12345")
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from qa2docs.answers import eb_proposals, project_proposals
from qa2docs.checklist_text import ParsedDocument, apply_changes, parse_checklist, parse_readme, read_document
# The fact-collection API lives in qa2docs.collect; it is part of this API too.
from qa2docs.collect import FactSet, eb_facts, extract_dir, facts, sb_facts
from qa2docs.discover import SBLayout, discover, eb_checklist_name, sb_checklist_name
from qa2docs.errors import LayoutError, Qa2DocsError
from qa2docs.facts import Fact
from qa2docs.fileio import write_atomically
from qa2docs.merge import (MergeResult, Proposal, State, current_answer, disagreements,
                           merge_document, written_by_qa2docs)
from qa2docs.models import EBChecklist, Project, ReadmeHeader, SBChecklist
from qa2docs.models.common import ASDM_UID_RE, short_id
from qa2docs.models.layout import README_FIELDS
from qa2docs.project import PROJECT_FILE, load_project, save_project
from qa2docs.render.text import render_checklist, render_readme

__all__ = ["FactSet", "eb_facts", "explain", "extract_dir", "facts", "fill", "sb_facts",
           "start"]


# ---------------------------------------------------------------------------- documents


@dataclass
class DocumentResult:
    """What filling one document did."""

    path: Path
    created: bool
    merge: MergeResult
    old_text: str
    new_text: str
    unplaced: list = field(default_factory=list)
    not_determined: list[str] = field(default_factory=list)
    """Answer elements no file decides and nobody answered (checked-items excluded)."""
    human_checks: list[str] = field(default_factory=list)
    """'checked ...?' items still to tick (a person's judgement)."""

    @property
    def changed(self) -> bool:
        """Whether the text differs from what is on disk."""
        return self.old_text != self.new_text

    def diff(self) -> str:
        """A unified diff of the change."""
        name = str(self.path)
        return "".join(difflib.unified_diff(
            self.old_text.splitlines(keepends=True), self.new_text.splitlines(keepends=True),
            fromfile=("/dev/null" if self.created else name), tofile=name))


def _blank_text(kind: str, project: Project | None) -> str:
    if kind == "readme":
        cycle = project.effective_cycle if project else None
        return render_readme(ReadmeHeader(form=ReadmeHeader.form_for_cycle(cycle)))
    return render_checklist(EBChecklist() if kind == "eb" else SBChecklist())


def _parse(path: Path, kind: str, project: Project | None) -> tuple[ParsedDocument, bool, str]:
    if path.exists():
        doc = read_document(path, kind)  # type: ignore[arg-type]
        return doc, False, doc.text
    text = _blank_text(kind, project)
    doc = parse_readme(text, path) if kind == "readme" else parse_checklist(text, path, kind)  # type: ignore[arg-type]
    return doc, True, ""


def fill_document(path: Path, kind: str, proposals: list[Proposal], state: State,
                  project: Project | None, force: frozenset[str] = frozenset()) -> DocumentResult:
    """Merge *proposals* into the document at *path* (created from the blank when absent)."""
    doc, created, old = _parse(path, kind, project)
    base = state.base(path.name)
    result = merge_document(doc, proposals, base, force)
    new_text, unplaced = apply_changes(doc, result.changes)
    res = DocumentResult(path, created, result, old, new_text, unplaced)
    if kind in ("eb", "sb"):
        proposed = {p.element for p in proposals}
        new_doc = parse_checklist(new_text, path, kind)  # type: ignore[arg-type]
        for el in type(new_doc.model).layout:
            if el.kind in ("check",) or (el.kind == "yesno" and el.label.startswith("checked")):
                if not current_answer(new_doc, el.id, "answer"):
                    res.human_checks.append(el.id)
            elif el.kind in ("header", "yesno", "field", "paste") and el.id not in proposed:
                part = {"header": "value", "field": "value", "paste": "text"}.get(el.kind, "answer")
                if not current_answer(new_doc, el.id, part):
                    res.not_determined.append(el.id)
    return res


def _write(results: list[DocumentResult], state: State, dry_run: bool) -> None:
    if dry_run:
        return
    for res in results:
        if res.changed or res.created:
            write_atomically(res.path, res.new_text, _encoding_of(res))
        state.update(res.path.name, res.merge.base)
    state.save()


def _encoding_of(res: DocumentResult) -> str:
    return "utf-8" if res.created else read_document(res.path).encoding


def lock_for(sb: SBLayout) -> FileLock:
    """The per-SB-root file lock that guards writes."""
    sb.state_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(sb.state_dir / "lock"), timeout=60)


@dataclass
class FillResult:
    """What ``fill`` did to every document, with the facts it used."""

    documents: list[DocumentResult]
    factsets: list[FactSet]


def load_project_of(sb: SBLayout) -> Project | None:
    """qa2docs.yaml of the SB root, if present."""
    return load_project(sb.project_file) if sb.project_file.is_file() else None


def fill(path: Path | str, dry_run: bool = False, force: tuple[str, ...] = ()) -> FillResult:
    """Fill the checklists of the EB(s) *path* points at (and the SB documents for a root)."""
    sb = discover(Path(path))
    if not sb.ebs:
        raise LayoutError(f"{sb.root}: no EB directories under {sb.work}")
    project = load_project_of(sb)
    forced = frozenset(force)
    with lock_for(sb):
        state = State(sb.state_dir)
        documents, factsets = [], []
        for eb in sb.selected:
            fs = eb_facts(eb)
            factsets.append(fs)
            documents.append(fill_document(eb.checklist, "eb",
                                           eb_proposals(fs.facts, project, eb.uid), state,
                                           project, forced))
        if sb.whole:
            from qa2docs.sb_answers import readme_proposals, sb_proposals

            sfs = sb_facts(sb)
            factsets.append(sfs)
            documents.append(fill_document(sb.sb_checklist, "sb",
                                           sb_proposals(sb, sfs, factsets[:-1], project),
                                           state, project, forced))
            documents.append(fill_document(sb.readme, "readme",
                                           readme_proposals(sb, sfs, factsets[:-1], project),
                                           state, project, forced))
        _write(documents, state, dry_run)
        if not dry_run:  # cached facts of EB dirs renamed or removed since
            from qa2docs.factcache import prune

            prune(sb.root, [(eb.dir, eb.uid, "eb") for eb in sb.ebs]
                  + [(sb.calibrated, sb.name, "sb")])
    return FillResult(documents, factsets)


# ---------------------------------------------------------------------------- start


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
                  if d.is_dir() and any(ASDM_UID_RE.match(a.name) and a.is_dir()
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
    asdms = sorted(a for a in (archive / sb_name).iterdir() if a.is_dir() and ASDM_UID_RE.match(a.name))
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
            save_project(project_file, project)
    work = root / sb_name
    dirs = [work, work / "calibrated", root / "packaging" / "ticket", root / "packaging" / "hard",
            root / ".qa2docs"]
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
        props.append(Proposal("asdm_uid", "value", a.name))
        docs.append((root / eb_checklist_name(sb_name, a.name), "eb", props))
    docs.append((root / sb_checklist_name(sb_name), "sb",
                 project_proposals(project, ("project_code", "contact_scientist", "pi", "sb_name"))
                 + [Proposal("execution_blocks", "value", "\n".join(a.name for a in asdms))]))
    docs.append((root / "README.header.txt", "readme", readme_start_proposals(project)))
    state = State(root / ".qa2docs")
    results = []
    for path, kind, props in docs:
        if path.exists():
            res.kept.append(path)
            continue
        results.append(fill_document(path, kind, props, state, project))
        res.created.append(path)
    _write(results, state, dry_run)
    return res


def readme_start_proposals(project: Project) -> list[Proposal]:
    """README.header fields qa2docs.yaml decides."""
    cycle = project.effective_cycle
    values = {"cycle": "" if cycle is None else str(cycle), "project_code": project.project_code,
              "sb_name": project.sb_name, "pi_name": project.pi,
              "project_title": project.project_title}
    return [Proposal(k, "value", v) for k, v in values.items() if v]


# ---------------------------------------------------------------------------- explain


@dataclass
class Explanation:
    """One field of one EB: its answer, who set it, the evidence, the plots to look at."""

    eb: str
    field: str
    label: str
    current: dict[str, str]
    setter: str
    fact: Fact | None
    proposals: list[Proposal]
    conflicts: list[str]
    plots: list[str]


_PARTS = {"header": ["value"], "field": ["value"], "paste": ["text"], "section": ["done"]}
DOCUMENT_PREFIXES = ("sb:", "readme:")
"""``sb:bands`` explains the SB checklist's field, ``readme:proposed_rms`` the README's."""


def explain(path: Path | str, field_id: str) -> list[Explanation]:
    """``qa2docs explain``: the answer of *field_id* in each selected EB, and why; for a
    field of the SB checklist or README.header only (or one asked for with an ``sb:`` or
    ``readme:`` prefix), the answer in that document."""
    sb = discover(Path(path))
    project = load_project_of(sb)
    state = State(sb.state_dir)
    prefix, _, bare = field_id.rpartition(":")
    eb_ids = {el.id for el in EBChecklist.layout}
    sb_ids = {el.id for el in SBChecklist.layout if el.answers}
    readme_ids = {name for name, _, _ in README_FIELDS} | {"comments"}
    if prefix == "sb" or (not prefix and bare in sb_ids - eb_ids):
        return [_explain_sb(sb, project, state, bare, "sb", sb_ids)]
    if prefix == "readme" or (not prefix and bare in readme_ids - eb_ids - sb_ids):
        return [_explain_sb(sb, project, state, bare, "readme", readme_ids)]
    if prefix:
        raise Qa2DocsError(f"unknown document prefix {prefix + ':'!r} (use "
                           f"{' or '.join(DOCUMENT_PREFIXES)})")
    out = []
    for eb in sb.selected:
        fs = eb_facts(eb)
        props = [p for p in eb_proposals(fs.facts, project, eb.uid) if p.element == field_id]
        fact = fs.facts.get(field_id)
        if fact is None and not props:
            if field_id not in eb_ids and not any(f.startswith(field_id) for f in fs.facts):
                _unknown(field_id, eb_ids | sb_ids | readme_ids | set(fs.facts))
        plots = fs.facts.get(f"plots.{field_id}")
        ex = _explain_in(eb.checklist, "eb", field_id, props, state)
        ex.eb, ex.fact, ex.plots = eb.uid, fact, list(plots.value) if plots else []
        out.append(ex)
    return out


def _unknown(field_id: str, known: set[str]) -> None:
    close = difflib.get_close_matches(field_id, sorted(known), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise Qa2DocsError(f"unknown field {field_id!r}{hint}")


def _explain_sb(sb: SBLayout, project: Project | None, state: State, field_id: str, kind: str,
                known: set[str]) -> Explanation:
    """A field of the SB checklist or README.header: its answer and the files' proposal."""
    from qa2docs.sb_answers import readme_proposals, sb_proposals

    if field_id not in known:
        _unknown(field_id, known)
    factsets = [eb_facts(eb) for eb in sb.ebs]
    sfs = sb_facts(sb)
    make = sb_proposals if kind == "sb" else readme_proposals
    props = [p for p in make(sb, sfs, factsets, project) if p.element == field_id]
    path = sb.sb_checklist if kind == "sb" else sb.readme
    ex = _explain_in(path, kind, field_id, props, state)
    ex.eb = path.name
    return ex


def _explain_in(path: Path, kind: str, field_id: str, props: list[Proposal], state: State
                ) -> Explanation:
    """What the document at *path* holds for *field_id*, who set it, conflicts with *props*."""
    current: dict[str, str] = {}
    label = field_id
    setter = "nobody (empty)"
    conflicts: list[str] = []
    if path.exists():
        doc = read_document(path, kind)  # type: ignore[arg-type]
        if isinstance(doc.model, ReadmeHeader):
            label = next((lbl for name, lbl, _ in README_FIELDS if name == field_id),
                         "Comments from Reducer")
            part = "comment" if field_id == "comments" else "value"
            current = {part: current_answer(doc, field_id, part)}
        else:
            try:
                el = doc.model.element(field_id)
            except KeyError:
                el = None
            if el is not None:
                label = el.label
                parts = _PARTS.get(el.kind, ["answer", "value", "comment"])
                current = {p: current_answer(doc, field_id, p) for p in parts}
        if current:
            base = state.base(path.name)
            by_tool = written_by_qa2docs(field_id, current, base)
            if by_tool is not None:
                setter = "qa2docs (from the files)" if by_tool else "a person"
            conflicts = [f"{p.part}: document says {current.get(p.part, '')!r}, files say "
                         f"{p.value!r}" for p in disagreements(current, props, base)]
    return Explanation("", field_id, label, current, setter, None, props, conflicts, [])
