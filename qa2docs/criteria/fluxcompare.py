"""Cross-EB comparison of fluxscale results (the SB-level flux consistency check).

Pure functions over the ``flux_densities`` / ``fitted_spectra`` fact values of each EB
(DESIGN 4.2), keyed by EB name::

    per_eb = {"X66d": {"flux_densities": [...], "fitted_spectra": [...]}, "Xa12": {...}}
    rows = compare_flux_densities(per_eb, tolerance=0.05)
    fits = compare_fitted_spectra(per_eb, tolerance=0.05)
    plot_flux_comparison(per_eb, Path("fluxscale.png"))

The SB mean of a source (per spw, or of its fit) is the inverse-variance weighted mean
(weights 1/error^2) when every EB contributing a value has a positive error, otherwise
the plain mean; each row says which in ``weighting``. An EB's value is flagged when
``|value / mean - 1| > tolerance``. INSUFFICIENT DATA (a null flux) contributes nothing.
A source that appears twice in one EB's run (two fields with one name) is kept apart as
``name (2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from qa2docs.render.figures import (
    SVG_METADATA,
    fixed_margins,
    marker_legend,
    reused_figure,
)

PerEB = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class EBValue:
    """One EB's flux density (or fitted flux) and its error, in Jy."""

    flux_jy: float
    error_jy: float | None
    freq_hz: float | None = None


@dataclass
class ComparisonRow:
    """One source (and spw, for per-spw rows) across the EBs of an SB."""

    source: str
    spw: int | None
    """None for a fitted-spectrum row."""
    freq_hz: float | None
    """Mean frequency of the EBs' values (the fit reference frequency for fit rows)."""
    values: dict[str, EBValue | None] = field(default_factory=dict)
    """Per EB; None where the EB has no value (absent or INSUFFICIENT DATA)."""
    mean_jy: float | None = None
    mean_error_jy: float | None = None
    weighting: str = "inverse-variance"
    """``"inverse-variance"`` or ``"unweighted"`` (some error missing or zero)."""
    ratios: dict[str, float] = field(default_factory=dict)
    """value / mean, per EB that has a value."""
    flagged: list[str] = field(default_factory=list)
    """EBs whose |ratio - 1| exceeds the tolerance."""

    def ratio(self, numerator: str, denominator: str) -> float | None:
        """The flux ratio of two EBs (e.g. EB2/EB1), None if either has no value."""
        a, b = self.values.get(numerator), self.values.get(denominator)
        if a is None or b is None or b.flux_jy == 0:
            return None
        return a.flux_jy / b.flux_jy


def weighted_mean(values: Iterable[EBValue]) -> tuple[float, float | None, str]:
    """Mean, its error and the weighting used (see the module docstring)."""
    vals = list(values)
    weighted = all(v.error_jy and v.error_jy > 0 for v in vals)
    if len(vals) == 1:  # exactly the value, not the value after a round trip through weights
        return vals[0].flux_jy, vals[0].error_jy, "inverse-variance" if weighted else "unweighted"
    if weighted:
        weights = [1.0 / v.error_jy**2 for v in vals]  # type: ignore[operator]
        total = sum(weights)
        mean = sum(w * v.flux_jy for w, v in zip(weights, vals)) / total
        return mean, 1.0 / math.sqrt(total), "inverse-variance"
    mean = sum(v.flux_jy for v in vals) / len(vals)
    spread = (math.sqrt(sum((v.flux_jy - mean) ** 2 for v in vals) / (len(vals) - 1) / len(vals))
              if len(vals) > 1 else None)
    return mean, spread, "unweighted"


def _finish(row: ComparisonRow, tolerance: float) -> ComparisonRow:
    present = {eb: v for eb, v in row.values.items() if v is not None}
    if not present:
        return row
    row.mean_jy, row.mean_error_jy, row.weighting = weighted_mean(present.values())
    freqs = [v.freq_hz for v in present.values() if v.freq_hz]
    row.freq_hz = sum(freqs) / len(freqs) if freqs else None
    if row.mean_jy:
        row.ratios = {eb: v.flux_jy / row.mean_jy for eb, v in present.items()}
        row.flagged = [eb for eb, r in row.ratios.items() if abs(r - 1) > tolerance]
    return row


def _labelled(entries: Iterable[Mapping[str, Any]], key: tuple[str, ...]) -> dict[tuple, Mapping]:
    """Entries by (source label, *key), a repeated source in one run labelled ``name (2)``."""
    out: dict[tuple, Mapping] = {}
    for entry in entries:
        label, n = entry["source"], 1
        while (label, *(entry[k] for k in key)) in out:
            n += 1
            label = f"{entry['source']} ({n})"
        out[(label, *(entry[k] for k in key))] = entry
    return out


def _compare(per_eb: PerEB, fact: str, key: tuple[str, ...], freq_key: str,
             tolerance: float) -> list[ComparisonRow]:
    tables = {eb: _labelled(facts.get(fact) or [], key) for eb, facts in per_eb.items()}
    keys: list[tuple] = []
    for table in tables.values():
        keys += [k for k in table if k not in keys]
    keys.sort(key=lambda k: (k[0], *(x if x is not None else -1 for x in k[1:])))
    rows = []
    for k in keys:
        row = ComparisonRow(source=k[0], spw=k[1] if key else None, freq_hz=None)
        for eb, table in tables.items():
            entry = table.get(k)
            flux = entry.get("flux_jy") if entry else None
            row.values[eb] = (EBValue(flux, entry.get("error_jy"), entry.get(freq_key))
                              if flux is not None else None)
        rows.append(_finish(row, tolerance))
    return rows


def compare_flux_densities(per_eb: PerEB, tolerance: float) -> list[ComparisonRow]:
    """One row per source and spw: each EB's flux, the SB mean, ratios and flags."""
    return _compare(per_eb, "flux_densities", ("spw",), "freq_hz", tolerance)


def compare_fitted_spectra(per_eb: PerEB, tolerance: float) -> list[ComparisonRow]:
    """One row per source: each EB's fitted flux, taken at the first EB's reference frequency.

    Fits of different EBs may have different reference frequencies; each is moved to the
    common one with its own spectral index, S(f0) = S * (f0 / f_ref) ** alpha, before
    comparing (the error is scaled by the same factor).
    """
    rows = _compare(per_eb, "fitted_spectra", (), "ref_freq_hz", tolerance)
    fits = {eb: _labelled(facts.get("fitted_spectra") or [], ()) for eb, facts in per_eb.items()}
    for row in rows:
        f0 = next((v.freq_hz for v in row.values.values() if v and v.freq_hz), None)
        if f0 is None:
            continue
        for eb, value in row.values.items():
            fit = fits[eb].get((row.source,))
            if value is None or not value.freq_hz or fit is None or fit.get("spidx") is None:
                continue
            scale = (f0 / value.freq_hz) ** fit["spidx"]
            err = value.error_jy * scale if value.error_jy is not None else None
            row.values[eb] = EBValue(value.flux_jy * scale, err, f0)
        _finish(row, tolerance)
    return rows


def plot_flux_comparison(per_eb: PerEB, path: Path, title: str | None = None) -> Path:
    """Plot flux density against frequency per EB (one panel per source); PNG or SVG.

    Each EB has one colour: its per-spw flux densities with error bars, and its fitted
    spectrum as a line S * (f / f0) ** alpha over the plotted frequency range.
    """
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"{path}: the plot must be .png or .svg")
    fig = draw_flux_comparison(per_eb, title)
    if path.suffix.lower() == ".png":
        fig.savefig(path, dpi=110)
    else:
        fig.savefig(path, metadata=SVG_METADATA)
    return path


def draw_flux_comparison(per_eb: PerEB, title: str | None = None) -> Any:
    """:func:`plot_flux_comparison`'s figure, drawn on this thread's reused figure (see
    :func:`~qa2docs.render.figures.reused_figure`: save it before the next call)."""
    from matplotlib import rcParams

    rows = compare_flux_densities(per_eb, tolerance=math.inf)
    fits = {eb: _labelled(facts.get("fitted_spectra") or [], ()) for eb, facts in per_eb.items()}
    sources = sorted({r.source for r in rows} | {k[0] for f in fits.values() for k in f})
    ncols = min(3, max(1, len(sources)))
    nrows = max(1, math.ceil(len(sources) / ncols))
    fig, axes = reused_figure("flux comparison", nrows, ncols, _build,
                              5.2 * ncols, 3.9 * nrows)
    colours = rcParams["axes.prop_cycle"].by_key()["color"]
    markers = "osD^vP*X"
    for panel, (ax, source) in enumerate(zip(axes, sources)):
        src_rows = [r for r in rows if r.source == source]
        freqs = [v.freq_hz for r in src_rows for v in r.values.values() if v and v.freq_hz]
        freqs += [f["ref_freq_hz"] for t in fits.values() for k, f in t.items()
                  if k[0] == source and f.get("ref_freq_hz")]
        lo, hi = (min(freqs) / 1e9, max(freqs) / 1e9) if freqs else (0.0, 1.0)
        pad = max((hi - lo) * 0.08, 0.5)
        for i, eb in enumerate(per_eb):
            colour, marker = colours[i % len(colours)], markers[i % len(markers)]
            pts = [(r.values[eb], r.spw) for r in src_rows if r.values.get(eb)]
            pts = [(v, spw) for v, spw in pts if v.freq_hz]
            drawn = []
            if pts:
                bars = ax.errorbar([v.freq_hz / 1e9 for v, _ in pts],
                                   [v.flux_jy for v, _ in pts],
                                   yerr=[v.error_jy or 0 for v, _ in pts], fmt=marker,
                                   color=colour, capsize=3, label=eb)
                drawn += bars.get_children()
            fit = fits[eb].get((source,))
            if fit and fit.get("ref_freq_hz") and fit.get("flux_jy") is not None:
                alpha = fit.get("spidx") or 0.0
                f0 = fit["ref_freq_hz"] / 1e9
                xs = [lo - pad + (hi - lo + 2 * pad) * k / 50 for k in range(51)]
                drawn += ax.plot(xs, [fit["flux_jy"] * (x / f0) ** alpha for x in xs], "-",
                                 color=colour, alpha=0.8,
                                 label=f"{eb} fit: {fit['flux_jy']:.4g} Jy, α={alpha:.3g}")
            for n, artist in enumerate(drawn):
                artist.set_gid(f"{_eb_gid(i)}{panel}-{n}")
        ax.set_title(source, y=1.0)  # no automatic placement: it measures every label
        ax.set_xlabel("Frequency [GHz]")
        ax.set_ylabel("Flux density [Jy]")
        marker_legend(ax, fontsize="x-small")
    for ax in axes[len(sources):]:
        ax.set_visible(False)
    fig.suptitle(title or _title(list(per_eb), one_line=ncols > 1))
    return fig


EB_GID = "qa2docs-eb"
"""How the SVG names what one EB draws: ``qa2docs-eb<index>-<panel>-<n>``, *index* in the
order of *per_eb*; :func:`emphasise_eb` picks out one EB by it."""
FADED_OPACITY = 0.2
"""The other EBs' points and fits beside the one :func:`emphasise_eb` picks out."""


def _eb_gid(index: int) -> str:
    return f"{EB_GID}{index}-"


def emphasise_eb(svg: bytes, index: int) -> bytes:
    """The comparison figure's SVG with the *index*-th EB of its *per_eb* in full colour and
    every other EB faded: one rule added to the SVG's own style sheet, so an EB report shows
    its EB among the others from the one drawing of the SB's figure. The legend stays whole.
    An SVG without that style sheet (another matplotlib) comes back as it is."""
    rule = (f'g[id^="{EB_GID}"]{{opacity:{FADED_OPACITY}}}'
            f'g[id^="{_eb_gid(index)}"]{{opacity:1}}')
    head, sep, tail = svg.partition(b"</style>")
    return head + rule.encode() + sep + tail if sep else svg


def _build(fig: Any, axes: list) -> None:
    """What every comparison figure shares: margins, grids, and at most 6 ticks an axis
    (matplotlib's choice for a panel this wide crowds 8 - 9 labels)."""
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.locator_params(nbins=5)
    fixed_margins(fig, left=0.75, right=0.2, bottom=0.55, top=0.85, wspace=0.3, hspace=0.45)


def _title(ebs: list[str], one_line: bool = True) -> str:
    """The seed's caption: "... derived from two different execution blocks (X66d, Xa12)"; in
    two lines over a figure of one panel, too narrow for it."""
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    n = len(ebs)
    count = words.get(n, str(n)) + (" different" if n > 1 else "")
    gap = " " if one_line else "\n"
    return (f"Comparison of flux density scales derived{gap}from {count} execution "
            f"block{'s' if n != 1 else ''} ({', '.join(ebs)})")
