"""``fill``: merge the facts of each EB (and of the SB) into the text documents.

Each document is parsed with its answer spans, the proposals from the facts are merged
three-way against what qa2docs last wrote (a person's answer is never overwritten), and the
changed spans are written back atomically under the SB root's file lock.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from qa2docs.answers.eb import eb_proposals
from qa2docs.answers.merge import (
    MergeResult,
    Proposal,
    State,
    current_answer,
    merge_document,
)
from qa2docs.answers.readme import readme_proposals
from qa2docs.answers.sb import sb_proposals
from qa2docs.collect.cache import prune
from qa2docs.collect.extraction import FactSet, eb_facts, sb_facts
from qa2docs.discover.layout import SBLayout, discover, load_project_of
from qa2docs.documents.checklist_text import parse_checklist, parse_readme, read_document
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import ParsedDocument
from qa2docs.errors import LayoutError
from qa2docs.fileio import write_atomically
from qa2docs.models import EBChecklist, Project, ReadmeHeader, SBChecklist
from qa2docs.render.text import render_checklist, render_readme


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


def write_results(results: list[DocumentResult], state: State, dry_run: bool) -> None:
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
            sfs = sb_facts(sb)
            factsets.append(sfs)
            documents.append(fill_document(sb.sb_checklist, "sb",
                                           sb_proposals(sb, sfs, factsets[:-1], project),
                                           state, project, forced))
            documents.append(fill_document(sb.readme, "readme",
                                           readme_proposals(sb, sfs, factsets[:-1], project),
                                           state, project, forced))
        write_results(documents, state, dry_run)
        if not dry_run:  # cached facts of EB dirs renamed or removed since
            prune(sb.root, [(eb.dir, eb.uid, "eb") for eb in sb.ebs]
                  + [(sb.calibrated, sb.name, "sb")])
    return FillResult(documents, factsets)
