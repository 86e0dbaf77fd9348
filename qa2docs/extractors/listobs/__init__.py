"""listobs: the CASA listobs summary of an MS, as a bare listfile or inside a casa log.

Reads the layouts written by casapy 4.x and CASA 5/6 (``Ch0(MHz)`` or ``Ch1(MHz)``, with or
without ``CtrFreq(MHz)`` / ``BBC Num``, verbose or short antenna lists, several
ObservationIDs) and the same text embedded in a casa log, where every line carries the
prefix ``DATE TIME<TAB>INFO<TAB>listobs::...<TAB>`` (or spaces, when copied from the logger).
A log may hold several listobs runs: each gives its own facts, in file order.

Fact ids and value shapes (times are ISO 8601 UTC, ``YYYY-MM-DDTHH:MM:SS.sZ``, with the
tenths of a second that listobs prints, e.g. ``2024-06-02T05:05:37.0Z``):

- ``ms_name`` str: the MS file name (the full path is in the excerpt).
- ``observer`` str, ``project_uid`` str (``uid://A001/X35f1/X1a4``).
- ``data_records`` int: the ``Data records`` count (extra id).
- ``observation`` {``start``, ``end``, ``total_elapsed_s`` float, ``on_source_s`` {intent
  without ``#ON_SOURCE``: seconds}}; on-source time is the sum of the listed scan time
  ranges (listobs cannot split a scan into sub-scans), rounded to 0.1 s.
- ``scans`` [{``obs_id``, ``scan``, ``field``, ``field_ids``, ``start``, ``end``,
  ``intents``, ``spws``, ``nrows``}]: rows of one scan (mosaic pointings) are merged.
- ``fields`` [{``id``, ``name``, ``ra``, ``dec``, ``nrows``}] (ra/dec as printed).
- ``spws`` (science windows) and ``all_spws`` (every row): [{``id``, ``name``, ``nchan``,
  ``chan_width_hz`` (signed, as printed), ``total_bw_hz``, ``center_hz``, ``ref_freq_hz``,
  ``band``}]. listobs prints no reference frequency: ``ref_freq_hz`` is Ch0, which is what
  CASA stores as REF_FREQUENCY for ALMA MSs. Science = not WVR / SQLD / CH_AVG and, when the
  scan table has target scans, used by a target scan (raw ALMA MSs also hold the Tsys and
  pointing windows, named ``#FULL_RES`` as well).
- ``bands`` list[int]: ``ALMA_RB_NN`` in the science window names, else the ALMA band whose
  RF range holds the window centre.
- ``correlator_mode`` "TDM" | "FDM" | "both": TDM = 2 GHz windows of 64, 128 or 256 channels.
- ``bandwidth_switching`` bool: phase-calibrator scans use other candidate science spws than
  the target scans (within one ObservationID); no fact without both kinds of scans.
- ``antennas`` [names], ``antenna_count`` int, ``array`` "12m" | "7m" | "TP" | "mixed".
- ``fields_by_intent`` {intent without ``#ON_SOURCE``: [field names]}, ON_SOURCE intents only
  (and CALIBRATE_ATMOSPHERE, whose Cycle 4+ Tsys scans carry only ``#AMBIENT``, ``#HOT`` and
  ``#OFF_SOURCE``).

``listobs(listunfl=True)`` adds an ``nUnflRows`` column to the scans and fields tables: read and
ignored. The summary of a selection (``field=``, ``spw=``, ``scan=``...) gives only what it can
decide and a warning (:mod:`~qa2docs.extractors.listobs.selection`); an MS name quoted in a
document, without a header and table rows after it, is not a summary.

Besides the listfiles, the casa logs (``casapy-*.log``, ``casa-*.log``) are read for embedded
listobs output; a log without any gives no fact and no warning.

Rank (DESIGN 3): 20 for a listfile, 10 for a listobs found in a log; for the split MS's
listobs (``.split`` in the file or MS name) calibration facts get +1 and observation facts
-1, so that the split wins for the former and the raw MS for the latter.

The package: :mod:`~qa2docs.extractors.listobs.parser` reads a summary line by line (its
header, then the tables of :mod:`~qa2docs.extractors.listobs.scans` and
:mod:`~qa2docs.extractors.listobs.tables`) into a
:class:`~qa2docs.extractors.listobs.block.Block`; :mod:`~qa2docs.extractors.listobs.embedded`
finds the summaries in a casa log; this module turns each block into facts.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterator

from qa2docs.errors import ExtractionError
from qa2docs.extractors.base import Extractor
from qa2docs.extractors.listobs.block import Block, iso_utc
from qa2docs.extractors.listobs.embedded import SummaryReader, feed_line
from qa2docs.extractors.listobs.parser import Parser
from qa2docs.extractors.listobs.scans import (
    bandwidth_switching,
    fields_by_intent,
    merge_scans,
    on_source,
    spw_set,
)
from qa2docs.extractors.listobs.selection import CUT_IN_SCANS, selection_reasons, undecided
from qa2docs.extractors.listobs.tables import array_kind, correlator_mode, is_candidate
from qa2docs.models.facts import Fact, make_fact

RANK_LISTFILE = 20
RANK_IN_LOG = 10
CALIBRATION_FACTS = frozenset(
    {"spws", "all_spws", "correlator_mode", "antennas", "antenna_count", "array", "bands"})


class ListobsExtractor(Extractor):
    """Facts from a listobs listfile or from listobs output inside a casa log."""

    name = "listobs"
    patterns = ("*.listobs", "*.listobs.txt", "*.listobs.log", "listobs*.txt",
                "casapy-*.log", "casa-*.log")
    """The listfiles, and the casa logs that may hold listobs output (rank 10)."""

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts of every listobs run found in *path*."""
        path = Path(path)
        reader = self.log_reader(path)
        if reader is not None:
            yield from self.extract_log(path, reader)
            return
        parser = Parser(self, path)
        try:
            with open(path, encoding="latin-1", newline="") as stream:
                for lineno, raw in enumerate(stream, 1):
                    feed_line(parser, lineno, raw.rstrip("\r\n"))
        except OSError as err:
            raise ExtractionError(path, None, f"cannot read listobs file: {err}") from err
        if not any(b.is_summary() for b in parser.blocks) and "listobs" in path.name.lower():
            self.warn(path.name, None, "no listobs summary found")  # a log without one is fine
        yield from self.parser_facts(parser)

    def log_reader(self, path: Path) -> SummaryReader | None:
        """For a casa log, the reader of the listobs summaries printed in it."""
        return SummaryReader(self, Path(path), self.parser_facts) if fnmatch(path.name, "casa*.log") else None

    def parser_facts(self, parser: Parser) -> Iterator[Fact]:
        """The facts of every summary *parser* has read."""
        for block in parser.blocks:
            if block.is_summary():  # not an MS name quoted in some document
                yield from self._block_facts(parser.path, block)

    def _block_facts(self, path: Path, block: Block) -> Iterator[Fact]:
        self._check_counts(path, block)
        reasons = selection_reasons(block)
        skipped = undecided(block, reasons)
        if reasons:
            self.warn(path.name, block.start_line or None,
                      f"listobs of a selection ({'; '.join(reasons)}): not used for "
                      f"{', '.join(sorted(skipped))}")
        if block.scan_rows and "fields" not in block.declared:
            skipped |= CUT_IN_SCANS
            scans = block.evidence["scans"]
            self.warn(path.name, scans.end_line or scans.line,
                      "listobs cut off in its scan table (no Fields table follows): not used "
                      f"for {', '.join(sorted(CUT_IN_SCANS))}")
        base = RANK_IN_LOG if block.embedded else RANK_LISTFILE
        split = ".split" in path.name or ".split" in (block.ms_path or "")
        for field_id, value, key in self._values(block):
            if value is None or field_id in skipped:
                continue
            ev = block.evidence.get(key)
            if ev is None:
                continue
            rank = base + (1 if field_id in CALIBRATION_FACTS else -1) if split else base
            yield make_fact(field_id, value, self.name, path.name, line=ev.line, excerpt=ev.text,
                            end_line=ev.end_line, rank=rank)

    def _check_counts(self, path: Path, block: Block) -> None:
        found = {"fields": len(block.fields), "spws": len(block.spws),
                 "antennas": len(block.antennas)}
        for kind, (declared, line) in block.declared.items():
            if kind in found and found[kind] != declared:
                self.warn(path.name, line,
                          f"{kind}: the header announces {declared}, {found[kind]} rows were read")

    @staticmethod
    def _values(block: Block) -> Iterator[tuple[str, Any, str]]:
        """(fact id, value, evidence key) for one block; None values are skipped."""
        yield "ms_name", Path(block.ms_path).name if block.ms_path else None, "ms_name"
        yield "observer", block.observer or None, "observer"
        yield "project_uid", block.project or None, "observer"
        yield "data_records", block.records, "observation"
        scans = merge_scans(block.scan_rows)
        if block.observed and block.elapsed is not None:
            yield "observation", {
                "start": iso_utc(block.observed[0]), "end": iso_utc(block.observed[1]),
                "total_elapsed_s": block.elapsed, "on_source_s": on_source(scans),
            }, "observation"
        yield "scans", [{
            "obs_id": s["obs_id"], "scan": s["scan"], "field": s["field"],
            "field_ids": s["field_ids"], "start": iso_utc(s["start"]), "end": iso_utc(s["end"]),
            "intents": s["intents"], "spws": s["spws"], "nrows": s["nrows"],
        } for s in scans] or None, "scans"
        yield "fields_by_intent", fields_by_intent(block.scan_rows) or None, "scans"
        yield "fields", block.fields or None, "fields"
        candidates = {s["id"] for s in block.spws if is_candidate(s)}
        target_spws = spw_set(block.scan_rows, "OBSERVE_TARGET", candidates)
        science = [s for s in block.spws
                   if s["id"] in candidates and (not target_spws or s["id"] in target_spws)]
        yield "all_spws", block.spws or None, "spws"
        yield "spws", science or None, "spws"
        bands = sorted({s["band"] for s in science if s["band"] is not None})
        yield "bands", bands or None, "spws"
        yield "correlator_mode", correlator_mode(science), "spws"
        yield "bandwidth_switching", bandwidth_switching(block.scan_rows, candidates), "scans"
        yield "antennas", [a["name"] for a in block.antennas] or None, "antennas"
        yield "antenna_count", len(block.antennas) or None, "antennas"
        yield "array", array_kind(block.antennas), "antennas"
