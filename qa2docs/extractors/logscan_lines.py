"""One line of a CASA log: decoding it and splitting it into its fields; and whether a file
named as a casa log is one (see :mod:`qa2docs.extractors.logscan`, which re-exports these
names)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

SNIFF_SIZE = 64 * 1024
"""Bytes read at the start of a log to tell its form."""
TAB_LINE = re.compile(rb"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?\t[A-Z]+\d?\t", re.M)
DATED_LINE = re.compile(rb"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d", re.M)


def count_lines(pattern: re.Pattern[bytes], data: bytes) -> int:
    """``len(pattern.findall(data))`` for a ``^``-anchored multi-line *pattern* whose matches
    are not empty and hold no newline (:data:`TAB_LINE`, :data:`DATED_LINE`): the first line
    tried alone, the others found behind their newline (a literal the search jumps to,
    rather than trying ``^`` at every byte)."""
    return int(pattern.match(data) is not None) + len(_after_newline(pattern).findall(data))


@functools.lru_cache(maxsize=8)
def _after_newline(pattern: re.Pattern[bytes]) -> re.Pattern[bytes]:
    assert pattern.pattern.startswith(b"^") and pattern.flags & re.M
    return re.compile(b"\n" + pattern.pattern[1:])

_DATED_FIELD = re.compile(r"[0-9]{4}-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]")
"""A date and time starting a decoded field: ASCII digits only, as ``\\d`` in the bytes
patterns that find dated lines in the raw log."""
_SPACED = re.compile(
    r"^(?P<date>\d{4}-\d\d-\d\d)[ T](?P<time>\d\d:\d\d:\d\d(?:\.\d+)?)\s+"
    r"(?P<priority>[A-Z]+\d?)\s+(?P<rest>.*)$"
)


class LogLine(NamedTuple):
    """One line of a CASA log, split into its fields when it has the log prefix.

    A named tuple rather than a frozen dataclass: a large log makes hundreds of thousands,
    and a named tuple is made several times faster."""

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
    if len(fields) == 4 and _DATED_FIELD.match(fields[0]):
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


def log_problem(path: Path) -> str | None:
    """Why the file *path*, named as a casa log, is not one (empty, or no time-stamped line
    in its first :data:`SNIFF_SIZE` bytes: garbage, or another file under a log's name)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_SIZE)
    except OSError as err:
        return f"cannot read log: {err.strerror or err}"
    if not head.strip():
        return "empty casa log"
    if DATED_LINE.search(head) is None:
        return (f"not a casa log: no time-stamped line in its first {SNIFF_SIZE // 1024} KiB; "
                "nothing read from it")
    return None
