"""listobs: the summaries in a casa log, and the log lines of a listfile copied from one."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Callable, Iterator

from qa2docs.extractors.base import Extractor
from qa2docs.extractors.listobs.block import Block
from qa2docs.extractors.listobs.parser import MS_NAME, Parser
from qa2docs.extractors.listobs.selection import CALL, call_selection
from qa2docs.extractors.logscan import Hit, LogReader, LogScanner, decode_line
from qa2docs.models.facts import Fact

_LOG_PREFIX = re.compile(
    r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\t|\s+)[A-Z]+\d*(?:\t|\s+)"
    r"(?P<origin>\S*)(?:\t| ?)(?P<msg>.*)$")
_LISTOBS_ORIGIN = re.compile(r"^(?:listobs\b|ms::summary)")


def feed_line(parser: Parser, lineno: int, raw: str) -> None:
    """Hand one line of a listfile to *parser*: the message of a listobs log line (a
    listfile may be a copy of the log), the whole of a bare line, nothing of other lines."""
    prefixed = _LOG_PREFIX.match(raw)
    parser.embedded = prefixed is not None
    if prefixed is None:
        parser.feed(lineno, raw, raw)
    elif _LISTOBS_ORIGIN.match(prefixed["origin"]):
        parser.feed(lineno, raw, prefixed["msg"])


class SummaryReader(LogReader):
    """The listobs summaries in a casa log: each starts at a ``MeasurementSet Name`` line
    (rare; found by the shared scan) and runs while the lines are listobs output. The scan
    only notes where each summary starts; :meth:`finish` then reads, for each MS, only its
    last complete summary (the last complete run wins; every summary when none is complete),
    so a log that appends thousands of sessions is not parsed thousands of times."""

    message_starts = (rb"MeasurementSet Name", rb"listobs\s*\(")
    needles = (b"MeasurementSet Name", b"listobs")
    mergeable = True

    def __init__(self, extractor: Extractor, path: Path,
                 facts_of: Callable[[Parser], Iterator[Fact]]) -> None:
        self.parser = Parser(extractor, path)
        super().__init__(self.parser.warn)
        self.facts_of = facts_of
        """Gives the facts of the summaries the parser has read."""
        self.starts: dict[str, list[tuple[int, int]]] = {}
        """(byte offset, line number) of each summary's first line, by MS path."""
        self.calls: list[tuple[int, str]] = []
        """(line number, message) of the echoed ``listobs(...)`` calls that may precede a
        summary: of those with no summary start between them, only the last."""
        self.last_start = 0
        """The line number of the last summary start fed (0: none)."""

    def feed(self, hit: Hit, scanner: LogScanner) -> None:
        """Note where a summary starts, if *hit* is listobs output."""
        prefixed = _LOG_PREFIX.match(decode_line(hit.raw))
        if prefixed is not None and _LISTOBS_ORIGIN.match(prefixed["origin"]):
            if CALL.match(prefixed["msg"]):  # its selection is read if it counts (finish)
                if self.calls and self.calls[-1][0] > self.last_start:
                    self.calls[-1] = (hit.number, prefixed["msg"])  # the earlier cannot count
                else:
                    self.calls.append((hit.number, prefixed["msg"]))
                return
            match = MS_NAME.search(prefixed["msg"])
            ms_path = match["path"] if match else ""
            self.starts.setdefault(ms_path, []).append((hit.offset, hit.number))
            self.last_start = hit.number

    def fresh(self) -> SummaryReader:
        """A reader of a later range (see :meth:`LogReader.fresh`)."""
        new = copy.copy(self)
        new.starts = {}
        new.calls = []
        new.last_start = 0
        return new

    def partial(self) -> tuple[dict[str, list[tuple[int, int]]], list[tuple[int, str]]]:
        """Where the summaries of this range start, and its echoed ``listobs(...)`` calls
        that may precede one."""
        return self.starts, self.calls

    def merge(self, partial: object, lines_before: int, scanner: LogScanner) -> None:
        """Add a later range's summary starts and calls."""
        assert isinstance(partial, tuple)
        starts_of, calls = partial
        for ms_path, starts in starts_of.items():
            self.starts.setdefault(ms_path, []).extend(
                (offset, number + lines_before) for offset, number in starts)
        self.calls.extend((number + lines_before, message) for number, message in calls)
        self.last_start = max([self.last_start] + [number + lines_before for starts in
                                                   starts_of.values() for _, number in starts])

    def finish(self, scanner: LogScanner) -> None:
        """Read the summaries that decide the facts, in file order (see the class doc).
        Long lines elsewhere in the log do not concern the summaries."""
        kept = sorted(start for starts in self.starts.values()
                      for start in _last_complete(self.parser.path, scanner, starts))
        every_start = sorted(n for starts in self.starts.values() for _, n in starts)
        for offset, number in kept:
            self.parser.call = _call_before(self.calls, every_start, number)
            _read_summary(self.parser, scanner, offset, number)

    def facts(self) -> Iterator[Fact]:
        """The facts of every summary read."""
        return self.facts_of(self.parser)


def _call_before(calls: list[tuple[int, str]], starts: list[int], number: int) -> str | None:
    """The selection of the ``listobs(...)`` call echoed after the summary before line
    *number* and before it, if any."""
    previous = max((n for n in starts if n < number), default=0)
    found = [message for line, message in calls if previous < line < number]
    return call_selection(found[-1]) if found else None


class _Quiet:
    """An extractor stand-in for a trial parse: its warnings are dropped."""

    def warn(self, *args: object) -> None:
        """Drop the warning."""


def _last_complete(path: Path, scanner: LogScanner, starts: list[tuple[int, int]]
                   ) -> list[tuple[int, int]]:
    """The start of one MS's last complete summary (all starts if none is complete)."""
    if len(starts) == 1:  # that one either way: no trial parse
        return starts
    for start in reversed(starts):
        trial = Parser(_Quiet(), path)  # type: ignore[arg-type]
        _read_summary(trial, scanner, *start)
        if trial.blocks and _is_complete(trial.blocks[-1]):
            return [start]
    return starts


def _is_complete(block: Block) -> bool:
    """A summary printed in full: header, scans, fields, spws and antennas, with as many
    rows as its section headers announce."""
    found = {"fields": len(block.fields), "spws": len(block.spws),
             "antennas": len(block.antennas)}
    return bool(block.ms_path and block.observed and block.scan_rows and all(found.values())
                and all(found.get(kind, n) == n for kind, (n, _) in block.declared.items()))


def _read_summary(parser: Parser, scanner: LogScanner, offset: int, number: int) -> None:
    """Feed *parser* the summary whose first line is at *offset*: the listobs lines from
    there up to the next summary's first line."""
    parser.embedded = True
    for lineno, raw in scanner.lines_from(offset, number, block=1 << 16):
        text = decode_line(raw)
        prefixed = _LOG_PREFIX.match(text)
        if prefixed is None or not _LISTOBS_ORIGIN.match(prefixed["origin"]):
            break
        if lineno > number and MS_NAME.search(prefixed["msg"]):
            break  # the next summary: read from its own start
        parser.feed(lineno, text, prefixed["msg"])
