"""Fast, streaming search of CASA logs: find the rare marker lines, parse only those.

A Python loop over every line of a 500 MB log is far too slow, and reading the file whole
is out of the question. :class:`LogScanner` reads the file in large fixed-size chunks into
one reused buffer, searches each chunk for the markers (Hyperscan, else one bytes regex) to
find the few lines that matter, and counts newlines with ``bytearray.count`` (C speed) to
give each hit its 1-based line number. Memory stays at the chunk size whatever the file
size. That chunked scan, and its parallel form, are in :mod:`qa2docs.extractors.logscan_ranges`.

The regex is built by :func:`compile_markers` from the phrases a message starts with. In a
genuine CASA log every field is tab-separated, so the fast form anchors each phrase on the
tab that opens the message (``\\t`` is a literal prefix, which the regex engine scans for
quickly). Copies from the logger window use spaces; for those (small) files the scanner
falls back to an unanchored regex. The choice is made by sniffing the first 64 KiB.

Several extractors read the same casa log (``casalog`` for the session, ``listobs`` for the
summaries it printed). Each supplies a :class:`LogReader` that declares the message starts
it wants, and :func:`scan_log` reads the file once with the union of them, handing each hit
to the readers whose own markers match that line.

A dense log (a real session log has a marker every few lines: 455 706 in 1 GiB of CASA 6
sessions) costs more in the readers than in the scan. When every reader of a large log is
:attr:`LogReader.mergeable`, the readers themselves run in the scan workers: each worker feeds
fresh readers the hits of its range and sends back their partial results, which are merged
into the first range's readers in file order (:func:`_scan_merged`); only what the readers
keep (counts, first and last entries, the current step) crosses the pipe. A reader may also
take its commonest lines (casalog: plain task banners and step posts) straight from the
chunk, without a record or :class:`Hit` each (:attr:`LogReader.plain`, :func:`_lane`).
"""

from __future__ import annotations

import os
import re
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Iterator, NamedTuple, Sequence

from qa2docs.errors import ExtractionError
from qa2docs.extractors.logscan_lines import (
    DATED_LINE,
    SNIFF_SIZE,
    TAB_LINE,
    LogLine,
    count_lines,
    decode_line,
    log_problem,
    parse_line,
)
from qa2docs.extractors.logscan_markers import Markers, compile_markers, markers_of
from qa2docs.extractors.logscan_ranges import Lane, map_ranges, scan_range, scan_records

if TYPE_CHECKING:
    from qa2docs.models.facts import Fact

CHUNK_SIZE = 16 * 1024 * 1024
"""Bytes read per chunk; also the longest line the scanner can return whole."""


__all__ = ["Hit", "LogLine", "LogReader", "LogScanner", "Markers", "compile_markers",
           "decode_line", "markers_of", "parse_line", "scan_log"]


class Hit(NamedTuple):
    """A line that matched the markers: where it is and its raw bytes (a named tuple, as
    :class:`LogLine`)."""

    number: int
    offset: int
    """Byte offset of the line's first byte in the file."""
    end: int
    """Byte offset just past the line's newline (or end of file)."""
    raw: bytes

    def parse(self) -> LogLine:
        """The hit as a :class:`LogLine`."""
        return parse_line(self.number, decode_line(self.raw))


class LogScanner:
    """Streams one log file and yields the lines that match a marker set.

    Use as a context manager; :meth:`hits` may be iterated once, and :meth:`lines_after`
    reads a few lines following a hit (with ``os.pread``, so it does not disturb the scan).
    """

    def __init__(self, path: Path, chunk_size: int | None = None) -> None:
        self.path = Path(path)
        self.chunk_size = chunk_size or CHUNK_SIZE
        self.long_lines: list[int] = []
        """Numbers of lines longer than the chunk size; they were skipped."""
        self.total_lines = 0
        self.tab_separated = False
        """Whether :meth:`hits` chose the tab-anchored form of the markers."""
        try:
            self._file = open(self.path, "rb", buffering=0)
        except OSError as err:
            raise ExtractionError(self.path, None, f"cannot read log: {err.strerror or err}") from err

    def __enter__(self) -> LogScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def is_tab_separated(self) -> bool:
        """True when the dated lines near the start use tabs between all fields."""
        head = os.pread(self._file.fileno(), SNIFF_SIZE, 0)
        dated = count_lines(DATED_LINE, head)
        return dated > 0 and count_lines(TAB_LINE, head) == dated

    def hits(self, markers: Markers) -> Iterator[Hit]:
        """Yield each line matching *markers*, once, in file order.

        A large file is scanned in ranges by forked workers
        (:func:`qa2docs.extractors.logscan_ranges.scan_records`); their hits are streamed
        back and yielded in order, so memory stays bounded.
        """
        self.tab_separated = self.is_tab_separated()
        find = markers.finder(self.tab_separated)
        before = 0  # lines in the ranges already yielded
        with closing(scan_records(self.path, self._file.fileno(), find,
                                  self.chunk_size)) as records:
            for kind, rel, offset, end, raw in records:
                if kind == "hit":
                    yield Hit(before + rel, offset, end, raw)
                elif kind == "long":
                    self.long_lines.append(before + rel)
                else:  # "end": rel = lines in the range, offset = 1 if unterminated
                    before += rel
                    self.total_lines = before + offset

    def lines_after(self, hit: Hit, count: int, max_bytes: int = 65536) -> list[LogLine]:
        """The up to *count* lines that follow *hit*, parsed."""
        lines, _ = self.raw_lines_after(hit, max_bytes)
        return [parse_line(hit.number + 1 + i, decode_line(raw))
                for i, raw in enumerate(lines[:count])]

    def bytes_after(self, hit: Hit, max_bytes: int) -> bytes:
        """The (up to) *max_bytes* bytes that follow *hit*."""
        return os.pread(self._file.fileno(), max_bytes, hit.end)

    def raw_lines_after(self, hit: Hit, max_bytes: int, data: bytes | None = None
                        ) -> tuple[list[bytes], bool]:
        """The raw lines within *max_bytes* after *hit* (a cut last line dropped), and
        whether they run to the end of the file (a larger window would give no more);
        *data*: those bytes (:meth:`bytes_after`), if read already."""
        data = self.bytes_after(hit, max_bytes) if data is None else data
        lines = data.split(b"\n")
        if len(data) == max_bytes or data.endswith(b"\n"):
            lines.pop()  # a cut line, or the empty piece after the last newline
        return lines, len(data) < max_bytes

    def lines_from(self, offset: int, number: int, block: int = 1 << 20
                   ) -> Iterator[tuple[int, bytes]]:
        """(number, raw bytes) of every line from byte *offset* on, *number* being the first
        one's line number; read with ``os.pread`` in blocks, so it does not disturb a scan.
        Stop iterating when the lines around a hit have been read."""
        fd = self._file.fileno()
        rest = b""
        while True:
            data = os.pread(fd, block, offset)
            if not data:
                if rest:
                    yield number, rest
                return
            offset += len(data)
            lines = (rest + data).split(b"\n")
            rest = lines.pop()
            for raw in lines:
                yield number, raw
                number += 1


class LogReader:
    """One consumer of a shared scan of a casa log (see :func:`scan_log`).

    Subclasses declare the lines they want with :attr:`message_starts` and
    :attr:`priorities` (as for :func:`compile_markers`), collect what they need in
    :meth:`feed` and yield their facts from :meth:`facts` once the scan is over.
    """

    message_starts: ClassVar[tuple[bytes, ...]] = ()
    priorities: ClassVar[tuple[bytes, ...]] = ()
    needles: ClassVar[tuple[bytes, ...]] = ()
    """Optional: literal bytes one of which every line that this reader's markers match
    contains; lets a shared scan skip this reader's regex on most other lines."""
    plain: ClassVar[re.Pattern[bytes] | None] = None
    """Optional: a regex that matches, from their first byte, lines this reader takes from
    their bytes alone (see :meth:`feed_plain`)."""
    mergeable: ClassVar[bool] = False
    """True when the reader implements :meth:`fresh`, :meth:`partial` and :meth:`merge`, so
    that a large log can be read in ranges by forked workers (see :func:`scan_log`)."""

    def __init__(self, warn: Callable[[int | None, str], None]) -> None:
        self.warn = warn
        """Records a non-fatal problem at a line of the log."""

    @classmethod
    def markers(cls) -> Markers:
        """This reader's own markers, compiled."""
        return markers_of(cls.message_starts, cls.priorities)

    def feed(self, hit: Hit, scanner: LogScanner) -> None:
        """Take one matching line; *scanner* can read the lines after it."""
        raise NotImplementedError

    def feed_plain(self, match: re.Match[bytes], number: int, offset: int, end: int,
                   scanner: LogScanner) -> bool:
        """(readers with :attr:`plain`) Take, as :meth:`feed` would, the line at byte
        *offset* (up to *end*) numbered *number*, which :attr:`plain` matched (``match.string``
        holds it from ``match.pos`` to ``match.endpos``); False: it was not taken and is fed
        as a hit. A scan may offer a line here when it goes to this reader alone."""
        return False

    def finish(self, scanner: LogScanner) -> None:
        """Called once after the scan; by default warns about the lines too long to scan."""
        for line in scanner.long_lines:
            self.warn(line, "line longer than the scan buffer; skipped")

    def facts(self) -> Iterator[Fact]:
        """The facts collected."""
        raise NotImplementedError

    def fresh(self) -> LogReader:
        """(mergeable readers) A reader for a later range of the log, in a scan worker: it
        is fed that range's hits, numbered from 1 at the range's first line, which is never
        a continuation line."""
        raise NotImplementedError

    def partial(self) -> object:
        """(mergeable readers) What a :meth:`fresh` reader collected, picklable."""
        raise NotImplementedError

    def merge(self, partial: object, lines_before: int, scanner: LogScanner) -> None:
        """(mergeable readers) Take a later range's :meth:`partial` as if its hits had been
        fed here; *lines_before* is the number of lines before that range."""
        raise NotImplementedError


def _may_start_range(raw: bytes) -> bool:
    """A range of a parallel read may not start on a continuation line (``origin+``)."""
    return not parse_line(1, decode_line(raw)).is_continuation


class _Router:
    """Which readers a hit line of a shared scan goes to: those whose own markers match it.
    A reader none of whose :attr:`LogReader.needles` is in the line cannot match; when one
    reader is left, it does (the union of all the markers matched the line). One search for
    any needle settles most lines."""

    def __init__(self, readers: Sequence[LogReader], tabbed: bool) -> None:
        self.own = [r.markers().tabbed if tabbed else r.markers().spaced for r in readers]
        self.needles = [re.compile(b"|".join(map(re.escape, r.needles))) if r.needles else None
                        for r in readers]
        self.always = [i for i, needles in enumerate(self.needles) if needles is None]
        self.every = tuple(dict.fromkeys(n for r in readers for n in r.needles))

    def any_needle(self, line: bytes | bytearray, begin: int = 0, end: int | None = None
                   ) -> bool:
        """Whether a needle of any reader is in *line* (``line[begin:end]``); a few
        ``bytes.find`` are faster than a regex of them on a log line."""
        for needle in self.every:
            if line.find(needle, begin, end) >= 0:
                return True
        return False

    def __call__(self, raw: bytes) -> list[int]:
        """The indices of the readers the hit line *raw* goes to."""
        if not self.any_needle(raw):
            maybe = self.always
        else:
            maybe = [i for i, needles in enumerate(self.needles)
                     if needles is None or needles.search(raw)]
        if len(maybe) == 1:
            return maybe
        return [i for i in maybe if self.own[i].search(raw)]


def _feed(hit: Hit, scanner: LogScanner, readers: Sequence[LogReader], route: _Router | None,
          failed: dict[int, Exception]) -> None:
    """Give *hit* to each reader still going whose own markers match it (*route*: None when
    there is only one reader)."""
    for i in (0,) if route is None else route(hit.raw):
        if i in failed:
            continue
        try:
            readers[i].feed(hit, scanner)
        except Exception as err:  # one reader's bug must not stop the others
            failed[i] = err


def _router(readers: Sequence[LogReader], tabbed: bool) -> _Router | None:
    return _Router(readers, tabbed) if len(readers) > 1 else None


def _lane(readers: Sequence[LogReader], route: _Router | None, scanner: LogScanner,
          failed: dict[int, Exception]) -> Lane | None:
    """The lane of a range scan (see :func:`scan_range`) that offers the one reader with
    :attr:`LogReader.plain` the lines that go to it alone (None: no such reader, or another
    reader may want any line)."""
    plain = [i for i, reader in enumerate(readers) if reader.plain is not None]
    if len(plain) != 1 or (route is not None and route.always != plain):
        return None
    i, reader = plain[0], readers[plain[0]]
    needle = route.any_needle if route is not None else None

    def take(match: re.Match[bytes], number: int, offset: int, end: int) -> bool:
        if i in failed or (needle is not None
                           and needle(match.string, match.pos, match.endpos)):
            return False
        try:
            return reader.feed_plain(match, number, offset, end, scanner)
        except Exception as err:  # as in _feed
            failed[i] = err
            return True

    assert reader.plain is not None
    return reader.plain, take


def _scan_merged(scanner: LogScanner, markers: Markers, readers: Sequence[LogReader],
                 failed: dict[int, Exception]) -> None:
    """Read the log in ranges: this process feeds *readers* the first range; forked workers
    feed :meth:`LogReader.fresh` readers the others and send back their partials, which are
    merged here in file order."""
    scanner.tab_separated = scanner.is_tab_separated()
    find = markers.finder(scanner.tab_separated)
    route = _router(readers, scanner.tab_separated)
    fd = scanner._file.fileno()

    def job(begin: int, end: int) -> tuple:
        local = readers if begin == 0 else [r.fresh() for r in readers]
        local_failed: dict[int, Exception] = failed if begin == 0 else {}
        long_lines, lines, unterminated = [], 0, 0
        lane = _lane(local, route, scanner, local_failed)
        for kind, rel, offset, stop, raw in scan_range(fd, begin, end, find,
                                                        scanner.chunk_size, lane):
            if kind == "hit":
                _feed(Hit(rel, offset, stop, raw), scanner, local, route, local_failed)
            elif kind == "long":
                long_lines.append(rel)
            else:
                lines, unterminated = rel, offset
        partials = None if begin == 0 else [
            None if i in local_failed else r.partial() for i, r in enumerate(local)]
        return partials, local_failed, long_lines, lines, unterminated

    before = 0
    with closing(map_ranges(scanner.path, fd, job, _may_start_range)) as results:
        for partials, range_failed, long_lines, lines, unterminated in results:
            for i, err in range_failed.items():
                failed.setdefault(i, err)
            scanner.long_lines += [before + n for n in long_lines]
            for i, reader in enumerate(readers if partials is not None else ()):
                if i not in failed:
                    try:
                        reader.merge(partials[i], before, scanner)
                    except Exception as err:
                        failed[i] = err
            before += lines
            scanner.total_lines = before + unterminated


def scan_log(path: Path, readers: Sequence[LogReader]) -> dict[int, Exception]:
    """Read the log at *path* once, feeding every reader the lines it asked for.

    A reader that raises is dropped from the rest of the scan and the others go on; the
    result maps the index of each such reader to its exception. A file that cannot be read
    raises :class:`ExtractionError`.
    """
    starts = tuple(dict.fromkeys(s for r in readers for s in r.message_starts))
    prios = tuple(dict.fromkeys(p for r in readers for p in r.priorities))
    failed: dict[int, Exception] = {}
    markers = markers_of(starts, prios)
    with LogScanner(path) as scanner:
        if all(r.mergeable for r in readers):  # in ranges if the file is large
            _scan_merged(scanner, markers, readers, failed)
        else:
            route: _Router | None = None
            for hit in scanner.hits(markers):
                if route is None and len(readers) > 1:
                    route = _Router(readers, scanner.tab_separated)
                _feed(hit, scanner, readers, route, failed)
        for i, reader in enumerate(readers):
            if i not in failed:
                try:
                    reader.finish(scanner)
                except Exception as err:
                    failed[i] = err
    return failed
