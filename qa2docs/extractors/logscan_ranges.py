"""The byte-range scan under :class:`qa2docs.extractors.logscan.LogScanner`, in parallel for
large files.

A range is read in large fixed-size chunks into one reused buffer; one search for the
markers (Hyperscan or a compiled bytes regex: :meth:`Markers.finder
<qa2docs.extractors.logscan_markers.Markers.finder>`) runs over each chunk to find the few
lines that matter, and ``bytearray.count`` (C speed)
counts the newlines that give each hit its line number. Memory stays at the chunk size
whatever the file size.

A plain ``bytearray`` + ``readinto`` is used rather than ``mmap``: ``bytearray.count`` takes
start/end offsets without copying, while ``mmap`` has no ``count`` and a mapped window would
have to be sliced (copied) to count its newlines; file-backed mmap pages also count towards
the process's RSS until the window is unmapped.

A file of :data:`PARALLEL_MIN_SIZE` or more is cut into ranges at line starts; the ranges
after the first are scanned by forked worker processes while this one scans the first, and
their records are streamed back through pipes in batches.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import re
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from qa2docs.errors import ExtractionError
from qa2docs.extractors.logscan_hs import Finder

PARALLEL_MIN_SIZE = 32 * 1024 * 1024
"""Files smaller than this are scanned in this process only."""
MAX_WORKERS = 4

Record = tuple[str, int, int, int, bytes]
"""``(kind, line, offset, end, raw)``: see :func:`scan_range`."""
R = TypeVar("R")
MAX_BOUNDARY_SHIFT = 100_000
"""Lines a range start may move forward to reach a line that may start a range."""


def worker_count(size: int) -> int:
    """How many processes scan a file of *size* bytes (1: this one alone)."""
    if size < PARALLEL_MIN_SIZE or sys.platform != "linux":
        return 1
    # fork is only safe from a single-threaded process; daemonic processes cannot have children
    if threading.active_count() > 1 or multiprocessing.current_process().daemon:
        return 1
    cpus = len(os.sched_getaffinity(0))
    return max(1, min(MAX_WORKERS, cpus, size // (PARALLEL_MIN_SIZE // 2)))


def scan_records(path: Path, fd: int, find: Finder, chunk_size: int) -> Iterator[Record]:
    """The records of :func:`scan_range` for each range of the file open as *fd*, range by
    range in file order; line numbers count from 1 in each range, whose ``"end"`` record gives
    its number of lines. Close the iterator to stop the workers early.
    """
    ranges = split_ranges(fd)
    workers = [_fork(_work, path, a, b, find, chunk_size) for a, b in ranges[1:]]
    try:
        yield from scan_range(fd, *ranges[0], find, chunk_size)
        for _, conn in workers:
            yield from _receive(conn, path)
    finally:
        _stop(workers)


def split_ranges(fd: int, may_start: Callable[[bytes], bool] | None = None
                 ) -> list[tuple[int, int]]:
    """The byte ranges ``[begin, end)`` the file open as *fd* is scanned in, one per process
    (:func:`worker_count`), cut at line starts; with *may_start*, each range after the first
    begins at a line for which ``may_start(raw line)`` is true (up to
    :data:`MAX_BOUNDARY_SHIFT` lines on, else the range is joined to the one before)."""
    size = os.fstat(fd).st_size
    n = worker_count(size)
    starts = [0]
    for k in range(1, n):
        pos = _line_start(fd, size * k // n)
        if may_start is not None:
            pos = _good_start(fd, pos, size, may_start)
        if starts[-1] < pos < size:
            starts.append(pos)
    return list(zip(starts, starts[1:] + [size]))


def _good_start(fd: int, pos: int, size: int, may_start: Callable[[bytes], bool]) -> int:
    """The first line start at or after *pos* where *may_start* holds (*size* if none near)."""
    for _ in range(MAX_BOUNDARY_SHIFT):
        if pos >= size:
            return size
        line = os.pread(fd, 65536, pos).split(b"\n", 1)[0]
        if may_start(line):
            return pos
        pos = _line_start(fd, pos + 1)
    return size


def map_ranges(path: Path, fd: int, job: Callable[[int, int], R],
               may_start: Callable[[bytes], bool] | None = None) -> Iterator[R]:
    """``job(begin, end)`` for each range of :func:`split_ranges`, in file order: the first
    range in this process, the others in forked workers that send back the (picklable)
    result. Close the iterator to stop the workers early."""
    ranges = split_ranges(fd, may_start)
    workers = [_fork(_run_job, job, begin, end) for begin, end in ranges[1:]]
    try:
        yield job(*ranges[0])
        for _, conn in workers:
            try:
                kind, result = conn.recv()
            except EOFError:
                raise ExtractionError(path, None, "a log scan worker stopped early") from None
            if kind == "error":
                raise ExtractionError(path, None, f"log scan worker: {result}")
            yield result
    finally:
        _stop(workers)


def _run_job(job: Callable[[int, int], object], begin: int, end: int,
             conn: Connection) -> None:
    """Worker process of :func:`map_ranges`."""
    try:
        conn.send(("ok", job(begin, end)))
    except Exception as err:  # noqa: BLE001 - reported by the parent as one line
        conn.send(("error", str(err) or repr(err)))
    finally:
        conn.close()


def _line_start(fd: int, pos: int) -> int:
    """The offset of the first line that starts at or after *pos*."""
    if pos == 0:
        return 0
    while True:
        data = os.pread(fd, 65536, pos - 1)
        if not data:
            return pos - 1
        i = data.find(b"\n")
        if i >= 0:
            return pos + i
        pos += len(data)


Lane = tuple[re.Pattern[bytes], Callable[[re.Match[bytes], int, int, int], bool]]
"""``(plain, take)``: see :func:`scan_range`."""


def scan_range(fd: int, begin: int, stop_at: int, find: Finder,
               chunk_size: int, lane: Lane | None = None) -> Iterator[Record]:
    """Scan bytes [begin, stop_at) of *fd*, which start at a line start.

    Yields ``("hit", line, offset, end, raw)`` and ``("long", line, 0, 0, b"")`` with line
    numbers counted from 1 at *begin*, then ``("end", lines, unterminated, 0, b"")``.
    With a *lane* ``(plain, take)``, a hit line that *plain* matches from its first byte
    (``plain.match(chunk, start, end)``) is first offered to ``take(match, line, offset,
    end)``, and not yielded when that returns True: a dense log's commonest lines are then
    taken without making a record of each.
    """
    plain, take = lane or (None, None)
    # A buffer no larger than the range reads the same chunks (a range that fits is read
    # whole either way), without zeroing 16 MiB for each small log.
    chunk_size = min(chunk_size, max(stop_at - begin, 0))
    buf = bytearray(chunk_size)
    view = memoryview(buf)
    kept = 0          # bytes carried over from the previous chunk (a partial line)
    base = begin      # file offset of buf[0]
    line = 1          # line number of buf[0]
    skipping = False  # inside a line longer than the buffer
    unterminated = 0
    try:
        while True:
            want = min(chunk_size - kept, stop_at - base - kept)
            n = os.preadv(fd, [view[kept:kept + want]], base + kept) if want > 0 else 0
            size = kept + n
            eof = n == 0
            if size == 0:
                break
            stop = size if eof else buf.rfind(b"\n", 0, size) + 1
            if stop == 0:  # no newline in a full buffer: one huge line
                if not skipping:
                    yield ("long", line, 0, 0, b"")
                skipping, kept, base = True, 0, base + size
                continue
            start = 0
            if skipping:  # drop the rest of the huge line
                start = buf.find(b"\n", 0, stop) + 1 or stop
                skipping = False
                line += 1
            counted = last_end = start
            for pos in find(buf, start, stop):
                if pos < last_end:
                    continue  # a second marker on a line already yielded
                first = buf.rfind(b"\n", start, pos) + 1 or start
                last = buf.find(b"\n", pos, stop)
                last_end = stop if last < 0 else last + 1
                line += buf.count(b"\n", counted, first)
                counted = first
                if take is not None and (pm := plain.match(buf, first, last_end)) is not None \
                        and take(pm, line, base + first, base + last_end):
                    continue
                yield ("hit", line, base + first, base + last_end, bytes(buf[first:last_end]))
            line += buf.count(b"\n", counted, stop)
            if eof:
                unterminated = int(buf[stop - 1] != 0x0A)
                break
            kept = size - stop
            buf[:kept] = buf[stop:size]
            base += stop
    finally:
        view.release()
    yield ("end", line - 1, unterminated, 0, b"")


Worker = tuple[multiprocessing.process.BaseProcess, Connection]


def _fork(target: Callable[..., None], *args: object) -> Worker:
    """A forked process running ``target(*args, sender)``; it and the receiving end."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(*args, sender), daemon=True)
    proc.start()
    sender.close()
    return proc, receiver


def _stop(workers: list[Worker]) -> None:
    """Close the pipes of *workers*, kill those still running and reap them all."""
    for proc, conn in workers:
        conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


def _work(path: Path, begin: int, stop_at: int, find: Finder, chunk_size: int,
          conn: Connection) -> None:
    """Worker process: scan one range, send the records in batches."""
    batch: list[Record] = []
    try:
        with open(path, "rb", buffering=0) as f:
            for record in scan_range(f.fileno(), begin, stop_at, find, chunk_size):
                batch.append(record)
                if len(batch) >= 256 or record[0] == "end":
                    conn.send(batch)
                    batch = []
    except OSError as err:
        conn.send([("error", 0, 0, 0, str(err).encode())])
    finally:
        conn.close()


def _receive(conn: Connection, path: Path) -> Iterator[Record]:
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            raise ExtractionError(path, None, "a log scan worker stopped early") from None
        for record in batch:
            if record[0] == "error":
                raise ExtractionError(path, None, f"log scan worker: {record[4].decode()}")
            yield record
            if record[0] == "end":
                return
