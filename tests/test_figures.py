"""Figures drawn again on a reused matplotlib figure carry nothing of the previous drawing."""

from __future__ import annotations

import threading

import pytest

from qa2docs.criteria.fluxcompare import draw_flux_comparison
from qa2docs.render.figures import svg_bytes

pytest.importorskip("matplotlib")


def _fluxes(scale: float, sources: dict[str, float]) -> tuple[list[dict], list[dict]]:
    """Per-spw flux densities and fits of *sources* (name -> flux at 100 GHz) times *scale*."""
    rows = [{"source": s, "spw": spw, "freq_hz": (90 + 4 * spw) * 1e9,
             "flux_jy": scale * f * (1 + 0.01 * spw), "error_jy": 0.02 * f}
            for s, f in sources.items() for spw in range(4)]
    fits = [{"source": s, "flux_jy": scale * f, "ref_freq_hz": 100e9, "spidx": -0.7}
            for s, f in sources.items()]
    return rows, fits


# A: two calibrators, three EBs with fits; B: two sources, two EBs without fits
A = _fluxes(1.0, {"J0001+0001": 12.0, "J0002+0002": 0.3})
B = _fluxes(0.9, {"J1751+0939": 2.2})
A_EBS = {f"X{i}": {"flux_densities": _fluxes(1 + 0.03 * i, {"J0001+0001": 12.0,
                                                           "J0002+0002": 0.3})[0],
                   "fitted_spectra": A[1]} for i in range(3)}
B_EBS = {f"Y{i}": {"flux_densities": _fluxes(1 + 0.05 * i, {"J1751+0939": 2.2,
                                                           "J1851+0035": 0.28})[0],
                   "fitted_spectra": []} for i in range(2)}


def _fresh(draw):
    """What *draw* gives on a thread that has drawn nothing (its own, new figures)."""
    out = []
    thread = threading.Thread(target=lambda: out.append(draw()))
    thread.start()
    thread.join()
    return out[0]


def test_flux_comparison_drawn_after_another_equals_a_fresh_drawing():
    first = svg_bytes(draw_flux_comparison(A_EBS))
    second = svg_bytes(draw_flux_comparison(B_EBS))
    assert b"X2 fit" in first and b"X2" not in second and b"Y1" in second
    assert second == _fresh(lambda: svg_bytes(draw_flux_comparison(B_EBS)))
    assert svg_bytes(draw_flux_comparison(A_EBS)) == first


def test_a_comparison_shows_the_panels_an_earlier_one_hid():
    def ebs(n_sources: int) -> dict:
        names = {f"J000{k}+000{k}": 1.0 + k for k in range(n_sources)}
        return {f"X{i}": {"flux_densities": _fluxes(1 + 0.02 * i, names)[0],
                          "fitted_spectra": []} for i in range(2)}

    four = draw_flux_comparison(ebs(4))  # 2 x 3 panels, two hidden
    assert [ax.get_visible() for ax in four.axes] == [True] * 4 + [False] * 2
    svg_bytes(four)
    five = draw_flux_comparison(ebs(5))  # the same 2 x 3 figure, one hidden
    assert five is four
    assert [ax.get_visible() for ax in five.axes] == [True] * 5 + [False]
    assert svg_bytes(five) == _fresh(lambda: svg_bytes(draw_flux_comparison(ebs(5))))


def test_the_svg_is_matplotlibs_own():
    """The canvas that keeps text sizes across drawings writes what matplotlib's does."""
    import io

    fig = draw_flux_comparison(A_EBS)
    ours = svg_bytes(fig)
    theirs = io.BytesIO()
    fig.savefig(theirs, format="svg", backend="svg", metadata={"Date": None,
                                                                "Creator": "qa2docs"})
    assert ours == theirs.getvalue()
    assert svg_bytes(draw_flux_comparison(A_EBS)) == ours  # sizes now from the kept ones


def test_the_legend_shows_each_error_bar_series_by_its_marker():
    """One marker per series in the legend (matplotlib's error-bar entry is six artists),
    the fits as lines, in the order drawn."""
    from matplotlib.lines import Line2D

    fig = draw_flux_comparison(A_EBS)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()][:2] == ["X0 fit: 12 Jy, α=-0.7",
                                                              "X1 fit: 12 Jy, α=-0.7"]
    assert all(type(h) is Line2D for h in legend.legend_handles)
    markers = [h.get_marker() for h in legend.legend_handles if h.get_linestyle() == "None"]
    assert markers == ["o", "s", "D"]
    svg_bytes(fig)


def test_the_pinned_x_labels_sit_where_matplotlib_puts_them(monkeypatch):
    """Each x-axis label is placed once (matplotlib would measure every tick label on each
    drawing to place it): the SVG is the one with matplotlib's own placement."""
    from qa2docs.render import figures

    fig = draw_flux_comparison(B_EBS)
    assert not any(ax.xaxis._autolabelpos for ax in fig.axes)
    pinned = svg_bytes(fig)
    monkeypatch.setattr(figures, "_pin_xlabels", lambda fig, axes: None)
    auto = _fresh(lambda: (f := draw_flux_comparison(B_EBS),
                           [ax.xaxis._autolabelpos for ax in f.axes], svg_bytes(f)))
    assert auto[1] == [True, True]
    assert auto[2] == pinned


def test_an_eb_is_picked_out_of_the_comparison_by_a_rule_in_the_svg():
    """Each EB report shows the SB's figure with its EB in full colour: every artist an EB
    draws is in a group named after its index, and one style rule fades the others."""
    import re

    from qa2docs.criteria.fluxcompare import emphasise_eb

    svg = svg_bytes(draw_flux_comparison(A_EBS))
    ids = re.findall(rb'<g id="qa2docs-eb(\d+)-(\d+)-(\d+)"', svg)
    # per EB and panel: the points, two cap lines, the bars, the fit
    assert sorted({(eb, panel) for eb, panel, _ in ids}) == [
        (str(i).encode(), str(p).encode()) for i in range(3) for p in range(2)]
    assert len(ids) == len(set(ids)) == 3 * 2 * 5
    picked = emphasise_eb(svg, 1)
    assert picked.replace(b'g[id^="qa2docs-eb"]{opacity:0.2}g[id^="qa2docs-eb1-"]{opacity:1}',
                          b"", 1) == svg
    assert picked.index(b"opacity:0.2") < picked.index(b"</style>") < picked.index(b"<g ")
    assert emphasise_eb(b"<svg><g/></svg>", 0) == b"<svg><g/></svg>"  # no style sheet


def test_a_one_panel_comparison_breaks_its_title_in_two_lines():
    assert "derived from three" in draw_flux_comparison(A_EBS).get_suptitle()  # 2 panels
    assert "derived\nfrom" in draw_flux_comparison(
        {"X0": {"flux_densities": B_EBS["Y0"]["flux_densities"][:4]}}).get_suptitle()


def test_each_eb_report_gets_the_one_drawing_with_its_eb_picked_out(monkeypatch):
    """FluxFigure draws the SB's comparison once; an EB with fluxes gets it with a rule that
    picks it out, an EB without any gets a reason instead, a lone EB the figure as it is."""
    import base64
    from types import SimpleNamespace

    from qa2docs.collect.factset import FactSet
    from qa2docs.criteria import fluxcompare
    from qa2docs.models.facts import make_fact
    from qa2docs.report.plots import FluxFigure

    def factset(name, values):
        facts = {k: make_fact(k, v, "test", "f") for k, v in values.items()}
        return FactSet(name, facts, list(facts.values()), [], [])

    drawn = []
    real = fluxcompare.draw_flux_comparison
    monkeypatch.setattr(fluxcompare, "draw_flux_comparison",
                        lambda per_eb: drawn.append(list(per_eb)) or real(per_eb))
    ebs = [SimpleNamespace(short=s) for s in ("Y0", "Y1", "Y2")]
    sets = [factset("Y0", B_EBS["Y0"]), factset("Y1", B_EBS["Y1"]), factset("Y2", {})]
    figure = FluxFigure(SimpleNamespace(ebs=ebs), sets, factset("sb", {}))
    svg = lambda image: base64.b64decode(image.src.split(",", 1)[1])  # noqa: E731
    whole = svg(figure.whole())
    second = svg(figure.for_eb(ebs[1]))
    assert second == fluxcompare.emphasise_eb(whole, 1) != whole
    assert svg(figure.for_eb(ebs[0])) == fluxcompare.emphasise_eb(whole, 0)
    assert figure.for_eb(ebs[2]).src is None
    assert figure.for_eb(ebs[2]).missing == "no fluxscale result with a frequency to plot"
    assert drawn == [["Y0", "Y1"]]  # one drawing for the SB and every EB

    alone = FluxFigure(SimpleNamespace(ebs=ebs[:1]), sets[:1], factset("sb", {}))
    assert svg(alone.for_eb(ebs[0])) == svg(alone.whole())  # nothing to fade
