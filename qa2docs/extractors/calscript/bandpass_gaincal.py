"""Bandpass facts (refant, solint, tables, mixed solint) and gaincal facts (limited uvrange,
gain tables)."""

from __future__ import annotations

import re
from typing import Iterator

from qa2docs.extractors.calscript.applycal import applied_tables
from qa2docs.extractors.calscript.builder import Evidence, FactBuilder, as_list
from qa2docs.extractors.calscript.script import Call
from qa2docs.models.facts import Fact

_REFANT_RE = re.compile(r"#\s*Using reference antenna\s*=\s*([A-Za-z0-9]+)")
_MIXED_SOLINT_RE = re.compile(r"^\s*inf\s*,\s*[\d.]+\s*[kMG]?Hz\s*$", re.IGNORECASE)


def bandpass(fb: FactBuilder) -> Iterator[Fact | None]:
    """Refant, solint, tables and mixed solint of the bandpass calls."""
    calls = [c for c in fb.s.named("bandpass") if c.parsed]
    comment_refant = [(n, ln.strip()) for n, ln in enumerate(fb.s.lines, start=1)
                      if _REFANT_RE.search(ln)]
    refants = list(dict.fromkeys(c.text("refant") for c in calls if c.text("refant")))
    if refants:
        note = f"bandpass calls use {', '.join(refants)}" if len(refants) > 1 else None
        ev: list[Evidence | Call] = [calls[0]] + [(n, n, t) for n, t in comment_refant[:1]]
        yield fb.fact("bandpass.refant", {"ok": None, "name": refants[-1]}, ev, note)
    elif comment_refant:
        n, text = comment_refant[0]
        yield fb.fact("bandpass.refant",
                      {"ok": None, "name": _REFANT_RE.search(text).group(1)},
                      [(n, n, text)])
    applied = set(applied_tables(fb))
    with_solint = [c for c in calls if c.text("solint")]
    if with_solint:
        chosen = next((c for c in reversed(with_solint) if c.text("caltable") in applied),
                      with_solint[-1])
        others = sorted({c.text("solint") for c in with_solint} - {chosen.text("solint")})
        yield fb.fact("bandpass.solint", chosen.text("solint"), [chosen],
                      f"other bandpass solint: {', '.join(others)}" if others else None)
    tables = bandpass_tables(fb, calls)
    if tables:
        yield fb.fact("bandpass.tables", tables, calls)
    mixed = [c for c in with_solint if _MIXED_SOLINT_RE.match(c.text("solint") or "")]
    if mixed:
        yield fb.fact("bandpass.mixed_solint", True, mixed)


def bandpass_tables(fb: FactBuilder, calls: list[Call]) -> list[str]:
    """Bandpass caltables, preceded by the pre-bandpass tables they were solved with."""
    tables: list[str] = []
    for call in calls:
        tables.extend(as_list(call.kwargs.get("gaintable")))
    pre = [t for t in tables if any(t == g.text("caltable") for g in fb.s.named("gaincal"))]
    own = [c.text("caltable") for c in calls if c.text("caltable")]
    return list(dict.fromkeys(pre + own))


def gaincal(fb: FactBuilder) -> Iterator[Fact | None]:
    """Limited uvrange on the flux calibrator; gain tables."""
    calls = [c for c in fb.s.named("gaincal") if c.parsed]
    on_flux = [c for c in calls if fb.on_flux_cal(c)]
    with_uvrange = [c for c in on_flux if c.text("uvrange")]
    subset = [c for c in on_flux if "&" in (c.text("antenna") or "")]
    if with_uvrange:
        ranges = list(dict.fromkeys(c.text("uvrange") for c in with_uvrange))
        yield fb.fact("gaincal.limited_uvrange", True, with_uvrange)
        yield fb.fact("flagging.uvrange_gaincal", ranges[0], with_uvrange,
                      f"other uvranges: {', '.join(ranges[1:])}" if ranges[1:] else None)
    elif subset:
        yield fb.fact("gaincal.limited_uvrange", True, subset,
                      "limited by an antenna subset (short baselines), not by uvrange")
    elif fb.s.complete and not any(c.text("uvrange") or "&" in (c.text("antenna") or "")
                                   for c in calls):
        yield fb.fact("gaincal.limited_uvrange", False, [fb.step_list()],
                      "no gaincal with uvrange in the complete script")
    bp_tables = set(bandpass_tables(fb, [c for c in fb.s.named("bandpass") if c.parsed]))
    made = [(c, c.text("caltable")) for c in calls] + [
        (c, c.text("fluxtable")) for c in fb.s.named("fluxscale")]
    made = sorted(((c, t) for c, t in made if t and t not in bp_tables),
                  key=lambda ct: ct[0].line)
    if made:
        yield fb.fact("gaincal.tables", list(dict.fromkeys(t for _, t in made)),
                      [c for c, _ in made])
