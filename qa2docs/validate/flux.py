"""Flux rules: the same calibrator's flux density across EBs (per spw and fitted) against a
band-dependent tolerance, implausible spectral indices, INSUFFICIENT DATA and low SNR."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Iterator

from qa2docs.criteria.flux_table import per_eb_fluxes
from qa2docs.criteria.fluxcompare import (
    ComparisonRow,
    compare_fitted_spectra,
    compare_flux_densities,
)
from qa2docs.discover.layout import EBInfo
from qa2docs.models.facts import Fact
from qa2docs.validate.context import SBContext
from qa2docs.validate.report import Finding
from qa2docs.validate.rules import rule


def _equalised(sb_facts: dict[str, Fact]) -> dict[str, Fact]:
    """Sources whose flux scriptForFluxCalibration.py sets per EB (setjy manual)."""
    fact = sb_facts.get("fluxcal.setjy")
    return {str(c["field"]): fact for c in (fact.value if fact is not None else [])
            if c.get("field")}


def _describe(row: ComparisonRow) -> str:
    where = f"spw {row.spw}" if row.spw is not None else "fitted"
    parts = [f"{eb} {100 * (row.ratios[eb] - 1):+.1f}%" for eb in row.flagged]
    return f"{where}: {', '.join(parts)}"


def check_cross_eb(ctx: SBContext) -> Iterator[Finding]:
    """Each calibrator seen in several EBs: per-spw and fitted flux against the SB mean."""
    sb_facts = ctx.sb_facts.facts
    per_eb = per_eb_fluxes(ctx.all_eb_facts, sb_facts)
    if len(per_eb) < 2:
        return
    sb = ctx.sb_doc
    document = sb.path.name if sb else ctx.sb.sb_checklist.name
    line = sb.line_of("fluxeq.consistent") if sb else None
    spread = ctx.tolerances.flux_spread(ctx.bands)
    rows = [r for r in compare_flux_densities(per_eb, spread[0] if spread else 0.0)
            + compare_fitted_spectra(per_eb, spread[0] if spread else 0.0) if len(r.ratios) > 1]
    if spread is None:
        worst = max((abs(x - 1) for r in rows for x in r.ratios.values()), default=None)
        if worst is not None:
            yield rule("QA2205").finding(
                f"flux densities of {len({r.source for r in rows})} calibrator(s) differ between "
                f"EBs by up to {100 * worst:.1f}%; the band is unknown, so no tolerance applies",
                document, line)
        return
    tolerance, source = spread
    equalised = _equalised(sb_facts)
    bands = "/".join(map(str, ctx.bands))
    for name in sorted({r.source for r in rows}):
        flagged = [r for r in rows if r.source == name and r.flagged]
        if not flagged:
            continue
        message = (f"{name} differs from the SB mean beyond {100 * tolerance:.0f}% (Band "
                   f"{bands}): " + "; ".join(_describe(r) for r in flagged)
                   + f" [{ctx.tolerances.cite(source)}]")
        severity = None
        if name in equalised:
            where = equalised[name].provenance[0].where() if equalised[name].provenance else ""
            message += f"; set to the mean by setjy in {where}"
            severity = "warning"
        yield rule("QA2201").finding(message, document, line, severity=severity)


def _line_of(fact: Fact, needle: str, directory: Path) -> tuple[str, int | None]:
    """The file and line of the evidence line of *fact* that contains *needle*.

    The provenance gives the block (first and last line); the file is read over that block
    only when the shortened excerpt does not show the line.
    """
    for prov in fact.provenance:
        lines = (prov.excerpt or "").splitlines()
        exact = prov.line is not None and (prov.end_line or prov.line) - prov.line + 1 == len(lines)
        for i, text in enumerate(lines):
            if needle in text and exact:
                return prov.file, prov.line + i
        if prov.line is not None and prov.end_line and (directory / prov.file).is_file():
            with open(directory / prov.file, encoding="latin-1") as fh:
                block = islice(fh, prov.line - 1, prov.end_line)
                for number, text in enumerate(block, start=prov.line):
                    if needle in text:
                        return prov.file, number
    first = fact.provenance[0] if fact.provenance else None
    return (first.file if first else "?"), (first.line if first else None)


def check_eb_fluxscale(ctx: SBContext, eb: EBInfo) -> Iterator[Finding]:
    """One EB's fluxscale results: INSUFFICIENT DATA, low SNR, implausible spectral index."""
    facts = ctx.eb_facts(eb).facts
    tol = ctx.tolerances
    densities = facts.get("flux_densities")
    for d in densities.value if densities is not None else []:
        needle = f"for {d['source']} in SpW={d['spw']} "
        if d.get("flux_jy") is None:
            doc, line = _line_of(densities, needle, eb.dir)
            yield rule("QA2203").finding(
                f"{d['source']} spw {d['spw']}: fluxscale gave INSUFFICIENT DATA", doc, line,
                eb=eb.uid)
        elif d.get("snr") is not None and d["snr"] < tol.min_snr:
            doc, line = _line_of(densities, needle, eb.dir)
            yield rule("QA2204").finding(
                f"{d['source']} spw {d['spw']}: SNR {d['snr']:g} < {tol.min_snr:g} "
                f"({d['flux_jy']:g} +/- {d['error_jy']:g} Jy) [{tol.cite(tol.fluxscale_source)}]",
                doc, line, eb=eb.uid)
    fits = facts.get("fitted_spectra")
    lo, hi = tol.spidx_range
    for fit in fits.value if fits is not None else []:
        alpha = fit.get("spidx")
        if alpha is None or lo <= alpha <= hi:
            continue
        doc, line = _line_of(fits, f"for {fit['source']} with", eb.dir)
        err = fit.get("spidx_error")
        yield rule("QA2202").finding(
            f"{fit['source']}: fitted spectral index {alpha:g}"
            + (f" +/- {err:g}" if err is not None else "")
            + f" is outside {lo:g}..{hi:g} [{tol.cite(tol.fluxscale_source)}]", doc, line,
            eb=eb.uid)
