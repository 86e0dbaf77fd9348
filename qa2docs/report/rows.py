"""The parts every report page shares: the checklist item by item (answer, who set it, what
the files say, the evidence), the validation findings, and small readers of facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from qa2docs.answers.merge import Proposal, current_answer, disagreements, written_by_qa2docs
from qa2docs.collect.factset import FactSet
from qa2docs.discover.layout import EBInfo, SBLayout
from qa2docs.documents.checklist_text import read_document
from qa2docs.documents.spans import ParsedDocument
from qa2docs.errors import Qa2DocsError
from qa2docs.models import Project
from qa2docs.models.facts import Fact, Provenance
from qa2docs.models.layout import Element

REPORT_DIR = "qa2"
_PARTS = {"header": ("value",), "field": ("value",), "paste": ("text",), "section": ("done",),
          "yesno": ("answer", "value", "comment"), "check": ("answer", "value", "comment")}


def eb_report_name(eb: EBInfo, ext: str) -> str:
    """``qa2_report_<uid>.html`` / ``.pdf``."""
    return f"qa2_report_{eb.uid}.{ext}"


def sb_report_name(sb: SBLayout, ext: str) -> str:
    """``qa2_report_<SB>.html`` / ``.pdf``."""
    return f"qa2_report_{sb.name}.{ext}"


@dataclass
class Row:
    """One checklist element as the report shows it."""

    id: str
    label: str
    kind: str
    answer: str = ""
    """Readable answer: ``Yes``, ``No``, ``Yes and No``, ``checked``, the value text..."""
    value: str = ""
    """Inline value of an item (e.g. the REFANT name) with its label."""
    comment: str = ""
    """The reducer's comment (Markdown)."""
    setter: str = ""
    """``files`` (qa2docs filled it from the reduction files), ``person`` or empty."""
    status: str = "empty"
    """empty | answered | check (a person's tick still missing) | conflict."""
    files_say: str = ""
    """What the files say, when a person's answer differs."""
    evidence: list[Provenance] = field(default_factory=list)
    plots: int = 0
    line: int | None = None


def _readable(el: Element, current: dict[str, str]) -> tuple[str, str]:
    if el.kind in ("yesno", "check"):
        answer = {"yes": "Yes", "no": "No", "both": "Yes and No", "x": "checked"}.get(
            current.get("answer", ""), "")
        value = current.get("value", "")
        return answer, (f"{el.inline} {value}".strip() if value else "")
    if el.kind == "section":
        return ("done" if current.get("done") else ""), ""
    return current.get("value", current.get("text", "")), ""


def checklist_rows(doc: ParsedDocument | None, layout: Iterable[Element], base: dict[str, str],
                   proposals: list[Proposal], plots: dict[str, list[str]]) -> list[Row]:
    """The checklist item by item: answer, who set it, what the files say, the evidence."""
    by_element: dict[str, list[Proposal]] = {}
    for prop in proposals:
        by_element.setdefault(prop.element, []).append(prop)
    rows = []
    for el in layout:
        if not el.answers:
            continue
        props = by_element.get(el.id, [])
        current = {p: _current(doc, el.id, p) for p in _PARTS[el.kind]}
        answer, value = _readable(el, current)
        row = Row(el.id, el.label, el.kind, answer, value, current.get("comment", ""),
                  line=doc.line_of(el.id) if doc else None,
                  evidence=_unique(pr for p in props for pr in p.provenance),
                  plots=len(plots.get(el.id, [])))
        by_tool = written_by_qa2docs(el.id, {p: v for p, v in current.items() if p != "comment"},
                                     base)
        if by_tool is not None:
            row.setter = "files" if by_tool else "person"
            row.status = "answered"
            differ = disagreements(current, props, base)
            if differ and not by_tool:
                row.status = "conflict"
                row.files_say = "; ".join(f"{p.part}: {p.value}" for p in differ)
        elif el.kind == "check" or (el.kind == "yesno" and el.label.startswith("checked")):
            row.status = "check"
        rows.append(row)
    return rows


def _current(doc: ParsedDocument | None, element: str, part: str) -> str:
    if doc is None:
        return ""
    try:
        return str(current_answer(doc, element, part) or "")
    except KeyError:  # a line the person deleted
        return ""


def _unique(provs: Iterable[Provenance]) -> list[Provenance]:
    seen, out = set(), []
    for pr in provs:
        key = (pr.file, pr.line, pr.extractor)
        if key not in seen:
            seen.add(key)
            out.append(pr)
    return out


def read_doc(path: Path, kind: str, problems: list[str]) -> ParsedDocument | None:
    if not path.is_file():
        problems.append(f"{path.name}: not found (run qa2docs start / fill)")
        return None
    try:
        return read_document(path, kind)  # type: ignore[arg-type]
    except Qa2DocsError as err:
        problems.append(str(err))
        return None


@dataclass
class Validation:
    """Validation findings, or why there are none."""

    available: bool
    findings: list[Any] = field(default_factory=list)
    error: str = ""

    def for_eb(self, eb: EBInfo) -> list[Any]:
        """Findings about one EB (its checklist or its files)."""
        return [f for f in self.findings if getattr(f, "eb", None) == eb.uid
                or Path(str(getattr(f, "document", "") or "")).name == eb.checklist.name]

    def for_sb(self, sb: SBLayout) -> list[Any]:
        """Findings not about one EB (each EB's findings gathered once: comparing every
        finding with every EB's list was quadratic, through pydantic's ``==``)."""
        about_ebs = {id(f) for eb in sb.ebs for f in self.for_eb(eb)}
        return [f for f in self.findings if id(f) not in about_ebs]


def run_validation(sb: SBLayout, project: Project | None) -> Validation:
    """``qa2docs validate`` of the whole SB (:func:`qa2docs.validate.run.validate_sb`, on the
    layout and project the report has read) when this copy has it; never fails the report."""
    try:
        from qa2docs.validate.run import validate_sb
    except ImportError:
        return Validation(False, error="validation not available in this copy of qa2docs")
    try:
        found = validate_sb(sb, project)
    except Qa2DocsError as err:
        return Validation(False, error=f"validation failed: {err}")
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(found, key=lambda f: (order.get(str(f.severity), 3),
                                            str(f.document), f.line or 0))
    return Validation(True, findings)


def fact_value(facts: dict[str, Fact], fid: str, default: Any = None) -> Any:
    fact = facts.get(fid)
    return default if fact is None else fact.value


def extraction_warnings(fs: FactSet, root: Path) -> list[str]:
    """Extraction warnings with paths relative to the SB root (no machine paths in a report)."""
    out = []
    for w in fs.warnings:
        path = Path(w.path)
        where = rel_path(path, root) if path.is_absolute() else w.path
        out.append(f"{where}:{w.line or '?'}: {w.message}")
    return out


def project_info(project: Project | None, answers: dict[str, str]) -> dict[str, Any]:
    if project is None:
        return {"code": answers.get("project_code", ""), "pi": answers.get("pi", ""),
                "contact": answers.get("contact_scientist", ""), "reducer": "", "title": "",
                "jira": []}
    return {"code": project.project_code, "pi": project.pi, "contact": project.contact_scientist,
            "reducer": project.reducer, "title": project.project_title,
            "jira": list(project.jira)}


def rel_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
