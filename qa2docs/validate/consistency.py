"""Consistency rules: project code, SB name and ASDM UID agree everywhere; answers agree with
the files they are about; values have the form ALMA uses."""

from __future__ import annotations

import re
from typing import Iterator

from qa2docs.answers.eb import eb_proposals
from qa2docs.answers.merge import Proposal, current_answer
from qa2docs.discover.layout import EBInfo
from qa2docs.documents.spans import ParsedDocument
from qa2docs.documents.project import PROJECT_FILE
from qa2docs.models.common import ASDM_UID_RE, PROJECT_CODE_RE, normalize_uid
from qa2docs.models.facts import Fact
from qa2docs.validate.context import SBContext
from qa2docs.validate.report import Finding
from qa2docs.validate.rules import rule

QA2_RESULTS = ("PASS", "SEMIPASS", "FAIL")
_CHECKLIST_NAME = re.compile(r"^Checklist_SB_(?P<sb>.+?)(?:_(?P<uid>uid___A\d{3}_X\w+?_X\w+))?\.txt$")


def _where(fact: Fact | Proposal) -> str:
    provs = fact.provenance
    return f" ({provs[0].where()})" if provs else ""


def _documents(ctx: SBContext) -> list[tuple[ParsedDocument, str, EBInfo | None]]:
    """(document, header attribute holder kind, EB) for every parsed document in scope."""
    out: list[tuple[ParsedDocument, str, EBInfo | None]] = []
    for eb in ctx.ebs:
        if (doc := ctx.eb_doc(eb)) is not None:
            out.append((doc, "checklist", eb))
    if ctx.sb_level:
        if (doc := ctx.sb_doc) is not None:
            out.append((doc, "checklist", None))
        if (doc := ctx.readme) is not None:
            out.append((doc, "readme", None))
    return out


def _header(doc: ParsedDocument, kind: str, field_id: str) -> str:
    if kind == "readme":
        return getattr(doc.model, field_id, "") or ""
    return getattr(doc.model.header, field_id, "") or ""


def check_identity(ctx: SBContext) -> Iterator[Finding]:
    """Project code and SB name agree across qa2docs.yaml, directories and documents."""
    project = ctx.project
    code_ref = project.project_code if project else None
    sb_ref = project.sb_name if project else ctx.name
    if project is not None and ctx.sb.root.name != project.sb_name:
        yield rule("QA2102").finding(
            f"sb_name is {project.sb_name!r} but the SB root directory is "
            f"{ctx.sb.root.name!r}", PROJECT_FILE,
            fix="rename the directory or correct sb_name in qa2docs.yaml")
    for doc, kind, eb in _documents(ctx):
        uid = eb.uid if eb else None
        name = doc.path.name
        code = _header(doc, kind, "project_code")
        if code:
            if not PROJECT_CODE_RE.match(code):
                yield rule("QA2107").finding(
                    f"project code {code!r} is not of the form YYYY.C.NNNNN.T (e.g. "
                    "2013.1.12345.S)", name, doc.line_of("project_code"), eb=uid)
            elif code_ref and code != code_ref:
                yield rule("QA2101").finding(
                    f"project code {code!r} differs from qa2docs.yaml's {code_ref!r}", name,
                    doc.line_of("project_code"), eb=uid)
        sb_name = _header(doc, kind, "sb_name")
        if sb_name and sb_name != sb_ref:
            yield rule("QA2102").finding(f"SB name {sb_name!r} differs from {sb_ref!r}", name,
                                         doc.line_of("sb_name"), eb=uid)
    for path in sorted(ctx.sb.root.glob("Checklist_SB_*.txt")):
        m = _CHECKLIST_NAME.match(path.name)
        if m and m["sb"] != sb_ref:
            yield rule("QA2102").finding(
                f"checklist file is named for SB {m['sb']!r}, not {sb_ref!r}", path.name,
                fix=f"rename it to Checklist_SB_{sb_ref}{'_' + m['uid'] if m['uid'] else ''}.txt")
    for eb in ctx.ebs:
        fact = ctx.eb_facts(eb).facts.get("sb_name")
        if fact is not None and str(fact.value) != sb_ref:
            doc = ctx.eb_doc(eb)
            yield rule("QA2102").finding(
                f"the EB's files name SB {fact.value!r}{_where(fact)}, not {sb_ref!r}",
                eb.checklist.name, doc.line_of("sb_name") if doc else None, eb=eb.uid)


def check_eb(ctx: SBContext, eb: EBInfo, doc: ParsedDocument) -> Iterator[Finding]:
    """One EB checklist against the EB's files: UID, Yes/No answers, REFANT, header values."""
    facts = ctx.eb_facts(eb).facts
    name = doc.path.name
    yield from _uid(eb, doc, facts)
    yield from contradictions(doc, eb_proposals(facts, ctx.project, eb.uid), eb.uid)
    refant = facts.get("bandpass.refant")
    written = doc.model.items.bandpass_refant.value
    if refant is not None and isinstance(refant.value, dict) and refant.value.get("name") \
            and written:
        script = str(refant.value["name"])
        names = [n.strip() for n in re.split(r"[,\s]+", written) if n.strip()]
        if names and names[0].upper() != script.split(",")[0].strip().upper():
            yield rule("QA2105").finding(
                f"Name of REFANT is {names[0]!r} but the script uses {script!r}{_where(refant)}",
                name, doc.line_of("bandpass.refant"), eb=eb.uid)
    yield from _resolved_fluxcal(doc, eb.uid)
    yield from header_values(doc, facts, eb.uid)
    yield from _weather(doc, facts, eb.uid)


def _weather(doc: ParsedDocument, facts: dict[str, Fact], uid: str) -> Iterator[Finding]:
    """The EB's median PWV (CalWVR) against the SB's ``maxPWVC`` (SBSummary)."""
    pwv, goal = facts.get("pwv"), facts.get("science_goal")
    limit = goal.value.get("max_pwv_mm") if goal is not None else None
    if pwv is None or limit is None or pwv.value["median_mm"] <= limit:
        return
    yield rule("QA2110").finding(
        f"median PWV {pwv.value['median_mm']:.2f} mm{_where(pwv)} is above the SB's weather "
        f"limit maxPWVC {limit:g} mm{_where(goal)}", doc.path.name, doc.line_of("pwv"), eb=uid)


def _uid(eb: EBInfo, doc: ParsedDocument, facts: dict[str, Fact]) -> Iterator[Finding]:
    written = doc.model.header.asdm_uid
    line = doc.line_of("asdm_uid")
    if written:
        uid = normalize_uid(written)
        if not ASDM_UID_RE.match(uid):
            yield rule("QA2107").finding(
                f"ASDM UID {written!r} is not of the form uid___A002_Xdd9c61_X66d",
                doc.path.name, line, eb=eb.uid)
        elif uid != eb.uid:
            yield rule("QA2103").finding(
                f"ASDM UID {written!r} differs from the EB directory's {eb.uid!r}",
                doc.path.name, line, eb=eb.uid)
    fact = facts.get("asdm_uid")
    if fact is not None and normalize_uid(str(fact.value)) != eb.uid:
        yield rule("QA2103").finding(
            f"the EB's files say ASDM {fact.value!r}{_where(fact)}, but the EB directory "
            f"holds {eb.uid!r}", doc.path.name, line, eb=eb.uid,
            fix="check that the calibration files in this EB dir belong to this ASDM")
    ms = facts.get("ms_name")
    if ms is not None and not str(ms.value).startswith(eb.uid):
        yield rule("QA2103").finding(
            f"listobs is of MS {ms.value!r}{_where(ms)}, not of {eb.uid}", doc.path.name, line,
            eb=eb.uid, fix="run listobs on this EB's MS")


def contradictions(doc: ParsedDocument, proposals: list[Proposal], uid: str | None
                   ) -> Iterator[Finding]:
    """Yes/No answers a person gave that the files contradict."""
    for prop in proposals:
        if prop.part != "answer":
            continue
        try:
            el = doc.model.element(prop.element)
        except KeyError:
            continue
        if el.kind != "yesno":
            continue
        ours = current_answer(doc, prop.element, "answer")
        if ours in ("yes", "no") and ours != prop.value:
            yield rule("QA2104").finding(
                f"'{el.label}' is answered {ours.capitalize()} but the files say "
                f"{prop.value.capitalize()}{_where(prop)}", doc.path.name,
                doc.line_of(prop.element), eb=uid)


def _resolved_fluxcal(doc: ParsedDocument, uid: str) -> Iterator[Finding]:
    items = doc.model.items
    if items.flagging_resolved_fluxcal.answer != "yes":
        return
    if not items.gaincal_fluxscale_paste.text:
        yield rule("QA2106").finding(
            "spatially resolved flux calibrator answered Yes but no fluxscale lines are pasted",
            doc.path.name, doc.line_of("gaincal.fluxscale_paste"), eb=uid,
            fix="paste the 'Flux density for ...' lines (qa2docs fluxscale prints them)")
    if not items.flagging_uvrange_gaincal.value:
        # Cycle 1-2 scripts limit a resolved calibrator by an antenna subset
        # (antenna='DV04,DV18&') instead of a uvrange: writing that there answers it.
        yield rule("QA2106").finding(
            "spatially resolved flux calibrator answered Yes but 'uvrange (m) for later "
            "gaincal' is empty", doc.path.name, doc.line_of("flagging.uvrange_gaincal"), eb=uid,
            fix="give the uvrange the script passes to gaincal for the flux calibrator, or "
                "write there how the script limits it (e.g. an antenna subset "
                "antenna='DV04,DV18&')")


def _ints(text: str) -> set[int | str]:
    """The numbers in *text* (one too long for a number stays a string: it matches none)."""
    return {int(n) if len(n) < 10 else n for n in re.findall(r"\d+", text)}


def _short(text: str, limit: int = 40) -> str:
    """*text* for a message, cut to *limit* characters."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def header_values(doc: ParsedDocument, facts: dict[str, Fact], uid: str | None
                  ) -> Iterator[Finding]:
    """Band(s), TDM/FDM and bandwidth switching as written, against listobs / ASDM."""
    header = doc.model.header
    name = doc.path.name
    bands = facts.get("bands")
    if bands is not None and header.bands and _ints(header.bands) != set(bands.value):
        yield rule("QA2108").finding(
            f"Band(s) is {_short(header.bands)!r} but the files say "
            f"{', '.join(map(str, bands.value))}{_where(bands)}", name, doc.line_of("bands"),
            eb=uid)
    mode = facts.get("correlator_mode")
    written = getattr(header, "correlator_mode", "")
    if mode is not None and written and written.strip().upper() != str(mode.value).upper():
        yield rule("QA2108").finding(
            f"TDM/FDM/both is {written!r} but the spws say {mode.value}{_where(mode)}", name,
            doc.line_of("correlator_mode"), eb=uid)
    bws = facts.get("bandwidth_switching")
    written = getattr(header, "bandwidth_switching", "").strip().lower()
    if bws is not None and written[:3] in ("yes", "no"):
        if (written.startswith("yes")) != bool(bws.value):
            yield rule("QA2108").finding(
                f"bandwidth switching is {written!r} but the scans say "
                f"{'Yes' if bws.value else 'No'}{_where(bws)}", name,
                doc.line_of("bandwidth_switching"), eb=uid)


def check_results(ctx: SBContext) -> Iterator[Finding]:
    """QA2 result values and the README's Cycle."""
    docs: list[tuple[ParsedDocument, str, str]] = []
    if (doc := ctx.sb_doc) is not None:
        docs.append((doc, doc.model.items.delivery_qa2_result.value, "delivery.qa2_result"))
    if (readme := ctx.readme) is not None:
        docs.append((readme, readme.model.qa2_result, "qa2_result"))
    for doc, value, element in docs:
        if value and value.strip().upper() not in QA2_RESULTS:
            yield rule("QA2107").finding(
                f"QA2 result {value!r} is not one of {', '.join(QA2_RESULTS)}", doc.path.name,
                doc.line_of(element))
    if readme is not None and readme.model.cycle and ctx.cycle is not None:
        m = re.match(r"\s*(\d{1,4})(?!\d)", readme.model.cycle)
        if not m:
            yield rule("QA2107").finding(f"Cycle {_short(readme.model.cycle)!r} is not a number",
                                         readme.path.name, readme.line_of("cycle"))
        elif int(m.group(1)) != ctx.cycle:
            yield rule("QA2109").finding(
                f"Cycle is {m.group(1)} but the project is Cycle {ctx.cycle}",
                readme.path.name, readme.line_of("cycle"))
