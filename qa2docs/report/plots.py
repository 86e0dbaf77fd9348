"""The report's figures: flux density vs frequency per EB, the cross-EB flux comparison and
the flux equalisation table (matplotlib, imported when a figure is drawn)."""

from __future__ import annotations

from typing import Any

from qa2docs.collect.factset import FactSet
from qa2docs.discover.layout import SBLayout
from qa2docs.models import Project
from qa2docs.models.common import ASDM_UID_RE, short_id
from qa2docs.render.figures import (
    fixed_margins,
    marker_legend,
    reused_figure,
    svg_bytes,
)
from qa2docs.render.html import Image, data_uri
from qa2docs.report.rows import fact_value


def _build_flux_plot(fig, axes: list) -> None:
    """What every flux vs frequency figure shares: margins, grid."""
    fixed_margins(fig, left=0.75, right=0.15, bottom=0.5, top=0.15)
    axes[0].grid(alpha=0.3)


def _svg(fig) -> str:
    return data_uri(svg_bytes(fig), "image/svg+xml")


def _log_scale_if_wide(ax, values: list[float]) -> None:
    """Calibrators of very different brightness share a plot only on a log axis."""
    positive = [v for v in values if v and v > 0]
    if positive and max(positive) / min(positive) > 3:
        from matplotlib.ticker import FormatStrFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(FormatStrFormatter("%g"))


def flux_plot(flux_densities: list[dict], fitted: list[dict]) -> Image:
    """Flux density vs frequency per source, with the fitted spectrum (an inlined SVG)."""
    points = [r for r in flux_densities if r.get("freq_hz") and r.get("flux_jy") is not None]
    if not points:
        return Image("flux vs frequency", missing="no fluxscale result with a frequency to plot")
    try:
        fig, (ax,) = reused_figure("flux vs frequency", 1, 1, _build_flux_plot, 6.4, 3.4)
    except ImportError as err:
        return Image("flux vs frequency", missing=f"matplotlib not available ({err})")
    sources = sorted({r["source"] for r in points})
    for i, src in enumerate(sources):
        rows = [r for r in points if r["source"] == src]
        colour = f"C{i % 10}"
        ax.errorbar([r["freq_hz"] / 1e9 for r in rows], [r["flux_jy"] for r in rows],
                    yerr=[r.get("error_jy") or 0 for r in rows], fmt="o", color=colour,
                    label=src, capsize=3)
        fit = next((f for f in fitted if f.get("source") == src), None)
        if fit and fit.get("ref_freq_hz") and fit.get("flux_jy") is not None:
            lo = min(r["freq_hz"] for r in rows) * 0.98
            hi = max(r["freq_hz"] for r in rows) * 1.02
            xs = [lo + (hi - lo) * k / 50 for k in range(51)]
            alpha = fit.get("spidx") or 0.0
            ax.plot([x / 1e9 for x in xs],
                    [fit["flux_jy"] * (x / fit["ref_freq_hz"]) ** alpha for x in xs],
                    "-", color=colour, alpha=0.6,
                    label=f"{src} fit: {fit['flux_jy']:.3g} Jy, α = {alpha:.2f}")
    _log_scale_if_wide(ax, [r["flux_jy"] for r in points])
    ax.set_xlabel("Frequency (GHz)")
    ax.set_ylabel("Flux density (Jy)")
    marker_legend(ax, fontsize="small")
    return Image("flux vs frequency", src=_svg(fig))


def flux_comparison(sb: SBLayout, factsets: list[FactSet], sfs: FactSet,
                    project: Project | None) -> dict[str, Any]:
    """The cross-EB flux comparison of :mod:`qa2docs.criteria.fluxcompare` (the numbers validate and
    the SB checklist use), as table rows and the seed's comparison figure."""
    import math

    from qa2docs.criteria.flux_table import per_eb_fluxes
    from qa2docs.criteria.fluxcompare import (
        compare_fitted_spectra,
        compare_flux_densities,
        draw_flux_comparison,
    )
    from qa2docs.criteria.tolerances import load_tolerances

    per_eb = per_eb_fluxes(list(zip(sb.ebs, factsets)), sfs.facts)
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
        plot = Image("flux comparison", src=_svg(draw_flux_comparison(per_eb)))
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
