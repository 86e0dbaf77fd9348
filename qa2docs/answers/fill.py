"""``fill``: merge the facts of each EB (and of the SB) into the text documents.

Each document is parsed with its answer spans, the proposals from the facts are merged
three-way against what qa2docs last wrote (a person's answer is never overwritten), and the
changed spans are written back under the SB root's file lock by compare-and-swap
(:mod:`qa2docs.documents.store`): a document saved since it was read is merged again on the
saved text, at most :data:`MAX_MERGES` times.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
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
from qa2docs.documents.checklist_text import parse_checklist, parse_readme
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import ParsedDocument
from qa2docs.documents.store import (
    DocumentChanged,
    Snapshot,
    check_writable,
    lock_at,
    read_for_update,
    replace_document,
)
from qa2docs.errors import LayoutError
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
    notes: list[str] = field(default_factory=list)
    """What the write did beyond the answers (a file moved to UTF-8, a save merged again)."""
    snapshot: Snapshot | None = field(default=None, repr=False)
    """The file as read: the write is a compare-and-swap against it."""
    redo: Callable[[], DocumentResult] | None = field(default=None, repr=False, compare=False)
    """Read the file again and merge the same proposals (after a save made meanwhile)."""

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


def _parse(snap: Snapshot, kind: str, project: Project | None) -> ParsedDocument:
    text = snap.text if snap.exists else _blank_text(kind, project)
    if kind == "readme":
        return parse_readme(text, snap.path, snap.encoding)
    return parse_checklist(text, snap.path, kind, snap.encoding)  # type: ignore[arg-type]


def fill_document(path: Path, kind: str, proposals: list[Proposal], state: State,
                  project: Project | None, force: frozenset[str] = frozenset()) -> DocumentResult:
    """Merge *proposals* into the document at *path* (created from the blank when absent)."""
    snap = read_for_update(path)
    doc = _parse(snap, kind, project)
    base = state.base(path.name)
    result = merge_document(doc, proposals, base, force)
    new_text, unplaced = apply_changes(doc, result.changes)
    res = DocumentResult(path, not snap.exists, result, snap.text, new_text, unplaced,
                         snapshot=snap,
                         redo=lambda: fill_document(path, kind, proposals, state, project, force))
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


MAX_MERGES = 5
"""How often a document saved meanwhile is merged again before ``fill`` gives up on it."""


def write_results(results: list[DocumentResult], state: State, dry_run: bool,
                  lock: AbstractContextManager | None = None) -> list[DocumentResult]:
    """Write each changed document by compare-and-swap (merged again on a save made since it
    was read), then the state; the results as finally written. A hard-linked document to
    change refuses the lot (:class:`~qa2docs.documents.store.LinkedDocument`)."""
    if dry_run:
        return results
    for res in results:
        if res.snapshot is not None and (res.changed or res.created):
            check_writable(res.snapshot)
    written = []
    with lock if lock is not None else nullcontext():
        try:
            for res in results:
                written.append(_write_one(res, lock))
                state.update(res.path.name, written[-1].merge.base)
        finally:
            state.save()
    return written


def _write_one(res: DocumentResult, lock: AbstractContextManager | None) -> DocumentResult:
    for attempt in range(MAX_MERGES):
        if not (res.changed or res.created) or res.snapshot is None:
            return res
        try:
            out = replace_document(res.snapshot, res.new_text, lock=lock)
        except DocumentChanged:
            if res.redo is None:
                raise
            res = res.redo()
            res.notes.append(f"saved meanwhile: merged again on the saved text ({attempt + 1}x)")
            continue
        if out.reencoded_from:
            fields = sorted({c.element for c in res.merge.changes
                             if not _encodable(c.value, out.reencoded_from)})
            res.notes.append(f"now UTF-8 (was {out.reencoded_from}, which cannot hold the new "
                             f"text of: {', '.join(fields)})")
        return res
    raise DocumentChanged(res.path, f"saved {MAX_MERGES} times while fill was merging it; "
                                    "every save is kept, nothing written: run fill again")


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def lock_for(sb: SBLayout) -> FileLock:
    """The per-SB-root file lock that guards writes."""
    return lock_at(sb.state_dir)


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
    lock = lock_for(sb)
    with lock:
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
        documents = write_results(documents, state, dry_run, lock)
        if not dry_run:  # cached facts of EB dirs renamed or removed since
            prune(sb.root, [(eb.dir, eb.uid, "eb") for eb in sb.ebs]
                  + [(sb.calibrated, sb.name, "sb")])
    return FillResult(documents, factsets)
