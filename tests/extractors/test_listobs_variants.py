"""listobs variants seen in real files (issue 11): ``listunfl=True``, Cycle 4+ Tsys scans, the
summary of a selection, and documents that merely quote a listobs header.

The samples in samples/variants/listobs are laid out column for column as casacore's
MSSummary prints them (see samples/variants/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.extractors.listobs import ListobsExtractor
from qa2docs.models.facts import Fact

VARIANTS = Path(__file__).resolve().parents[2] / "samples" / "variants" / "listobs"
FULL = VARIANTS / "uid___A002_Xc6c0d5_X6d0e.ms.listunfl.listobs"
FIELD2 = VARIANTS / "uid___A002_Xc6c0d5_X6d0e.ms.field2.listobs"
SPW3 = VARIANTS / "uid___A002_Xc6c0d5_X6d0e.ms.spw3.listobs"
EB_WIDE = {"observation", "data_records", "scans", "fields", "fields_by_intent",
           "bandwidth_switching", "all_spws"}


def run(path: Path) -> tuple[dict[str, Fact], list[str]]:
    extractor = ListobsExtractor()
    facts = {f.field: f for f in extractor.extract(path)}
    return facts, [str(w) for w in extractor.warnings]


def as_log(text: str, call: str) -> str:
    """*text* as CASA 6 writes it in its log, after the echoed *call*."""
    head = "2018-06-02 07:00:00\tINFO\tlistobs::::casa\t"
    lines = [f"{head}##### Begin Task: listobs            #####", f"{head}{call}"]
    lines += [f"2018-06-02 07:00:01\tINFO\tlistobs::ms::summary{'+' if i else ''}\t{line}"
              for i, line in enumerate(text.splitlines())]
    return "\n".join(lines) + "\n"


def test_listunfl_fields_are_read() -> None:
    facts, warnings = run(FULL)
    assert warnings == []
    assert [(f["name"], f["nrows"]) for f in facts["fields"].value] == [
        ("J1427-4206", 25350), ("J1626-2951", 12000), ("Elias_29", 49800)]
    assert [s["nrows"] for s in facts["scans"].value][:3] == [3750, 2100, 19500]
    assert facts["data_records"].value == 87150


def test_cycle4_tsys_scans_give_calibrate_atmosphere() -> None:
    facts, _ = run(FULL)
    fbi = facts["fields_by_intent"].value
    assert fbi["CALIBRATE_ATMOSPHERE"] == ["J1427-4206", "J1626-2951", "Elias_29"]
    on_source = facts["observation"].value["on_source_s"]
    assert on_source["CALIBRATE_ATMOSPHERE"] == pytest.approx(3 * 43.2)
    assert on_source["OBSERVE_TARGET"] == pytest.approx(2 * 394.7)
    # the Tsys scans use the science windows, which stay the science windows
    assert [s["id"] for s in facts["spws"].value] == [1, 2, 3, 4]


def test_field_selection_answers_no_eb_wide_field() -> None:
    facts, warnings = run(FIELD2)
    assert not EB_WIDE & facts.keys()
    assert facts["ms_name"].value == "uid___A002_Xc6c0d5_X6d0e.ms"
    assert facts["project_uid"].value == "uid://A001/X1288/X5f2"
    assert [s["id"] for s in facts["spws"].value] == [1, 2, 3, 4]  # its target scans tell
    assert facts["antenna_count"].value == 5
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{FIELD2.name}:2: listobs of a selection (the Sources table "
                                  "names J1427-4206, J1626-2951, absent from its Fields table)")


def test_spw_selection_answers_no_window_field() -> None:
    facts, warnings = run(SPW3)
    assert not (EB_WIDE | {"spws", "bands", "correlator_mode"}) & facts.keys()
    assert facts["antennas"].value == ["DA41", "DA42", "DV11", "DV19", "CM03"]
    assert "its spectral windows are 3 only" in warnings[0]


def test_scan_selection_known_from_the_call_in_the_log(tmp_path: Path) -> None:
    # a scan selection that keeps every field and window: only the echoed call tells
    call = ("listobs( vis='uid___A002_Xc6c0d5_X6d0e.ms', selectdata=True, spw='', field='', "
            "antenna='', uvrange='', timerange='', correlation='', scan='7~9', intent='', "
            "feed='', array='', observation='', verbose=True, listfile='', listunfl=False, "
            "cachesize=50.0, overwrite=False )")
    log = tmp_path / "casa-20180602-070000.log"
    log.write_text(as_log(FULL.read_text(), call))
    facts, warnings = run(log)
    assert not EB_WIDE & facts.keys()
    assert [w.split(" (")[1].split(")")[0] for w in warnings] == [
        "the listobs call selects scan='7~9'"]
    # the same log with an empty selection: the whole MS
    log.write_text(as_log(FULL.read_text(), call.replace("'7~9'", "''")))
    facts, warnings = run(log)
    assert warnings == [] and facts["observation"].value["total_elapsed_s"] == 1677.3


def test_document_quoting_a_listobs_header_is_not_listobs(tmp_path: Path) -> None:
    doc = tmp_path / "listobs_notes.txt"
    doc.write_text("How to read a listobs\n=====================\n\n"
                   "The title line reads `MeasurementSet Name:  <path>      MS Version 2`,\n"
                   "        MeasurementSet Name:  /data/uid___A002_X1_X2.ms      MS Version 2\n"
                   "   Observer: someone     Project: uid://A001/X1/X2  \n"
                   "Fields: 3\n")
    facts, warnings = run(doc)
    assert facts == {}
    assert warnings == ["listobs_notes.txt:?: no listobs summary found"]
