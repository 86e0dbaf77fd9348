"""What the review pages show: each document item by item, with findings, facts and plots.

A :class:`DocumentView` is built from the file as it is on disk now, with the digest of its
bytes (the page sends it back with each save: compare-and-swap), the validate findings placed
on the items by line, and the progress counts of the document.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa2docs.documents.spans import Change, ParsedDocument
from qa2docs.discover.layout import STATE_DIR, EBInfo, SBLayout, discover
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import read_text
from qa2docs.answers.merge import State, current_answer
from qa2docs.models import EBChecklist, SBChecklist
from qa2docs.models.common import normalize_text
from qa2docs.models.layout import Element
from qa2docs.report.rows import Row, checklist_rows
from qa2docs.review.facts import Evidence, eb_evidence, project_of, rel_to, sb_evidence
from qa2docs.review.save import digest, parse_document
from qa2docs.validate.run import validate_sb
from qa2docs.validate.report import Finding

#: Kinds of element a person ticks (the ones progress counts).
TICKABLE = ("section", "yesno", "check")
#: What each part may hold, for the parts given as choices.
CHOICES = {("yesno", "answer"): ("yes", "no", "both", ""), ("check", "answer"): ("x", ""),
           ("section", "done"): ("x", "")}
PLOT_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif"})


def editable_parts(el: Element) -> list[str]:
    """The parts of *el* a person sets in the review page."""
    if el.kind == "section":
        return ["done"]
    if el.kind in ("yesno", "check"):
        return ["answer", *(["value"] if el.inline else []), "comment"]
    return ["text"] if el.kind == "paste" else ["value"]


@dataclass
class Plot:
    """One plot file of an item: its name, its folder and its URL in the app."""

    name: str
    folder: str
    url: str
    image: bool

    @property
    def caption(self) -> str:
        """A short caption: folder and file name without the MS name they repeat."""
        return f"{_after_ms(self.folder)} / {_after_ms(self.name)}"


def _after_ms(name: str) -> str:
    return name.rpartition(".ms.")[2] or name


@dataclass
class Item:
    """One checklist element as the review page shows it."""

    el: Element
    row: Row
    parts: dict[str, str]
    section: str
    findings: list[Finding] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)
    files_say: list[str] = field(default_factory=list)
    fact: Any = None

    @property
    def tickable(self) -> bool:
        """Whether a person ticks this item (a section, Yes/No or check item)."""
        return self.el.kind in TICKABLE

    @property
    def answered(self) -> bool:
        """Whether its box(es) hold an answer."""
        return bool(self.parts.get("answer") or self.parts.get("done"))

    @property
    def state(self) -> str:
        """answered | open (unanswered with a finding) | optional | error | info."""
        live = [f for f in self.findings if not f.waived]
        if self.tickable and not self.answered:
            return "open" if live else "optional"
        if any(f.severity == "error" for f in live):
            return "error"
        return "answered" if self.tickable else "info"


@dataclass
class DocumentView:
    """A document of the SB as the page shows it."""

    key: str
    title: str
    path: Path
    digest: str
    items: list[Item]
    findings: list[Finding]
    """Findings about the document or its EB that no item holds."""
    warnings: list[str] = field(default_factory=list)

    @property
    def progress(self) -> dict[str, int]:
        """answered / to check (open items) / errors left / warnings left."""
        live = [f for it in self.items for f in it.findings if not f.waived] + [
            f for f in self.findings if not f.waived]
        ticks = [it for it in self.items if it.tickable]
        return {"answered": sum(it.answered for it in ticks),
                "to_check": sum(it.state == "open" for it in ticks),
                "total": len(ticks),
                "errors": sum(f.severity == "error" for f in live),
                "warnings": sum(f.severity == "warning" for f in live)}

    def item(self, element: str) -> Item:
        """The item of *element* (KeyError when the document has none)."""
        for it in self.items:
            if it.el.id == element:
                return it
        raise KeyError(element)


def total_progress(views: list[DocumentView]) -> dict[str, int]:
    """The progress counts of several documents added up (the SB's)."""
    out: dict[str, int] = {}
    for view in views:
        for name, count in view.progress.items():
            out[name] = out.get(name, 0) + count
    return out


class Review:
    """The SB under review: its layout, read afresh for every page."""

    def __init__(self, path: Path):
        self.sb: SBLayout = discover(path)
        self.root = self.sb.root.resolve()
        self.start_eb: EBInfo | None = None if self.sb.whole else self.sb.selected[0]

    def refresh(self) -> None:
        """Discover the SB again (EB dirs come and go)."""
        self.sb = discover(self.root)

    def keys(self) -> list[str]:
        """The document keys: ``eb-<short id>`` per EB, then ``sb``."""
        return [f"eb-{eb.short}" for eb in self.sb.ebs] + ["sb"]

    def eb(self, key: str) -> EBInfo:
        """The EB of a document key (KeyError when unknown)."""
        for eb in self.sb.ebs:
            if key == f"eb-{eb.short}":
                return eb
        raise KeyError(key)

    def path_of(self, key: str) -> Path:
        """The checklist file of a document key."""
        return self.sb.sb_checklist if key == "sb" else self.eb(key).checklist

    def view(self, key: str) -> DocumentView:
        """The document *key* as it is on disk now, with its findings and evidence."""
        project = project_of(self.sb)
        if key == "sb":
            eb, layout, evidence = None, SBChecklist.layout, sb_evidence(self.sb, project)
            title, findings = f"SB {self.sb.name}", validate_sb(self.sb, project)
        else:
            eb = self.eb(key)
            sb = discover(eb.dir)
            layout, evidence = EBChecklist.layout, eb_evidence(eb, project)
            title, findings = f"EB {eb.uid}", validate_sb(sb, project, eb_only=True)
        path = self.path_of(key)
        text, encoding = read_text(path)
        doc = parse_document(text, path, encoding)
        base = State(self.root / STATE_DIR).base(path.name)
        items = self._items(doc, layout, base, evidence, eb)
        rest = _place_findings(doc, items, findings, eb)
        return DocumentView(key, title, path, digest(text, encoding), items, rest,
                            evidence.warnings)

    def _items(self, doc: ParsedDocument, layout: tuple[Element, ...], base: dict,
               evidence: Evidence, eb: EBInfo | None) -> list[Item]:
        plots = {el.id: evidence.plots(el.id) for el in layout if el.answers}
        rows = checklist_rows(doc, layout, base, evidence.proposals, plots)
        by_id = {el.id: el for el in layout}
        items, section = [], ""
        for row in rows:
            el = by_id[row.id]
            if el.kind == "section":
                section = el.id
            elif el.kind == "header":
                section = "header"
            parts = {p: _current(doc, el.id, p) for p in editable_parts(el)}
            item = Item(el, row, parts, section, fact=evidence.facts.get(el.id))
            item.files_say = [f"{p.part}: {p.value}" for p in evidence.proposals
                              if p.element == el.id]
            if eb is not None:
                item.plots = [self._plot(eb.dir / rel) for rel in plots[el.id]]
            items.append(item)
        return items

    def _plot(self, path: Path) -> Plot:
        rel = rel_to(path, self.root)
        return Plot(path.name, path.parent.name, "/file/" + rel,
                    path.suffix.lower() in PLOT_IMAGES)

    def changes(self, key: str, element: str, parts: dict[str, str]) -> list[Change]:
        """The changes a person's form makes to *element* (only parts that differ)."""
        path = self.path_of(key)
        text, encoding = read_text(path)
        doc = parse_document(text, path, encoding)
        try:
            el = doc.model.element(element)
        except (KeyError, AttributeError):
            raise Qa2DocsError(f"{path.name}: no item {element!r}") from None
        out = []
        for part, value in parts.items():
            if part not in editable_parts(el):
                raise Qa2DocsError(f"{path.name}: {element} has no part {part!r}")
            allowed = CHOICES.get((el.kind, part))
            if allowed is not None and value not in allowed:
                raise Qa2DocsError(f"{path.name}: {element}: {part} cannot be {value!r}")
            if normalize_text(value) != normalize_text(_current(doc, element, part)):
                out.append(Change(element, part, value))  # type: ignore[arg-type]
        return out


def _current(doc: ParsedDocument, element: str, part: str) -> str:
    try:
        return str(current_answer(doc, element, part) or "")
    except KeyError:                 # a line the person deleted
        return ""


def _place_findings(doc: ParsedDocument, items: list[Item], findings: list[Finding],
                    eb: EBInfo | None) -> list[Finding]:
    """Put each finding about *doc* on the item at its line; return the rest of *doc*'s
    (and, for an EB, those about the EB's files)."""
    by_line = sorted(((line, it) for it in items if (line := doc.line_of(it.el.id)) is not None),
                     key=lambda pair: pair[0])
    lines = [line for line, _ in by_line]
    rest = []
    for f in findings:
        if Path(f.document).name != doc.path.name:
            if eb is not None and f.eb == eb.uid:
                rest.append(f)
            continue
        at = bisect_right(lines, f.line) - 1 if f.line else -1
        if at >= 0:
            by_line[at][1].findings.append(f)
        else:
            rest.append(f)
    return rest
