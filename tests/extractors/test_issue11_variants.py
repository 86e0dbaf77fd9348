"""Issue 11: real variants of ALMA/CASA files read right, and never silently.

Fixtures in tests/fixtures/issue11 (written here, shaped like the real formats):
an archive-named ASDM's calibration script (``<uid>.asdm.sdm``), a casa log with no
start-up banner, SEVERE separator lines and flagdata calls typed at the prompt, a
``fluxscale(listfile=...)`` output (``# `` before every line), and imaging scripts whose
cubes are imaged from an mstransform'ed MS, with ``## NAME -> rms = ... - beam = ...``
result lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import extract_facts, make_sb, run_cli

from qa2docs.collect.resolve import resolve_facts
from qa2docs.discover.layout import uid_of_dir
from qa2docs.extractors.calscript import CalScriptExtractor
from qa2docs.extractors.casalog import CasaLogExtractor
from qa2docs.extractors.fluxscale import FluxscaleExtractor
from qa2docs.extractors.imaging import ImagingExtractor
from qa2docs.models.common import short_id
from qa2docs.models.facts import make_fact

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "issue11"
UID = "uid___A002_Xbe0d4d_X12f5"
SCRIPT = FIXTURES / f"{UID}.asdm.sdm.ms.scriptForCalibration.py"
LOG = FIXTURES / "casa-20230215-093012.log"
LISTFILE = FIXTURES / f"{UID}.asdm.sdm.ms.split.fluxscale"
IMAGING = FIXTURES / "ALESS_scriptForImaging.py"
NO_RESULT = ("no fluxscale result in this file (no 'Flux density for ...' or 'Fitted spectrum "
             "for ...' line)")


# ------------------------------------------------------------ 2. archive suffix .asdm.sdm

def test_uid_is_the_part_before_the_archive_suffix():
    from qa2docs.models.common import uid_of_name

    assert uid_of_name(f"{UID}.asdm.sdm") == UID
    assert uid_of_name(f"../raw/{UID}.asdm.sdm.ms.split.cal") == UID
    assert uid_of_name("calibrated.ms") is None
    assert short_id(f"{UID}.asdm.sdm") == "X12f5"


def test_calscript_importasdm_of_an_archive_named_asdm():
    facts, ex = extract_facts(CalScriptExtractor, SCRIPT)
    assert facts["asdm_uid"].value == UID
    assert facts["asdm_uid"].note is None  # the file name says the same
    assert ex.warnings == []


def test_eb_dir_with_an_archive_named_asdm_folder(tmp_path):
    asdm = tmp_path / f"{UID}.asdm.sdm"
    asdm.mkdir()
    assert uid_of_dir(tmp_path) == (UID, asdm)


def test_facts_and_fluxscale_of_an_archive_named_eb(tmp_path):
    root = make_sb(tmp_path, ebs={UID: [SCRIPT, LISTFILE]})
    eb = root / root.name / "X12f5"
    data = json.loads(run_cli("facts", str(eb), "--format", "json").stdout)
    eb_data = data["ebs"][0] if "ebs" in data else data
    assert eb_data["eb"] == UID
    assert eb_data["facts"]["asdm_uid"]["value"] == UID
    assert len(eb_data["facts"]["flux_densities"]["value"]) == 4
    out = run_cli("fluxscale", str(eb)).stdout
    assert "Flux density for J0348-2749 in SpW=0 (freq=3.43465e+11 Hz) is: 0.532418" in out


# ------------------------------------------------------------ 5. fluxscale listfile

def test_fluxscale_listfile_lines_with_hash_prefix():
    facts, ex = extract_facts(FluxscaleExtractor, LISTFILE)
    assert ex.warnings == []
    fluxes = facts["flux_densities"].value
    assert [f["spw"] for f in fluxes] == [0, 1, 2, 3]
    assert fluxes[2] == {"source": "J0348-2749", "spw": 2, "freq_hz": 3.55465e11,
                         "flux_jy": 0.518843, "error_jy": 0.00741922, "snr": 69.9322, "n": 82}
    assert facts["fitted_spectra"].value[0]["spidx"] == -0.559131
    assert facts["fluxscale.reference_fields"].value == ["J0538-4405"]
    assert facts["gaincal.fluxscale_paste"].value.startswith("Flux density for J0348-2749")


def test_fluxscale_file_without_results_warns(tmp_path):
    empty = tmp_path / "uid___A002_X1_X2.ms.split.fluxscale"
    empty.write_text("# Found reference field(s): J0538-4405\n# Found transfer field(s):  \n")
    facts, ex = extract_facts(FluxscaleExtractor, empty)
    assert "flux_densities" not in facts
    assert [w.message for w in ex.warnings] == [NO_RESULT]


# ------------------------------------------------------------ 11, 12. SEVERE, version

def test_severe_separator_lines_are_not_messages():
    facts, _ = extract_facts(CasaLogExtractor, LOG)
    messages = facts["log.messages"].value
    assert messages["counts"] == {"SEVERE": 3, "WARN": 1}
    assert messages["total"] == 4
    assert [m["line"] for m in messages["items"]] == [7, 53, 55, 57]
    assert messages["items"][0]["message"].endswith("could be wrong by 1s or more.")
    assert all(m["message"] for m in messages["items"])


def test_casa_version_without_banner():
    facts, _ = extract_facts(CasaLogExtractor, LOG)
    version = facts["casa_version"]
    assert version.value == "6.5.4.9"  # not the script's gate (6.4.1) on line 3
    assert version.provenance[0].line == 1
    assert "no 'CASA Version' banner" in version.note


@pytest.mark.parametrize("message, expected", [
    ("CASA 6.5.4.9 -- Common Astronomy Software Applications [6.5.4.9]", "6.5.4.9"),
    ("casatasks version 6.2.1.7", "6.2.1.7"),
    ("ERROR: PLEASE USE THE SAME VERSION OF CASA THAT YOU USED FOR GENERATING THE SCRIPT: 6.4.1",
     None),
    ("Python version 3.8.10", None),
])
def test_casa_version_lines(tmp_path, message, expected):
    log = tmp_path / "casa-20230101-000000.log"
    log.write_text(f"2023-01-01 00:00:00\tINFO\t::casa\t{message}\n")
    facts, _ = extract_facts(CasaLogExtractor, log)
    assert (facts["casa_version"].value if "casa_version" in facts else None) == expected


def test_banner_wins_over_other_version_lines(tmp_path):
    log = tmp_path / "casa-20230101-000000.log"
    log.write_text("2023-01-01 00:00:00\tINFO\t::casa\tcasatools version: 6.5.4.9\n"
                   "2023-01-01 00:00:00\tINFO\t::casa\tCASA Version MODULAR 6.5.4.9\n")
    facts, _ = extract_facts(CasaLogExtractor, log)
    assert (facts["casa_version"].value, facts["casa_version"].note) == ("6.5.4.9", None)


# ------------------------------------------------------------ 8. flagdata typed in the log

def test_log_flagdata_of_whole_antennas():
    facts, _ = extract_facts(CasaLogExtractor, LOG)
    assert facts["log.flagged_antennas"].value == [
        {"vis": f"{UID}.asdm.sdm.ms.split", "antennas": ["DA44"], "line": 15},
        {"vis": "uid___A002_Xbe1f2a_X3c1.ms.split", "antennas": ["DV02"], "line": 24},
    ]  # the caltable's and the one-spw flag are not antennas flagged in full


def test_good_antennas_count_the_antennas_flagged_in_the_log():
    script, _ = extract_facts(CalScriptExtractor, SCRIPT)
    log, _ = extract_facts(CasaLogExtractor, LOG)
    assert script["flagged_antennas"].value == []
    names = ["DA41", "DA42", "DA43", "DA44", "DA50", "DA51", "DV01", "DV02", "DV03", "DV04"]
    antennas = make_fact("antennas", names, "listobs", f"{UID}.asdm.sdm.ms.listobs", rank=20)
    facts = resolve_facts([*script.values(), *log.values(), antennas])
    good = facts["good_antennas"]
    assert good.value == 9  # DA44 only: DV02 was flagged in another EB's MS
    assert "DA44 by flagdata in the casa log" in good.note
    assert any(p.file == LOG.name and p.line == 15 for p in good.provenance)


# ------------------------------------------------------------ 3, 10. imaging scripts

def test_cube_spws_traced_back_through_mstransform():
    facts, ex = extract_facts(ImagingExtractor, IMAGING)
    assert facts["imaging.cube_spws"].value == [25, 29]  # not the re-indexed 0 and 2
    assert ex.warnings == []


def test_cube_spws_abstain_when_the_vis_is_unknown(tmp_path):
    # the MS is found at run time and the split's output named after it: which spws the
    # cube calls' ids are cannot be told (and the CO cube's name no longer says spw25)
    text = IMAGING.read_text()
    for old, new in (("thevis = 'calibrated.ms'", "import glob\nthevis = glob.glob('*.ms')[0]"),
                     ("'ALESS122_lines.ms'", "thevis + '.lines'"),
                     ("ALESS122.1_spw25_CO43", "ALESS122.1_CO43")):
        assert old in text
        text = text.replace(old, new)
    script = tmp_path / "ALESS_scriptForImaging.py"
    script.write_text(text)
    facts, ex = extract_facts(ImagingExtractor, script)
    assert "imaging.cube_spws" not in facts
    assert len(ex.warnings) == 1 and "may be re-indexed" in ex.warnings[0].message


def test_named_result_lines_give_image_rms_and_beam():
    facts, _ = extract_facts(ImagingExtractor, IMAGING)
    rms = facts["imaging.rms"].value
    assert [(r["image"], r["jy"], r["source"]) for r in rms] == [
        ("ALESS001.1_cont", 5e-05, "ALESS001.1"), ("ALESS003.1_cont", 4.8e-05, "ALESS003.1")]
    beams = facts["imaging.beam"].value
    assert [(b["image"], b["major_arcsec"], b["minor_arcsec"]) for b in beams] == [
        ("ALESS001.1_cont", 2.37, 2.24), ("ALESS003.1_cont", 2.41, 2.20)]


# ------------------------------------------------------------ explain on an empty field

def test_explain_an_empty_field_lists_the_files_looked_at(tmp_path):
    root = make_sb(tmp_path, ebs={UID: [LOG, LISTFILE]})
    out = run_cli("explain", str(root / root.name / "X12f5"), "good_antennas").stdout
    assert "no file determines this field; files looked at:" in out
    assert f"{LOG.name}: gave " in out and "casa_version" in out
    assert f"{LISTFILE.name}: gave " in out and "flux_densities" in out
    # the .fluxscale file also matches the ASDM extractor's uid___* pattern: named once
    assert out.count(f"{LISTFILE.name}: gave ") == 1


def test_explain_names_a_file_that_gave_nothing(tmp_path):
    empty = tmp_path / f"{UID}.ms.split.fluxscale"
    empty.write_text("# nothing here\n")
    root = make_sb(tmp_path / "sb", ebs={UID: [empty, LOG]})
    out = run_cli("explain", str(root / root.name / "X12f5"), "good_antennas").stdout
    assert f"{empty.name}: gave no fact" in out
    assert "warning: line ?: no fluxscale result in this file" in out


def test_start_with_archive_named_asdm_folders(tmp_path):
    asdm = tmp_path / "archive" / "B7_ALESS" / f"{UID}.asdm.sdm"
    asdm.mkdir(parents=True)
    (asdm / "ASDM.xml").write_text("<ASDM/>\n")
    (tmp_path / "analysis").mkdir()
    run_cli("start", "--archive", str(tmp_path / "archive"), "--code", "2016.1.00123.S",
            cwd=tmp_path / "analysis")
    root = tmp_path / "analysis" / "B7_ALESS"
    checklist = root / f"Checklist_SB_B7_ALESS_{UID}.txt"
    assert f"ASDM UID         : {UID}\n" in checklist.read_text()
    link = root / "B7_ALESS" / "X12f5" / f"{UID}.asdm.sdm"
    assert link.is_symlink()
    assert uid_of_dir(link.parent) == (UID, link)
