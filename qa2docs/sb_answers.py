"""Answers of the SB checklist and README.header.txt from the EBs' and the SB's facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qa2docs.answers import format_yes_no, project_proposals
from qa2docs.facts import Fact, Provenance
from qa2docs.merge import Proposal
from qa2docs.models import Project

if TYPE_CHECKING:
    from qa2docs.api import FactSet
    from qa2docs.discover import SBLayout

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


def _union(ebs: list[FactSet], fact_id: str) -> tuple[list[Any], tuple[Provenance, ...]]:
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


def sb_proposals(sb: SBLayout, sfs: FactSet, ebs: list[FactSet], project: Project | None
                 ) -> list[Proposal]:
    """Every answer of the SB checklist the files determine."""
    props = project_proposals(project, ("project_code", "contact_scientist", "pi", "sb_name"))
    if project is None:
        props.append(Proposal("sb_name", "value", sb.name))
    props.append(Proposal("execution_blocks", "value", "\n".join(eb.uid for eb in sb.ebs),
                          tuple(Provenance(extractor="layout", file=str(eb.dir.name),
                                           excerpt=eb.uid) for eb in sb.ebs)))
    bands, provs = _union(ebs, "bands")
    if bands:
        props.append(Proposal("bands", "value", ", ".join(str(b) for b in sorted(bands)), provs))
    versions, provs = _union(ebs, "casa_version")
    if versions:
        props.append(Proposal("casa_version", "value", ", ".join(map(str, versions)), provs))
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
    spws = facts.get("imaging.cube_spws")
    if spws is not None and spws.value:
        props.append(Proposal("imaging.cubes", "value", _text(spws.value), spws.provenance))
    for fact_id, element in (("imaging.rms", "imaging.achieved_rms"),
                             ("imaging.beam", "imaging.achieved_beam")):
        fact = facts.get(fact_id)
        if fact is not None and fact.value:
            props.append(Proposal(element, "value", _text(fact.value), fact.provenance))
    return props


def readme_proposals(sb: SBLayout, sfs: FactSet, ebs: list[FactSet], project: Project | None
                     ) -> list[Proposal]:
    """README.header fields the files and qa2docs.yaml determine."""
    props: list[Proposal] = []
    if project is not None:
        from qa2docs.api import readme_start_proposals

        props += readme_start_proposals(project)
    configs, provs = _union(ebs, "configuration")
    if configs:
        props.append(Proposal("configuration", "value", ", ".join(map(str, configs)), provs))
    versions, provs = _union(ebs, "casa_version")
    if versions:
        props.append(Proposal("casa_version", "value", ", ".join(map(str, versions)), provs))
    return props


def fact_text(fact: Fact | None) -> str:
    """A fact value as one line of text ('' when absent)."""
    return "" if fact is None else _text(fact.value)
