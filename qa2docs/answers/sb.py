"""Answers of the SB checklist and README.header.txt from the EBs' and the SB's facts.

SB checklist: the EB list, band, CASA version; flux equalisation from
scriptForFluxCalibration.py / allFluxes.txt and the EBs' fluxscale results (the cross-EB
comparison answers "flux density scales consistent between EBs?" against the band's
tolerance); imaging from scriptForImaging.py (targets, continuum vs cubes with their spws,
weighting, cell, imsize, threshold; achieved rms and beam of the target images); requested
sensitivity and resolution as README.header.txt gives them, and "reached?" when one achieved
value can be judged against them. README.header: project code, SB name, PI, title, Cycle
(qa2docs.yaml), configuration (ASDM) and the CASA version used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qa2docs.answers.eb import format_yes_no, project_proposals
from qa2docs.answers.merge import Proposal
from qa2docs.models import Project
from qa2docs.models.facts import Fact, Provenance

if TYPE_CHECKING:
    from qa2docs.collect.factset import FactSet
    from qa2docs.discover.layout import SBLayout
    from qa2docs.documents.spans import ParsedDocument

# SB checklist Yes/No items answered by a fact of the SB work dir (fact id -> element id).
_SB_YES_NO = {
    "fluxcal.script": "fluxeq.script",
    "imaging.script": "imaging.script",
    "imaging.continuum": "imaging.continuum",
    "imaging.cubes": "imaging.cubes",
    "imaging.contsub": "imaging.contsub",
    "imaging.selfcal": "imaging.selfcal",
    "imaging.mask": "imaging.mask",
}
_CALIBRATOR_INTENTS = ("CALIBRATE_BANDPASS", "CALIBRATE_FLUX", "CALIBRATE_PHASE",
                       "CALIBRATE_AMPLI", "CALIBRATE_POLARIZATION", "CALIBRATE_POINTING",
                       "OBSERVE_CHECK_SOURCE")


def union_of(ebs: list[FactSet], fact_id: str) -> tuple[list[Any], tuple[Provenance, ...]]:
    values: list[Any] = []
    provs: tuple[Provenance, ...] = ()
    for fs in ebs:
        fact = fs.facts.get(fact_id)
        if fact is None:
            continue
        provs += fact.provenance
        for v in fact.value if isinstance(fact.value, list) else [fact.value]:
            if v not in values:
                values.append(v)
    return values, provs


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return format_yes_no(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _fields_by_intent(ebs: list[FactSet]) -> tuple[set[str], set[str]]:
    """(target fields, calibrator fields) over the EBs."""
    targets: set[str] = set()
    calibrators: set[str] = set()
    for fs in ebs:
        fact = fs.facts.get("fields_by_intent")
        for intent, names in (fact.value.items() if fact is not None else ()):
            if intent == "OBSERVE_TARGET":
                targets.update(names)
            elif intent in _CALIBRATOR_INTENTS:
                calibrators.update(names)
    return targets, calibrators - targets


def _is_calibrator_image(image: str | None, calibrators: set[str]) -> bool:
    return bool(image) and any(name in str(image) for name in calibrators)


def _where(entry: dict, fact: Fact) -> str:
    if entry.get("image"):
        return str(entry["image"])
    file = fact.provenance[0].file if fact.provenance else "script"
    return f"{file}:{entry['line']}" if entry.get("line") else file


def format_rms(entry: dict, fact: Fact) -> str:
    """``0.071 mJy/beam (calibrated.ms.IRAS12345.cont)``."""
    return f"{entry['value']:g} {entry['unit']} ({_where(entry, fact)})"


def format_beam(entry: dict, fact: Fact) -> str:
    """``0.781" x 0.617", PA -68.9 deg (calibrated.ms.IRAS12345.cont)``."""
    pa = f", PA {entry['pa_deg']:g} deg" if entry.get("pa_deg") is not None else ""
    return (f"{entry['major_arcsec']:g}\" x {entry['minor_arcsec']:g}\"{pa} "
            f"({_where(entry, fact)})")


def format_image(image: dict) -> str:
    """One clean call: ``name: field 3, spw 0~7, briggs 0.5, cell 0.12arcsec, ...``."""
    parts = []
    for key, label in (("field", "field"), ("spw", "spw")):
        if image.get(key) not in (None, ""):
            parts.append(f"{label} {image[key]}")
    if image.get("kind") == "cube" and image.get("specmode"):
        parts.append(str(image["specmode"]))
    weighting = image.get("weighting")
    if weighting:
        robust = image.get("robust")
        parts.append(f"{weighting}" + (f" {robust:g}" if isinstance(robust, (int, float))
                                        and weighting == "briggs" else ""))
    if image.get("cell"):
        parts.append(f"cell {_text(image['cell'])}")
    if image.get("imsize"):
        size = image["imsize"]
        parts.append("imsize " + ("x".join(map(str, size)) if isinstance(size, list) else str(size)))
    if image.get("threshold"):
        parts.append(f"threshold {image['threshold']}")
    name = image.get("imagename") or f"clean call at line {image.get('line')}"
    return f"{name}: {', '.join(parts)}"


def _imaging(facts: dict[str, Fact], ebs: list[FactSet]) -> list[Proposal]:
    props: list[Proposal] = []
    _, calibrators = _fields_by_intent(ebs)
    targets = facts.get("imaging.targets")
    if targets is not None and targets.value:
        science = [t for t in targets.value if t not in calibrators]
        checks = [t for t in targets.value if t in calibrators]
        text = "; ".join(part for part in (
            f"targets: {_text(science)}" if science else "",
            f"calibrators imaged as checks: {_text(checks)}" if checks else "") if part)
        props.append(Proposal("imaging.script", "comment", text, targets.provenance))
    images = facts.get("imaging.images")
    if images is not None:
        for kind, element in (("continuum", "imaging.continuum"), ("cube", "imaging.cubes")):
            lines = [format_image(i) for i in images.value if i.get("kind") == kind]
            if lines:
                props.append(Proposal(element, "comment", "\n".join(lines), images.provenance))
    spws = facts.get("imaging.cube_spws")
    if spws is not None and spws.value:
        props.append(Proposal("imaging.cubes", "value", _text(spws.value), spws.provenance))
    for fact_id, element, fmt in (("imaging.rms", "imaging.achieved_rms", format_rms),
                                  ("imaging.beam", "imaging.achieved_beam", format_beam)):
        fact = facts.get(fact_id)
        if fact is None or not fact.value:
            continue
        entries = [e for e in fact.value if not _is_calibrator_image(e.get("image"), calibrators)]
        if entries:
            props.append(Proposal(element, "value", "\n".join(fmt(e, fact) for e in entries),
                                  fact.provenance))
    return props


def _flux_consistency(sb: SBLayout, sfs: FactSet, ebs: list[FactSet],
                      project: Project | None) -> list[Proposal]:
    """'flux density scales consistent between EBs?' from the cross-EB comparison."""
    from qa2docs.criteria.flux_table import per_eb_fluxes
    from qa2docs.criteria.fluxcompare import (
        compare_fitted_spectra,
        compare_flux_densities,
    )
    from qa2docs.criteria.tolerances import load_tolerances

    per_eb = per_eb_fluxes(list(zip(sb.ebs, ebs)), sfs.facts)
    bands, provs = union_of(ebs, "bands")
    tol = load_tolerances(project.effective_cycle if project else None)
    spread = tol.flux_spread(sorted(int(b) for b in bands))
    if len(per_eb) < 2 or spread is None:
        return []
    limit, source = spread
    rows = [r for r in compare_flux_densities(per_eb, limit) + compare_fitted_spectra(per_eb, limit)
            if len(r.ratios) > 1]
    if not rows:
        return []
    worst_row, worst_eb = max(((r, eb) for r in rows for eb in r.ratios),
                              key=lambda p: abs(p[0].ratios[p[1]] - 1))
    dev = worst_row.ratios[worst_eb] - 1
    where = "fitted" if worst_row.spw is None else f"spw {worst_row.spw}"
    flagged = sum(1 for r in rows if r.flagged)
    comment = (f"largest deviation from the SB mean {100 * dev:+.1f}% ({worst_row.source} "
               f"{where}, {worst_eb}); tolerance {100 * limit:.0f}% for Band "
               f"{'/'.join(map(str, sorted(bands)))} ({tol.cite(source)})")
    if flagged:
        comment += f"; {flagged} of {len(rows)} comparisons outside it"
    evidence: tuple[Provenance, ...] = ()
    for fs in ebs:
        for fid in ("flux_densities", "fitted_spectra"):
            if fid in fs.facts:
                evidence += fs.facts[fid].provenance
    if "fluxcal.table" in sfs.facts:
        evidence += sfs.facts["fluxcal.table"].provenance
    return [Proposal("fluxeq.consistent", "answer", format_yes_no(not flagged), evidence),
            Proposal("fluxeq.consistent", "comment", comment, evidence)]


REQUESTED = (("proposed_rms", "requested_sensitivity"),
              ("proposed_beam_size", "requested_resolution"))
"""README.header field -> SB checklist header element, for the requested rms and beam."""


def _requested(sb: SBLayout, ebs: list[FactSet]
               ) -> dict[str, tuple[str, tuple[Provenance, ...], str | None]]:
    """Requested rms and beam: as README.header.txt gives them (a reducer typed them),
    else as the SB's science goal in the ASDMs' SBSummary gives them."""
    out = _requested_in_readme(sb)
    goal = science_goal(ebs)
    if goal is not None:
        fact, note = goal
        for element, text in requested_texts(fact.value).items():
            if element not in out or out[element][0] == text:  # the README copy of the ASDM's
                out[element] = (text, fact.provenance, note)
    return out


def _requested_in_readme(sb: SBLayout
                         ) -> dict[str, tuple[str, tuple[Provenance, ...], str | None]]:
    doc = read_readme(sb)
    if doc is None:
        return {}
    out = {}
    for field, element in REQUESTED:
        value = getattr(doc.model, field, None)
        if value:
            prov = (Provenance(extractor="readme", file=sb.readme.name, line=doc.line_of(field),
                               excerpt=value),)
            out[element] = (value, prov, None)
    return out


def science_goal(ebs: list[FactSet]) -> tuple[Fact, str | None] | None:
    """The first EB's ``science_goal`` fact, with a note when another EB's differs."""
    goals = [(fs.name, fs.facts["science_goal"]) for fs in ebs if "science_goal" in fs.facts]
    if not goals:
        return None
    first = goals[0][1]
    differ = [name for name, fact in goals[1:]
              if requested_texts(fact.value) != requested_texts(first.value)]
    note = (f"the science goal of {', '.join(differ)} differs from {goals[0][0]}'s; "
            f"{goals[0][0]}'s is used") if differ else None
    return first, note


def requested_texts(goal: dict[str, Any]) -> dict[str, str]:
    """The SB checklist's requested sensitivity and resolution, written as reducers write
    them (``2.0 mJy at Rep. Freq. 230.505 GHz``, ``0.6" - 0.9"``), from a ``science_goal``
    fact value."""
    given = goal.get("goals", {})
    out = {}
    if "sensitivity_goal_jy" in goal:
        text = given["sensitivityGoal"]
        if "representative_bandwidth_hz" in goal:
            text += f" in {given['representativeBandwidth']}"
        if "representative_frequency_hz" in goal:
            text += f" at Rep. Freq. {given['representativeFrequency']}"
        out["requested_sensitivity"] = text
    lo, hi = goal.get("min_resolution_arcsec"), goal.get("max_resolution_arcsec")
    if hi:
        out["requested_resolution"] = f'{lo:g}" - {hi:g}"' if lo else f'{hi:g}"'
    return out


def _reached(requested: dict[str, tuple[str, tuple[Provenance, ...], str | None]], props: list[Proposal],
             bands: list[int], project: Project | None) -> list[Proposal]:
    """'requested sensitivity / resolution reached?' when one achieved value is known."""
    from qa2docs.criteria.judgement import judge_beam, judge_rms
    from qa2docs.criteria.tolerances import load_tolerances

    tol = load_tolerances(project.effective_cycle if project else None)
    achieved = {p.element: p for p in props if p.part == "value"}
    out = []
    for req_el, ach_el, item in (("requested_sensitivity", "imaging.achieved_rms",
                                  "imaging.sensitivity_reached"),
                                 ("requested_resolution", "imaging.achieved_beam",
                                  "imaging.resolution_reached")):
        if req_el not in requested or ach_el not in achieved:
            continue
        ach = achieved[ach_el]
        if "\n" in ach.value:
            continue  # several images: which one is representative is the reducer's call
        req = requested[req_el][0]
        verdict = (judge_rms(req, ach.value, bands, tol) if item.endswith("sensitivity_reached")
                   else judge_beam(req, ach.value, tol))
        if verdict is not None and verdict.verdict != "relaxed":
            out.append(Proposal(item, "answer", format_yes_no(verdict.verdict == "pass"),
                                requested[req_el][1] + ach.provenance, verdict.message))
    return out


def sb_proposals(sb: SBLayout, sfs: FactSet, ebs: list[FactSet], project: Project | None
                 ) -> list[Proposal]:
    """Every answer of the SB checklist the files determine (*ebs* in the order of sb.ebs)."""
    props = project_proposals(project, ("project_code", "contact_scientist", "pi", "sb_name"))
    if project is None:
        props.append(Proposal("sb_name", "value", sb.name))
    props.append(Proposal("execution_blocks", "value", "\n".join(eb.uid for eb in sb.ebs),
                          tuple(Provenance(extractor="layout", file=str(eb.dir.name),
                                           excerpt=eb.uid) for eb in sb.ebs)))
    bands, provs = union_of(ebs, "bands")
    if bands:
        props.append(Proposal("bands", "value", ", ".join(str(b) for b in sorted(bands)), provs))
    props += casa_version_proposals(sfs, ebs, "casa_version")
    requested = _requested(sb, ebs)
    for element, (value, prov, note) in requested.items():
        props.append(Proposal(element, "value", value, prov, note))
    facts = sfs.facts
    for fact_id, element in _SB_YES_NO.items():
        fact = facts.get(fact_id)
        if fact is not None and isinstance(fact.value, bool):
            props.append(Proposal(element, "answer", format_yes_no(fact.value), fact.provenance))
    setjy = facts.get("fluxcal.setjy")
    if setjy is not None:
        props.append(Proposal("fluxeq.setjy_manual", "answer", format_yes_no(bool(setjy.value)),
                              setjy.provenance))
    for fact_id in ("imaging.concat_vis", "fluxcal.concat_vis"):
        fact = facts.get(fact_id)
        if fact is not None and fact.value:
            props.append(Proposal("fluxeq.concat", "answer", "yes", fact.provenance))
            props.append(Proposal("fluxeq.concat", "value", _text(fact.value), fact.provenance))
            break
    props += _flux_consistency(sb, sfs, ebs, project)
    imaging = _imaging(facts, ebs)
    props += imaging
    props += _reached(requested, imaging, sorted(int(b) for b in bands), project)
    return props


def casa_version_proposals(sfs: FactSet, ebs: list[FactSet], element: str) -> list[Proposal]:
    """The CASA version(s) of the EB reductions; else the version the SB scripts ask for."""
    versions, provs = union_of(ebs, "casa_version")
    if not versions:
        for fact_id in ("fluxcal.casa_version", "imaging.casa_version"):
            fact = sfs.facts.get(fact_id)
            if fact is not None and fact.value and fact.value not in versions:
                versions.append(fact.value)
                provs += fact.provenance
    if not versions:
        return []
    return [Proposal(element, "value", ", ".join(map(str, versions)), provs)]


def read_readme(sb: SBLayout) -> ParsedDocument | None:
    """The SB's README.header parsed; None when it is absent or unreadable (validate says why)."""
    from qa2docs.documents.checklist_text import read_document
    from qa2docs.errors import Qa2DocsError

    if not sb.readme.is_file():
        return None
    try:
        return read_document(sb.readme, "readme")
    except Qa2DocsError:
        return None


def fact_text(fact: Fact | None) -> str:
    """A fact value as one line of text ('' when absent)."""
    return "" if fact is None else _text(fact.value)
