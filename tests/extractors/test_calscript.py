"""Tests of the calscript extractor: real corpus scripts plus small synthetic ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.errors import ExtractionError
from qa2docs.extractors.calscript import CalScriptExtractor
from qa2docs.models.facts import Fact
from helpers import extract_facts

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
SCRIPTS = CORPUS / "calibration_scripts"
SCRIPT_NAMES = sorted(p.name for p in SCRIPTS.glob("*.scriptForCalibration.py")) \
    if SCRIPTS.is_dir() else []
needs_corpus = pytest.mark.skipif(not SCRIPTS.is_dir(), reason="../shared/corpus is absent")


def run(path: Path) -> tuple[dict[str, Fact], CalScriptExtractor]:
    """Extract one file; facts by field id (each field must appear once)."""
    return extract_facts(CalScriptExtractor, path, unique=True)


def corpus(uid: str) -> dict[str, Fact]:
    """Facts of the corpus script of one EB (by uid tail, e.g. ``X95e355_X1f13``)."""
    facts, extractor = run(SCRIPTS / f"uid___A002_{uid}.ms.scriptForCalibration.py")
    assert extractor.warnings == []
    return facts


def lines_of(fact: Fact) -> list[int | None]:
    return [p.line for p in fact.provenance]


# -- every corpus script ---------------------------------------------------------------------

@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", SCRIPT_NAMES or ["(none)"])
def test_every_corpus_script_reads_cleanly(name: str) -> None:
    path = SCRIPTS / name
    facts, extractor = run(path)
    text = path.read_text().splitlines()
    assert extractor.warnings == []
    assert facts["asdm_uid"].value == name.split(".")[0]
    assert facts["applycal_split.steps"].value[0] == {"number": 0, "title": "Import of the ASDM"}
    assert facts["applycal_split.split_output"].value == name.split(".")[0] + ".ms.split.cal"
    for fact in facts.values():
        assert fact.rank == 30
        for prov in fact.provenance:
            assert prov.file == name and prov.extractor == "calscript"
            if prov.line is not None and not prov.excerpt.startswith("steps "):
                first = prov.excerpt.splitlines()[0].strip()
                assert first in text[prov.line - 1], (fact.field, prov.line)


# Verified by reading each script: fixplanets, syscal fix, antpos, refant, resolved flux cal.
SUMMARY = {
    "X85b7b2_Xb3": (True, True, False, "CM03", True),
    "X95e355_X1f13": (True, True, False, "DV18", True),
    "X9ee74a_X26f0": (False, True, False, "DA57", True),
    "X9f852b_X134a": (False, True, False, "CM03", True),
    "Xa4ce71_X49f": (False, True, False, "DA55", True),
    "Xa8df68_Xb4b": (False, True, False, "DA55", True),
    "Xaec9ef_X88a": (False, True, False, "DA65", False),
    "Xaecf7b_X32d4": (False, True, True, "DA65", True),
    "Xb70397_X9f06": (False, True, True, "DV13", False),
    "Xbf792a_X14cc": (False, True, True, "DV04", False),
    "Xd80784_X26be": (False, True, True, "DA45", False),
}


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("uid", sorted(SUMMARY))
def test_corpus_summary(uid: str) -> None:
    facts = corpus(uid)
    got = (facts["apriori.fixplanets"].value, facts["apriori.syscal_fix"].value,
           facts["apriori.antpos"].value, facts["bandpass.refant"].value["name"],
           facts["flagging.resolved_fluxcal"].value)
    assert got == SUMMARY[uid]
    assert facts["bandpass.refant"].value["ok"] is None
    assert facts["flagging.quasar_fluxcal"].value is not SUMMARY[uid][4]


@needs_corpus
@pytest.mark.corpus
def test_x1f13_fixplanets_step_venus_and_antenna_subset() -> None:
    facts = corpus("X95e355_X1f13")
    fix = facts["apriori.fixplanets"]
    assert lines_of(fix) == [95]
    assert fix.provenance[0].end_line == 97
    assert "field = '1', # Venus" in fix.provenance[0].excerpt
    steps = facts["applycal_split.steps"].value
    assert len(steps) == 21
    assert steps[2] == {"number": 2, "title": "Running fixplanets on fields with 0,0 coordinates"}
    assert steps[20]["title"] == "Save flags after applycal"
    assert facts["fields_by_intent"].value == {
        "CALIBRATE_AMPLI": ["Venus"],
        "CALIBRATE_ATMOSPHERE": ["J1700-2610", "SgrB2", "Venus"],
        "CALIBRATE_BANDPASS": ["J1700-2610"],
        "CALIBRATE_FLUX": ["Venus"],
        "CALIBRATE_FOCUS": [],
        "CALIBRATE_PHASE": ["J1744-3116"],
        "CALIBRATE_POINTING": ["J1700-2610"],
        "OBSERVE_TARGET": ["SgrB2"],
    }
    assert lines_of(facts["fields_by_intent"]) == [57]
    assert facts["casa_version_required"].value == "4.3.1"
    assert facts["casa_version_required"].note == "the version gate is commented out"
    assert facts["import.asis"].value is True
    assert facts["import.asis_tables"].value == [
        "Antenna", "Station", "Receiver", "Source", "CalAtmosphere", "CalWVR"]
    assert facts["apriori.syscal_fix"].provenance[0].line == 85
    assert facts["apriori.other_es_fix"].value is False
    assert facts["apriori.other_es_fix"].note == "routine generator fix not counted: fixForCSV2555"
    assert lines_of(facts["apriori.other_es_fix"]) == [76]
    assert "apriori.other_es_fix_names" not in facts
    # the real offsets are commented out below an all-zero parameter list
    assert facts["apriori.antpos"].value is False
    assert lines_of(facts["apriori.antpos"]) == [249]
    assert "apriori.antpos_antennas" not in facts
    assert lines_of(facts["flagging.resolved_fluxcal"]) == [381]
    assert "Butler-JPL-Horizons 2012" in facts["flagging.resolved_fluxcal"].provenance[0].excerpt
    # Venus is handled on the DV04-DV18 baseline only, without a uvrange
    limited = facts["gaincal.limited_uvrange"]
    assert limited.value is True and lines_of(limited) == [487]
    assert "antenna subset" in limited.note
    assert "flagging.uvrange_gaincal" not in facts
    assert facts["bandpass.solint"].value == "inf,20ch"
    assert facts["bandpass.tables"].value == [
        "uid___A002_X95e355_X1f13.ms.split.ap_pre_bandpass",
        "uid___A002_X95e355_X1f13.ms.split.bandpass",
        "uid___A002_X95e355_X1f13.ms.split.bandpass_smooth20ch"]
    assert "bandpass.mixed_solint" not in facts
    assert facts["flagging.edge_channels"].value is False  # only the Tsys table's edges
    assert facts["flagged_antennas"].value == []


@needs_corpus
@pytest.mark.corpus
def test_xbf792a_casa561_python3_quasar_and_antpos() -> None:
    facts = corpus("Xbf792a_X14cc")
    assert facts["script_generator"].value == \
        "almaqa2csg.py,v 1.13 2021/02/02 22:04:56 dpetry Exp"
    assert facts["casa_version_required"].value == "5.6.1"
    assert facts["casa_version_required"].note is None
    assert lines_of(facts["casa_version_required"]) == [55]
    intents = facts["fields_by_intent"].value
    assert intents["OBSERVE_CHECK"] == ["J1625-2527"]
    assert intents["OBSERVE_TARGET"] == ["IRAS16293_A", "IRAS16293_B"]
    assert intents["CALIBRATE_DIFFGAIN"] == [] and intents["CALIBRATE_POLARIZATION"] == []
    assert facts["import.asis_tables"].value[-2:] == ["CorrelatorMode", "SBSummary"]
    # no fixplanets step: the complete step list is the evidence for "No"
    fix = facts["apriori.fixplanets"]
    assert fix.value is False and lines_of(fix) == [6]
    assert fix.provenance[0].end_line == 25
    assert "13: Bandpass calibration" in fix.provenance[0].excerpt
    # the zero list is commented out inside the call; the real offsets are applied
    assert facts["apriori.antpos"].value is True
    antennas = facts["apriori.antpos_antennas"].value
    assert len(antennas) == 27 and antennas[0] == "DA42" and antennas[-1] == "DV24"
    assert facts["flagging.quasar_fluxcal"].value is True
    assert facts["flagging.resolved_fluxcal"].value is False
    assert facts["flagging.quasar_fluxcal_values"].value == [{
        "field": "J1256-0547", "spw": None, "fluxdensity": [4.41658635695, 0, 0, 0],
        "spix": -0.532106764439, "reffreq": "616.019581404GHz"}]
    assert lines_of(facts["flagging.edge_channels"]) == [429]
    assert facts["bandpass.refant"].value == {"ok": None, "name": "DV04"}
    assert lines_of(facts["bandpass.refant"]) == [487, 71]
    assert facts["bandpass.solint"].value == "inf"
    assert facts["gaincal.limited_uvrange"].value is False
    assert lines_of(facts["applycal_split.split_output"]) == [627]  # mstransform


@needs_corpus
@pytest.mark.corpus
def test_xb3_empty_wvr_step_and_edge_channels() -> None:
    facts = corpus("X85b7b2_Xb3")
    assert facts["calscript.empty_steps"].value == [5]
    assert lines_of(facts["calscript.empty_steps"]) == [141]
    assert facts["calscript.empty_steps"].provenance[0].end_line == 144
    assert "5 hold only comments" in facts["applycal_split.steps"].note
    assert lines_of(facts["flagging.edge_channels"]) == [310]
    assert facts["bandpass.solint"].value == "inf,40ch"
    assert "field = '2', # Neptune" in facts["flagging.resolved_fluxcal"].provenance[0].excerpt
    assert facts["applycal_split.calibration_tables"].value[:2] == [
        "uid___A002_X85b7b2_Xb3.ms.tsys", "uid___A002_X85b7b2_Xb3.ms.antpos"]


@needs_corpus
@pytest.mark.corpus
def test_x49f_uvrange_and_commented_out_flagdata() -> None:
    facts = corpus("Xa4ce71_X49f")
    assert facts["flagging.uvrange_gaincal"].value == "0~950m"
    assert lines_of(facts["gaincal.limited_uvrange"]) == [594]
    # '#flagdata(... field = '0' ...)' under "# Flag lines in Bandpass calibrator" is commented
    assert "flagging.calibrator_lines" not in facts
    assert facts["flagging.atm_lines_ranges"].value == ["1:6624~7679", "2:5193~5718"]
    assert lines_of(facts["flagging.atm_lines"]) == [452, 460, 751]


@needs_corpus
@pytest.mark.corpus
def test_xb4b_reducer_flags() -> None:
    facts = corpus("Xa8df68_Xb4b")
    assert facts["flagged_antennas"].value == ["DV12"]
    assert lines_of(facts["flagged_antennas"]) == [129]
    # the call at column 0 under "# Flags on flux calibrator, lines which are not in the model"
    assert lines_of(facts["flagging.calibrator_lines"]) == [488]
    assert facts["flagging.uvrange_gaincal"].value == "0~450m"
    assert facts["flagging.atm_lines_ranges"].value == ["2:0~2671", "3:1730~2096"]


@needs_corpus
@pytest.mark.corpus
def test_x26f0_no_intent_block_and_changed_refant() -> None:
    facts = corpus("X9ee74a_X26f0")
    assert "fields_by_intent" not in facts
    assert facts["bandpass.refant"].value["name"] == "DA57"
    assert lines_of(facts["flagging.calibrator_lines"]) == [468]
    assert facts["flagging.atm_lines_ranges"].value == ["2:0~2611", "3:1744~1937"]


@needs_corpus
@pytest.mark.corpus
def test_quasar_flux_cals_and_mixed_solint() -> None:
    x88a = corpus("Xaec9ef_X88a")
    assert x88a["flagging.quasar_fluxcal_values"].value[0]["fluxdensity"][0] == 0.822546366257
    assert x88a["bandpass.mixed_solint"].value is True
    x9f06 = corpus("Xb70397_X9f06")
    assert x9f06["flagged_antennas"].value == ["DA59", "DV19"]
    assert x9f06["bandpass.solint"].value == "inf,20MHz"  # bandpass2, the applied one
    assert x9f06["bandpass.solint"].note == "other bandpass solint: inf"
    assert lines_of(x9f06["flagging.quasar_fluxcal"]) == [406, 536]
    assert len(x9f06["flagging.quasar_fluxcal_values"].value) == 1


# -- synthetic scripts -----------------------------------------------------------------------

PY2_SCRIPT = """\
# ALMA Data Reduction Script
thesteps = []
step_title = {0: 'Import of the ASDM',
              1: 'A priori calibration',
              2: 'Flagging',
              3: 'Bandpass calibration'}
try:
  print 'List of steps to be executed ...', mysteps
  thesteps = mysteps
except:
  print 'global variable mysteps not set.'

# CALIBRATE_FLUX#ON_SOURCE: Mars
# OBSERVE_TARGET#ON_SOURCE: NGC253,NGC253b

# Import of the ASDM
mystep = 0
if(mystep in thesteps):
  print 'Step ', mystep, step_title[mystep]
  importasdm('uid___A002_X1_X2', asis='Antenna Receiver Source CalAtmosphere')

# A priori calibration
mystep = 1
if(mystep in thesteps):
  print 'Step ', mystep, step_title[mystep]
  #fixplanets(vis = 'uid___A002_X1_X2.ms', field = '1', fixuvw = T)
  gencal(vis = 'uid___A002_X1_X2.ms', caltable = 'x.antpos', caltype = 'antpos',
    antenna = 'DA41,DV02',
    parameter = [0,0,0, 1.5e-4,0,0])

# Flagging
mystep = 2
if(mystep in thesteps):
  print 'Step ', mystep, step_title[mystep]
  # nothing to flag here

# Bandpass calibration
mystep = 3
if(mystep in thesteps):
  print 'Step ', mystep, step_title[mystep]
  bandpass(vis = 'uid___A002_X1_X2.ms.split',
    caltable = 'uid___A002_X1_X2.ms.split.bandpass',
    field = '0', solint = 'inf,7.8125MHz', refant = 'DV02', combine = 'scan')
"""


def write(tmp_path: Path, text: str | bytes,
          name: str = "uid___A002_X1_X2.ms.scriptForCalibration.py") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_python2_script_commented_call_and_empty_step(tmp_path: Path) -> None:
    facts, extractor = run(write(tmp_path, PY2_SCRIPT))
    assert extractor.warnings == []
    assert facts["fields_by_intent"].value == {"CALIBRATE_FLUX": ["Mars"],
                                               "OBSERVE_TARGET": ["NGC253", "NGC253b"]}
    assert facts["import.asis"].value is False
    assert facts["import.asis"].note == "asis lacks Station"
    # the commented-out fixplanets does not count: complete script -> No
    assert facts["apriori.fixplanets"].value is False
    assert facts["apriori.syscal_fix"].value is False
    assert facts["apriori.antpos"].value is True
    assert facts["apriori.antpos_antennas"].value == ["DV02"]
    assert lines_of(facts["apriori.antpos"]) == [27]
    assert facts["apriori.antpos"].provenance[0].end_line == 29
    assert facts["calscript.empty_steps"].value == [2]
    assert facts["bandpass.mixed_solint"].value is True
    assert facts["bandpass.refant"].value == {"ok": None, "name": "DV02"}
    assert facts["flagged_antennas"].value == []


def test_truncated_script_warns_and_gives_no_no(tmp_path: Path) -> None:
    cut = PY2_SCRIPT[:PY2_SCRIPT.index("    parameter = [0,0,0,")]
    facts, extractor = run(write(tmp_path, cut))
    messages = [w.message for w in extractor.warnings]
    assert any("truncated" in m for m in messages)
    assert any("not reached" in m for m in messages)
    assert facts["asdm_uid"].value == "uid___A002_X1_X2"
    assert facts["import.asis"].value is False  # a call that is present still counts
    for absent in ("apriori.fixplanets", "apriori.syscal_fix", "apriori.antpos",
                   "flagging.edge_channels", "gaincal.limited_uvrange", "flagged_antennas"):
        assert absent not in facts


def test_missing_step_block_gives_no_no(tmp_path: Path) -> None:
    text = PY2_SCRIPT.replace("mystep = 2\n", "")
    facts, extractor = run(write(tmp_path, text))
    assert [w.message for w in extractor.warnings] == [
        "no 'mystep = N' block for step(s) 2 of step_title"]
    assert "apriori.fixplanets" not in facts
    assert facts["apriori.antpos"].value is True


def test_unparsable_arguments_warn_and_make_script_incomplete(tmp_path: Path) -> None:
    text = PY2_SCRIPT.replace("field = '0', solint", "field = `0`, solint")
    facts, extractor = run(write(tmp_path, text))
    assert len(extractor.warnings) == 1
    assert extractor.warnings[0].line == 41
    assert "cannot parse the arguments of bandpass" in extractor.warnings[0].message
    assert "apriori.fixplanets" not in facts
    assert "bandpass.refant" not in facts


def test_variable_parameter_and_tab_indentation(tmp_path: Path) -> None:
    text = PY2_SCRIPT.replace("parameter = [0,0,0, 1.5e-4,0,0])", "parameter = offsets)")
    text = text.replace("\n  print 'Step '", "\n\tprint 'Step '")  # Python 2 mixes tabs in
    facts, extractor = run(write(tmp_path, text))
    assert extractor.warnings == []
    assert "apriori.antpos" not in facts  # a variable is not evidence either way


def test_all_zero_antpos_and_setjy_on_planet(tmp_path: Path) -> None:
    text = PY2_SCRIPT.replace("1.5e-4", "0").replace(
        "  # nothing to flag here",
        "  setjy(vis = 'uid___A002_X1_X2.ms.split', field = '1', # Mars\n"
        "    standard = 'Butler-JPL-Horizons 2012')\n"
        "  flagdata(vis = 'uid___A002_X1_X2.ms.split', mode = 'manual', antenna = 'DV02')\n"
        "  flagdata(vis = 'uid___A002_X1_X2.ms.split', spw = '0:0~7;120~127')")
    facts, _ = run(write(tmp_path, text))
    assert facts["apriori.antpos"].value is False
    assert facts["flagging.resolved_fluxcal"].value is True
    assert facts["flagging.quasar_fluxcal"].value is False
    assert facts["flagged_antennas"].value == ["DV02"]
    assert facts["flagging.edge_channels"].value is True  # 0~a;b~c on every spw
    assert facts["flagging.atm_lines"].value is False


def test_empty_and_latin1_files(tmp_path: Path) -> None:
    facts, extractor = run(write(tmp_path, "\n\n"))
    assert facts == {}
    assert extractor.warnings[0].message == "calibration script is empty"
    facts, extractor = run(write(tmp_path, b"# R\xe9ducteur: caf\xe9\n" + PY2_SCRIPT.encode()))
    assert extractor.warnings == []
    assert lines_of(facts["apriori.antpos"]) == [28]


def test_unreadable_file_raises_extraction_error(tmp_path: Path) -> None:
    folder = tmp_path / "uid___A002_X1_X2.ms.scriptForCalibration.py"
    folder.mkdir()
    with pytest.raises(ExtractionError) as err:
        list(CalScriptExtractor().extract(folder))
    assert str(err.value).startswith(f"{folder}:?: cannot read calibration script:")


def test_arguments_are_read_when_first_asked_and_as_before(tmp_path: Path) -> None:
    """Calls no fact asks about (print, os.system) are never parsed; the others give the
    values, lines and Expr an eager reading gave."""
    from qa2docs.extractors.calscript.script import Expr, read_script
    text = ("mystep = 1\n"
            "os.system('rm -rf x')\n"
            "print('a' 'b')\n"
            "flagdata(vis = 'x.ms', mode = 'manual', antenna = 'DA41',\n"
            "         spw = thespw, flagbackup = T)  # tail\n"
            "es.fixForCSV2555('x.ms')\n"
            "gaincal(vis = 'x.ms', caltable = 'c' + 'd'\n")
    warnings: list[tuple[int | None, str]] = []
    script = read_script(text, lambda line, msg: warnings.append((line, msg)))
    names = [c.name for c in script.calls]
    assert names == ["os.system", "print", "flagdata", "es.fixForCSV2555"]
    assert all("_values" not in vars(c) for c in script.calls)
    flag = script.named("flagdata")[0]
    assert flag.parsed and flag.args == []
    assert flag.kwargs == {"vis": "x.ms", "mode": "manual", "antenna": "DA41",
                           "spw": Expr("thespw"), "flagbackup": True}
    assert flag.kw_lines == {"vis": 4, "mode": 4, "antenna": 4, "spw": 5, "flagbackup": 5}
    assert script.trailing_comment(flag, "spw") == "tail"
    assert flag.excerpt == ("flagdata(vis = 'x.ms', mode = 'manual', antenna = 'DA41',\n"
                            "         spw = thespw, flagbackup = T)  # tail")
    assert "_values" not in vars(script.calls[0])
    assert script.calls[3].args == ["x.ms"] and script.calls[3].step == 1
    assert script.truncated and warnings[-1][0] == 7


def test_an_unparsable_relevant_call_warns_at_once_others_never(tmp_path: Path) -> None:
    from qa2docs.extractors.calscript.script import read_script
    text = "print('a', `b`)\nsetjy(vis = 'x.ms', fluxdensity = [1,, 2])\nos.system(`c`)\n"
    warnings: list[tuple[int | None, str]] = []
    script = read_script(text, lambda line, msg: warnings.append((line, msg)))
    assert [line for line, _ in warnings] == [2]
    assert warnings[0][1].startswith("cannot parse the arguments of setjy: ")
    assert script.unparsed and not script.named("setjy")[0].parsed
    assert script.named("setjy")[0].kwargs == {} and script.calls[0].args == []
    assert not script.calls[0].parsed


@pytest.mark.parametrize("asdm, uid, note", [
    ("uid___A002_Xd80784_X26be_v1", "uid___A002_Xd80784_X26be",
     "importasdm reads uid___A002_Xd80784_X26be_v1, a renamed copy of uid___A002_Xd80784_X26be"),
    ("/data/uid___A002_Xd80784_X26be_copy2", "uid___A002_Xd80784_X26be",
     "importasdm reads uid___A002_Xd80784_X26be_copy2, a renamed copy of uid___A002_Xd80784_X26be"),
    ("uid___A002_Xd80784_X26be.asdm.sdm", "uid___A002_Xd80784_X26be", None),
    ("uid___A002_X1_X2_X3", "uid___A002_X1_X2_X3", None),  # not a uid and a tag: as written
    ("myasdm", "myasdm", None),
])
def test_the_uid_of_a_renamed_asdm_copy(tmp_path: Path, asdm: str, uid: str, note) -> None:
    """Reducers re-import an ASDM under a new name (``<uid>_v1``): the uid is its head."""
    path = tmp_path / "scriptForCalibration.py"
    path.write_text("thesteps = []\nstep_title = {0: 'Import of the ASDM'}\n\n"
                    "mystep = 0\nif(mystep in thesteps):\n"
                    f"  importasdm('{asdm}', asis='Antenna Station Receiver Source CalAtmosphere "
                    "CalWVR CorrelatorMode SBSummary', bdfflags=True, lazy=False)\n")
    facts, _ = run(path)
    assert facts["asdm_uid"].value == uid
    assert facts["asdm_uid"].note == note
    assert facts["asdm_uid"].provenance[0].line == 6
