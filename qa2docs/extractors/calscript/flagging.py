"""Flagging facts: edge channels, atmospheric and calibrator lines, antennas flagged in full,
and the flux calibrator (solar-system body or quasar, and a quasar's set flux density)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from qa2docs.extractors.calscript.builder import Evidence, FactBuilder
from qa2docs.extractors.calscript.script import Call, Expr
from qa2docs.models.facts import Fact

SOLAR_SYSTEM = frozenset(name.lower() for name in (
    "Mercury", "Venus", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune", "Pluto",
    "Io", "Europa", "Ganymede", "Callisto", "Titan", "Triton",
    "Ceres", "Pallas", "Vesta", "Juno", "Hygiea", "Lutetia",
))

FLAGDATA_RESTRICTIONS = ("spw", "timerange", "scan", "field", "intent", "correlation",
                         "uvrange", "observation", "array", "feed")

_EDGE_SPW_RE = re.compile(r"^\s*\d+\s*:\s*0\s*~\s*\d+\s*;\s*\d+\s*~\s*\d+\s*$")
_MS_RE = re.compile(r"\.ms(\.split)?(\.cal)?$")
_QUASAR_RE = re.compile(r"^J\d{4}[+-]\d{2,4}")


def flagging(fb: FactBuilder) -> Iterator[Fact | None]:
    """Edge channels, atmospheric lines, calibrator lines, antennas flagged in full."""
    kinds: dict[str, list[Call]] = {"edge": [], "atm": [], "lines": [], "unexplained": []}
    full: list[Call] = []
    for call in fb.s.named("flagdata"):
        vis = call.text("vis") or (call.args[0] if call.args and
                                   isinstance(call.args[0], str) else None)
        mode = call.kwargs.get("mode", "manual")
        if not call.parsed or vis is None or not _MS_RE.search(vis) or mode != "manual":
            continue
        antenna = call.kwargs.get("antenna", "")
        if antennas_flagged_in_full(call.kwargs, vis):
            full.append(call)
        spw = call.kwargs.get("spw", "")
        if isinstance(spw, str) and ":" in spw:
            kind = _channel_flag_kind(fb.s.comment_above(call.line), spw, antenna)
            if kind:
                kinds[kind].append(call)
    # Channel flags with no comment and no antenna could be edge or line flags: no "No".
    clear = fb.s.complete and not kinds["unexplained"]
    for field_id, calls in (("flagging.edge_channels", kinds["edge"]),
                            ("flagging.atm_lines", kinds["atm"])):
        if calls:
            yield fb.fact(field_id, True, calls)
        elif clear:
            yield fb.fact(field_id, False, [fb.step_list()],
                          "no such flagging in the complete script")
    if kinds["atm"]:
        ranges = list(dict.fromkeys(c.text("spw") or "" for c in kinds["atm"]))
        yield fb.fact("flagging.atm_lines_ranges", ranges, kinds["atm"])
    if kinds["lines"]:
        yield fb.fact("flagging.calibrator_lines", True, kinds["lines"])
    antennas = list(dict.fromkeys(a.strip() for c in full
                                  for a in str(c.kwargs["antenna"]).split(",")))
    if full:
        yield fb.fact("flagged_antennas", antennas, full)
    elif fb.s.complete:
        yield fb.fact("flagged_antennas", [], [fb.step_list()],
                      "no antenna flagged in full in the complete script")


def fluxcal(fb: FactBuilder) -> Iterator[Fact | None]:
    """Resolved (solar-system) flux calibrator vs quasar flux calibrator."""
    resolved: list[Call] = []
    quasar: list[Call] = []
    values: list[dict[str, Any]] = []
    for call in fb.s.named("setjy"):
        standard = call.text("standard") or ""
        if "butler-jpl-horizons" in standard.lower():
            body = setjy_body(fb, call)
            if body is None or body.lower() in SOLAR_SYSTEM:
                resolved.append(call)
        elif fb.on_flux_cal(call):
            quasar.append(call)
            if standard == "manual" and "fluxdensity" in call.kwargs:
                value = {k: _plain(call.kwargs.get(k)) for k in
                         ("field", "spw", "fluxdensity", "spix", "reffreq")}
                if value not in values:
                    values.append(value)
    header_quasar = bool(fb.flux_names) and all(
        _QUASAR_RE.match(n) for n in fb.flux_names)
    if resolved:
        yield fb.fact("flagging.resolved_fluxcal", True, resolved)
        yield fb.fact("flagging.quasar_fluxcal", False, resolved,
                      "the flux calibrator is a solar-system body")
    elif quasar or header_quasar:
        evidence: list[Evidence | Call] = list(quasar) or [fb.intent_line("CALIBRATE_FLUX")]
        yield fb.fact("flagging.quasar_fluxcal", True, evidence)
        yield fb.fact("flagging.resolved_fluxcal", False, evidence,
                      "the flux calibrator is a quasar")
    if values:
        yield fb.fact("flagging.quasar_fluxcal_values", values, quasar)


def setjy_body(fb: FactBuilder, call: Call) -> str | None:
    """The name of the source a setjy call models (field name, its comment, or header)."""
    selection = call.text("field")
    if selection and not re.fullmatch(r"[\d,~\s]+", selection):
        return selection.strip()
    comment = fb.s.trailing_comment(call, "field")
    if comment:
        return comment.split(",")[0].strip()
    if len(fb.flux_names) == 1:
        return fb.flux_names[0]
    return None


def antennas_flagged_in_full(params: dict[str, Any], vis: Any) -> list[str]:
    """The antennas a ``flagdata`` call with keyword arguments *params* on *vis* flags in
    full: manual mode on an MS, whole antennas, no other selection; else []."""
    if (not isinstance(vis, str) or not _MS_RE.search(vis)
            or params.get("mode", "manual") != "manual"
            or params.get("action", "apply") not in ("apply", "")):
        return []
    antenna = params.get("antenna", "")
    if not _whole_antennas(antenna) or any(params.get(k) for k in FLAGDATA_RESTRICTIONS):
        return []
    return [a.strip() for a in antenna.split(",") if a.strip()]


def _whole_antennas(antenna: Any) -> bool:
    """An antenna selection naming whole antennas (no baselines, negation or wildcards)."""
    return (isinstance(antenna, str) and bool(antenna.strip())
            and not re.search(r"[&!*;]", antenna))


def _channel_flag_kind(comment: str, spw: str, antenna: Any) -> str | None:
    """Why a channel flag was made: edge, atm, lines, unexplained, or None (other reason)."""
    text = comment.lower()
    if "edge" in text and "channel" in text:
        return "edge"
    if all(_EDGE_SPW_RE.match(part) for part in spw.split(",")):
        return "edge"
    if "atmospher" in text:
        return "atm"
    if re.search(r"\blines?\b", text) and re.search(r"calibrator|model", text):
        return "lines"
    if text or (isinstance(antenna, str) and antenna.strip()):
        return None  # explained as something else, or an antenna-specific repair
    return "unexplained"


def _plain(value: Any) -> Any:
    """JSON-friendly value: Expr becomes its source text, tuples become lists."""
    if isinstance(value, Expr):
        return value.source
    if isinstance(value, tuple):
        return list(value)
    return value
