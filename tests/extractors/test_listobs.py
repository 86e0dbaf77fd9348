"""ListobsExtractor on the corpus listfiles, on listobs embedded in casa logs, and edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.errors import ExtractionError
from qa2docs.extractors.listobs import ListobsExtractor
from qa2docs.extractors.listobs.tables import array_kind, band_from_frequency
from qa2docs.models.facts import Fact

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
EB1 = "casa6/uid___A002_Xc0ffee_X1b.ms.listobs"
EB2 = "casa6/uid___A002_Xc10a2b_X2c.ms.listobs"
SELECTION = "listobs/uid___A002_Xb925ef_X4334_calibrated.ms.listobs"
ALL_LISTOBS = sorted(
    [f"listobs/{p.name}" for p in (CORPUS / "listobs").glob("*")]
    + [f"casa6/{p.name}" for p in (CORPUS / "casa6").glob("*.listobs")]
) if CORPUS.is_dir() else []


def run(path: Path) -> tuple[dict[str, Fact], ListobsExtractor]:
    """Facts by field id (the last one wins, as for a single-run file) and the extractor."""
    extractor = ListobsExtractor()
    return {f.field: f for f in extractor.extract(path)}, extractor


def as_log(lines: list[str], origin: str = "listobs::::", sep: str = "\t", eol: str = "\n",
           stamp: str = "2024-06-02 06:00:00") -> str:
    """The lines as casa log lines: first with *origin*, the rest with ``origin+``."""
    return "".join(f"{stamp}{sep}INFO{sep}{origin if i == 0 else origin + '+'}\t{line}{eol}"
                   for i, line in enumerate(lines))


# --- CASA 6.7 listfiles (values from corpus/casa6/README.md and ground_truth.json) ---------

def test_eb1_header_and_observation(corpus_dir: Path) -> None:
    facts, extractor = run(corpus_dir / EB1)
    assert extractor.warnings == []
    assert facts["ms_name"].value == "uid___A002_Xc0ffee_X1b.ms"
    assert facts["observer"].value == "mlee"
    assert facts["project_uid"].value == "uid://A001/X35f1/X1a4"
    assert facts["data_records"].value == 55704
    obs = facts["observation"]
    assert obs.value["start"] == "2024-06-02T05:05:37.0Z"
    assert obs.value["end"] == "2024-06-02T05:30:23.3Z"
    assert obs.value["total_elapsed_s"] == 1486.34
    # three 4-min target scans 05:14:37.0-05:18:38.9 etc.; four 42 s phase scans
    assert obs.value["on_source_s"]["OBSERVE_TARGET"] == pytest.approx(3 * 241.9)
    assert obs.value["on_source_s"]["CALIBRATE_PHASE"] == pytest.approx(4 * 42.3)
    assert obs.value["on_source_s"]["CALIBRATE_BANDPASS"] == pytest.approx(241.9)
    # the three Tsys scans carry only #AMBIENT/#HOT/#OFF_SOURCE (Cycle 4+): 36.1 s each
    assert obs.value["on_source_s"]["CALIBRATE_ATMOSPHERE"] == pytest.approx(3 * 36.1)
    prov = obs.provenance[0]
    assert (prov.extractor, prov.file, prov.line, prov.end_line) == (
        "listobs", "uid___A002_Xc0ffee_X1b.ms.listobs", 6, 7)
    assert "Data records: 55704" in prov.excerpt
    assert obs.rank == 20


def test_eb1_scans_fields_intents(corpus_dir: Path) -> None:
    facts, _ = run(corpus_dir / EB1)
    scans = facts["scans"].value
    assert [s["scan"] for s in scans] == list(range(1, 13))
    assert scans[2] == {
        "obs_id": 0, "scan": 3, "field": "J1517-2422", "field_ids": [0],
        "start": "2024-06-02T05:07:23.0Z", "end": "2024-06-02T05:11:24.9Z",
        "intents": ["CALIBRATE_BANDPASS#ON_SOURCE", "CALIBRATE_FLUX#ON_SOURCE",
                    "CALIBRATE_WVR#ON_SOURCE"],
        "spws": [0, 1, 2, 3], "nrows": 10560}
    assert sum(s["nrows"] for s in scans) == 55704
    assert [s["scan"] for s in scans if s["field"] == "J1733-1304" and s["nrows"] == 1848] == [
        5, 8, 10, 12]
    assert facts["fields"].value == [
        {"id": 0, "name": "J1517-2422", "ra": "15:17:41.813000", "dec": "-24.22.19.48000",
         "nrows": 13464},
        {"id": 1, "name": "J1733-1304", "ra": "17:33:02.706000", "dec": "-13.04.49.55000",
         "nrows": 8976},
        {"id": 2, "name": "HD163296", "ra": "17:56:21.288000", "dec": "-21.57.21.87000",
         "nrows": 33264}]
    fbi = facts["fields_by_intent"].value
    assert fbi["CALIBRATE_BANDPASS"] == ["J1517-2422"]
    assert fbi["CALIBRATE_FLUX"] == ["J1517-2422"]
    assert fbi["CALIBRATE_PHASE"] == ["J1733-1304"]
    assert fbi["OBSERVE_TARGET"] == ["HD163296"]
    # Cycle 4+ Tsys scans: only OFF_SOURCE/AMBIENT/HOT sub-intents, one on each field
    assert fbi["CALIBRATE_ATMOSPHERE"] == ["J1517-2422", "J1733-1304", "HD163296"]
    assert facts["scans"].provenance[0].line == 11
    assert facts["scans"].provenance[0].end_line == 22


def test_eb1_spws_bands_correlator_antennas(corpus_dir: Path) -> None:
    facts, _ = run(corpus_dir / EB1)
    spws = facts["spws"].value
    assert [s["id"] for s in spws] == [0, 1, 2, 3]
    assert spws[0] == {"id": 0, "name": "X1942751823#ALMA_RB_07#BB_1#SW-01#FULL_RES",
                       "nchan": 128, "chan_width_hz": -15625000.0, "total_bw_hz": 2e9,
                       "center_hz": 335e9, "ref_freq_hz": 335992188000.0, "band": 7}
    assert (spws[2]["nchan"], spws[2]["total_bw_hz"], spws[2]["center_hz"]) == (
        480, 234375000.0, 345790e6)
    assert facts["all_spws"].value == spws
    assert facts["bands"].value == [7]
    assert facts["correlator_mode"].value == "both"  # spw 0, 1, 3 TDM; spw 2 FDM
    assert facts["bandwidth_switching"].value is False
    assert facts["antennas"].value == ["DA43", "DA44", "DA47", "DA48", "DA49", "DV10", "DV11",
                                       "DV13", "DV15", "DV17", "PM02", "PM04"]
    assert facts["antenna_count"].value == 12
    assert facts["array"].value == "12m"
    assert facts["antennas"].provenance[0].line == 40


def test_eb2_check_source_and_times(corpus_dir: Path) -> None:
    facts, _ = run(corpus_dir / EB2)
    obs = facts["observation"].value
    assert (obs["start"], obs["end"], obs["total_elapsed_s"]) == (
        "2024-06-09T04:40:37.0Z", "2024-06-09T05:05:55.3Z", 1518.34)
    assert facts["data_records"].value == 55968
    scans = {s["scan"]: s for s in facts["scans"].value}
    assert len(scans) == 13
    assert scans[11]["field"] == "J1751-1950"
    assert scans[11]["start"] == "2024-06-09T05:00:01.0Z"
    assert scans[11]["intents"] == ["CALIBRATE_WVR#ON_SOURCE", "OBSERVE_CHECK_SOURCE#ON_SOURCE"]
    assert facts["fields_by_intent"].value["OBSERVE_CHECK_SOURCE"] == ["J1751-1950"]
    assert obs["on_source_s"]["OBSERVE_CHECK_SOURCE"] == pytest.approx(42.3)
    assert [s["nrows"] for n, s in scans.items() if s["field"] == "HD163296" and n != 6] == [
        10032] * 3
    assert "DV11" in facts["antennas"].value  # listobs ran before flagging


# --- casapy 4.x listfiles -------------------------------------------------------------------

def test_casapy4_raw_listobs_science_windows(corpus_dir: Path) -> None:
    """Raw Cycle 2 MS: WVR, CH_AVG and Tsys/pointing TDM windows are not science windows."""
    facts, extractor = run(corpus_dir / "listobs/Xd4f.listobs.log")
    assert extractor.warnings == []
    assert facts["ms_name"].value == "uid___A002_X9d13e3_Xd4f.ms"
    assert facts["observation"].value["start"] == "2015-04-02T08:12:51.8Z"
    assert facts["observation"].value["end"] == "2015-04-02T09:11:29.3Z"
    assert facts["observation"].value["total_elapsed_s"] == 3517.44
    assert len(facts["all_spws"].value) == 25
    assert [s["id"] for s in facts["spws"].value] == [17, 19, 21, 23]
    assert {s["nchan"] for s in facts["spws"].value} == {7680}
    assert facts["correlator_mode"].value == "FDM"
    assert facts["bands"].value == [3]
    assert facts["bandwidth_switching"].value is False
    assert facts["antenna_count"].value == 39
    assert facts["antennas"].value[-2:] == ["PM02", "PM04"]
    assert facts["fields_by_intent"].value["CALIBRATE_FLUX"] == ["Pallas"]
    assert facts["fields_by_intent"].value["OBSERVE_TARGET"] == ["SgrB2"]
    assert len(facts["fields"].value) == 152
    assert facts["fields"].value[1]["name"] == "Pallas"  # code column "none" is not the name
    assert facts["observation"].rank == 20


def test_casapy4_split_listobs_bandwidth_switching_and_ranks(corpus_dir: Path) -> None:
    """FeO Band 4 split.cal: phase calibrator in TDM spws 0-3, target in FDM spws 4-8."""
    facts, _ = run(corpus_dir / "listobs/FeO_band4.listobs")
    assert facts["ms_name"].value == "uid___A002_Xb70397_X9f06.ms.split.cal"
    assert facts["bandwidth_switching"].value is True
    assert [s["id"] for s in facts["spws"].value] == [4, 5, 6, 7, 8]
    assert facts["correlator_mode"].value == "FDM"
    assert facts["bands"].value == [4]
    assert facts["antenna_count"].value == 40
    # split MS: calibration facts beat the raw listobs, observation facts lose to it
    assert facts["spws"].rank == 21
    assert facts["correlator_mode"].rank == 21
    assert facts["antennas"].rank == 21
    assert facts["observation"].rank == 19
    assert facts["scans"].rank == 19
    assert facts["observation"].value["start"] == "2016-08-22T11:03:06.5Z"


def test_multi_observation_7m_mosaic(corpus_dir: Path) -> None:
    facts, _ = run(corpus_dir / "listobs/SgrB2_a_03_7M_listobs.ms.listobs.log")
    assert facts["array"].value == "7m"
    assert facts["antennas"].value[:2] == ["CM01", "CM02"]
    assert facts["antenna_count"].value == 10
    obs = facts["observation"].value
    assert (obs["start"], obs["end"], obs["total_elapsed_s"]) == (
        "2014-07-01T06:00:36.1Z", "2014-07-03T05:59:14.7Z", 172719.0)
    scans = facts["scans"].value
    assert sorted({s["obs_id"] for s in scans}) == [0, 1, 2, 3]
    scan11 = next(s for s in scans if s["scan"] == 11)
    assert scan11["field_ids"] == list(range(5, 18))  # 13 mosaic pointings, one scan
    assert scan11["nrows"] == 13 * 660
    assert next(s for s in scans if s["scan"] == 20)["start"] == "2014-07-02T05:47:55.1Z"
    assert facts["correlator_mode"].value == "FDM"  # 8160-channel windows


def test_spw_list_with_spaces(corpus_dir: Path) -> None:
    facts, _ = run(corpus_dir / "listobs/w51_pointings32.split.cal.listobs")
    assert [(s["obs_id"], s["scan"], s["spws"]) for s in facts["scans"].value] == [
        (0, 16, [0, 1, 2, 3]), (0, 23, [0, 1, 2, 3]), (1, 37, [4, 5, 6, 7])]
    assert facts["scans"].value[2]["start"] == "2015-08-27T01:54:01.1Z"


@pytest.mark.parametrize("name", ALL_LISTOBS)
def test_every_corpus_listobs_reads_cleanly(corpus_dir: Path, name: str) -> None:
    facts, extractor = run(corpus_dir / name)
    eb_wide = ("observation", "scans", "fields")
    if name == SELECTION:  # a listobs of the target field only (Sources lists 5 fields)
        assert [w.message.split(" (")[0] for w in extractor.warnings] == [
            "listobs of a selection"]
        assert not set(eb_wide) & facts.keys()
        eb_wide = ()
    else:
        assert extractor.warnings == []
    for field_id in ("ms_name", *eb_wide, "spws", "bands",
                     "correlator_mode", "antennas", "antenna_count", "array"):
        assert field_id in facts, field_id
    assert facts["antenna_count"].value == len(facts["antennas"].value)


# --- listobs inside casa logs ----------------------------------------------------------------

def test_embedded_in_casa6_log_with_tabs_and_crlf(corpus_dir: Path, tmp_path: Path) -> None:
    lines = (corpus_dir / EB1).read_text().splitlines()
    log = tmp_path / "casa-20240602-060000.log"
    log.write_text(
        "2024-06-02 06:00:00\tINFO\t::casa\tCASA Version MODULAR 6.7.0.31\r\n"
        + as_log(lines, eol="\r\n")
        + "2024-06-02 06:00:01\tINFO\tflagdata::::casa\tObserver: nobody  Project: x\r\n",
        newline="")
    facts, extractor = run(log)
    assert extractor.warnings == []
    assert facts["observation"].value["start"] == "2024-06-02T05:05:37.0Z"
    assert facts["observation"].value["total_elapsed_s"] == 1486.34
    assert facts["observer"].value == "mlee"  # the flagdata line is not listobs output
    assert facts["correlator_mode"].value == "both"
    assert facts["antenna_count"].value == 12
    assert facts["fields"].value[0]["name"] == "J1517-2422"
    assert facts["observation"].rank == 10 and facts["spws"].rank == 10
    prov = facts["observation"].provenance[0]
    assert (prov.line, prov.end_line) == (7, 8)  # listfile lines 6-7 after one banner line
    assert prov.excerpt.startswith("2024-06-02 06:00:00\tINFO\tlistobs::::+\t")


def test_embedded_logger_copy_with_spaces(corpus_dir: Path, tmp_path: Path) -> None:
    lines = (corpus_dir / "listobs/FeO_band4.listobs").read_text().splitlines()
    log = tmp_path / "copied.listobs.log"
    log.write_text("".join(f"2016-08-23 10:00:00 INFO listobs::ms::summary+ {line}\n"
                           for line in lines))
    facts, _ = run(log)
    assert facts["bandwidth_switching"].value is True
    assert facts["fields"].value[2]["name"] == "OrionBullets"
    assert facts["antenna_count"].value == 40
    assert facts["spws"].rank == 11 and facts["observation"].rank == 9  # split, in a log


def test_log_with_raw_and_split_runs(corpus_dir: Path, tmp_path: Path) -> None:
    raw = (corpus_dir / EB1).read_text().splitlines()
    split = [line.replace(".ms ", ".ms.split ") for line in raw]
    log = tmp_path / "casa-1.log"
    log.write_text(as_log(raw) + "2024-06-02 06:00:02\tINFO\tgaincal::::casa\tStep 2\n"
                   + as_log(split))
    facts = list(ListobsExtractor().extract(log))
    names = [f.value for f in facts if f.field == "ms_name"]
    assert names == ["uid___A002_Xc0ffee_X1b.ms", "uid___A002_Xc0ffee_X1b.ms.split"]
    ranks = [(f.field, f.rank) for f in facts if f.field in ("observation", "spws")]
    assert ranks == [("observation", 10), ("spws", 10), ("observation", 9), ("spws", 11)]


# --- older layouts and damaged files --------------------------------------------------------

OLD_LAYOUT = """\
================================================================================
           MeasurementSet Name:  /data/uid___A002_X1_X2.ms      MS Version 2
================================================================================
   Observer: someone     Project: uid://A002/X1/X3  
Observation: ALMA
Data records: 300       Total elapsed time = 1200 seconds
   Observed from   31-Dec-2012/23:50:00.0   to   01-Jan-2013/00:10:00.0 (UTC)

   ObservationID = 0         ArrayID = 0
  Date        Timerange (UTC)          Scan  FldId FieldName             nRows     Int(s)   SpwIds      ScanIntent
  31-Dec-2012/23:50:00.0 - 23:55:00.0     1      0 J0522-364                100  6.05    [0,1]  [CALIBRATE_PHASE.ON_SOURCE]
              23:58:00.0 - 00:02:00.0     2      1 Orion KL                 100  6.05    [2]  [OBSERVE_TARGET.ON_SOURCE]
              00:05:00.0 - 00:10:00.0     3      0 J0522-364                100  6.05    [0,1]  [CALIBRATE_PHASE.ON_SOURCE]
           (nRows = Total number of rows per scan) 
Fields: 2
  ID   Code Name                RA               Decl           Epoch   SrcId      nRows
  0    none J0522-364           05:22:57.984648 -36.27.30.85128 J2000   0            200
  1    none Orion KL            05:35:14.500000 -05.22.30.00000 J2000   1            100
Spectral Windows:  (3 unique spectral windows and 1 unique polarization setups)
  SpwID  Name                           #Chans   Frame   Ch1(MHz)  ChanWid(kHz)  TotBW(kHz)  Corrs
  0      ALMA_RB_06#BB_1#SW-01#FULL_RES    128   TOPO  230000.000     15625.000   2000000.0  XX  YY
  1      ALMA_RB_06#BB_1#SW-01#CH_AVG        1   TOPO  231000.000   1875000.000   1875000.0  XX  YY
  2                                       3840   TOPO  345000.000       488.281   1875000.0  XX  YY
Antennas: 5:
   ID=   0-3: 'DV01'='A001', 'DV02'='A002', 'DA41'='A003', 'PM03'='A004',
   ID=   4-4: 'CM01'='J501'
"""


def test_old_layout_short_antennas_ch1_and_midnight(tmp_path: Path) -> None:
    path = tmp_path / "old.listobs"
    path.write_text(OLD_LAYOUT)
    facts, extractor = run(path)
    assert extractor.warnings == []
    assert facts["observation"].value["start"] == "2012-12-31T23:50:00.0Z"
    assert facts["observation"].value["end"] == "2013-01-01T00:10:00.0Z"
    scans = facts["scans"].value
    assert [(s["start"], s["end"]) for s in scans] == [
        ("2012-12-31T23:50:00.0Z", "2012-12-31T23:55:00.0Z"),
        ("2012-12-31T23:58:00.0Z", "2013-01-01T00:02:00.0Z"),
        ("2013-01-01T00:05:00.0Z", "2013-01-01T00:10:00.0Z")]
    assert scans[1]["field"] == "Orion KL"
    assert facts["fields"].value[1]["name"] == "Orion KL"
    assert facts["observation"].value["on_source_s"] == {"CALIBRATE_PHASE": 600.0,
                                                         "OBSERVE_TARGET": 240.0}
    assert facts["fields_by_intent"].value == {"CALIBRATE_PHASE": ["J0522-364"],
                                               "OBSERVE_TARGET": ["Orion KL"]}
    # science = the target's window only (spw 0 is the phase calibrator's, spw 1 CH_AVG)
    assert [s["id"] for s in facts["spws"].value] == [2]
    spw2 = facts["spws"].value[0]
    assert spw2["name"] == ""
    assert spw2["center_hz"] == pytest.approx(345e9 + 488281.0 * 3839 / 2)  # no CtrFreq column
    assert spw2["band"] == 7  # from the centre frequency, no ALMA_RB_NN in the name
    assert facts["bands"].value == [7]
    assert facts["bandwidth_switching"].value is True
    assert facts["antennas"].value == ["DV01", "DV02", "DA41", "PM03", "CM01"]
    assert facts["array"].value == "mixed"


def test_truncated_file_warns_and_keeps_what_it_read(tmp_path: Path) -> None:
    text = OLD_LAYOUT[:OLD_LAYOUT.index("  1    none Orion KL") + len("  1    none Orion KL  ")]
    path = tmp_path / "cut.listobs"
    path.write_text(text)
    facts, extractor = run(path)
    assert [str(w) for w in extractor.warnings] == [
        "cut.listobs:18: unreadable field row: 1    none Orion KL",
        "cut.listobs:15: fields: the header announces 2, 1 rows were read"]
    assert [f["name"] for f in facts["fields"].value] == ["J0522-364"]
    assert "spws" not in facts and "antennas" not in facts and "correlator_mode" not in facts
    assert facts["observation"].value["total_elapsed_s"] == 1200.0


def test_no_listobs_content_warns(tmp_path: Path) -> None:
    path = tmp_path / "listobs_notes.txt"
    path.write_text("nothing to see here\n")
    facts, extractor = run(path)
    assert facts == {}
    assert [str(w) for w in extractor.warnings] == ["listobs_notes.txt:?: no listobs summary found"]


def test_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="cannot read listobs file"):
        list(ListobsExtractor().extract(tmp_path / "missing.listobs"))


def test_helpers() -> None:
    assert band_from_frequency(91.3e9) == 3
    assert band_from_frequency(345.8e9) == 7
    assert band_from_frequency(380e9) is None  # between Band 7 and Band 8
    tp = [{"name": f"PM0{i}", "diameter_m": 12.0} for i in range(1, 5)]
    assert array_kind(tp) == "TP"
    assert array_kind([{"name": "ea01", "diameter_m": 25.0}]) is None


# --- the sample SB (samples/seed; values from its README.md) ---------------------------------

SEED = Path(__file__).resolve().parents[2] / "samples" / "seed" / "reduction"


@pytest.fixture
def seed() -> Path:
    if not SEED.is_dir():
        pytest.skip("samples/seed absent")
    return SEED


def test_seed_x66d_raw_split_and_log(seed: Path) -> None:
    raw, _ = run(seed / "X66d/uid___A002_Xdd9c61_X66d.ms.listobs")
    split, _ = run(seed / "X66d/uid___A002_Xdd9c61_X66d.ms.split.listobs")
    log, warnings = run(seed / "X66d/casapy-20140828-093512.log")
    assert warnings.warnings == []
    assert raw["observation"].value == log["observation"].value == {
        "start": "2014-07-20T01:12:36.3Z", "end": "2014-07-20T02:04:19.6Z",
        "total_elapsed_s": 3103.3, "on_source_s": {
            "CALIBRATE_POINTING": 94.5, "CALIBRATE_WVR": 1067.1, "CALIBRATE_ATMOSPHERE": 102.8,
            "CALIBRATE_BANDPASS": 313.4, "CALIBRATE_AMPLI": 253.9, "CALIBRATE_FLUX": 253.9,
            "CALIBRATE_PHASE": 302.5, "OBSERVE_TARGET": 1693.6}}
    assert (raw["observation"].rank, log["observation"].rank, split["observation"].rank) == (
        20, 10, 19)
    assert split["observation"].value["start"] == "2014-07-20T01:15:20.0Z"
    assert [s["scan"] for s in split["scans"].value] == [3, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16]
    assert len(raw["scans"].value) == 16
    assert [s["id"] for s in raw["spws"].value] == [9, 11, 13, 15, 17, 19, 21, 23]
    assert [s["id"] for s in split["spws"].value] == list(range(8))
    assert split["spws"].value[7]["center_hz"] == pytest.approx(232452.2e6, abs=1e3)
    assert split["spws"].rank == 21
    for facts in (raw, split, log):
        assert facts["correlator_mode"].value == "FDM"
        assert facts["bandwidth_switching"].value is False
        assert facts["bands"].value == [6]
        assert facts["antenna_count"].value == 37
    assert raw["fields_by_intent"].value["CALIBRATE_FLUX"] == ["Titan"]
    assert raw["fields_by_intent"].value["CALIBRATE_ATMOSPHERE"] == [
        "J1751+0939", "Titan", "IRAS12345"]


def test_seed_xa12_log_without_listobs(seed: Path) -> None:
    facts, extractor = run(seed / "Xa12/casapy-20140829-101047.log")
    assert facts == {} and extractor.warnings == []
    raw, _ = run(seed / "Xa12/uid___A002_X4sda4d_Xa12.ms.listobs")
    assert raw["antenna_count"].value == 36 and "DV16" in raw["antennas"].value
    assert raw["fields_by_intent"].value["CALIBRATE_POINTING"] == ["J1751+0939", "J1851+0035"]


def test_a_lone_summary_in_a_log_is_read_once(seed: Path, monkeypatch) -> None:
    """With one summary of an MS there is nothing to choose: no trial parse, same facts."""
    from qa2docs.extractors.listobs import embedded
    before, _ = run(seed / "X66d/casapy-20140828-093512.log")
    reads = []
    real = embedded._read_summary
    monkeypatch.setattr(embedded, "_read_summary",
                        lambda parser, scanner, offset, number: reads.append(number)
                        or real(parser, scanner, offset, number))
    after, _ = run(seed / "X66d/casapy-20140828-093512.log")
    assert after == before and before["observation"].value
    assert reads and len(reads) == len(set(reads))  # each summary once (a trial made two)
