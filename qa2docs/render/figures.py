"""matplotlib figures built once per thread and drawn again with new data.

A report draws the same kinds of figure for every EB and SB: building a Figure, its axes,
their ticks and grid costs as much as drawing it. :func:`reused_figure` keeps one figure per
kind (and grid of panels) per thread and, on each later call, takes off everything the
previous drawing put on it (lines, error bars, legend, titles, data limits), so the figure
comes back as it was built: drawing A then B gives B's SVG byte for byte, as a fresh figure
would (tests/test_figures.py). Drawings give every artist its colour, so the property cycle
never moves (resetting it costs more than a figure's legend). The caller draws on the axes
and calls :func:`svg_bytes` (or ``fig.savefig``) before asking for the same kind again.

matplotlib is imported when a figure is first asked for.
"""

from __future__ import annotations

import io
import threading
from typing import Any, Callable

_figures = threading.local()
"""Per thread (a dask worker may run SB roots in threads): kind -> (figure, axes)."""

SVG_METADATA = {"Date": None, "Creator": "qa2docs"}
"""No date in the SVG: the same data draws the same bytes."""


def svg_settings() -> None:
    """Stable ids and plain text (``<text>``, no glyph paths) in every SVG figure."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "qa2docs"
    matplotlib.rcParams["svg.fonttype"] = "none"


def fixed_margins(fig: Any, left: float, right: float, bottom: float, top: float,
                  wspace: float | None = None, hspace: float | None = None) -> None:
    """Margins of a matplotlib figure in inches, set once. A tight or constrained layout
    measures every label on each draw: half the time of a report's figure (~0.1 s each)."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h,
                        wspace=wspace, hspace=hspace)


def marker_legend(ax: Any, **kwargs: Any) -> Any:
    """``ax.legend(**kwargs)`` with each error-bar series shown by its marker alone (no error
    bar glyph): matplotlib's error-bar legend entry builds half a dozen artists and copies
    their marker styles, ~8 % of a report figure's time."""
    from matplotlib.container import ErrorbarContainer

    handles, labels = ax.get_legend_handles_labels()
    handles = [h[0] if isinstance(h, ErrorbarContainer) and h[0] is not None else h
               for h in handles]
    return ax.legend(handles, labels, **kwargs)


def reused_figure(kind: str, nrows: int, ncols: int, build: Callable[[Any, list], None],
                  width: float, height: float) -> tuple[Any, list]:
    """The figure of *kind* with *nrows* x *ncols* panels (a flat list of axes, all visible
    and empty), built by ``build(fig, axes)`` the first time in this thread: margins, grid,
    anything every drawing of the kind shares."""
    svg_settings()
    cache = _figures.__dict__.setdefault("by_kind", {})
    key = (kind, nrows, ncols, width, height)
    if key in cache:
        fig, axes = cache[key]
        if fig.get_suptitle():
            fig.suptitle("")  # an empty text draws nothing
        for ax in axes:
            _empty(ax)
        return fig, axes
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = list(grid.flat)
    build(fig, axes)
    _svg_canvas(fig)
    _pin_xlabels(fig, axes)
    cache[key] = fig, axes
    return fig, axes


def _pin_xlabels(fig: Any, axes: list) -> None:
    """Put each x-axis label where matplotlib places it, for good: its place depends only on
    the height of one line of tick labels, but matplotlib measures every tick label again on
    each drawing to find it."""
    fig.draw_without_rendering()
    for ax in axes:
        _, y = ax.xaxis.label.get_position()  # in pixels, below the axes
        ax.xaxis.set_label_coords(0.5, ax.transAxes.inverted().transform((0, y))[1])


def _empty(ax: Any) -> None:
    """Take off what a drawing put on *ax*: back to the state :func:`reused_figure` built."""
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
        artist.remove()
    ax.containers.clear()
    if (legend := ax.get_legend()) is not None:
        legend.remove()
    ax.set_title("")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.relim()
    ax.set_autoscale_on(True)
    ax.set_visible(True)


def svg_bytes(fig: Any) -> bytes:
    """The figure as SVG (no date in it), written as text: into a bytes buffer matplotlib
    would encode each of its ~2,000 small writes through a codec."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=SVG_METADATA)
    return buf.getvalue().encode("utf-8")


METRICS_KEPT = 4096
"""Text sizes kept per thread (a figure measures a few dozen strings)."""


def _svg_canvas(fig: Any) -> None:
    """Give *fig* a canvas whose SVG renderer measures each string once per thread, not once
    per drawing (matplotlib keeps text sizes per renderer, and makes a new renderer for each
    savefig: measuring its texts was half the time of saving a report figure). The SVG is
    byte for byte matplotlib's own (tests/test_figures.py)."""
    import codecs

    from matplotlib import cbook
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG

    metrics: dict[tuple, tuple[float, float, float]] = _figures.__dict__.setdefault(
        "metrics", {})

    class Renderer(RendererSVG):
        def get_text_width_height_descent(self, s, prop, ismath):
            key = (s, prop.copy(), ismath)
            if key not in metrics:
                if len(metrics) >= METRICS_KEPT:
                    metrics.clear()
                metrics[key] = super().get_text_width_height_descent(s, prop, ismath)
            return metrics[key]

        def _get_font_height_metrics(self, prop):
            # what Text._get_layout reads from the font's tables for every text, once
            key = ("font height", prop.copy())
            if key not in metrics:
                metrics[key] = _font_height_metrics(prop)
            return metrics[key]

    class Canvas(FigureCanvasSVG):
        def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_):
            # FigureCanvasSVG.print_svg with the renderer above (matplotlib passes the
            # keywords its own print_svg does not take only to methods of its own modules)
            with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
                if not cbook.file_requires_unicode(fh):
                    fh = codecs.getwriter("utf-8")(fh)
                dpi = self.figure.dpi
                self.figure.dpi = 72
                width, height = self.figure.get_size_inches()
                renderer = MixedModeRenderer(
                    self.figure, width, height, dpi,
                    Renderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                    bbox_inches_restore=bbox_inches_restore)
                self.figure.draw(renderer)
                renderer.finalize()

    Canvas(fig)


def _font_height_metrics(prop: Any) -> tuple[float | None, ...]:
    """Ascent, descent and line gap of the font *prop* finds, from its OS/2 or hhea table,
    as ``matplotlib.text.Text._get_layout`` computes them at the 72 dpi the figure has while
    this renderer draws it (``print_svg`` above); None each when neither table is there
    (matplotlib then measures "lp")."""
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (
            ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
            ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        # matplotlib's own arithmetic (its figure dpi is 72 here), for the same last digit
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * 72 / 72
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None
