"""The marker search of a log scan in C with Hyperscan, when the ``hyperscan`` package is
installed (see :meth:`qa2docs.extractors.logscan_markers.Markers.finder`).

Python's ``re`` has no multi-literal search: the marker regex is tried at every tab of a log
(~1.7 CPU-s per GiB of a real CASA 6 log, twice ``grep``'s whole run). Hyperscan compiles
the marker phrases into one automaton and finds them all in one pass (~0.8 CPU-s per GiB,
most of it the Python callback per match). Each phrase is its own expression, so the
possessive ``[ #]*+`` of the ``re`` form becomes a plain ``[ #]*`` (a phrase never starts
with a space or ``#``, so both match the same text); the start of each match is reported
(``HS_FLAG_SOM_LEFTMOST``) so that a match is placed on the line it starts on, as with
``re``. A line is a hit when any marker starts on it, as with ``re`` (which skips a match
inside an earlier one: only a match that crosses a newline, ``listobs\\s*\\(``, could
differ, and no marker can start within such a match).

``QA2DOCS_NO_HYPERSCAN=1`` (read at each scan) forces the ``re`` search, as when the package
is missing or cannot compile a marker.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from typing import Callable, Iterable, Sequence

try:
    import hyperscan
except Exception:  # optional (missing, or no wheel for this CPU): the re search is used
    hyperscan = None

Finder = Callable[[bytearray, int, int], Iterable[int]]
"""``find(buf, start, stop)``: the offsets in *buf* where a marker match starts within
``buf[start:stop]`` (which holds whole lines), in ascending order; the same line may come
more than once."""


def enabled() -> bool:
    """Whether scans search with Hyperscan (installed and not turned off)."""
    return hyperscan is not None and not os.environ.get("QA2DOCS_NO_HYPERSCAN")


@functools.lru_cache(maxsize=64)
def database(expressions: tuple[bytes, ...]) -> object | None:
    """A Hyperscan block-mode database of *expressions* (regex sources that Hyperscan
    accepts), each reporting its leftmost start; None when one does not compile (or this
    CPU cannot run Hyperscan)."""
    try:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=list(expressions), ids=list(range(len(expressions))),
                   elements=len(expressions), flags=hyperscan.HS_FLAG_SOM_LEFTMOST)
        hyperscan.Scratch(db)
    except hyperscan.error:
        return None
    return db


_PER_THREAD = threading.local()


def _scratch(db: object) -> object:
    """A scratch space for *db* of this thread's own (the database's is not safe to share
    by threads), made once per thread: a scan uses it only while ``db.scan`` runs, and a
    thread runs one scan at a time (allocating one costs as much as scanning a small log)."""
    spaces: dict[int, tuple[object, object]] = _PER_THREAD.__dict__.setdefault("spaces", {})
    if id(db) not in spaces:
        spaces[id(db)] = (db, hyperscan.Scratch(db))  # db kept: its id stays its own
    return spaces[id(db)][1]


def hs_finder(expressions: Sequence[bytes]) -> Finder | None:
    """The :data:`Finder` of *expressions* with Hyperscan, for one scan (one thread at a
    time); None when the search is off or they do not compile (then use ``re``)."""
    db = database(tuple(expressions)) if enabled() else None
    if db is None:
        return None
    scan = db.scan
    scratch = _scratch(db)

    def find(buf: bytearray, start: int, stop: int) -> list[int]:
        starts: list[int] = []
        add = starts.append

        def on_match(ident: int, begin: int, end: int, flags: int, context: object) -> None:
            add(begin)

        with memoryview(buf) as view, view[start:stop] as part:
            scan(part, match_event_handler=on_match, scratch=scratch)
        starts.sort()  # a match that starts earlier may end (and be reported) later
        return [start + s for s in starts] if start else starts

    return find


def re_finder(regex: re.Pattern[bytes]) -> Finder:
    """The :data:`Finder` of a compiled ``re`` pattern (its matches do not overlap)."""
    finditer = regex.finditer

    def find(buf: bytearray, start: int, stop: int) -> Iterable[int]:
        return (m.start() for m in finditer(buf, start, stop))

    return find
