"""``qa2docs fluxscale``: an EB's fluxscale results (as qa2_fluxscale.sh prints them), the SB
comparison table (as qa2.fluxscale(sb=True)) and the comparison figure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from qa2docs.errors import LayoutError, Qa2DocsError

# Frequencies of one spw that differ by more than this between EBs are pointed out.
_FREQ_MISMATCH = 0.01


@dataclass
class FluxInputs:
    """The fluxscale results to show: per EB (short id), with the SB's name and bands."""

    title: str
    per_eb: dict[str, dict[str, list]]
    pastes: dict[str, str]
    """Per EB, the result lines as the .fluxscale file (or casa log) has them."""
    bands: list[int]
    cycle: int | None
    eb_dir: bool
    """Whether PATH is one EB dir (rather than an SB root or a path above the EBs)."""


def gather(path: Path, whole_sb: bool) -> FluxInputs:
    """The fluxscale facts of the EB at *path*, or of every EB of its SB."""
    from qa2docs import api
    from qa2docs.criteria.flux_table import per_eb_fluxes
    from qa2docs.discover.layout import discover, uid_of_dir

    path = Path(path)
    if not path.exists():
        raise LayoutError(f"{path}: no such file or directory")
    try:
        sb = discover(path)
    except LayoutError:
        found = uid_of_dir(path) if path.is_dir() else None
        if found is None:
            raise
        fs = api.extract_dir(path, found[0])
        name = found[0].rsplit("_", 1)[-1]
        return FluxInputs(found[0], per_eb_fluxes([(_Named(name), fs)]),
                          {name: _paste(fs)}, _bands([fs]), None, True)
    resolved = path.resolve()
    in_eb = [eb for eb in sb.ebs if resolved == eb.dir.resolve()
             or eb.dir.resolve() in resolved.parents]
    ebs = sb.ebs if whole_sb or not in_eb else in_eb
    factsets = [(eb, api.eb_facts(eb)) for eb in ebs]
    sb_facts = api.sb_facts(sb).facts if whole_sb else None
    project = api.load_project_of(sb)
    return FluxInputs(sb.name, per_eb_fluxes(factsets, sb_facts),
                      {eb.short: _paste(fs) for eb, fs in factsets},
                      _bands([fs for _, fs in factsets]),
                      project.effective_cycle if project else None, bool(in_eb))


@dataclass
class _Named:
    short: str


def _paste(fs: Any) -> str:
    fact = fs.facts.get("gaincal.fluxscale_paste")
    if fact is None:
        return ""
    return fact.value if isinstance(fact.value, str) else "\n".join(fact.value)


def _bands(factsets: list[Any]) -> list[int]:
    out: set[int] = set()
    for fs in factsets:
        if "bands" in fs.facts:
            out.update(int(b) for b in fs.facts["bands"].value)
    return sorted(out)


def eb_lines(inputs: FluxInputs) -> str:
    """The result lines of each EB; a header line per EB when there are several."""
    blocks = []
    for eb, paste in inputs.pastes.items():
        if not paste:
            continue
        head = f"# {eb}\n" if len(inputs.pastes) > 1 else ""
        blocks.append(head + paste.rstrip("\n") + "\n")
    return "\n".join(blocks)


def _cell(value: Any, ratio: float | None, flagged: bool) -> str:
    if value is None:
        return f"{'-':>22} {'':>7}"
    err = f" +/- {value.error_jy:.3g}" if value.error_jy is not None else ""
    mark = "*" if flagged else " "
    return f"{value.flux_jy:>9.6g}{err:<13} {ratio:>6.3f}{mark}"


def comparison_table(inputs: FluxInputs, tolerance: float) -> str:
    """Every source and spw (then the fits) across the EBs: value, error, ratio to the SB
    mean, ``*`` where the ratio is outside 1 +/- *tolerance*."""
    from qa2docs.criteria.fluxcompare import (
        compare_fitted_spectra,
        compare_flux_densities,
    )

    ebs = list(inputs.per_eb)
    rows = (compare_flux_densities(inputs.per_eb, tolerance)
            + compare_fitted_spectra(inputs.per_eb, tolerance))
    rows.sort(key=lambda r: (r.source, r.spw is None, r.spw if r.spw is not None else 0))
    width = max([len("source")] + [len(r.source) for r in rows])
    head = (f"{'source':<{width}} {'spw':>4} {'freq(GHz)':>9}  "
            + "  ".join(f"{eb + ' (Jy)':<22} {'ratio':>7}" for eb in ebs)
            + "  SB mean (Jy)")
    lines = [head, "-" * len(head)]
    notes: set[str] = set()
    for r in rows:
        freq = f"{r.freq_hz / 1e9:9.3f}" if r.freq_hz else f"{'-':>9}"
        cells = "  ".join(_cell(r.values.get(eb), r.ratios.get(eb), eb in r.flagged)
                          for eb in ebs)
        mean = (f"{r.mean_jy:.6g}" + (f" +/- {r.mean_error_jy:.3g}" if r.mean_error_jy else "")
                if r.mean_jy is not None else "-")
        extra = ""
        if r.weighting == "unweighted" and r.mean_jy is not None and len(r.ratios) > 1:
            extra, _ = " (unweighted)", notes.add("unweighted")
        freqs = ([v.freq_hz for v in r.values.values() if v is not None and v.freq_hz]
                 if r.spw is not None else _fit_freqs(inputs, r.source))
        if freqs and (max(freqs) - min(freqs)) / max(freqs) > _FREQ_MISMATCH:
            extra += " !freq"
            notes.add("freq")
        spw = "fit" if r.spw is None else str(r.spw)
        lines.append(f"{r.source:<{width}} {spw:>4} {freq}  {cells}  {mean}{extra}".rstrip())
    lines.append("")
    lines.append(f"* outside the SB mean +/- {100 * tolerance:.0f}%; ratio = EB value / SB mean "
                 "(inverse-variance weighted); fit rows compare the fitted flux at the first "
                 "EB's reference frequency.")
    if "unweighted" in notes:
        lines.append("(unweighted): an EB value without an error; the plain mean is used.")
    if "freq" in notes:
        lines.append("!freq: the EBs' frequencies of this spw (or of the fits) differ by more "
                     "than 1%: check that the spw numbering matches; fits are extrapolated.")
    return "\n".join(lines) + "\n"


def _fit_freqs(inputs: FluxInputs, source: str) -> list[float]:
    """The reference frequencies of *source*'s fits in the EBs, as fluxscale gave them."""
    return [f["ref_freq_hz"] for v in inputs.per_eb.values() for f in v["fitted_spectra"]
            if f.get("source") == source and f.get("ref_freq_hz")]


def _tolerance(inputs: FluxInputs, given: float | None) -> tuple[float, str]:
    if given is not None:
        return given, "given with --tolerance"
    from qa2docs.criteria.tolerances import load_tolerances

    tol = load_tolerances(inputs.cycle)
    spread = tol.flux_spread(inputs.bands)
    if spread is None:
        return 0.10, "band unknown: 10% used"
    return spread[0], f"Band {'/'.join(map(str, inputs.bands))}; {tol.cite(spread[1])}"


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@click.option("--sb", "whole_sb", is_flag=True,
              help="Compare every EB of the SB: value, error, ratio to the SB mean, flags.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the comparison figure (flux density vs frequency per EB) as .png or .svg.")
@click.option("--tolerance", type=click.FloatRange(0, 1, min_open=True),
              help="Flag ratios outside 1 +/- this fraction [default: the band's, from the "
                   "tolerance file].")
def fluxscale(path: Path, whole_sb: bool, plot: Path | None, tolerance: float | None) -> None:
    """Show fluxscale results: one EB's lines, or the SB comparison table.

    In an EB dir, prints the 'Flux density for ...' lines, then the fitted spectra, as the
    seed's qa2_fluxscale.sh does (ready to paste into the checklist). With --sb, a table
    compares every EB of the SB per source and spw (EBs without a .fluxscale file are taken
    from the flux equalisation table when there is one). --plot writes the seed's
    "Comparison of flux density scales derived from ... execution blocks" figure.

    \b
    Example:
        cd B6_IRAS12345/B6_IRAS12345/X66d && qa2docs fluxscale
        qa2docs fluxscale B6_IRAS12345 --sb --plot fluxscale.png
    """
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter(f"{plot}: the plot must be a .png or .svg file",
                                 param_hint="--plot")
    inputs = gather(path, whole_sb)
    if not any(v["flux_densities"] or v["fitted_spectra"] for v in inputs.per_eb.values()):
        raise Qa2DocsError(f"{path}: no fluxscale results found (no *.fluxscale file, no "
                           "fluxscale lines in a casa log, no flux equalisation table)")
    if whole_sb or not inputs.eb_dir:
        if whole_sb:
            frac, why = _tolerance(inputs, tolerance)
            click.echo(f"Flux density scales of SB {inputs.title}: {len(inputs.per_eb)} EB(s); "
                       f"tolerance {100 * frac:.0f}% ({why})\n")
            click.echo(comparison_table(inputs, frac), nl=False)
        else:
            click.echo(eb_lines(inputs), nl=False)
    else:
        click.echo(eb_lines(inputs), nl=False)
    if plot is not None:
        from qa2docs.criteria.fluxcompare import plot_flux_comparison

        plot_flux_comparison(inputs.per_eb, plot)
        click.echo(f"wrote {plot}", err=True)
