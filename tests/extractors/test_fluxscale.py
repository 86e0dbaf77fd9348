"""FluxscaleExtractor and the shared log scanner, on the corpus and on synthetic edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.extractors import logscan, logscan_ranges
from qa2docs.extractors.fluxscale import FluxscaleExtractor
from helpers import extract_facts


def extract(path: Path) -> tuple[dict, list]:
    facts, ex = extract_facts(FluxscaleExtractor, path)
    return facts, ex.warnings


def test_casa6_eb1_fluxscale_file(corpus_dir):
    facts, warnings = extract(corpus_dir / "casa6" / "uid___A002_Xc0ffee_X1b.ms.split.fluxscale")
    assert warnings == []
    fluxes = facts["flux_densities"]
    assert fluxes.value == [
        {"source": "J1733-1304", "spw": 0, "freq_hz": 3.35e11, "flux_jy": 1.10956,
         "error_jy": 0.00275879, "snr": 402.193, "n": 12},
        {"source": "J1733-1304", "spw": 1, "freq_hz": 3.37e11, "flux_jy": 1.10561,
         "error_jy": 0.00292747, "snr": 377.668, "n": 12},
        {"source": "J1733-1304", "spw": 2, "freq_hz": 3.4579e11, "flux_jy": 1.08868,
         "error_jy": 0.00304613, "snr": 357.398, "n": 12},
        {"source": "J1733-1304", "spw": 3, "freq_hz": 3.47e11, "flux_jy": 1.08522,
         "error_jy": 0.0023197, "snr": 467.826, "n": 12},
    ]
    prov = fluxes.provenance[0]
    assert (prov.extractor, prov.file, prov.line, prov.end_line) == (
        "fluxscale", "uid___A002_Xc0ffee_X1b.ms.split.fluxscale", 11, 14)
    assert fluxes.rank == 20
    assert facts["fitted_spectra"].value == [
        {"source": "J1733-1304", "flux_jy": 1.09714, "error_jy": 0.000280106,
         "ref_freq_hz": 341.157e9, "spidx": -0.622909, "spidx_error": 0.0162116}]
    assert facts["fluxscale.reference_fields"].value == ["J1517-2422"]
    assert facts["fluxscale.reference_fields"].provenance[0].line == 9
    assert facts["fluxscale.transfer_fields"].value == ["J1733-1304"]
    paste = facts["gaincal.fluxscale_paste"].value.splitlines()
    assert len(paste) == 5
    assert paste[0] == ("Flux density for J1733-1304 in SpW=0 (freq=3.35e+11 Hz) is: "
                        "1.10956 +/- 0.00275879 (SNR = 402.193, N = 12)")
    assert paste[4].startswith("Fitted spectrum for J1733-1304 with fitorder=1: Flux density = "
                               "1.09714 +/- 0.000280106 (freq=341.157 GHz) spidx: a_1")


def test_casa6_eb2_insufficient_data_and_two_fits(corpus_dir):
    facts, _ = extract(corpus_dir / "casa6" / "uid___A002_Xc10a2b_X2c.ms.split.fluxscale")
    by_key = {(v["source"], v["spw"]): v for v in facts["flux_densities"].value}
    assert len(by_key) == 8
    assert by_key[("J1751-1950", 2)] == {"source": "J1751-1950", "spw": 2, "freq_hz": None,
                                         "flux_jy": None, "error_jy": None, "snr": None,
                                         "n": None}
    assert [by_key[("J1733-1304", s)]["flux_jy"] for s in range(4)] == [
        1.14242, 1.14605, 1.12286, 1.11995]
    assert {v["n"] for v in by_key.values() if v["n"]} == {11}  # DV11 flagged in EB2
    assert [by_key[("J1751-1950", s)]["flux_jy"] for s in (0, 1, 3)] == [
        0.263313, 0.264681, 0.255792]
    fits = {f["source"]: f for f in facts["fitted_spectra"].value}
    assert fits["J1733-1304"]["flux_jy"] == 1.13298
    assert fits["J1751-1950"] == {"source": "J1751-1950", "flux_jy": 0.261542,
                                  "error_jy": 0.00133024, "ref_freq_hz": 339.626e9,
                                  "spidx": -0.937761, "spidx_error": 0.38371}
    assert facts["fluxscale.transfer_fields"].value == ["J1733-1304", "J1751-1950"]
    assert "INSUFFICIENT DATA" in facts["gaincal.fluxscale_paste"].value.splitlines()[6]


def test_logger_copy_with_two_runs_keeps_the_last(corpus_dir):
    # two runs back to back: the second starts at "Found transfer field(s)" (line 16)
    facts, warnings = extract(
        corpus_dir / "fluxscale" / "kameno_2013.1.01225.S_B7_Xa7a216.fluxscale_log.txt")
    assert warnings == []
    fluxes = facts["flux_densities"].value
    assert len(fluxes) == 12
    assert fluxes[0] == {"source": "J0339-0146", "spw": 0, "freq_hz": 3.44131e11,
                         "flux_jy": 2.07942, "error_jy": 0.00611091, "snr": 340.281, "n": 84}
    assert facts["flux_densities"].provenance[0].line == 17
    assert [f["source"] for f in facts["fitted_spectra"].value] == [
        "J0339-0146", "J0334-401", "J0301+0118"]
    assert facts["fitted_spectra"].value[1]["spidx"] == -0.353925
    assert facts["fluxscale.transfer_fields"].value == ["J0339-0146", "J0334-401", "J0301+0118"]
    assert "fluxscale.reference_fields" not in facts


def test_logger_copy_same_name_twice_is_one_run(corpus_dir):
    facts, _ = extract(
        corpus_dir / "fluxscale" / "kameno_2013.1.01225.S_B6_Xa76868_X2423.fluxscale_log.txt")
    fluxes = facts["flux_densities"].value
    assert len(fluxes) == 16
    assert [f["flux_jy"] for f in fluxes if f["source"] == "NGC_1052" and f["spw"] == 0] == [
        0.477146, 0.475096]
    assert [f["flux_jy"] for f in facts["fitted_spectra"].value] == [
        1.16453, 0.49472, 0.186618, 0.492828]
    assert facts["fitted_spectra"].value[0]["ref_freq_hz"] == 222.458e9


def test_task_block_from_casa6_logger_copy(corpus_dir):
    facts, _ = extract(
        corpus_dir / "fluxscale" / "kameno_2022.A.00023.S_X10a7a20_X65a8.fluxscale_log.txt")
    assert facts["fluxscale.reference_fields"].value == ["J0238+1636"]
    assert facts["fluxscale.transfer_fields"].value == ["J0235-0402", "NGC_1052"]
    assert facts["fitted_spectra"].value[1]["flux_jy"] == 0.68513
    assert facts["flux_densities"].value[4]["n"] == 100


def corpus_logs(corpus: Path) -> list[Path]:
    return sorted([*corpus.glob("fluxscale/*"), *corpus.glob("casa6/*.fluxscale"),
                   *corpus.glob("casa6/*.log"), *corpus.glob("casa_logs/*")])


def test_every_corpus_fluxscale_and_log_reads_cleanly(corpus_dir):
    paths = corpus_logs(corpus_dir)
    assert len(paths) >= 10
    with_results = 0
    for path in paths:
        facts, warnings = extract(path)
        # a file without results says so (never a silent zero); nothing else is wrong
        assert [w.message for w in warnings] == ([] if "flux_densities" in facts
                                                 else [NO_RESULT]), path
        with_results += "flux_densities" in facts
    # the main casa logs hold no fluxscale lines (they went to the .fluxscale file)
    assert with_results == len(paths) - 3


NO_RESULT = ("no fluxscale result in this file (no 'Flux density for ...' or 'Fitted spectrum "
             "for ...' line)")

OLD_CASA = """\
2013-08-08 09:51:45\tINFO\tfluxscale::::\t Found reference field(s): Titan
2013-08-08 09:51:45\tINFO\tfluxscale::::\t Flux density for J1717-3342 in SpW=3 is: 1.94158 +/- 0.0123058 (SNR = 157.777, N= 34)
2013-08-08 09:51:45\tINFO\tfluxscale::::\t Flux density for J1717-3342 in SpW=0 is:  INSUFFICIENT DATA 
2013-08-08 09:51:45\tINFO\tfluxscale::::\t Fitted spectrum for J1717-3342 with fitorder=1: Flux density = 0.745584 +/- 0.0502467 (freq=1.3827 GHz) spidx=0.162341 +/- 0.445142
"""


def test_old_casa_shapes(tmp_path):
    path = tmp_path / "old.ms.split.fluxscale"
    path.write_text(OLD_CASA)
    facts, warnings = extract(path)
    assert warnings == []
    assert facts["flux_densities"].value == [
        {"source": "J1717-3342", "spw": 3, "freq_hz": None, "flux_jy": 1.94158,
         "error_jy": 0.0123058, "snr": 157.777, "n": 34},
        {"source": "J1717-3342", "spw": 0, "freq_hz": None, "flux_jy": None, "error_jy": None,
         "snr": None, "n": None},
    ]
    assert facts["fitted_spectra"].value == [
        {"source": "J1717-3342", "flux_jy": 0.745584, "error_jy": 0.0502467,
         "ref_freq_hz": 1.3827e9, "spidx": 0.162341, "spidx_error": 0.445142}]
    assert facts["fluxscale.reference_fields"].value == ["Titan"]


def test_bare_pasted_lines_as_in_the_seed(tmp_path):
    path = tmp_path / "pasted.fluxscale"
    path.write_text(
        "Flux density for J1751+0939 in SpW=0 (freq=2.16276e+11 Hz) is: 2.22776 +/- 0.00677892"
        " (SNR = 328.631, N = 9)\n"
        "Fitted spectrum for J1751+0939 with fitorder=1: Flux density = 2.19474 +/- 0.00107564"
        " (freq=223.031 GHz) spidx=-0.549826 +/- 0.016824\n")
    facts, _ = extract(path)
    assert facts["flux_densities"].value[0]["freq_hz"] == 2.16276e11
    assert facts["fitted_spectra"].value[0]["spidx"] == -0.549826
    assert facts["fitted_spectra"].provenance[0].line == 2


def test_truncated_line_warns_and_goes_on(tmp_path):
    path = tmp_path / "cut.fluxscale"
    path.write_text(
        "2026-11-24 12:07:21\tINFO\tfluxscale::::\t Flux density for A in SpW=0 (freq=3.35e+11 Hz)"
        " is: 1.5 +/- 0.01 (SNR = 150, N = 12)\n"
        "2026-11-24 12:07:21\tINFO\tfluxscale::::\t Flux density for A in SpW=1 (freq=3.37e+11 Hz)"
        " is: 1.4")
    ex = FluxscaleExtractor()
    facts = {f.field: f for f in ex.extract(path)}
    assert [v["spw"] for v in facts["flux_densities"].value] == [0]
    assert len(ex.warnings) == 1
    assert ex.warnings[0].line == 2
    assert "truncated or unreadable fluxscale line" in ex.warnings[0].message


def test_failed_later_run_is_noted(tmp_path):
    path = tmp_path / "x.fluxscale"
    begin = "2026-11-24 12:07:21\tINFO\tfluxscale::::casa\t##### Begin Task: fluxscale    #####\n"
    path.write_text(
        begin
        + "2026-11-24 12:07:21\tINFO\tfluxscale::::\t Flux density for A in SpW=0 (freq=3.35e+11 Hz)"
        " is: 1.5 +/- 0.01 (SNR = 150, N = 12)\n"
        + begin
        + "2026-11-24 12:07:22\tSEVERE\tfluxscale::::\tAn error occurred\n")
    facts, _ = extract(path)
    assert facts["flux_densities"].value[0]["flux_jy"] == 1.5
    assert facts["flux_densities"].note == (
        "later fluxscale run(s) without results at line(s) 3; the last complete run is used")


def test_empty_file_gives_no_facts_and_says_so(tmp_path):
    path = tmp_path / "empty.fluxscale"
    path.write_bytes(b"")
    facts, warnings = extract(path)
    assert facts == {} and [w.message for w in warnings] == [NO_RESULT]


def test_unreadable_file_raises_extraction_error(tmp_path):
    from qa2docs.errors import ExtractionError
    with pytest.raises(ExtractionError, match="cannot read log"):
        list(FluxscaleExtractor().extract(tmp_path / "missing.fluxscale"))


# --- the scanner itself -------------------------------------------------------------------

def synthetic_log(path: Path, blocks: int = 400) -> list[tuple[int, str]]:
    """A CRLF, latin-1 log; returns the (line, message) of each fluxscale result line."""
    out, expected, n = [], [], 0
    for b in range(blocks):
        for k in range(20):
            out.append(f"2026-11-24 12:07:21\tINFO\tcalibrater::solve\tSolution {b}.{k} \xe9t\xe9"
                       f" \u00b0 {'x' * (k * 7)}")
        out.append(f"2026-11-24 12:07:21\tINFO\tfluxscale::::\t Flux density for Q{b} in SpW=1"
                   f" (freq=3.37e+11 Hz) is: {b + 1}.5 +/- 0.01 (SNR = 150, N = 12)")
        expected.append((len(out), f"Q{b}"))
        n += 1
    path.write_bytes("\r\n".join(out).encode("latin-1", "replace") + b"\r\n")
    return expected


def test_streaming_crlf_latin1_small_chunks(tmp_path, monkeypatch):
    path = tmp_path / "casa-20260101-000000.log"
    expected = synthetic_log(path)
    monkeypatch.setattr(logscan, "CHUNK_SIZE", 4096)  # ~100 chunks, lines cut at every edge
    facts, warnings = extract(path)
    assert warnings == []
    # "Flux density for" lines all before any fit: one run with every block's line
    got = [(v["source"], v["flux_jy"]) for v in facts["flux_densities"].value]
    assert got == [(src, b + 1.5) for b, (_, src) in enumerate(expected)]
    assert facts["flux_densities"].provenance[0].line == expected[0][0]
    assert facts["flux_densities"].provenance[0].end_line == expected[-1][0]
    assert "\r" not in facts["gaincal.fluxscale_paste"].value


def test_parallel_ranges_give_the_same_hits(tmp_path, monkeypatch):
    path = tmp_path / "casa-20260101-000000.log"
    expected = synthetic_log(path, blocks=900)
    markers = logscan.compile_markers([rb"Flux density for "])
    monkeypatch.setattr(logscan, "CHUNK_SIZE", 8192)
    with logscan.LogScanner(path) as scanner:
        sequential = [(h.number, h.offset, h.raw) for h in scanner.hits(markers)]
        total = scanner.total_lines
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 64 * 1024)
    # 4 CPUs, also on a 1-CPU machine: the ranges after the first go to forked workers.
    monkeypatch.setattr(logscan_ranges.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    # and as in a fresh process: an earlier test's dask client leaves its IO loop thread
    # running in this one, and the scan forks only from a single-threaded process
    monkeypatch.setattr(logscan_ranges.threading, "active_count", lambda: 1)
    started = []
    real_fork = logscan_ranges._fork

    def fork(target, *args):
        started.append(target.__name__)
        return real_fork(target, *args)

    monkeypatch.setattr(logscan_ranges, "_fork", fork)
    with logscan.LogScanner(path) as scanner:
        parallel = [(h.number, h.offset, h.raw) for h in scanner.hits(markers)]
        assert scanner.total_lines == total == expected[-1][0]
    assert len(started) == logscan_ranges.MAX_WORKERS - 1, started
    assert parallel == sequential
    assert [n for n, _, _ in sequential] == [line for line, _ in expected]


def test_line_longer_than_buffer_is_skipped_with_a_warning(tmp_path, monkeypatch):
    path = tmp_path / "long.fluxscale"
    row = ("2026-11-24 12:07:21\tINFO\tfluxscale::::\t Flux density for {} in SpW=0"
           " (freq=3.35e+11 Hz) is: 1.5 +/- 0.01 (SNR = 150, N = 12)\n")
    path.write_text(row.format("A") + "2026-11-24\tINFO\tx\t" + "y" * 5000 + "\n" + row.format("B"))
    monkeypatch.setattr(logscan, "CHUNK_SIZE", 1024)
    ex = FluxscaleExtractor()
    facts = {f.field: f for f in ex.extract(path)}
    assert [v["source"] for v in facts["flux_densities"].value] == ["A", "B"]
    assert facts["flux_densities"].provenance[0].end_line == 3
    assert [(w.line, w.message) for w in ex.warnings] == [
        (2, "line longer than the scan buffer; skipped")]


def test_parse_line_shapes():
    tab = logscan.parse_line(7, "2026-11-24 12:07:21\tWARN\tFlag::x (file a.cc, line 9)+\tmsg")
    assert (tab.date, tab.time, tab.priority, tab.origin, tab.message, tab.is_continuation) == (
        "2026-11-24", "12:07:21", "WARN", "Flag::x (file a.cc, line 9)+", "msg", True)
    spaced = logscan.parse_line(1, "2012-03-09 21:30:23     SEVERE    fluxscale::::    boom")
    assert (spaced.priority, spaced.origin, spaced.message) == ("SEVERE", "fluxscale::::", "   boom")
    bare = logscan.parse_line(2, "Flux density for A")
    assert (bare.priority, bare.message) == (None, "Flux density for A")
