"""listobs: what one summary is read into, the time and intent helpers, the table base class.

See :mod:`qa2docs.extractors.listobs` for the layouts read and the facts given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable

Warn = Callable[[int | None, str], None]
"""Records a non-fatal problem at a line of the file being read."""

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@dataclass
class Evidence:
    """Where one piece of a listobs block was read."""

    line: int
    text: str
    end_line: int | None = None

    def extend(self, line: int, text: str) -> None:
        """Add a following line to this evidence."""
        self.end_line = line
        self.text = f"{self.text}\n{text}"


@dataclass
class Block:
    """The parsed content of one listobs run."""

    start_line: int
    embedded: bool = False
    ms_path: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    observer: str | None = None
    project: str | None = None
    records: int | None = None
    elapsed: float | None = None
    observed: tuple[datetime, datetime] | None = None
    scan_rows: list[dict[str, Any]] = field(default_factory=list)
    fields: list[dict[str, Any]] = field(default_factory=list)
    spws: list[dict[str, Any]] = field(default_factory=list)
    antennas: list[dict[str, Any]] = field(default_factory=list)
    declared: dict[str, tuple[int, int]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    """The names in the Sources table (it lists the whole SOURCE table, even for a selection)."""
    call_selection: str | None = None
    """The selection of the ``listobs(...)`` call echoed before this summary, if any."""

    def is_summary(self) -> bool:
        """Whether this is listobs output: a header line (records or time range) and a row of
        some table, not an MS name quoted in a document."""
        has_header = self.records is not None or self.observed is not None
        return has_header and bool(self.scan_rows or self.fields or self.spws or self.antennas)

    def note(self, key: str, line: int, text: str) -> None:
        """Record (or extend) the evidence lines for *key*."""
        if key in self.evidence:
            self.evidence[key].extend(line, text)
        else:
            self.evidence[key] = Evidence(line, text)


class Table:
    """The reader of one table of a listobs summary (scans, fields, spws, antennas)."""

    def __init__(self, warn: Warn, current: Callable[[], Block]) -> None:
        self.warn = warn
        self.current = current
        """The block being read (created on first use)."""

    def read(self, lineno: int, raw: str, text: str) -> bool:
        """Read one message line (*raw*: the whole line, kept as evidence); False when the
        line ends the table."""
        raise NotImplementedError

    def row(self, pattern: re.Pattern[str], kind: str, lineno: int,
            text: str) -> re.Match[str] | None:
        """Match a table row; a line that starts like a row but does not match is warned."""
        match = pattern.match(text)
        if match is None and re.match(r"^\s*\d+\s", text):
            self.warn(lineno, f"unreadable {kind} row: {text.strip()}")
        return match


def iso_utc(moment: datetime) -> str:
    """``2024-06-02T05:05:37.0Z``: ISO 8601 UTC with tenths of a second."""
    moment = moment + timedelta(microseconds=50_000)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 100_000}Z"


def intent_parts(intent: str) -> tuple[str, str | None]:
    """Split ``CALIBRATE_PHASE#ON_SOURCE`` into (``CALIBRATE_PHASE``, ``ON_SOURCE``)."""
    for sep in ("#", "."):
        if sep in intent:
            head, _, tail = intent.partition(sep)
            return head, tail
    return intent, None


def listobs_date(text: str) -> date:
    """``02-Jun-2024`` as a date."""
    day, month, year = text.split("-")
    return date(int(year), _MONTHS[month.lower()], int(day))


def clock(text: str) -> time:
    """``05:05:37.0`` as an aware UTC time."""
    hms, _, frac = text.partition(".")
    hours, minutes, seconds = (int(v) for v in hms.split(":"))
    micro = int((frac + "000000")[:6]) if frac else 0
    return time(hours, minutes, seconds, micro, tzinfo=timezone.utc)


def stamp(text: str) -> datetime:
    """``02-Jun-2024/05:05:37.0`` as an aware datetime."""
    day, _, moment = text.partition("/")
    return datetime.combine(listobs_date(day), clock(moment))
