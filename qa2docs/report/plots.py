"""The report's flux figure (the cross-EB comparison, in the SB report and, with its EB picked
out, in each EB report), the comparison table and the flux equalisation table (matplotlib,
imported when the figure is drawn)."""

from __future__ import annotations

from typing import Any

from qa2docs.collect.extraction import sb_facts
from qa2docs.collect.factset import FactSet
from qa2docs.discover.layout import EBInfo, SBLayout
from qa2docs.models import Project
from qa2docs.models.common import ASDM_UID_RE, short_id
from qa2docs.render.figures import svg_bytes
from qa2docs.render.html import Image, data_uri
from qa2docs.report.rows import fact_value


class FluxFigure:
    """The SB's flux comparison figure (:func:`~qa2docs.criteria.fluxcompare.draw_flux_comparison`,
    one panel per source, every EB in its colour), drawn at most once per report run: the SB
    report shows it whole, each EB report with its own EB picked out
    (:func:`~qa2docs.criteria.fluxcompare.emphasise_eb`)."""

    def __init__(self, sb: SBLayout, factsets: list[FactSet], sfs: FactSet | None = None):
        self._sb, self._factsets, self._sfs = sb, factsets, sfs
        self._per_eb: dict[str, dict[str, list]] | None = None
        self._svg: bytes | str | None = None  # str: why there is no figure

    @property
    def per_eb(self) -> dict[str, dict[str, list]]:
        """:func:`~qa2docs.criteria.flux_table.per_eb_fluxes` of the SB's EBs."""
        if self._per_eb is None:
            from qa2docs.criteria.flux_table import per_eb_fluxes

            sfs = self._sfs if self._sfs is not None else sb_facts(self._sb)
            self._per_eb = per_eb_fluxes(list(zip(self._sb.ebs, self._factsets)), sfs.facts)
        return self._per_eb

    def _drawn(self) -> bytes | str:
        if self._svg is None:
            try:
                from qa2docs.criteria.fluxcompare import draw_flux_comparison

                self._svg = svg_bytes(draw_flux_comparison(self.per_eb))
            except ImportError as err:
                self._svg = f"matplotlib not available ({err})"
        return self._svg

    def whole(self) -> Image:
        """The figure as the SB report shows it."""
        svg = self._drawn()
        if isinstance(svg, str):
            return Image("flux comparison", missing=svg)
        return Image("flux comparison", src=data_uri(svg, "image/svg+xml"))

    def for_eb(self, eb: EBInfo) -> Image:
        """The figure with *eb* in full colour and the other EBs faded; missing when *eb* has
        no flux density with a frequency and no fitted spectrum to draw."""
        from qa2docs.criteria.fluxcompare import emphasise_eb

        name = "flux vs frequency"
        mine = self.per_eb.get(eb.short) or {}
        if not (any(r.get("freq_hz") and r.get("flux_jy") is not None
                    for r in mine.get("flux_densities", []))
                or any(f.get("ref_freq_hz") and f.get("flux_jy") is not None
                       for f in mine.get("fitted_spectra", []))):
            return Image(name, missing="no fluxscale result with a frequency to plot")
        svg = self._drawn()
        if isinstance(svg, str):
            return Image(name, missing=svg)
        if len(self.per_eb) > 1:
            svg = emphasise_eb(svg, list(self.per_eb).index(eb.short))
        return Image(name, src=data_uri(svg, "image/svg+xml"))


def flux_comparison(figure: FluxFigure, factsets: list[FactSet],
                    project: Project | None) -> dict[str, Any]:
    """The cross-EB flux comparison of :mod:`qa2docs.criteria.fluxcompare` (the numbers validate and
    the SB checklist use), as table rows and the seed's comparison figure."""
    import math

    from qa2docs.criteria.fluxcompare import compare_fitted_spectra, compare_flux_densities
    from qa2docs.criteria.tolerances import load_tolerances

    per_eb = figure.per_eb
    labels = list(per_eb)
    bands = sorted({int(b) for fs in factsets for b in fact_value(fs.facts, "bands", []) or []})
    tol = load_tolerances(project.effective_cycle if project else None)
    spread = tol.flux_spread(bands) if bands else None
    limit = spread[0] if spread else math.inf
    rows = []
    for r in compare_flux_densities(per_eb, limit) + compare_fitted_spectra(per_eb, limit):
        devs = [abs(x - 1) for x in r.ratios.values()]
        rows.append({"source": r.source, "spw": "fit" if r.spw is None else r.spw,
                     "freq_hz": r.freq_hz,
                     "fluxes": [v.flux_jy if (v := r.values.get(eb)) else None for eb in labels],
                     "mean": r.mean_jy, "weighting": r.weighting,
                     "dev_pct": 100 * max(devs) if len(devs) > 1 else None,
                     "flagged": r.flagged})
    plot = Image("flux comparison", missing="no EB has a fluxscale result to compare")
    if any(r["mean"] is not None for r in rows):
        plot = figure.whole()
    return {"labels": labels, "rows": rows, "plot": plot,
            "tolerance": (f"{100 * limit:.0f} % for Band {'/'.join(map(str, bands))} "
                          f"({tol.cite(spread[1])})") if spread else None}


def fluxcal_pivot(table: list[dict]) -> dict[str, Any]:
    """scriptForFluxCalibration's per-EB table as one row per (field, spw): each EB's own
    value and the value set for all."""
    ebs: list[str] = []
    rows: dict[tuple, dict] = {}
    for r in table:
        eb = str(r.get("eb") or r.get("vis") or "?")
        if eb not in ebs:
            ebs.append(eb)
        row = rows.setdefault((str(r.get("field")), r.get("spw")), {
            "field": r.get("field"), "spw": r.get("spw"), "freq_hz": r.get("freq_hz"),
            "set_jy": r.get("mean_flux_jy"), "by_eb": {}})
        row["by_eb"][eb] = r.get("flux_jy")
    labels = [short_id(e) if ASDM_UID_RE.match(e) else e for e in ebs]
    ordered = sorted(rows.values(), key=lambda r: (str(r["field"]), r["spw"] if r["spw"] is not None else -1))
    return {"ebs": ebs, "labels": labels,
            "rows": [{**r, "values": [r["by_eb"].get(e) for e in ebs]} for r in ordered]}
