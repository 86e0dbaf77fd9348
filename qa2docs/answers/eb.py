"""Turn facts (typed values) into checklist answers (the text a reducer would write)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from qa2docs.answers.merge import Proposal
from qa2docs.models import Project
from qa2docs.models.facts import Fact, Provenance


def format_time(iso: str) -> str:
    """ISO 8601 UTC -> listobs style ``15-Jun-2014/10:01:02.0``."""
    try:
        t = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    return t.strftime("%d-%b-%Y/%H:%M:%S") + f".{t.microsecond // 100000}"


def format_seconds(seconds: float) -> str:
    """``1486.34 s (24.8 min)``."""
    return f"{seconds:.2f} s ({seconds / 60:.1f} min)"


def format_observation(value: dict) -> str:
    """The header's observation block: dates, total time, time on source per intent."""
    lines = []
    if value.get("start") and value.get("end"):
        lines.append(f"Observed from {format_time(value['start'])} to "
                     f"{format_time(value['end'])} (UTC)")
    if value.get("total_elapsed_s") is not None:
        lines.append(f"Total elapsed time = {format_seconds(float(value['total_elapsed_s']))}")
    on_source = value.get("on_source_s") or {}
    if on_source:
        parts = [f"{intent} {secs:.1f} s" for intent, secs in sorted(on_source.items())]
        lines.append("On source: " + ", ".join(parts))
    return "\n".join(lines)


def format_fields_by_intent(value: dict) -> str:
    """``CALIBRATE_BANDPASS: J1751+0939`` lines, as in the script's comment block."""
    return "\n".join(f"{intent}: {', '.join(names)}" for intent, names in value.items() if names)


def format_yes_no(value: Any) -> str:
    """True -> yes, False -> no (the Yes/No boxes)."""
    return "yes" if value else "no"


def _pwv(value: dict) -> str:
    return f"{value['median_mm']:.2f} mm (median)"


def _good_antennas(fact: Fact) -> str:
    return f"{fact.value} ({fact.note})" if fact.note and "flagged in full:" in fact.note else str(fact.value)


# header field id -> formatter of the fact value
_HEADER_FORMATS: dict[str, Callable[[Any], str]] = {
    "sb_name": str,
    "asdm_uid": str,
    "observation": format_observation,
    "pwv": _pwv,
    "bands": lambda v: ", ".join(str(b) for b in v),
    "correlator_mode": str,
    "bandwidth_switching": lambda v: "Yes" if v else "No",
    "fields_by_intent": format_fields_by_intent,
}

# Yes/No items whose answer is the fact itself (bool).
YES_NO_ITEMS = (
    "import.asis", "apriori.fixplanets", "apriori.syscal_fix", "apriori.other_es_fix",
    "apriori.antpos", "flagging.edge_channels", "flagging.atm_lines",
    "flagging.resolved_fluxcal", "flagging.calibrator_lines", "flagging.quasar_fluxcal",
    "gaincal.limited_uvrange",
)

# (fact id, element id, part, formatter): facts that fill an inline value, field or comment.
_TEXT_SLOTS: tuple[tuple[str, str, str, Callable[[Any], str]], ...] = (
    ("flagging.atm_lines_ranges", "flagging.atm_lines", "value",
     lambda v: v if isinstance(v, str) else ", ".join(map(str, v))),
    ("apriori.other_es_fix_names", "apriori.other_es_fix", "comment", lambda v: ", ".join(v)),
    ("flagging.uvrange_gaincal", "flagging.uvrange_gaincal", "value", str),
    ("gaincal.fluxscale_paste", "gaincal.fluxscale_paste", "text",
     lambda v: v if isinstance(v, str) else "\n".join(v)),
)


def _project_provenance(field: str, value: str) -> tuple[Provenance, ...]:
    return (Provenance(extractor="project", file="qa2docs.yaml", excerpt=f"{field}: {value}"),)


def project_proposals(project: Project | None, fields: tuple[str, ...]) -> list[Proposal]:
    """Header answers typed once in qa2docs.yaml."""
    if project is None:
        return []
    values = {"project_code": project.project_code, "contact_scientist": project.contact_scientist,
              "pi": project.pi, "sb_name": project.sb_name}
    return [Proposal(f, "value", values[f], _project_provenance(f, values[f]))
            for f in fields if values.get(f)]


def eb_proposals(facts: dict[str, Fact], project: Project | None, uid: str) -> list[Proposal]:
    """Every answer of an EB checklist the facts (and qa2docs.yaml) determine."""
    props = project_proposals(project, ("project_code", "contact_scientist", "pi", "sb_name"))
    have = {p.element for p in props}
    if "asdm_uid" not in facts:
        props.append(Proposal("asdm_uid", "value", uid,
                              (Provenance(extractor="layout", file=uid, excerpt="EB directory"),)))
    for field, fmt in _HEADER_FORMATS.items():
        fact = facts.get(field)
        if fact is not None and field not in have:
            text = fmt(fact.value)
            if text:
                props.append(Proposal(field, "value", text, fact.provenance, fact.note))
    if "good_antennas" in facts:
        fact = facts["good_antennas"]
        props.append(Proposal("good_antennas", "value", _good_antennas(fact), fact.provenance,
                              fact.note))
    for item in YES_NO_ITEMS:
        fact = facts.get(item)
        if fact is not None and isinstance(fact.value, bool):
            props.append(Proposal(item, "answer", format_yes_no(fact.value), fact.provenance,
                                  fact.note))
    refant = facts.get("bandpass.refant")
    if refant is not None and isinstance(refant.value, dict):
        if refant.value.get("name"):
            props.append(Proposal("bandpass.refant", "value", str(refant.value["name"]),
                                  refant.provenance, refant.note))
        if refant.value.get("ok") is not None:
            props.append(Proposal("bandpass.refant", "answer", format_yes_no(refant.value["ok"]),
                                  refant.provenance, refant.note))
    for fact_id, element, part, fmt in _TEXT_SLOTS:
        fact = facts.get(fact_id)
        if fact is not None and fact.value not in (None, "", []):
            props.append(Proposal(element, part, fmt(fact.value), fact.provenance, fact.note))
    return props
