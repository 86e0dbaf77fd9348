"""One scan of a casa log for every extractor that reads it (logscan.scan_log, collect)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa2docs.collect import extraction as collect
from qa2docs.errors import ExtractionError
from qa2docs.extractors import logscan
from qa2docs.extractors.casalog import CasaLogExtractor
from qa2docs.extractors.listobs import ListobsExtractor

pytestmark = pytest.mark.usefixtures("marker_search")  # Hyperscan and re

SAMPLE_LOG = (Path(__file__).parents[2] / "samples" / "seed" / "reduction" / "X66d"
              / "casapy-20140828-093512.log")


class Collect(logscan.LogReader):
    """A reader that records the line numbers it was fed."""

    def __init__(self, starts: tuple[bytes, ...], prios: tuple[bytes, ...] = ()) -> None:
        super().__init__(lambda line, msg: self.warnings.append((line, msg)))
        self.message_starts, self.priorities = starts, prios
        self.lines: list[int] = []
        self.warnings: list[tuple[int | None, str]] = []

    def markers(self) -> logscan.Markers:  # per instance here, per class in the extractors
        return logscan.markers_of(self.message_starts, self.priorities)

    def feed(self, hit, scanner):
        self.lines.append(hit.number)


class Boom(Collect):
    def feed(self, hit, scanner):
        raise RuntimeError("bug")


def count_scans(monkeypatch) -> list[Path]:
    scans: list[Path] = []
    real = logscan.LogScanner.is_tab_separated  # once per scan, in one process or in ranges

    def sniff(self):
        scans.append(self.path)
        return real(self)

    monkeypatch.setattr(logscan.LogScanner, "is_tab_separated", sniff)
    return scans


LINES = [
    "2026-11-24 12:00:00\tINFO\tcasa::::\tStep 1 Import",
    "2026-11-24 12:00:01\tWARN\tflagdata::::\tsomething odd",
    "2026-11-24 12:00:02\tINFO\tlistobs::ms::summary+\t   MeasurementSet Name:  a.ms",
    "2026-11-24 12:00:03\tINFO\tlistobs::ms::summary+\t   Observer: x",
    "2026-11-24 12:00:04\tWARN\tcasa::::\tStep 2 with a warning",
]


@pytest.mark.parametrize("sep", ["\t", "    "])
def test_each_reader_gets_only_its_lines_from_one_pass(tmp_path, monkeypatch, sep):
    path = tmp_path / "casa-1.log"
    path.write_text("\n".join(line.replace("\t", sep) for line in LINES) + "\n")
    scans = count_scans(monkeypatch)
    steps = Collect((rb"Step +\d",))
    warns = Collect((), (rb"WARN",))
    summary = Collect((rb"MeasurementSet Name",))
    assert logscan.scan_log(path, [steps, warns, summary]) == {}
    assert scans == [path]
    assert (steps.lines, warns.lines, summary.lines) == ([1, 5], [2, 5], [3])


@pytest.mark.parametrize("sep", ["\t", "    "])
def test_needles_skip_a_readers_regex_but_not_its_lines(tmp_path, sep):
    path = tmp_path / "casa-1.log"
    path.write_text("\n".join(line.replace("\t", sep) for line in LINES) + "\n")
    steps, warns = Collect((rb"Step +\d",)), Collect((), (rb"WARN",))
    summary = Collect((rb"MeasurementSet Name",))
    summary.needles = (b"MeasurementSet Name",)
    warns.needles = (b"WARN",)  # the last reader left takes a line without a search
    assert logscan.scan_log(path, [steps, warns, summary]) == {}
    assert (steps.lines, warns.lines, summary.lines) == ([1, 5], [2, 5], [3])


def test_a_reader_that_fails_leaves_the_others_going(tmp_path):
    path = tmp_path / "casa-1.log"
    path.write_text("\n".join(LINES) + "\n")
    steps, boom = Collect((rb"Step +\d",)), Boom((rb"Step +\d",))
    failed = logscan.scan_log(path, [boom, steps])
    assert list(failed) == [0] and str(failed[0]) == "bug"
    assert steps.lines == [1, 5]


def test_long_lines_are_reported_to_each_reader(tmp_path, monkeypatch):
    path = tmp_path / "casa-1.log"
    path.write_text(LINES[0] + "\n2026-11-24\tINFO\tx\t" + "y" * 5000 + "\n" + LINES[4] + "\n")
    monkeypatch.setattr(logscan, "CHUNK_SIZE", 1024)
    reader = Collect((rb"Step +\d",))
    logscan.scan_log(path, [reader])
    assert reader.lines == [1, 3]
    assert reader.warnings == [(2, "line longer than the scan buffer; skipped")]


@pytest.mark.parametrize("chunk", [8, 64, 4096])
def test_lines_from_numbers_every_line(tmp_path, chunk):
    path = tmp_path / "casa-1.log"
    path.write_bytes(b"a\nbb\r\n\nlast, no newline")
    with logscan.LogScanner(path, chunk_size=chunk) as scanner:
        assert list(scanner.lines_from(2, 2, block=chunk)) == [
            (2, b"bb\r"), (3, b""), (4, b"last, no newline")]


def test_unreadable_log_is_a_warning_for_each_extractor(tmp_path, monkeypatch):
    eb = tmp_path / "X66d"
    eb.mkdir()
    log = eb / "casa-20140828-093512.log"
    shutil.copy(SAMPLE_LOG, log)

    def unreadable(path, readers):
        raise ExtractionError(path, None, "cannot read log: Input/output error")

    monkeypatch.setattr(collect, "scan_log", unreadable)
    result = collect.extract_dir(eb, "uid___A002_Xdd9c61_X66d")
    assert [str(w) for w in result.warnings] == [
        f"{log}:?: cannot read log: Input/output error"] * 2
    assert result.all_facts == []


def test_eb_dir_log_is_scanned_once_with_the_same_facts(tmp_path, monkeypatch):
    eb = tmp_path / "X66d"
    eb.mkdir()
    shutil.copy(SAMPLE_LOG, eb / "casa-20140828-093512.log")
    log = eb / "casa-20140828-093512.log"
    alone = {}
    for cls in (CasaLogExtractor, ListobsExtractor):
        alone.update({(f.field, f.provenance[0].extractor): f.value for f in cls().extract(log)})
    assert {e for _, e in alone} == {"casalog", "listobs"}
    scans = count_scans(monkeypatch)
    result = collect.extract_dir(eb, "uid___A002_Xdd9c61_X66d")
    assert scans == [log]
    shared = {(f.field, f.provenance[0].extractor): f.value for f in result.all_facts}
    assert shared == alone
    assert result.warnings == []
