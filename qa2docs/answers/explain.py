"""``explain``: a field's answer in each document, who set it, and the evidence behind it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from qa2docs.answers.eb import eb_proposals
from qa2docs.answers.merge import (
    Proposal,
    State,
    current_answer,
    disagreements,
    written_by_qa2docs,
)
from qa2docs.answers.readme import readme_proposals
from qa2docs.answers.sb import sb_proposals
from qa2docs.collect.extraction import eb_facts, sb_facts
from qa2docs.collect.factset import FactSet
from qa2docs.discover.layout import SBLayout, discover, load_project_of
from qa2docs.documents.checklist_text import read_document
from qa2docs.errors import Qa2DocsError
from qa2docs.models import EBChecklist, Project, ReadmeHeader, SBChecklist
from qa2docs.models.facts import Fact
from qa2docs.models.layout import README_FIELDS


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
    looked_at: list[str] = field(default_factory=list)
    """For a field no file determines: each input file read, and why it did not decide it."""


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
        if fact is None and not props:
            ex.looked_at = looked_at(fs)
        out.append(ex)
    return out


def _unknown(field_id: str, known: set[str]) -> None:
    close = difflib.get_close_matches(field_id, sorted(known), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise Qa2DocsError(f"unknown field {field_id!r}{hint}")


def _explain_sb(sb: SBLayout, project: Project | None, state: State, field_id: str, kind: str,
                known: set[str]) -> Explanation:
    """A field of the SB checklist or README.header: its answer and the files' proposal."""
    if field_id not in known:
        _unknown(field_id, known)
    factsets = [eb_facts(eb) for eb in sb.ebs]
    sfs = sb_facts(sb)
    make = sb_proposals if kind == "sb" else readme_proposals
    props = [p for p in make(sb, sfs, factsets, project) if p.element == field_id]
    path = sb.sb_checklist if kind == "sb" else sb.readme
    ex = _explain_in(path, kind, field_id, props, state)
    ex.eb = path.name
    if not props:
        ex.looked_at = [line for fs in (*factsets, sfs) for line in looked_at(fs)]
    return ex


def _from(file: str, name: str) -> bool:
    """Whether a provenance or warning *file* is the input *name* or in it (an ASDM's table)."""
    parts = file.replace("\\", "/").split("/")
    return name in parts


def looked_at(fs: FactSet) -> list[str]:
    """One line per input file of *fs*: what it gave (none of it decides the field asked
    about, or the caller would not ask) and the warnings it raised; or that there were none."""
    if not fs.inputs:
        return [f"{fs.name}: no input file found"]
    lines = []
    for path in fs.inputs:
        name = path.name
        given = sorted({f.field for f in fs.all_facts
                        if any(_from(p.file, name) for p in f.provenance)})
        warned = [w for w in fs.warnings if _from(str(w.path), name)]
        said = (f"gave {len(given)} other fact(s) ({', '.join(given[:6])}"
                f"{', ...' if len(given) > 6 else ''})" if given else "gave no fact")
        lines.append(f"{path}: {said}")
        lines += [f"    warning: line {w.line or '?'}: {w.message}" for w in warned[:5]]
    return lines


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
