"""listobs: the line-by-line reader of a summary: its header, then each table in turn."""

from __future__ import annotations

import re
from pathlib import Path

from qa2docs.extractors.base import Extractor
from qa2docs.extractors.listobs.block import Block, Table, stamp
from qa2docs.extractors.listobs.scans import ScanTable
from qa2docs.extractors.listobs.selection import call_selection
from qa2docs.extractors.listobs.tables import (
    AntennaTable,
    FieldTable,
    SourceTable,
    SpwTable,
)

MS_NAME = re.compile(r"MeasurementSet Name:\s*(?P<path>\S+)")
_OBSERVER = re.compile(r"^\s*Observer:\s*(?P<observer>.*?)\s+Project:\s*(?P<project>\S*)")
_RECORDS = re.compile(
    r"Data records:\s*(?P<n>\d+)\s+Total elapsed time\s*=\s*(?P<t>[-+\d.eE]+)\s*seconds")
_OBSERVED = re.compile(r"Observed from\s+(?P<start>\S+)\s+to\s+(?P<end>\S+)\s*\(UTC\)")
_OBS_ID = re.compile(r"ObservationID\s*=\s*(?P<obs>\d+)\s+ArrayID\s*=\s*(?P<arr>\d+)")
_SECTION = re.compile(
    r"^\s*(?P<kind>Fields|Spectral Windows|Sources|Antennas):\s*\(?\s*(?P<n>\d+)?")
_SECTIONS: dict[str, tuple[str, type[Table] | None]] = {
    "Fields": ("fields", FieldTable), "Spectral Windows": ("spws", SpwTable),
    "Sources": ("sources", SourceTable), "Antennas": ("antennas", AntennaTable)}
"""Section title: (kind, reader of its rows)."""


class Parser:
    """Line-by-line state machine over the message text of listobs lines."""

    def __init__(self, extractor: Extractor, path: Path):
        self.extractor = extractor
        self.path = path
        self.blocks: list[Block] = []
        self.table: Table | None = None
        """The reader of the table being read, if any."""
        self.embedded = False
        self.call: str | None = None
        """The selection of the last ``listobs(...)`` call read, for the next summary."""

    def warn(self, line: int | None, message: str) -> None:
        """Record a non-fatal problem at *line* of the file read."""
        self.extractor.warn(self.path.name, line, message)

    def current(self) -> Block:
        """The block being read (a first one is opened if none is)."""
        if not self.blocks:
            self.blocks.append(Block(start_line=0, embedded=self.embedded))
        return self.blocks[-1]

    def feed(self, lineno: int, raw: str, text: str) -> None:
        """Read one message line; *raw* is the whole line, kept as evidence. A line with a
        number Python cannot convert (thousands of digits) is skipped with a warning."""
        try:
            self._feed(lineno, raw, text)
        except ValueError as err:
            self.warn(lineno, f"line skipped: {str(err).split(';')[0]}")

    def _feed(self, lineno: int, raw: str, text: str) -> None:
        if match := MS_NAME.search(text):
            self.blocks.append(Block(lineno, self.embedded, match["path"],
                                     call_selection=self.call))
            self.current().note("ms_name", lineno, raw)
            self.table, self.call = None, None
            return
        if (selection := call_selection(text)) is not None:
            self.call, self.table = selection, None
            return
        if match := _OBSERVER.match(text):
            self.current().observer, self.current().project = match["observer"], match["project"]
            self.current().note("observer", lineno, raw)
        elif match := _RECORDS.search(text):
            self.current().records, self.current().elapsed = int(match["n"]), float(match["t"])
            self.current().note("observation", lineno, raw)
        elif match := _OBSERVED.search(text):
            try:
                self.current().observed = (stamp(match["start"]), stamp(match["end"]))
            except (ValueError, KeyError):
                self.warn(lineno, f"unreadable time range: {text.strip()}")
            self.current().note("observation", lineno, raw)
        elif match := _OBS_ID.search(text):
            self.table = ScanTable(self.warn, self.current, int(match["obs"]))
        elif match := _SECTION.match(text):
            self._open_section(lineno, raw, match)
        elif self.table is not None and not self.table.read(lineno, raw, text):
            self.table = None

    def _open_section(self, lineno: int, raw: str, match: re.Match[str]) -> None:
        kind, table = _SECTIONS[match["kind"]]
        self.table = table(self.warn, self.current) if table is not None else None
        if match["n"] is not None:
            self.current().declared[kind] = (int(match["n"]), lineno)
        if kind != "sources":
            self.current().note(kind, lineno, raw)
