"""Completeness rules: empty fields, placeholders, unanswered or doubly answered items,
unticked checks and sections, missing documents, README fields required for the Cycle."""

from __future__ import annotations

import re
from typing import Iterator

from qa2docs.discover.layout import EBInfo
from qa2docs.documents.checklist_text import label_line
from qa2docs.documents.spans import ParsedDocument
from qa2docs.models import ReadmeHeader
from qa2docs.models.layout import README_FIELDS, Element
from qa2docs.validate.context import SBContext
from qa2docs.validate.report import Finding
from qa2docs.validate.rules import rule

# A value, or one word of it, that stands for "not known yet".
_PLACEHOLDER_WORD = re.compile(r"^(\?+|tbd|t\.b\.d\.?|tbc|xxx+|todo|fixme|\.\.\.+|<[^>]*>)$",
                               re.IGNORECASE)
# Fields of the SB checklist that must hold a value; the second set only when imaging was done.
_SB_REQUIRED_FIELDS = ("delivery.qa2_result",)
_SB_IMAGING_FIELDS = ("imaging.achieved_rms", "imaging.achieved_beam")
# Yes/No items whose inline value must be given when answered Yes ("any" = when answered).
_INLINE_REQUIRED = {"flagging.atm_lines": "yes", "bandpass.refant": "any",
                    "fluxeq.concat": "yes", "imaging.cubes": "yes"}


def placeholder(text: str) -> str | None:
    """The placeholder in *text* (``?``, ``TBD``, ``XXX``, ``<...>``), if it holds one."""
    for line in text.splitlines():
        stripped = line.strip()
        if _PLACEHOLDER_WORD.match(stripped):
            return stripped
        for word in re.split(r"[\s,;:()]+", stripped):
            if word and _PLACEHOLDER_WORD.match(word):
                return word
    return None


def is_check(el: Element) -> bool:
    """Whether *el* is a "checked ...?" item: a person's judgement, never filled by qa2docs."""
    return el.kind == "check" or (el.kind == "yesno" and el.label.lower().startswith("checked"))


def applies(el: Element, model) -> bool:
    """Whether a "checked ...?" item applies, given the other answers and the correlator mode.

    The quasar-reference boxes need a tick only for a quasar flux calibrator, and then one of
    the two is enough; the bandpass items depend on TDM / FDM / mixed (both).
    """
    items = model.items
    if el.id in ("flagging.quasar_ref_asdm", "flagging.quasar_ref_other"):
        return (items.flagging_quasar_fluxcal.answer == "yes"
                and not (items.flagging_quasar_ref_asdm.checked
                         or items.flagging_quasar_ref_other.checked))
    mode = getattr(model.header, "correlator_mode", "").strip().lower()
    if mode not in ("tdm", "fdm", "both"):
        return True
    return {"bandpass.mixed_solint": mode == "both", "bandpass.bandpass": mode != "fdm",
            "bandpass.smooth": mode == "fdm"}.get(el.id, True)


def _check_fix(ctx: SBContext, el: Element, eb: EBInfo | None) -> str:
    plots = ctx.eb_facts(eb).facts.get(f"plots.{el.id}") if eb is not None else None
    if plots is None or not plots.value:
        return "do the check, then tick the box"
    places = sorted({str(p).split("/")[0] for p in plots.value})
    return f"look at {', '.join(places)} in the EB dir, then tick the box"


def _what(el: Element) -> str:
    if el.kind in ("header", "field"):
        return "value"
    return "boxes" if el.kind == "yesno" else "box"


def _label(el: Element) -> str:
    return el.label.rstrip(":?").strip()


def check_checklist(ctx: SBContext, doc: ParsedDocument, eb: EBInfo | None
                    ) -> Iterator[Finding]:
    """Completeness of one EB or SB checklist."""
    model = doc.model
    name = doc.path.name
    uid = eb.uid if eb else None
    required_fields = set()
    if eb is None:
        required_fields.update(_SB_REQUIRED_FIELDS)
        if getattr(model.items, "imaging_script").answer == "yes":
            required_fields.update(_SB_IMAGING_FIELDS)
    for el in type(model).layout:
        if not el.answers:
            continue
        line = doc.line_of(el.id)
        if line is None and (unread := label_line(doc, el)) is not None:
            yield rule("QA2010").finding(
                f"line {unread} names '{_label(el)}' but its {_what(el)} cannot be read",
                name, unread, eb=uid)
            continue
        missing = " is missing from the document" if line is None else " is empty"
        obj = model.part(el)
        if el.kind == "header":
            if not obj:
                yield rule("QA2001").finding(f"header field '{_label(el)}'{missing}", name, line,
                                             eb=uid)
            elif (ph := placeholder(obj)) is not None:
                yield _placeholder(el, ph, name, line, uid)
        elif el.kind == "section":
            if not obj.done:
                yield rule("QA2006").finding(f"section '{el.label}' is not ticked as done",
                                             name, line, eb=uid)
        elif is_check(el):
            if not obj.answer and applies(el, model):
                yield rule("QA2005").finding(f"'{el.label}' is not ticked", name, line, eb=uid,
                                             fix=_check_fix(ctx, el, eb))
            elif obj.answer == "both":
                yield rule("QA2004").finding(f"'{el.label}' has both Yes and No ticked",
                                             name, line, eb=uid)
        elif el.kind == "yesno":
            yield from _yes_no(el, obj, name, line, uid)
        elif el.kind == "field":
            if not obj.value and el.id in required_fields:
                yield rule("QA2001").finding(f"'{_label(el)}'{missing}", name, line, eb=uid)
        if el.kind in ("yesno", "check", "field") and obj.value:
            if (ph := placeholder(obj.value)) is not None:
                yield _placeholder(el, ph, name, line, uid)


def _yes_no(el: Element, obj, name: str, line: int | None, uid: str | None
            ) -> Iterator[Finding]:
    answer = obj.answer
    if not answer:
        where = " (the item is missing from the document)" if line is None else ""
        yield rule("QA2003").finding(f"'{el.label}' has neither Yes nor No ticked{where}",
                                     name, line, eb=uid)
    elif answer == "both":
        yield rule("QA2004").finding(f"'{el.label}' has both Yes and No ticked", name, line,
                                     eb=uid)
    need = _INLINE_REQUIRED.get(el.id)
    if need and not obj.value and (need == "any" and answer or answer == "yes"):
        yield rule("QA2001").finding(
            f"'{el.label}' is answered {answer} but '{el.inline.rstrip(':')}' is empty",
            name, line, eb=uid, fix=f"write the {el.inline.rstrip(':').lower()} after the boxes")


def _placeholder(el: Element, ph: str, name: str, line: int | None, uid: str | None) -> Finding:
    return rule("QA2002").finding(f"'{_label(el)}' holds the placeholder {ph!r}", name, line,
                                  eb=uid)


def readme_required(cycle: int | None, form: int) -> list[tuple[str, str]]:
    """README.header fields (id, label) required for *cycle* (else for the file's form)."""
    level = cycle if cycle is not None else form
    return [(fid, label) for fid, label, first in README_FIELDS if level >= first]


def check_readme(ctx: SBContext, doc: ParsedDocument) -> Iterator[Finding]:
    """README.header fields required for the project's Cycle, placeholders, reducer comments."""
    model: ReadmeHeader = doc.model  # type: ignore[assignment]
    name = doc.path.name
    for fid, label in readme_required(ctx.cycle, model.form):
        value = getattr(model, fid)
        line = doc.line_of(fid)
        if line is None:
            cycle = f"Cycle {ctx.cycle}" if ctx.cycle is not None else "this form"
            yield rule("QA2008").finding(
                f"'{label}:' line is missing ({cycle} requires it)", name, None,
                fix=f"add a '{label}:' line (see 'qa2docs template readme --cycle "
                    f"{ctx.cycle if ctx.cycle is not None else 3}')")
        elif not value:
            yield rule("QA2008").finding(f"'{label}' is empty", name, line)
        elif (ph := placeholder(value)) is not None:
            yield rule("QA2002").finding(f"'{label}' holds the placeholder {ph!r}", name, line)
    if not model.comments.strip():
        yield rule("QA2009").finding("'Comments from Reducer' is empty", name,
                                     doc.line_of("comments"))


def check_documents(ctx: SBContext) -> Iterator[Finding]:
    """Every document of the SB exists and parses."""
    for eb in ctx.ebs:
        if not eb.checklist.is_file():
            yield rule("QA2007").finding(f"EB checklist of {eb.uid} ({eb.short}) is missing",
                                         eb.checklist.name, eb=eb.uid)
    if ctx.sb_level:
        for path, what in ((ctx.sb.sb_checklist, "SB checklist"),
                           (ctx.sb.readme, "README.header.txt")):
            if not path.is_file():
                yield rule("QA2007").finding(f"{what} is missing from the SB root", path.name)
