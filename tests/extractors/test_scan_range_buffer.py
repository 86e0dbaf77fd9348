"""scan_range's buffer is no larger than its range, and gives the records a 16 MiB one
gave: the same chunks are read whenever the range fits in one."""

from __future__ import annotations

import os
import re
import tracemalloc
from pathlib import Path

import pytest

from qa2docs.extractors.logscan_hs import re_finder
from qa2docs.extractors.logscan_ranges import scan_range

FIND = re_finder(re.compile(rb"HIT"))
TEXTS = {
    "empty": b"",
    "lines": b"a\nHIT 1\nb\nHIT 2 HIT\n",
    "unterminated": b"a\nHIT 1\nHIT 2",
    "one line, no newline": b"HIT alone",   # read as one huge line, as before
    "blank lines": b"\n\n\nHIT\n\n",
}
EXPECTED = {
    "empty": [("end", 0, 0)],
    "lines": [("hit", 2, 2, 8), ("hit", 4, 10, 20), ("end", 4, 0)],
    "unterminated": [("hit", 2, 2, 8), ("hit", 3, 8, 13), ("end", 2, 1)],  # 2 + 1 open
    "one line, no newline": [("long", 1, 0, 0), ("end", 0, 0)],
    "blank lines": [("hit", 4, 3, 7), ("end", 5, 0)],
}


def records(path: Path, chunk_size: int, begin: int = 0, stop: int | None = None) -> list:
    with open(path, "rb") as f:
        stop = os.fstat(f.fileno()).st_size if stop is None else stop
        return [r[:4] if r[0] != "end" else r[:3]
                for r in scan_range(f.fileno(), begin, stop, FIND, chunk_size)]


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_records_whatever_the_chunk_size(name: str, tmp_path: Path) -> None:
    path = tmp_path / "casa.log"
    path.write_bytes(TEXTS[name])
    for chunk_size in (len(TEXTS[name]) or 1, 64, 16 * 1024 * 1024):
        assert records(path, chunk_size) == EXPECTED[name], chunk_size


def test_a_range_inside_the_file(tmp_path: Path) -> None:
    path = tmp_path / "casa.log"
    path.write_bytes(b"x\nHIT a\nHIT b\ny\n")
    assert records(path, 1 << 24, 2, 14) == [("hit", 1, 2, 8), ("hit", 2, 8, 14),
                                              ("end", 2, 0)]


def test_a_small_log_does_not_get_a_16_mib_buffer(tmp_path: Path) -> None:
    path = tmp_path / "casa.log"
    path.write_bytes(b"HIT\n" * 256)
    tracemalloc.start()
    try:
        assert len(records(path, 16 * 1024 * 1024)) == 257
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024
