"""Fast, streaming search of CASA logs: find the rare marker lines, parse only those.

A Python loop over every line of a 500 MB log is far too slow, and reading the file whole
is out of the question. :class:`LogScanner` reads the file in large fixed-size chunks into
one reused buffer, runs one compiled bytes regex over each chunk to find the few lines that
matter, and counts newlines with ``bytearray.count`` (C speed) to give each hit its 1-based
line number. Memory stays at the chunk size whatever the file size.

A plain ``bytearray`` + ``readinto`` is used rather than ``mmap``: ``bytearray.count`` takes
start/end offsets without copying, while ``mmap`` has no ``count`` and a mapped window would
have to be sliced (copied) to count its newlines; file-backed mmap pages also count towards
the process's RSS until the window is unmapped.

The regex is built by :func:`compile_markers` from the phrases a message starts with. In a
genuine CASA log every field is tab-separated, so the fast form anchors each phrase on the
tab that opens the message (``\\t`` is a literal prefix, which the regex engine scans for
quickly). Copies from the logger window use spaces; for those (small) files the scanner
falls back to an unanchored regex. The choice is made by sniffing the first 64 KiB.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from qa2docs.errors import ExtractionError

CHUNK_SIZE = 16 * 1024 * 1024
"""Bytes read per chunk; also the longest line the scanner can return whole."""

SNIFF_SIZE = 64 * 1024

_TAB_LINE = re.compile(rb"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?\t[A-Z]+\d?\t", re.M)
_DATED_LINE = re.compile(rb"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d", re.M)
_SPACED = re.compile(
    r"^(?P<date>\d{4}-\d\d-\d\d)[ T](?P<time>\d\d:\d\d:\d\d(?:\.\d+)?)\s+"
    r"(?P<priority>[A-Z]+\d?)\s+(?P<rest>.*)$"
)


@dataclass(frozen=True)
class Markers:
    """The two compiled forms of one marker set (see :func:`compile_markers`)."""

    tabbed: re.Pattern[bytes]
    """For tab-separated logs: each phrase right after the tab that opens the message."""
    spaced: re.Pattern[bytes]
    """For logger-window copies with spaces: each phrase anywhere in the line."""


def compile_markers(message_starts: Iterable[bytes], priorities: Iterable[bytes] = ()) -> Markers:
    """Build the marker regexes from message-start phrases and priority names.

    Args:
        message_starts: regex sources (bytes) that a wanted message begins with, after any
            leading spaces or ``#`` (``##### Begin Task``).
        priorities: priority names (``WARN``, ``SEVERE``) whose lines are wanted whatever
            their message.
    """
    starts = b"|".join(message_starts)
    prios = b"|".join(priorities)
    tabbed = rb"\t(?:[ #]*(?:" + starts + rb")" + (rb"|(?:" + prios + rb")\t)" if prios else b")")
    spaced = rb"(?:" + starts + rb")" + (rb"|[\t ](?:" + prios + rb")[\t ]" if prios else b"")
    return Markers(re.compile(tabbed), re.compile(spaced))


@dataclass(frozen=True)
class LogLine:
    """One line of a CASA log, split into its fields when it has the log prefix."""

    number: int
    """1-based line number in the file."""
    text: str
    """The whole line, decoded, without its line ending."""
    date: str | None = None
    time: str | None = None
    priority: str | None = None
    origin: str | None = None
    message: str = ""
    """The message column (the whole text when the line has no log prefix)."""

    @property
    def is_continuation(self) -> bool:
        """True for the ``origin+`` lines that continue the previous message."""
        return bool(self.origin) and self.origin.endswith("+")


def decode_line(raw: bytes) -> str:
    """Decode one log line: UTF-8 if it is valid, else latin-1; no line ending."""
    raw = raw.rstrip(b"\r\n")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_line(number: int, text: str) -> LogLine:
    """Split ``DATE TIME<TAB>PRIORITY<TAB>origin<TAB>message`` (or its space-copied form)."""
    fields = text.split("\t", 3)
    if len(fields) == 4 and _DATED_LINE.match(fields[0].encode("latin-1", "replace")):
        date, _, time = fields[0].partition(" ")
        return LogLine(number, text, date, time, fields[1].strip(), fields[2], fields[3])
    m = _SPACED.match(text)
    if not m:
        return LogLine(number, text, message=text)
    rest = m["rest"]
    if "\t" in rest:  # logger copy: spaces up to the origin, a tab before the message
        origin, _, message = rest.partition("\t")
    else:
        origin, _, message = rest.partition(" ")
    return LogLine(number, text, m["date"], m["time"], m["priority"], origin.strip(), message)


@dataclass(frozen=True)
class Hit:
    """A line that matched the markers: where it is and its raw bytes."""

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

    def __init__(self, path: Path, chunk_size: int = CHUNK_SIZE) -> None:
        self.path = Path(path)
        self.chunk_size = chunk_size
        self.long_lines: list[int] = []
        """Numbers of lines longer than the chunk size; they were skipped."""
        self.total_lines = 0
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
        dated = len(_DATED_LINE.findall(head))
        return dated > 0 and len(_TAB_LINE.findall(head)) == dated

    def hits(self, markers: Markers) -> Iterator[Hit]:
        """Yield each line matching *markers*, once, in file order."""
        regex = markers.tabbed if self.is_tab_separated() else markers.spaced
        buf = bytearray(self.chunk_size)
        view = memoryview(buf)
        fd = self._file.fileno()
        kept = 0          # bytes carried over from the previous chunk (a partial line)
        base = 0          # file offset of buf[0]
        line = 1          # line number of buf[0]
        skipping = False  # inside a line longer than the buffer
        try:
            while True:
                n = self._file.readinto(view[kept:])
                size = kept + (n or 0)
                eof = not n
                if size == 0:
                    break
                stop = size if eof else buf.rfind(b"\n", 0, size) + 1
                if stop == 0:  # no newline in a full buffer: one huge line
                    if not skipping:
                        self.long_lines.append(line)
                    skipping, kept, base = True, 0, base + size
                    continue
                start = 0
                if skipping:  # drop the rest of the huge line
                    start = buf.find(b"\n", 0, stop) + 1 or stop
                    skipping = False
                    line += 1
                counted = start
                last_end = start
                for m in regex.finditer(buf, start, stop):
                    pos = m.start()
                    if pos < last_end:
                        continue  # a second marker on a line already yielded
                    first = buf.rfind(b"\n", start, pos) + 1
                    last = buf.find(b"\n", pos, stop)
                    last_end = stop if last < 0 else last + 1
                    line += buf.count(b"\n", counted, first)
                    counted = first
                    yield Hit(line, base + first, base + last_end, bytes(buf[first:last_end]))
                line += buf.count(b"\n", counted, stop)
                if eof:
                    if stop and buf[stop - 1] != 0x0A:
                        line += 1
                    break
                kept = size - stop
                buf[:kept] = buf[stop:size]
                base += stop
            self.total_lines = line - 1
        finally:
            view.release()

    def lines_after(self, hit: Hit, count: int, max_bytes: int = 65536) -> list[LogLine]:
        """The up to *count* lines that follow *hit*, parsed."""
        data = os.pread(self._file.fileno(), max_bytes, hit.end)
        lines = data.split(b"\n")
        if len(data) == max_bytes or data.endswith(b"\n"):
            lines.pop()  # a cut line, or the empty piece after the last newline
        return [parse_line(hit.number + 1 + i, decode_line(raw))
                for i, raw in enumerate(lines[:count])]
