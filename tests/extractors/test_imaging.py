"""Tests of the SB-level imaging extractor: the real scripts of ../shared/corpus, edge cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qa2docs.errors import ExtractionError
from qa2docs.extractors.imaging import ImagingExtractor
from qa2docs.extractors.imaging.script import Script
from qa2docs.extractors.registry import get_extractors
from qa2docs.models.facts import Fact
from helpers import extract_facts

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / ".." / "shared" / "corpus"
FORMATS = REPO / ".." / "shared" / "formats"
SEED_CALIBRATED = REPO / "samples" / "seed" / "reduction" / "calibrated"
IMAGING = CORPUS / "imaging_scripts"
OTHER = CORPUS / "other"
READMES = CORPUS / "readme_headers"


def _corpus_files(folder: Path, pattern: str) -> list[Any]:
    if not folder.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{folder} absent"))]
    return sorted(p.name for p in folder.glob(pattern))


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} absent")
    return path


def run(path: Path) -> tuple[dict[str, Fact], ImagingExtractor]:
    """Extract *path*; facts by field id (each id must occur once) and the extractor."""
    return extract_facts(ImagingExtractor, path, unique=True)


def corpus_facts(path: Path) -> tuple[dict[str, Fact], dict[str, Any]]:
    """Facts of a corpus file (skipped when absent) and their values, by field id."""
    facts, _ = run(_need(path))
    return facts, {k: f.value for k, f in facts.items()}


def values(path: Path) -> dict[str, Any]:
    """The fact values of *path* by field id."""
    return {k: f.value for k, f in run(path)[0].items()}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# -- every real file reads without exception or warning ---------------------------------

@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_files(IMAGING, "*scriptForImaging.py"))
def test_every_imaging_script_reads(name: str) -> None:
    facts, extractor = run(IMAGING / name)
    assert extractor.warnings == []
    assert facts["imaging.script"].value is True
    assert facts["imaging.images"].value, "every real imaging script has clean calls"


@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_files(OTHER, "*"))
def test_every_other_script_reads(name: str) -> None:
    facts, extractor = run(OTHER / name)
    assert extractor.warnings == []
    key = "fluxcal.script" if "FluxCalibration" in name else "pi_script"
    assert facts[key].value is True


@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_files(READMES, "*README*"))
def test_every_readme_reads(name: str) -> None:
    facts, extractor = run(READMES / name)
    assert extractor.warnings == []
    code = "2015.1.00262.S" if name.startswith("FeO") else "2013.1.00308.S"
    assert facts["readme.project_code"].value == code
    assert facts["readme.pi"].value == "Adam Ginsburg"


# -- scriptForImaging.py ----------------------------------------------------------------

@pytest.mark.corpus
def test_feo_band4_imaging_values() -> None:
    facts, v = corpus_facts(IMAGING / "FeO_band4_scriptForImaging.py")
    images = v["imaging.images"]
    assert [im["line"] for im in images] == [42, 69, 98, 124, 150, 176, 205]
    first = images[0]
    assert first["imagename"] == "J0423-0120_cont"
    assert first["vis"] == "uid___A002_Xb70397_X9f06.ms.split.cal"  # thems = '...'
    assert (first["specmode"], first["kind"], first["nterms"]) == ("mfs", "continuum", 2)
    assert (first["imsize"], first["robust"], first["cell"]) == ([300, 300], 0.5, "0.13arcsec")
    assert (first["interactive"], first["mask"], first["unresolved"]) == (True, False, {})
    cube = images[2]
    assert (cube["imagename"], cube["kind"], cube["spw"]) == ("OrionBullets_FeO_5_4_0", "cube", "5")
    assert cube["restfreq"] == "156.660GHz"  # v2 = '156.660GHz' # FeO_J=5-4_O=0_p=-+
    assert (cube["width"], cube["start"], cube["threshold"]) == ("477.982 m/s", "-100km/s",
                                                                 "3.50 mJy")
    tapered = images[6]  # the briggs lines below it are commented out
    assert (tapered["weighting"], tapered["robust"]) == ("natural", None)
    assert v["imaging.targets"] == ["J0423-0120", "OrionBullets"]
    assert v["imaging.cube_spws"] == [4, 5, 6, 7, 8]
    assert (v["imaging.continuum"], v["imaging.cubes"], v["imaging.mask"]) == (True, True, True)
    assert (v["imaging.contsub"], v["imaging.selfcal"]) == (False, False)
    assert v["imaging.casa_version"] == "4.6"
    assert facts["imaging.casa_version"].note is None
    assert v["imaging.rms"][0] == {"value": 35.0, "unit": "uJy", "jy": pytest.approx(3.5e-5),
                                   "image": "OrionBullets_cont", "line": 89}
    assert [r["line"] for r in v["imaging.rms"]] == [89, 116, 142, 168, 195]  # 224: 'RMS = mJy'
    assert v["imaging.beam"][-1] == {"major_arcsec": 0.38, "minor_arcsec": 0.34, "pa_deg": None,
                                     "image": "OrionBullets_FeO_5_4_4", "line": 224}
    assert [p.line for p in facts["imaging.mask"].provenance][:2] == [42, 69]


@pytest.mark.corpus
def test_sgrb2_12m_imaging_values() -> None:
    facts, v = corpus_facts(IMAGING / "SgrB2_12m_scriptForImaging.py")
    images = v["imaging.images"]
    assert [im["line"] for im in images] == [15, 44, 93, 136]
    assert images[0]["vis"] == "SgrB2_a_03_TC.calibrated.ms"
    assert images[0]["field"] == "3~151"
    assert images[0]["spw"].startswith("0:1~700;900~1000")
    loop = images[2]  # for line, restfreq in (...): output = '...'.format(line)
    assert loop["vis"] == "SgrB2_a_03_TC.calibrated.ms"  # inputvis = vis
    assert loop["imagename"] is None and loop["restfreq"] is None
    assert loop["unresolved"] == {"imagename": "output", "restfreq": "restfreq"}
    assert (loop["specmode"], loop["nchan"], loop["niter"]) == ("velocity", 200, 2000)
    channels = images[3]
    assert channels["unresolved"] == {"imagename": "output", "spw": "spw", "start": "start",
                                      "nchan": "nchans_per_cube"}  # all bound in loops
    assert channels["vis"] == "SgrB2_a_03_TC.calibrated.ms"
    assert channels["kind"] == "cube" and channels["width"] == 1
    assert v["imaging.targets"] == ["SgrB2"]  # field = '3~151', # SgrB2
    assert "imaging.cube_spws" not in v  # spw='' and a loop variable: no ids to give
    assert (v["imaging.mask"], v["imaging.contsub"]) == (False, False)
    assert v["imaging.casa_version"] == "4.2.2"
    assert facts["imaging.casa_version"].note == "the version check is commented out"
    assert v["imaging.rms"][1] == {"value": 0.0283, "unit": "Jy/beam", "jy": 0.0283,
                                   "image": "calibrated.ms.contWOlines.spw3", "line": 63}
    assert len(v["imaging.rms"]) == 6 and v["imaging.rms"][-1]["image"] is None
    assert v["imaging.beam"][0] == {"major_arcsec": 4.685, "minor_arcsec": 2.529,
                                    "pa_deg": 71.9, "image": "calibrated.ms.contWOlines.spw0",
                                    "line": 30}
    assert v["imaging.beam"][2]["pa_deg"] == 74.4  # '# Beam 4.098 arcsec x 1.963 ... pa= 74.4 deg'


@pytest.mark.corpus
def test_sgrb2_7m_imaging_values() -> None:
    facts, v = corpus_facts(IMAGING / "SgrB2_7m_scriptForImaging.py")
    images = v["imaging.images"]
    assert len(images) == 17
    assert all(im["kind"] == "cube" for im in images)
    assert v["imaging.continuum"] is False and v["imaging.cubes"] is True
    assert v["imaging.cube_spws"] == list(range(16))
    hnc = images[4]
    assert (hnc["imagename"], hnc["start"], hnc["nchan"]) == ("SgrB2_a_03_7M.HNC", "-100km/s", 250)
    assert hnc["restfreq"] == "90663.564MHz" and hnc["vis"] == "SgrB2_a_03_7M.cal.contsub"
    niter_loop = images[6]
    assert niter_loop["mask"] is True and niter_loop["niter"] is None
    assert set(niter_loop["unresolved"]) == {"imagename", "niter"}
    by_name = {im["imagename"]: im for im in images}
    assert by_name["SgrB2_a_03_7M.H2CS322-221"]["weighting"] == "uniform"
    assert by_name["SgrB2_a_03_7M.CH3CN_5-4_3"]["nchan"] == 500
    assert by_name["SgrB2_a_03_7M.CFp"]["mask"][0] == "box[[83pix,95pix],[135pix,156pix]]"
    assert v["imaging.contsub"] is True
    assert [p.line for p in facts["imaging.contsub"].provenance] == [93, 103]
    assert v["imaging.casa_version"] == "4.2.1" and facts["imaging.casa_version"].note is None
    assert v["imaging.targets"] == ["SgrB2"]
    assert "imaging.rms" not in v and "imaging.beam" not in v


@pytest.mark.corpus
def test_w51_7m_imaging_values() -> None:
    v = values(_need(IMAGING / "W51_7m_scriptForImaging.py"))
    images = v["imaging.images"]
    assert [im["task"] for im in images] == ["clean", "tclean", "tclean", "clean", "clean", "clean"]
    assert images[2]["robust"] == -2 and images[2]["specmode"] == "mfs"
    assert images[1]["imsize"] == 256
    assert images[3]["vis"] == "calibrated-spw0.ms.contsub"
    assert images[3]["restfreq"] == "218.22219GHz"
    assert v["imaging.targets"] == ["w51*"]
    assert v["imaging.cube_spws"] == [0]  # each cube is made from a one-spw split MS
    assert v["imaging.contsub"] is True and v["imaging.mask"] is True
    assert "imaging.casa_version" not in v


# -- scriptForFluxCalibration.py --------------------------------------------------------

@pytest.mark.corpus
def test_a2597_fluxcal_values() -> None:
    facts, v = corpus_facts(OTHER / "A2597_scriptForFluxCalibration.py")
    assert v["fluxcal.casa_version"] == "4.1" and facts["fluxcal.casa_version"].note is None
    setjy = v["fluxcal.setjy"]
    assert len(setjy) == 12
    assert setjy[0] == {"vis": "../calibrated/uid___A002_X7330a2_X383.ms.split.cal",
                        "eb": "uid___A002_X7330a2_X383", "field": "J2331-1556", "spw": "0",
                        "standard": None, "fluxdensity": [0.2673, 0, 0, 0], "line": 23}
    table = v["fluxcal.table"]
    assert len(table) == 12
    assert table[0] == {"eb": "uid___A002_X7330a2_X383",
                        "vis": "../calibrated/uid___A002_X7330a2_X383.ms.split",
                        "field": "J2331-1556", "spw": 0, "freq_hz": 212.98e9,
                        "flux_jy": 0.27261, "mean_flux_jy": 0.26730, "error_jy": None,
                        "date": "2013-11-18T23:14:30", "line": 10}
    assert (table[-1]["spw"], table[-1]["flux_jy"], table[-1]["freq_hz"]) == (3, 0.23818,
                                                                             229.68e9)
    prov = facts["fluxcal.table"].provenance[0]
    assert (prov.line, prov.end_line, facts["fluxcal.table"].rank) == (10, 21, 30)
    assert v["fluxcal.concat_vis"] == "calibrated.ms"
    assert v["fluxcal.ebs"] == ["../calibrated/uid___A002_X7330a2_X383.ms.split.cal",
                                "../calibrated/uid___A002_X7310ce_X4d1.ms.split.cal",
                                "../calibrated/uid___A002_X72e960_X53d.ms.split.cal"]


@pytest.mark.corpus
def test_sgrb2_12m_fluxcal_values() -> None:
    facts, v = corpus_facts(OTHER / "SgrB2_12m_scriptForFluxCalibration.py")
    table = v["fluxcal.table"]
    assert len(table) == 32
    assert table[0]["flux_jy"] is None and table[0]["mean_flux_jy"] == 5.55588  # '-'
    assert table[1]["flux_jy"] == 5.55588 and table[1]["eb"] == "uid___A002_X95e355_X220a"
    assert table[0]["freq_hz"] == 91.28e9
    j1752 = [r for r in table if r["field"] == "J1752-2956" and r["flux_jy"] is not None]
    assert [r["eb"] for r in j1752][:2] == ["uid___A002_X9cffbd_Xefe", "uid___A002_X9d13e3_Xd4f"]
    assert j1752[1]["flux_jy"] == 0.06456 and j1752[1]["line"] == 31
    assert len(v["fluxcal.setjy"]) == 32
    assert {s["standard"] for s in v["fluxcal.setjy"]} == {"manual"}
    assert v["fluxcal.setjy"][-1]["fluxdensity"] == [0.05090, 0, 0, 0]
    assert v["fluxcal.casa_version"] == "4.3.1"
    assert facts["fluxcal.casa_version"].note == "the version check is commented out"
    assert len(v["fluxcal.ebs"]) == 4 and v["fluxcal.concat_vis"] == "calibrated.ms"


@pytest.mark.corpus
def test_w51_7m_fluxcal_values() -> None:
    v = values(_need(OTHER / "W51_7m_scriptForFluxCalibration.py"))
    table = v["fluxcal.table"]
    assert len(table) == 16 and {r["field"] for r in table} == {"J1922+1530"}
    assert (table[1]["eb"], table[1]["flux_jy"], table[1]["line"]) == (
        "uid___A002_X9ff365_X2a83", 0.16204, 10)
    assert table[-1]["date"] == "2015-05-30T07:19:41"
    assert [s["fluxdensity"][0] for s in v["fluxcal.setjy"][::4]] == [0.15330, 0.14666,
                                                                      0.14115, 0.14058]
    assert v["fluxcal.ebs"][-1] == "uid___A002_Xa1e1bf_X6f1.ms.split.cal"


# -- scriptForPI.py -------------------------------------------------------------------

@pytest.mark.corpus
@pytest.mark.parametrize("name, revision", [
    ("SgrB2_7m_scriptForPI.py", "1.11"), ("W51_12m_scriptForPI.py", "1.15"),
    ("member.uid___A001_X1290_X6.scriptForPI.py", "1.23"),
])
def test_pi_script_revision(name: str, revision: str) -> None:
    facts, _ = run(_need(OTHER / name))
    assert facts["pi_script.revision"].value == revision
    assert facts["pi_script.revision"].provenance[0].line == 2
    assert "pi_script.casa_version" not in facts  # real scripts leave it to the QA2 report


def test_active_version_check_wins_over_a_commented_one(tmp_path: Path) -> None:
    text = ("#if re.search('^4.2.2', casadef.casa_version) == None:\n"
            "if re.search('^4.3.1', casadef.casa_version) == None:\n clean(vis='a')\n")
    facts, _ = run(write(tmp_path, "scriptForImaging.py", text))
    assert (facts["imaging.casa_version"].value, facts["imaging.casa_version"].note) == (
        "4.3.1", None)


RESULTS_ABOVE_CALLS = """\
vislist = ['a.ms.split.cal.contsub']
tclean(vis=vislist, imagename='src.A.cube', specmode='cube')

# Image cube for source B:
# Beam: 0.08"x0.04"
# RMS: 1.09 mJy/beam
tclean(vis=vislist, imagename='src.B.cube', specmode='cube')
# RMS: 2.5 mJy/beam
tclean(vis=vislist, imagename='src.C.cube', specmode='cube')

# RMS: 3.1 mJy/beam
"""


def test_results_written_on_top_of_a_call_are_that_calls(tmp_path: Path) -> None:
    # NA-template scripts write "#Beam / #RMS" right above the clean call they describe.
    v = values(write(tmp_path, "scriptForImaging.py", RESULTS_ABOVE_CALLS))
    assert [(r["line"], r["image"]) for r in v["imaging.rms"]] == [
        (6, "src.B.cube"), (8, None), (11, "src.C.cube")]  # 8 touches two calls: either
    assert [(b["line"], b["image"]) for b in v["imaging.beam"]] == [(5, "src.B.cube")]


def test_requested_values_under_a_requirements_heading_are_not_achieved(
        tmp_path: Path) -> None:
    text = ("tclean(vis='a.ms', imagename='cont', specmode='mfs')\n\n"
            "#Science Goal requirements: \n#RMS 5.85 mJy in 0.728 MHz bandwidth\n"
            "#Angular resolution 1.0 arcsec\n\n#RMS 4.2 mJy\n")
    v = values(write(tmp_path, "scriptForImaging.py", text))
    assert [(r["line"], r["value"], r["image"]) for r in v["imaging.rms"]] == [
        (7, 4.2, "cont")]


def test_pi_script_with_a_version_check(tmp_path: Path) -> None:
    path = write(tmp_path, "scriptForPI.py", "import re\n"
                 "if re.search('^5.6.1', casaVersion) == None:\n"
                 " sys.exit('ERROR: PLEASE USE THE SAME VERSION OF CASA THAT YOU USED FOR "
                 "GENERATING THE SCRIPT: 5.6.1')\n")
    facts, _ = run(path)
    assert (facts["pi_script.casa_version"].value, facts["pi_script"].value) == ("5.6.1", True)
    assert facts["pi_script.casa_version"].provenance[0].line == 2


# -- README headers ---------------------------------------------------------------------

@pytest.mark.corpus
def test_feo_readme_header() -> None:
    facts, v = corpus_facts(READMES / "FeO_band4_README")
    assert (v["readme.cycle"], v["readme.n_member_sbs"], v["readme.qa2_result"]) == (3, 1, "PASS")
    assert v["readme.sb_name"] == "OrionBul_a_04_TE"
    assert v["readme.proposed_rms"] == "3.5 mJy  in 477.982 m/s chanwidth"
    assert (v["readme.proposed_beam"], v["readme.casa_version"]) == ('0.5"', "4.6")
    assert v["readme.reducer_comments"].startswith("Requested continuum RMS (for object")
    assert v["readme.reducer_comments"].endswith('Achieved beam: 0.38"x0.34"')
    assert v["readme.achieved"][2] == {"what": "beam", "value": '0.57"x0.53"', "line": 23}
    assert facts["readme.cycle"].provenance[0].line == 5


@pytest.mark.corpus
def test_w51_readme_headers() -> None:
    twelve = values(_need(READMES / "W51_12m_README"))
    assert (twelve["readme.cycle"], twelve["readme.casa_version"]) == (2, "4.4.0")
    assert twelve["readme.proposed_rms"] == "5.85 mJy/beam in 0.728 MHz at Rep. Freq. 218.352 GHz"
    assert "readme.qa2_result" not in twelve and "readme.proposed_beam" not in twelve
    seven = values(_need(READMES / "W51_7m_README"))
    assert "readme.proposed_rms" not in seven  # 'Proposed rms: ' is empty
    first_line = seven["readme.reducer_comments"].splitlines()[0]
    assert first_line.startswith("Phase drifts for antenna CM07")
    assert seven["readme.reducer_comments"].endswith("Cubes are made for H2CO, C18O, and CO(2-1).")


def test_blank_readme_header_gives_no_facts() -> None:
    facts, extractor = run(_need(FORMATS / "README.header.cycle3.blank.txt"))
    assert facts == {} and extractor.warnings == []


# -- allFluxes.txt ----------------------------------------------------------------------

ALLFLUXES = (
    "# field spw freq flux meanflux date vis\n"
    '                                       "J2331-1556"     0     212.98      0.27261      0.26730'
    "       2013-11-18T23:14:30  uid___A002_X7330a2_X383.ms.split.cal\n"
    '                                       "J2331-1556"     0     212.98            -      0.26730'
    "       2013-11-17T01:31:09  uid___A002_X72e960_X53d.ms.split.cal\n"
    "garbage line\n"
)


def test_allfluxes_file(tmp_path: Path) -> None:
    facts, extractor = run(write(tmp_path, "allFluxes.txt", ALLFLUXES))
    table = facts["fluxcal.table"]
    assert table.rank == 20
    assert [(r["eb"], r["flux_jy"], r["line"]) for r in table.value] == [
        ("uid___A002_X7330a2_X383", 0.27261, 2), ("uid___A002_X72e960_X53d", None, 3)]
    assert [(w.line, w.message) for w in extractor.warnings] == [
        (4, "unrecognised flux table line: 'garbage line'")]


def test_seed_sample_flux_tables_agree() -> None:
    allfluxes, extractor = run(_need(SEED_CALIBRATED / "allFluxes.txt"))
    script, script_extractor = run(_need(SEED_CALIBRATED / "scriptForFluxCalibration.py"))
    assert extractor.warnings == [] and script_extractor.warnings == []
    rows = allfluxes["fluxcal.table"].value
    assert rows[0] == {"eb": "uid___A002_Xdd9c61_X66d",
                       "vis": "uid___A002_Xdd9c61_X66d.ms.split.cal", "field": "J1751+0939",
                       "spw": 0, "freq_hz": 216.28e9, "flux_jy": 2.22776, "mean_flux_jy": 2.26194,
                       "error_jy": None, "date": "2014-07-20T01:38:27", "line": 1}
    # the script carries allFluxes.txt as a comment table: same rows, other line numbers
    strip = [{k: r[k] for k in r if k != "line"} for r in script["fluxcal.table"].value]
    assert strip == [{k: r[k] for k in r if k != "line"} for r in rows]
    assert script["fluxcal.ebs"].value == ["uid___A002_Xdd9c61_X66d.ms.split.cal",
                                           "uid___A002_X4sda4d_Xa12.ms.split.cal"]


def test_seed_sample_imaging_script() -> None:
    facts, extractor = run(_need(SEED_CALIBRATED / "scriptForImaging.py"))
    v = {k: f.value for k, f in facts.items()}
    assert extractor.warnings == []
    assert v["imaging.targets"] == ["J1751+0939", "IRAS12345"]
    assert (v["imaging.continuum"], v["imaging.cubes"], v["imaging.contsub"]) == (True, True, True)
    assert (v["imaging.selfcal"], v["imaging.mask"]) == (False, False)
    target_rms = [r for r in v["imaging.rms"] if r["image"] == "calibrated.ms.IRAS12345.cont"]
    assert target_rms == [{"value": 0.071, "unit": "mJy/beam", "jy": 7.1e-05,
                           "image": "calibrated.ms.IRAS12345.cont", "line": 51}]


# -- edge cases -------------------------------------------------------------------------

@pytest.mark.corpus
def test_truncated_script_warns_and_claims_no_absence(tmp_path: Path) -> None:
    lines = _need(IMAGING / "FeO_band4_scriptForImaging.py").read_text().splitlines(True)
    path = write(tmp_path, "scriptForImaging.py", "".join(lines[:100]))  # cut inside a clean
    facts, extractor = run(path)
    messages = [(w.line, w.message) for w in extractor.warnings]
    assert (100, "EOF in multi-line statement (file truncated?)") in messages
    assert (98, "clean() call at line 98 is not closed") in messages
    assert [im["line"] for im in facts["imaging.images"].value] == [42, 69]
    for absent in ("imaging.contsub", "imaging.selfcal", "imaging.cubes"):
        assert absent not in facts  # no "No" from a script not read to its end
    assert facts["imaging.continuum"].value is True


def test_truncated_inside_first_call_gives_no_image_list(tmp_path: Path) -> None:
    facts, extractor = run(write(tmp_path, "scriptForImaging.py", "clean(vis='a.ms',\n  niter=1"))
    assert "imaging.images" not in facts and facts["imaging.script"].value is True
    assert extractor.warnings[-1].message == "clean() call at line 1 is not closed"


def test_bad_line_does_not_hide_the_rest(tmp_path: Path) -> None:
    text = ("if x:\n        a = 1\n    b = 2\n"
            "tclean(vis='a.ms', imagename='img', specmode='cube', spw='1,3~4:10~20')\n")
    facts, extractor = run(write(tmp_path, "scriptForImaging.py", text))
    assert [w.line for w in extractor.warnings] == [3]
    assert facts["imaging.cube_spws"].value == [1, 3, 4]
    assert "imaging.contsub" not in facts


def test_python3_tclean_script(tmp_path: Path) -> None:
    text = (
        "import casatasks\n"
        "concat(vis=['uid___A002_X1_X2.ms.split.cal', 'uid___A002_X1_X3.ms.split.cal'],\n"
        "       concatvis='calibrated.ms')\n"
        "gaincal(vis='calibrated.ms', caltable='pcal1', solint='inf', calmode='p')\n"
        "tclean(vis='calibrated.ms', imagename='IRAS_cont', specmode='mfs', deconvolver='mtmfs',\n"
        "       nterms=2, usemask='auto-multithresh', niter=1000, interactive=False)\n"
        "# rms = 1.2 mJy\n"
        "# requested rms 0.5 mJy\n"
        "print(f'done {x}')\n"
    )
    facts, extractor = run(write(tmp_path, "scriptForImaging.py", text))
    v = {k: f.value for k, f in facts.items()}
    assert extractor.warnings == []
    assert v["imaging.images"][0]["mask"] == "auto-multithresh" and v["imaging.mask"] is True
    assert (v["imaging.selfcal"], v["imaging.contsub"], v["imaging.cubes"]) == (True, False, False)
    assert v["imaging.concat_vis"] == "calibrated.ms"
    assert v["imaging.rms"] == [{"value": 1.2, "unit": "mJy", "jy": pytest.approx(1.2e-3),
                                 "image": "IRAS_cont", "line": 7}]
    assert "imaging.targets" not in v  # no field selection given
    assert facts["imaging.selfcal"].provenance[0].line == 4


def test_requested_values_and_notes_in_comments(tmp_path: Path) -> None:
    text = ("clean(vis='c.ms', imagename='t', field='3', # IRAS12345 (ids renumbered)\n"
            "      mode='mfs')\n"
            "# RMS 0.071 mJy/beam (requested: 2.0 mJy rms in 1 km/s)\n"
            "# line: Restoring Beam 0.8 arcsec, 0.6 arcsec, -69.5 deg; RMS 1.9 mJy/beam\n")
    v = values(write(tmp_path, "scriptForImaging.py", text))
    assert v["imaging.targets"] == ["IRAS12345"]
    assert [(r["value"], r["line"]) for r in v["imaging.rms"]] == [(0.071, 3), (1.9, 4)]
    assert v["imaging.beam"] == [{"major_arcsec": 0.8, "minor_arcsec": 0.6, "pa_deg": -69.5,
                                  "image": "t", "line": 4}]


def test_mode_default_and_mstransform_contsub(tmp_path: Path) -> None:
    text = ("mstransform(vis='a.ms', outputvis='a.contsub', douvcontsub=True)\n"
            "clean(vis='a.contsub', imagename='x', field='0', niter=0)\n")
    v = values(write(tmp_path, "scriptForImaging.py", text))
    assert v["imaging.contsub"] is True
    assert v["imaging.images"][0]["kind"] == "continuum"  # clean's default mode is mfs
    assert "imaging.targets" not in v  # field '0' names no field


def test_unreadable_arguments_warn(tmp_path: Path) -> None:
    text = "clean(vis='a.ms', imagename='x', niter=10L)\n"
    facts, extractor = run(write(tmp_path, "scriptForImaging.py", text))
    assert extractor.warnings[0].line == 1
    assert extractor.warnings[0].message.startswith("cannot read the arguments of clean()")
    unresolved = facts["imaging.images"].value[0]["unresolved"]
    assert unresolved == {"*": "vis='a.ms', imagename='x', niter=10L"}
    assert "imaging.selfcal" not in facts


def test_malformed_flux_table_comment_warns(tmp_path: Path) -> None:
    text = ('#    "J2331-1556"  0  212.98  0.27  0.26  2013-11-18T23:14:30  uid___A002_X1_X2.ms\n'
            '#    "J2331-1556"  oops\n'
            "setjy(vis='uid___A002_X1_X2.ms', field='J2331-1556', spw='0', standard='manual',\n"
            "      fluxdensity=[0.26, 0, 0, 0])\n")
    facts, extractor = run(write(tmp_path, "scriptForFluxCalibration.py", text))
    assert [w.line for w in extractor.warnings] == [2]
    assert len(facts["fluxcal.table"].value) == 1
    assert facts["fluxcal.ebs"].value == ["uid___A002_X1_X2.ms"]  # no concat: the setjy vis


def test_variables_rebound_by_loops_are_unresolved() -> None:
    script = Script("v = 'a.ms'\nfor v in ['b', 'c']:\n    clean(vis=v)\nw = v\nclean(vis=w)\n")
    assert [c.unresolved for c in script.calls] == [{"vis": "v"}, {"vis": "w"}]
    script = Script("v = 'a.ms'\nv += 'x'\nclean(vis=v, interactive=T)\nes.clean(vis=v)\n")
    assert len(script.calls) == 1 and script.calls[0].args == {"interactive": True}


@pytest.mark.filterwarnings("error")
def test_python2_escapes_read_without_warnings() -> None:
    script = Script("x = 'a\\(b'\nclean(vis='\\d', imagename=x)\n")
    assert script.calls[0].args == {"vis": "\\d", "imagename": "a\\(b"}


def test_unknown_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="not a scriptForImaging"):
        list(ImagingExtractor().extract(write(tmp_path, "notes.txt", "x")))
    with pytest.raises(ExtractionError) as err:
        list(ImagingExtractor().extract(tmp_path / "scriptForImaging.py"))
    assert str(err.value).startswith(f"{tmp_path / 'scriptForImaging.py'}:?: cannot read file")


def test_registered() -> None:
    cls = get_extractors()["imaging"]
    assert cls is ImagingExtractor and cls.level == "sb"
    assert "*scriptForImaging*.py" in cls.patterns and "allFluxes.txt" in cls.patterns
