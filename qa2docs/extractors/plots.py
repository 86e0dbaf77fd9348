"""plots: which diagnostic plots exist in an EB dir, for each "checked ...?" item.

The folder names are those the ALMA calibration scripts write (see the corpus scripts):
``<uid>.ms.wvr.plots`` (aU.plotWVRSolutions), ``<uid>.ms.tsys.plots`` (es.checkCalTable) and
``<uid>.ms.tsys.plots.overlayTime[BeforeTsysFlag]`` (aU.plotbandpass), and
``<uid>.ms.split.<caltable>.plots`` from es.checkCalTable for ``ap_pre_bandpass``,
``bandpass``, ``bandpass_smooth20ch``, ``phase_int`` / ``phase_short_int``, ``ampli_inf`` /
``ampli_short_inf`` / ``flux_inf`` and ``phase_inf``; plus the plotms model-amplitude-vs-
uvdist files ``<uid>.ms.split.setjy.field<N>.png``. Other folders whose name holds ``plots``
and loose plot files (png, jpg, pdf) in the EB dir are matched by name (``uvdist``,
``weight``, ``uvdata``/``plotms``/``summary``). Unmatched plots (e.g. ``flagcmd.png``) give
no fact.

Fact ids: ``plots.<item id>`` (``plots.apriori.wvr``, ``plots.bandpass.smooth``, ...), value
= sorted list of plot file paths relative to the EB dir (posix), rank 20. No plot, no fact:
qa2docs never ticks these items, it only names the plots (DESIGN 4.2).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

from qa2docs.extractors.base import Extractor
from qa2docs.models.facts import Fact, make_fact

RANK_PLOTS = 20
PLOT_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".pdf"})

# First match wins, so the specific names come before the general ones
# ("ap_pre_bandpass" and "bandpass_smooth20ch" both contain "bandpass").
ITEM_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (item, re.compile(pattern)) for item, pattern in (
        ("bandpass.smooth", r"bandpass_?smooth|bandpass\.smooth"),
        ("bandpass.ap_pre_bandpass", r"ap_pre_bandpass"),
        ("bandpass.bandpass", r"bandpass"),
        ("gaincal.phase_int", r"phase(?:_short)?_int(?![a-z])"),
        ("gaincal.ampli_inf", r"ampli(?:_short)?_inf|flux_inf"),
        ("gaincal.phase_inf", r"phase(?:_short)?_inf"),
        ("apriori.wvr", r"wvr"),
        ("apriori.tsys", r"tsys"),
        ("apriori.weights", r"weight"),
        ("flagging.model_amp_uvdist", r"uvdist|setjy"),
        ("gaincal.uvdata", r"uvdata|plotms|summary"),
    ))


def plot_item(name: str) -> str | None:
    """The checklist item a plot folder or file *name* belongs to, or None."""
    key = name.lower()
    # the part after the MS name: uids are hex after X, but SB or MS names are free text
    key = key.rpartition(".ms.")[2] if ".ms." in key else key
    for item, pattern in ITEM_RULES:
        if pattern.search(key):
            return item
    return None


def _is_casa_table(folder: Path) -> bool:
    return (folder / "table.dat").is_file()


def _plot_files(folder: Path) -> Iterator[Path]:
    """Plot files below *folder*, not descending into CASA tables."""
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _is_casa_table(Path(top) / d))
        for name in sorted(files):
            if Path(name).suffix.lower() in PLOT_SUFFIXES:
                yield Path(top) / name


class PlotsExtractor(Extractor):
    """Names the diagnostic plots of an EB dir per "checked ...?" checklist item."""

    name = "plots"
    patterns = ("*.plots", "*.plots.*", "*.png", "*.jpg", "*.jpeg", "*.pdf")
    reads_dirs = True
    """Folders matching the patterns come here too (see discover)."""

    def __init__(self) -> None:
        super().__init__()
        self._done: set[Path] = set()

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield ``plots.<item>`` facts for the EB dir *path* (or the EB dir of a plot / plot
        folder); an EB dir already read by this instance gives nothing more."""
        is_plot_input = path.is_file() or "plots" in path.name.lower()
        eb_dir = (path.parent if is_plot_input else path).resolve()
        if eb_dir in self._done or not eb_dir.is_dir():
            return
        self._done.add(eb_dir)
        found: dict[str, list[str]] = {}
        for plot, keys in self._candidates(eb_dir):
            item = next((i for i in map(plot_item, keys) if i), None)
            if item is not None:
                found.setdefault(item, []).append(plot.relative_to(eb_dir).as_posix())
        for item in sorted(found):
            paths = sorted(found[item])
            folders = {p.partition("/")[0] for p in paths if "/" in p}
            where = folders.pop() if len(folders) == 1 and all("/" in p for p in paths) else "."
            yield make_fact(f"plots.{item}", paths, self.name, where,
                            excerpt="\n".join(paths), rank=RANK_PLOTS,
                            note=f"{len(paths)} plot file(s)")

    @staticmethod
    def _candidates(eb_dir: Path) -> Iterator[tuple[Path, list[str]]]:
        """(plot file, names to match: its plot folder's, then its own path) in the EB dir."""
        with os.scandir(eb_dir) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for found in entries:
            entry = eb_dir / found.name
            is_file, is_dir = _kinds(found, entry)
            if is_file and entry.suffix.lower() in PLOT_SUFFIXES:
                yield entry, [entry.name]
            elif is_dir and "plots" in entry.name.lower() and not _is_casa_table(entry):
                for plot in _plot_files(entry):
                    yield plot, [entry.name, plot.relative_to(entry).as_posix()]


def _kinds(found: os.DirEntry[str], path: Path) -> tuple[bool, bool]:
    """``(path.is_file(), path.is_dir())``: from the listing (no ``stat``) unless a link."""
    if found.is_symlink():
        return path.is_file(), path.is_dir()
    return found.is_file(), found.is_dir()
