"""CasaLogExtractor on the corpus casa logs and on synthetic logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.extractors import casalog
from qa2docs.extractors.casalog import CasaLogExtractor, parse_task_call
from helpers import extract_facts


def extract(path: Path) -> tuple[dict, list]:
    facts, ex = extract_facts(CasaLogExtractor, path)
    return facts, ex.warnings


def test_casa6_eb2_log(corpus_dir):
    facts, warnings = extract(corpus_dir / "casa6" / "casa-20261124-120715.log")
    assert warnings == []
    version = facts["casa_version"]
    assert version.value == "6.7.0.31"
    assert (version.provenance[0].line, version.provenance[0].excerpt) == (
        9, "CASA Version MODULAR 6.7.0.31")
    assert version.rank == 10
    steps = facts["log.steps"].value
    assert [s["number"] for s in steps] == list(range(10))
    assert steps[3] == {"number": 3, "title": "Listobs, and save original flags", "line": 144}
    assert steps[9] == {"number": 9, "title": "Gain calibration", "line": 454}
    tasks = facts["log.tasks"].value
    assert [t["name"] for t in tasks] == [
        "listobs", "flagdata", "flagdata", "flagdata", "mstransform", "listobs", "flagmanager",
        "flagdata", "setjy", "flagmanager", "gaincal", "bandpass", "flagmanager", "gaincal",
        "gaincal"]
    dv11 = tasks[3]
    assert (dv11["line"], dv11["step"], dv11["params"]["antenna"]) == (86, 1, "DV11")
    assert tasks[7]["params"]["field"] == "J1751-1950" and tasks[7]["params"]["spw"] == "2"
    assert tasks[8]["params"]["fluxdensity"] == [1.9, 0, 0, 0]
    assert tasks[14]["params"]["gaintype"] == "T" and tasks[14]["params"]["refant"] == "DA47"
    messages = facts["log.messages"].value
    assert messages["total"] == 2 and messages["counts"] == {"WARN": 1, "SEVERE": 1}
    severe = messages["items"][1]
    assert severe["line"] == 197 and severe["step"] == 5
    assert severe["message"] == (
        "Leap second table TAI_UTC seems out-of-date. Until the table is updated (see the CASA "
        "documentation or your system admin), times and coordinates derived from UTC could be "
        "wrong by 1s or more.")
    assert severe["origin"].startswith("MeasTable::dUTC(Double)")
    assert messages["items"][0]["message"] == "PROCESSOR sub-table is empty. Assuming CORRELATOR type."
    # the fluxscale lines went to the .fluxscale file; no fixsyscaltimes in a simulation
    assert "flux_densities" not in facts and "apriori.syscal_fix" not in facts


def test_casa6_eb1_log(corpus_dir):
    facts, _ = extract(corpus_dir / "casa6" / "casa-20261124-120702.log")
    steps = facts["log.steps"].value
    assert (steps[4]["line"], steps[5]["line"]) == (125, 126)  # step 4 is empty in EB1
    assert [t["params"].get("antenna") for t in facts["log.tasks"].value
            if t["name"] == "flagdata"] == ["", ""]
    assert facts["log.messages"].value["items"][1]["line"] == 140


def test_casa4_log_banner_and_continued_call(corpus_dir):
    facts, _ = extract(corpus_dir / "casa_logs" / "casa-20170706-201452.log")
    assert facts["casa_version"].value == "4.7.2"
    assert facts["casa_version"].provenance[0].line == 2
    (task,) = facts["log.tasks"].value
    assert (task["name"], task["line"], task["step"]) == ("viewer", 6, None)
    assert task["params"]["displaytype"] == "raster"
    assert task["params"]["outdpi"] == 300  # from the "viewer::::+" continuation line
    assert "log.steps" not in facts and "log.messages" not in facts


def write(path: Path, lines: list[str], crlf: bool = False) -> Path:
    eol = "\r\n" if crlf else "\n"
    path.write_bytes((eol.join(lines) + eol).encode("latin-1"))
    return path


T = "2026-11-24 12:07:21"


def test_syscal_fix_aU_version_and_last_fluxscale_run(tmp_path):
    path = write(tmp_path / "casapy-20140101-000000.log", [
        f"{T}\tINFO\tcasa::::\tCASA Version 4.2.2 (r30986)",
        f"{T}\tINFO\tcasa::::\t$Id: analysisUtils.py,v 1.2931 2014/08/21 15:10:41 thunter Exp $",
        f"{T}\tINFO\timportasdm::::casa\tStep 1 Fix of SYSCAL table times",
        f"{T}\tINFO\tcasa::::\tIn spw=17 found 24 Tsys measurements with 30 TIMEs... which is too"
        " many, so fixing it:",
        f"{T}\tINFO\tfluxscale::::\t Flux density for A in SpW=0 (freq=2.3e+11 Hz) is: 1.0 +/- 0.1"
        " (SNR = 10, N = 30)",
        f"{T}\tINFO\tfluxscale::::\t Fitted spectrum for A with fitorder=1: Flux density = 1.0"
        " +/- 0.1 (freq=230 GHz) spidx=-0.5 +/- 0.1",
        f"{T}\tINFO\tfluxscale::::casa\t##### Begin Task: fluxscale          #####",
        f"{T}\tINFO\tfluxscale::::\t Flux density for A in SpW=0 (freq=2.3e+11 Hz) is: 1.2 +/- 0.1"
        " (SNR = 12, N = 30)",
    ], crlf=True)
    facts, warnings = extract(path)
    assert warnings == []
    assert facts["casa_version"].value == "4.2.2"
    assert facts["analysisutils_version"].value == "1.2931"
    syscal = facts["apriori.syscal_fix"]
    assert syscal.value is True and syscal.provenance[0].line == 4
    assert facts["log.steps"].value == [
        {"number": 1, "title": "Fix of SYSCAL table times", "line": 3}]
    assert facts["flux_densities"].value[0]["flux_jy"] == 1.2  # the last run only
    assert facts["flux_densities"].rank == 10
    assert facts["flux_densities"].provenance[0].extractor == "casalog"
    assert "fitted_spectra" not in facts
    assert [t["name"] for t in facts["log.tasks"].value] == ["fluxscale"]


def test_step_marker_alone_is_no_syscal_evidence(tmp_path):
    path = write(tmp_path / "casa-1.log", [
        f"{T}\tINFO\t::casa\tStep 1 Fix of SYSCAL table times",
        f"{T}\tINFO\t::casa\t[py3-port] fixsyscaltimes SKIPPED"])
    facts, _ = extract(path)
    assert "apriori.syscal_fix" not in facts
    assert "casa_version" not in facts  # casatools-style log: no banner, no fact


def test_logger_window_copy_with_spaces(tmp_path):
    path = write(tmp_path / "copy.casalog", [
        "2012-03-09 21:30:23     INFO    casa::::    CASA Version 3.4.0 (r19988)",
        "2012-03-09 21:30:23     WARN    flagdata::::    Some data could not be flagged",
        "2012-03-09 21:30:23     INFO    casa::::    Step 12 Gain calibration",
    ])
    facts, _ = extract(path)
    assert facts["casa_version"].value == "3.4.0"
    item = facts["log.messages"].value["items"][0]
    assert (item["priority"], item["origin"], item["message"], item["line"], item["step"]) == (
        "WARN", "flagdata::::", "Some data could not be flagged", 2, None)
    assert facts["log.steps"].value[0]["number"] == 12


def test_messages_are_capped_with_a_total(tmp_path, monkeypatch):
    monkeypatch.setattr(casalog, "MESSAGES_SHOWN", 3)
    lines = [f"{T}\tWARN\tx::y\twarning {i}" for i in range(10)]
    lines.insert(5, f"{T}\tSEVERE\tx::y\tsevere one")
    lines.append(f"{T}\tWARN\tx::y+\tcontinued")  # joins the last message, kept in the tail
    facts, _ = extract(write(tmp_path / "casa-2.log", lines))
    value = facts["log.messages"].value
    assert value["total"] == 11 and value["counts"] == {"WARN": 10, "SEVERE": 1}
    assert [i["message"] for i in value["items"]] == [
        "warning 0", "warning 1", "warning 2", "warning 7", "warning 8", "warning 9 continued"]
    assert [i["line"] for i in value["items"]] == [1, 2, 3, 9, 10, 11]
    assert facts["log.messages"].note == "11 WARN/SEVERE messages; first 3 and last 3 shown"
    assert facts["log.messages"].provenance[0].where() == "casa-2.log:1-11"


def test_truncated_task_call_warns(tmp_path):
    path = write(tmp_path / "casa-3.log", [
        f"{T}\tINFO\tgaincal::::casa\t##### Begin Task: gaincal            #####",
        f"{T}\tINFO\tgaincal::::casa\tgaincal( vis='a.ms', caltable='a.ph"])
    ex = CasaLogExtractor()
    facts = {f.field: f for f in ex.extract(path)}
    assert facts["log.tasks"].value == [{"name": "gaincal", "line": 1, "step": None,
                                         "params": None}]
    assert [(w.line, w.message) for w in ex.warnings] == [
        (2, "unreadable or truncated call of task gaincal")]


def test_parse_task_call_keeps_non_literals_as_text():
    assert parse_task_call("setjy( vis='a', fluxdensity=[1.9, 0], scalebychan=True, x=nan )") == {
        "vis": "a", "fluxdensity": [1.9, 0], "scalebychan": True, "x": "nan"}
    assert parse_task_call("not a call") is None


SEED = Path(__file__).resolve().parents[2] / "samples" / "seed" / "reduction"


def test_seed_sample_casapy_logs():
    if not SEED.is_dir():
        pytest.skip("samples/seed is absent")
    facts, warnings = extract(SEED / "X66d" / "casapy-20140828-093512.log")
    assert warnings == []
    assert (facts["casa_version"].value, facts["casa_version"].provenance[0].line) == ("4.2.2", 2)
    assert facts["analysisutils_version"].value == "1.2413"
    syscal = facts["apriori.syscal_fix"].provenance[0]
    assert facts["apriori.syscal_fix"].value is True and (syscal.line, syscal.end_line) == (231, 240)
    assert facts["log.steps"].value[:2] == [
        {"number": 0, "title": "Import of the ASDM", "line": 229},
        {"number": 1, "title": "Fix of SYSCAL table times", "line": 230}]
    importasdm = facts["log.tasks"].value[0]
    assert (importasdm["name"], importasdm["line"]) == ("importasdm", 10)
    assert importasdm["params"]["asis"] == "Antenna Station CalAtmosphere Receiver Source"

    facts, _ = extract(SEED / "Xa12" / "casapy-20140829-101047.log")
    assert "apriori.syscal_fix" not in facts  # no fixsyscaltimes in Xa12
    items = {i["line"]: i for i in facts["log.messages"].value["items"]}
    assert items[260]["message"] == ("Insufficient unflagged antennas to proceed with this solve."
                                     " (time=2014/08/03/00:44:31.0 field=1 spw=5 chan=0)")
    assert (items[262]["priority"], items[262]["message"]) == (
        "SEVERE", "Found no unflagged data for antenna DV16 in any spw.")
