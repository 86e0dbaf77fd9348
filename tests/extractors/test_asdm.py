"""AsdmExtractor on the corpus ASDM (CASA 6.7 exportasdm) and on small hand-made ASDMs."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.extractors.asdm import (
    AsdmExtractor, array_time_iso, asdm_array, asdm_strings, quantity, uid_to_name,
)
from qa2docs.models.facts import Fact
from qa2docs.answers.sb import requested_texts

CORPUS_ASDM = "asdm/uid___A002_Xfb2c11_X3b4"


def run(path: Path) -> tuple[dict[str, Fact], AsdmExtractor]:
    extractor = AsdmExtractor()
    return {f.field: f for f in extractor.extract(path)}, extractor


def test_corpus_asdm(corpus_dir: Path) -> None:
    """A Band 6, 8 x 7 m simulation (NGC_6240), not related to the casa6/ EBs."""
    facts, extractor = run(corpus_dir / CORPUS_ASDM)
    assert extractor.warnings == []
    assert facts["asdm_uid"].value == "uid___A002_Xfb2c11_X3b4"
    # ExecBlock startTime 5222896236999999488 ns, endTime 5222897557479999488 ns after MJD 0
    assert facts["observation"].value == {"start": "2024-05-20T04:30:37.0Z",
                                          "end": "2024-05-20T04:52:37.5Z",
                                          "total_elapsed_s": 1320.48}
    assert facts["observer"].value == "asmith"
    assert facts["project_uid"].value == "uid://A001/X2d8/X1c3"
    assert "configuration" not in facts  # configName is the "configName t.b.d." placeholder
    assert facts["antennas"].value == [f"CM0{i}" for i in range(1, 9)]
    assert facts["antenna_count"].value == 8
    assert facts["array"].value == "7m"
    assert facts["bands"].value == [6]
    assert [s["scan"] for s in facts["scan_intents"].value] == list(range(1, 8))
    assert facts["scan_intents"].value[0] == {
        "scan": 1, "intents": ["CALIBRATE_BANDPASS", "CALIBRATE_FLUX"],
        "start": "2024-05-20T04:30:37.0Z", "end": "2024-05-20T04:34:38.9Z"}
    assert facts["scan_intents"].value[4]["intents"] == ["OBSERVE_CHECK_SOURCE"]
    assert facts["field_names"].value == ["J1517-2422", "J1658+0741", "J1651+0129", "NGC_6240"]
    assert "pwv" not in facts  # the CalWVR table has no rows (no WVR in a simulation)
    assert "sb_name" not in facts  # exportasdm writes no SB name into SBSummary
    assert "science_goal" not in facts  # "science goal t.b.d.", "weather constraint t.b.d."
    obs = facts["observation"]
    assert obs.rank == 40
    prov = obs.provenance[0]
    assert (prov.extractor, prov.file, prov.line) == (
        "asdm", "uid___A002_Xfb2c11_X3b4/ExecBlock.xml", 3)
    assert "5222896236999999488" in prov.excerpt


def test_corpus_asdm_via_asdm_xml_and_non_asdm_matches(corpus_dir: Path, tmp_path: Path) -> None:
    facts, _ = run(corpus_dir / CORPUS_ASDM / "ASDM.xml")
    assert facts["asdm_uid"].value == "uid___A002_Xfb2c11_X3b4"
    ms = tmp_path / "uid___A002_X1_X2.ms"
    ms.mkdir()
    script = tmp_path / "uid___A002_X1_X2.ms.scriptForCalibration.py"
    script.write_text("# not an ASDM\n")
    for path in (ms, script):
        facts, extractor = run(path)
        assert facts == {} and extractor.warnings == []


# --- hand-made ASDMs ------------------------------------------------------------------------

HEAD = ('<?xml version="1.0" encoding="ISO-8859-1"?> <{t}Table '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="4">\n'
        '<Entity entityId="uid://A002/X1/X{n}" entityTypeName="{t}Table"/>'
        '<ContainerEntity entityId="uid://A002/Xdd9c61/X66d" entityTypeName="ASDM"/>\n')


def table(name: str, rows: list[str], n: int = 9) -> str:
    body = "".join(f" <row> \n{r} </row>\n" for r in rows)
    return HEAD.format(t=name, n=n) + body + f"</{name}Table>\n"


def cal_wvr_row(antenna: str, water: str) -> str:
    return (f"<antennaName> {antenna} </antennaName> <calDataId> CalData_1 </calDataId> "
            f"<wvrMethod>ATM_MODEL</wvrMethod><wetPath> 1 4 0.1 0.1 0.1 0.1 </wetPath> "
            f"<water> {water} </water>")


def make_asdm(root: Path, **tables: str) -> Path:
    folder = root / "uid___A002_Xdd9c61_X66d"
    folder.mkdir()
    listed = "".join(f"<Table> <Name> {n} </Name> <NumberRows> {c} </NumberRows> </Table> "
                     for n, c in (("ExecBlock", 1), ("CalWVR", 4)))
    (folder / "ASDM.xml").write_text(
        '<?xml version="1.0" encoding="ISO-8859-1"?> <ASDM schemaVersion="4"> '
        '<Entity entityId="uid://A002/Xdd9c61/X66d" entityTypeName="ASDM"/> '
        f"{listed}</ASDM>\n")
    defaults = {
        "ExecBlock": table("ExecBlock", [
            "<execBlockId> ExecBlock_0 </execBlockId> <startTime> 5083603200000000000 "
            "</startTime> <endTime> 5083606800050000000 </endTime> <configName> C36-2/1 "
            "</configName> <observerName> O&apos;Brien &amp; co </observerName> "
            "<projectUID> <EntityRef entityId=\"uid://A001/X121/X4b6\"/> </projectUID> "
            "<numAntenna> 3 </numAntenna>"]),
        "Antenna": table("Antenna", [
            f"<antennaId> Antenna_{i} </antennaId> <name> {n} </name> "
            f"<dishDiameter> 12 </dishDiameter>" for i, n in enumerate(("DA41", "DV02", "PM03"))]),
        "SpectralWindow": table("SpectralWindow", [
            "<spectralWindowId> SpectralWindow_0 </spectralWindowId> <numChan> 4 </numChan> "
            "<name> WVR#NOMINAL </name>"]),
        "Receiver": table("Receiver", [
            "<receiverId> 0 </receiverId> <frequencyBand>ALMA_RB_06</frequencyBand>"]),
        "SBSummary": table("SBSummary", [
            "<sBSummaryId> SBSummary_0 </sBSummaryId> <sbName> B6_IRAS12345 </sbName>"]),
        "CalWVR": table("CalWVR", [cal_wvr_row("DA41", "0.00112"), cal_wvr_row("DV02", "0.00098"),
                                   cal_wvr_row("PM03", "0.00131"), cal_wvr_row("CM01", "0")]),
    }
    defaults.update(tables)
    for name, text in defaults.items():
        if text:
            (folder / f"{name}.xml").write_text(text, encoding="latin-1")
    return folder


def test_made_asdm_pwv_entities_sb_name_and_band_fallback(tmp_path: Path) -> None:
    facts, extractor = run(make_asdm(tmp_path))
    assert extractor.warnings == []
    assert facts["observer"].value == "O'Brien & co"  # entity-escaped in the XML
    assert facts["configuration"].value == "C36-2/1"
    assert facts["project_uid"].value == "uid://A001/X121/X4b6"
    # 5083603200 s after MJD 0 = 2019-12-21T00:00:00; the end rounds to the nearest 0.1 s
    assert facts["observation"].value == {"start": "2019-12-21T00:00:00.0Z",
                                          "end": "2019-12-21T01:00:00.1Z",
                                          "total_elapsed_s": 3600.05}
    assert facts["array"].value == "12m"  # DA/DV/PM in one array is not a TP array
    assert facts["bands"].value == [6]  # no ALMA_RB_NN in the only spw name: Receiver table
    assert facts["bands"].provenance[0].file == "uid___A002_Xdd9c61_X66d/Receiver.xml"
    assert facts["sb_name"].value == "B6_IRAS12345"
    pwv = facts["pwv"]
    assert pwv.value == {"median_mm": 1.12}  # median of 1.12, 0.98, 1.31 mm; the 0 is left out
    assert pwv.note == "median of 3 CalWVR water values"
    assert pwv.provenance[0].line == 4  # header, entities, "<row>", then the first row


def test_calwvr_binary_only_warns_without_pwv(tmp_path: Path) -> None:
    folder = make_asdm(tmp_path, CalWVR="")
    (folder / "CalWVR.bin").write_bytes(b"\x00\x01binary")
    facts, extractor = run(folder)
    assert "pwv" not in facts
    assert [str(w) for w in extractor.warnings] == [
        "uid___A002_Xdd9c61_X66d/CalWVR.bin:?: CalWVR table stored in binary only; not read"]


def test_calwvr_bulk_store_header_warns_without_pwv(tmp_path: Path) -> None:
    bulk = (HEAD.format(t="CalWVR", n=5) + "<BulkStoreRef file_id='A002/X1/X5' "
            "byteOrder='Little_Endian' />\n<Attributes><antennaName/><water/></Attributes>\n"
            "</CalWVRTable>\n")
    facts, extractor = run(make_asdm(tmp_path, CalWVR=bulk))
    assert "pwv" not in facts
    assert [str(w) for w in extractor.warnings] == [
        "uid___A002_Xdd9c61_X66d/CalWVR.xml:?: CalWVR rows stored in binary (BulkStoreRef); "
        "not read"]


def test_calwvr_listed_but_missing_warns(tmp_path: Path) -> None:
    facts, extractor = run(make_asdm(tmp_path, CalWVR=""))
    assert "pwv" not in facts
    assert [str(w) for w in extractor.warnings] == [
        "uid___A002_Xdd9c61_X66d/CalWVR.xml:?: CalWVR.xml missing (ASDM.xml lists 4 rows)"]


def test_truncated_table_warns_and_keeps_the_rest(tmp_path: Path) -> None:
    broken = table("ExecBlock", ["<startTime> 5083603200000000000 </startTime>"])[:-30]
    facts, extractor = run(make_asdm(tmp_path, ExecBlock=broken))
    assert "observation" not in facts and "observer" not in facts
    assert facts["antenna_count"].value == 3
    assert len(extractor.warnings) == 1
    warning = extractor.warnings[0]
    assert warning.path == "uid___A002_Xdd9c61_X66d/ExecBlock.xml"
    assert warning.line == 4 and warning.message.startswith("malformed XML:")


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n<AntennaTable> <row> <name> &b; </name> '
            "</row> </AntennaTable>\n")
    facts, extractor = run(make_asdm(tmp_path, Antenna=bomb))
    assert "antennas" not in facts
    assert [w.message.split(":")[0] for w in extractor.warnings] == ["refused unsafe XML"]
    assert facts["observer"].value == "O'Brien & co"


def test_refused_entity_warning_tells_its_line(tmp_path: Path) -> None:
    """Held-out check (session 5): the warning was ``FILE:?: ... EntitiesForbidden(name='a',
    system_id=None, ...)``; it now names the line of the declaration and the entity."""
    bomb = ('<?xml version="1.0"?>\n\n<!DOCTYPE x [\n<!ENTITY a "aaaaaaaaaa">]>\n'
            "<AntennaTable> <row> <name> &a; </name> </row> </AntennaTable>\n")
    _, extractor = run(make_asdm(tmp_path, Antenna=bomb))
    assert [str(w) for w in extractor.warnings] == [
        "uid___A002_Xdd9c61_X66d/Antenna.xml:4: refused unsafe XML: entity declaration 'a' "
        "(entities are never expanded)"]


def summary_row(goals: str, weather: str = '1 1 "maxPWVC = 1.2 mm"') -> str:
    return (f"<sBSummaryId> SBSummary_0 </sBSummaryId> <scienceGoal> {goals} </scienceGoal> "
            f"<weatherConstraint> {weather} </weatherConstraint>")


def test_science_goal_with_bandwidth_units_and_a_bad_value(tmp_path: Path) -> None:
    goals = ('1 6 "representativeFrequency = 345796.0 MHz" "sensitivityGoal = 35 uJy" '
             '"representativeBandwidth = 1.875 GHz" "minAcceptableAngResolution = 0 arcsec" '
             '"maxAcceptableAngResolution = 120 mas" "dynamicRange = 1.0"')
    facts, extractor = run(make_asdm(tmp_path, SBSummary=table("SBSummary", [
        summary_row(goals, '1 1 "maxPWVC = lots"')])))
    value = facts["science_goal"].value
    assert value["representative_frequency_hz"] == pytest.approx(345.796e9)
    assert value["sensitivity_goal_jy"] == pytest.approx(35e-6)
    assert value["representative_bandwidth_hz"] == pytest.approx(1.875e9)
    assert (value["min_resolution_arcsec"], value["max_resolution_arcsec"]) == (0.0, 0.12)
    assert value["goals"]["dynamicRange"] == "1.0" and "max_pwv_mm" not in value
    assert [(w.line, w.message) for w in extractor.warnings] == [
        (4, "maxPWVC: cannot read 'lots' as a length")]
    assert requested_texts(value) == {
        "requested_sensitivity": "35 uJy in 1.875 GHz at Rep. Freq. 345796.0 MHz",
        "requested_resolution": '0.12"'}  # min 0: only the upper limit


def test_science_goal_placeholders_give_no_fact(tmp_path: Path) -> None:
    facts, extractor = run(make_asdm(tmp_path, SBSummary=table("SBSummary", [
        summary_row('1 1 "science goal t.b.d."', '1 1 "weather constraint t.b.d."')])))
    assert "science_goal" not in facts and extractor.warnings == []


def test_helpers() -> None:
    assert array_time_iso(0) == "1858-11-17T00:00:00.0Z"
    assert array_time_iso(5222896236999999488) == "2024-05-20T04:30:37.0Z"
    assert asdm_array("1 2 CALIBRATE_BANDPASS CALIBRATE_FLUX") == [
        "CALIBRATE_BANDPASS", "CALIBRATE_FLUX"]
    assert asdm_array("2 2 2 a b c d") == ["a", "b", "c", "d"]
    assert uid_to_name("uid://A002/Xfb2c11/X3b4") == "uid___A002_Xfb2c11_X3b4"
    assert asdm_strings('1 2 "a = 1 GHz" "b = 2"') == ["a = 1 GHz", "b = 2"]
    assert quantity("230.505 GHz", "frequency") == 230.505e9
    assert quantity("2 mJy", "frequency") is None and quantity("x", "flux") is None


SEED = Path(__file__).resolve().parents[2] / "samples" / "seed" / "archive" / "B6_IRAS12345"


@pytest.mark.parametrize(("uid", "start", "end", "n_ant", "pwv"), [
    ("uid___A002_Xdd9c61_X66d", "2014-07-20T01:12:36.3Z", "2014-07-20T02:04:19.6Z", 37, 1.198),
    ("uid___A002_X4sda4d_Xa12", "2014-08-03T00:35:12.7Z", "2014-08-03T01:28:23.9Z", 36, 1.8),
])
def test_seed_asdms(uid: str, start: str, end: str, n_ant: int, pwv: float) -> None:
    if not SEED.is_dir():
        pytest.skip("samples/seed absent")
    facts, extractor = run(SEED / uid)
    assert extractor.warnings == []
    assert facts["asdm_uid"].value == uid
    assert (facts["observation"].value["start"], facts["observation"].value["end"]) == (start, end)
    assert facts["configuration"].value == "C34-4"
    assert facts["observer"].value == "aod"
    assert facts["antenna_count"].value == n_ant
    assert facts["bands"].value == [6]
    assert facts["pwv"].value == {"median_mm": pwv}
    assert facts["field_names"].value == ["J1751+0939", "Titan", "J1851+0035", "IRAS12345"]
    goal = facts["science_goal"]
    assert goal.value == {
        "goals": {"representativeFrequency": "230.505 GHz",
                  "minAcceptableAngResolution": "0.6 arcsec",
                  "maxAcceptableAngResolution": "0.9 arcsec",
                  "sensitivityGoal": "2.0 mJy", "maxPWVC": "2.058 mm"},
        "representative_frequency_hz": 230.505e9, "min_resolution_arcsec": 0.6,
        "max_resolution_arcsec": 0.9, "sensitivity_goal_jy": 0.002, "max_pwv_mm": 2.058}
    assert (goal.provenance[0].file, goal.provenance[0].line) == (f"{uid}/SBSummary.xml", 3)
