"""The Hyperscan marker search finds the same hit lines as the ``re`` one, whatever the
chunk boundaries, and the facts of a log do not depend on which search ran."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa2docs.extractors import logscan, logscan_hs, logscan_markers, logscan_ranges
from qa2docs.extractors.casalog import _LogState
from qa2docs.extractors.listobs.embedded import SummaryReader

pytest.importorskip("hyperscan")

REPO = Path(__file__).parents[2]
STARTS = tuple(dict.fromkeys(_LogState.message_starts + SummaryReader.message_starts))
PRIOS = _LogState.priorities

TRICKY = (
    "2026-11-24 12:00:00\tINFO\tcasa::\t##### Begin Task: flagdata   #####\n"
    "2026-11-24 12:00:01\tWARN\tcasa::\tBegin Task: fluxscale and Step 3 on one line\n"
    "2026-11-24 12:00:02\tINFO\tcasa::\tcasatoolsX is not a version\n"
    "2026-11-24 12:00:03\tINFO\tcasa::\tcasatools 6.5.2\n"
    "2026-11-24 12:00:04\tINFO\tcasa::\tlistobs\n"
    "  (vis='a.ms')\n"
    "2026-11-24 12:00:05\tINFO\tcasa::\tlistobs   \t\n"
    "\t(vis='b.ms')\tWARN\t\n"
    "2026-11-24 12:00:06\tSEVERE\tcasa::\tStep 12 spans\r\n"
    "WARN at the start of a line, then a tab\tWARN\t and\tSEVERE\t\n"
    "2026-11-24 12:00:07\tINFO\tcasa::\t # #Step  7 after spaces and hashes\n"
    "2026-11-24 12:00:08\tINFO\tcasa::\tIn spw=3 found 12 Tsys measurements\n"
    "2026-11-24 12:00:09\tINFO\tcasa::\tStep x is not a step; MeasurementSet Name: c.ms\n"
    "2026-11-24 12:00:10\tINFO\tcasa::\t\xe9t\xe9 Found transfer field(s): J1\n"
    "Flux density for J1 in a logger copy \tWARN listobs(vis='d.ms')\n"
    "$Id: analysisUtils.py,v 1.2 and aU version 3\n"
    "2026-11-24 12:00:11\tINFO\tcasa::\tCASA Version 6.6.1\n"
    "no newline at the end: Step 4"
).encode("latin-1")


def hits(path: Path, markers: logscan_markers.Markers, chunk_size: int,
         monkeypatch, search: str) -> list[tuple]:
    """Every hit of a scan of *path* with the *search* marker search."""
    if search == "re":
        monkeypatch.setenv("QA2DOCS_NO_HYPERSCAN", "1")
    else:
        monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    with logscan.LogScanner(path, chunk_size) as scanner:
        found = [tuple(hit) for hit in scanner.hits(markers)]
        return [found, scanner.long_lines, scanner.total_lines, scanner.tab_separated]


def test_hyperscan_search_is_used_when_installed(monkeypatch):
    markers = logscan_markers.compile_markers(STARTS, PRIOS)
    monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    assert logscan_hs.enabled()
    assert markers.finder(True).__qualname__.startswith("hs_finder")
    assert markers.finder(False).__qualname__.startswith("hs_finder")
    monkeypatch.setenv("QA2DOCS_NO_HYPERSCAN", "1")
    assert markers.finder(True).__qualname__.startswith("re_finder")
    monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN")
    monkeypatch.setattr(logscan_hs, "hyperscan", None)  # the package is missing
    assert not logscan_hs.enabled()
    assert markers.finder(True).__qualname__.startswith("re_finder")


def test_an_expression_hyperscan_rejects_falls_back_on_re(monkeypatch):
    monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    markers = logscan_markers.compile_markers([rb"Step(?=\d)"])  # no lookahead in Hyperscan
    assert markers.finder(True).__qualname__.startswith("re_finder")
    buf = bytearray(b"x\tStep1\ny\tStep x\n")
    assert list(markers.finder(True)(buf, 0, len(buf))) == [1]


@pytest.mark.parametrize("tabbed", [True, False])
@pytest.mark.parametrize("chunk_size", [64, 97, 256, 4096])
def test_tricky_lines_give_the_same_hits(tmp_path, monkeypatch, tabbed, chunk_size):
    """Several markers on a line, a match across a newline, CRLF, latin-1, a word boundary,
    lines longer than the chunk, a last line without a newline; in the tab-anchored form
    and the spaced one (a log whose head is not tab-separated throughout)."""
    path = tmp_path / "casa.log"
    path.write_bytes(TRICKY if tabbed else b"2026-11-24 12:00:00 INFO casa:: x\n" + TRICKY)
    markers = logscan_markers.compile_markers(STARTS, PRIOS)
    by_hs = hits(path, markers, chunk_size, monkeypatch, "hyperscan")
    by_re = hits(path, markers, chunk_size, monkeypatch, "re")
    assert by_hs == by_re
    assert by_hs[3] is tabbed
    assert len(by_hs[0]) == (11 if tabbed else 16) if chunk_size > 100 else by_hs[1]


@pytest.mark.parametrize("chunk_size", [4096, 1 << 16])
def test_corpus_and_sample_logs_give_the_same_hits(corpus_dir, tmp_path, monkeypatch,
                                                   chunk_size):
    logs = sorted((corpus_dir / "casa6").glob("casa-*.log"))
    logs += sorted((corpus_dir / "casa_logs").glob("casa*.log"))
    logs += sorted((REPO / "samples").glob("**/*.log"))
    assert logs
    for markers in (logscan_markers.compile_markers(STARTS, PRIOS),
                    _LogState.markers(), SummaryReader.markers()):
        for path in logs:
            by_hs = hits(path, markers, chunk_size, monkeypatch, "hyperscan")
            assert by_hs == hits(path, markers, chunk_size, monkeypatch, "re"), path


@pytest.mark.parametrize("cpus", [1, 3])
def test_facts_do_not_depend_on_the_search(corpus_dir, tmp_path, monkeypatch, cpus):
    """Everything ``qa2docs facts`` says about a log of corpus and sample sessions (casalog,
    listobs and fluxscale lines, WARN runs, task calls), in one process or in ranges."""
    from test_parallel_readers import eb_json, repeated

    sources = sorted((corpus_dir / "casa6").glob("casa-*.log"))
    sources += sorted((corpus_dir / "casa_logs").glob("casa-*.log"))
    sources += [REPO / "samples" / "seed" / "reduction" / "X66d" / "casapy-20140828-093512.log"]
    path = repeated(sources, tmp_path, 3)
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 32 * 1024)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    by_hs = eb_json(path)
    monkeypatch.setenv("QA2DOCS_NO_HYPERSCAN", "1")
    assert eb_json(path) == by_hs
    assert '"casa_version"' in by_hs and '"listobs' in by_hs


def test_scans_in_threads_at_once_each_find_their_hits(tmp_path, monkeypatch):
    """The compiled database is shared; each scan has its own scratch space."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    path = tmp_path / "casa.log"
    path.write_bytes(TRICKY * 20000)
    markers = logscan_markers.compile_markers(STARTS, PRIOS)

    def scan(_: int) -> int:
        with logscan.LogScanner(path, 1 << 16) as scanner:
            return sum(1 for _ in scanner.hits(markers))

    with ThreadPoolExecutor(4) as pool:
        counts = set(pool.map(scan, range(8)))
    monkeypatch.setenv("QA2DOCS_NO_HYPERSCAN", "1")
    assert counts == {scan(0)}
    assert scan(0) == 11 * 20000


def test_finders_share_one_scratch_per_thread_and_find_the_same(monkeypatch):
    """A thread makes one scratch space per database; finders of one database used in turn
    in a thread, and at once in two threads, find what a fresh finder finds."""
    import threading
    monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    expressions = (rb"Begin Task", rb"Step [0-9]+", rb"casatools")
    buf = bytearray(TRICKY * 50)
    first = logscan_hs.hs_finder(expressions)
    expected = first(buf, 0, len(buf))
    half = first(buf, 10, len(buf) // 2)
    assert expected and expected == sorted(expected) and 0 < len(half) < len(expected)
    db = logscan_hs.database(expressions)
    assert logscan_hs._scratch(db) is logscan_hs._scratch(db)
    second = logscan_hs.hs_finder(expressions)
    for _ in range(3):
        assert first(buf, 0, len(buf)) == second(buf, 0, len(buf)) == expected
        assert second(buf, 10, len(buf) // 2) == first(buf, 10, len(buf) // 2) == half
    results, scratches = [], []

    def work() -> None:
        scratches.append(logscan_hs._scratch(db))
        finder = logscan_hs.hs_finder(expressions)
        results.extend(finder(buf, 0, len(buf)) == expected for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results and all(results)
    assert len({id(s) for s in scratches}) == 2 and logscan_hs._scratch(db) not in scratches
