"""qa2docs listobs through the real entry point: listfiles, logs, ASDMs and EB dirs."""

from __future__ import annotations

import json
import shutil

from conftest import GOLDEN, SAMPLES
from helpers import run_cli

X66D = SAMPLES / "seed" / "reduction" / "X66d"
LISTFILE = X66D / "uid___A002_Xdd9c61_X66d.ms.listobs"
ASDM = SAMPLES / "seed" / "archive" / "B6_IRAS12345" / "uid___A002_Xdd9c61_X66d"


def test_sample_listfile_matches_golden(update_golden):
    out = run_cli("listobs", str(LISTFILE.relative_to(SAMPLES.parent)), cwd=SAMPLES.parent).stdout
    golden = GOLDEN / "listobs_X66d.txt"
    if update_golden:
        golden.write_text(out)
    assert out == golden.read_text(), "listobs output changed (pytest --update-golden)"


def test_sample_listfile_lines():
    out = run_cli("listobs", str(LISTFILE)).stdout
    lines = out.splitlines()
    assert "      Observed from 20-Jul-2014/01:12:36.3 to 20-Jul-2014/02:04:19.6 (UTC)" in lines
    assert "      Total elapsed time = 3103.30 s (51.7 min)" in lines
    assert "  Band(s): 6" in lines and "  TDM/FDM/both: FDM" in lines
    assert "Scans (16):" in lines and "Science spectral windows (8):" in lines
    # sub-intents folded: scan 2 is CALIBRATE_ATMOSPHERE#OFF_SOURCE/#ON_SOURCE + WVR
    assert "  2     01:14:32.4-01:14:58.1  J1751+0939  CALIBRATE_ATMOSPHERE,CALIBRATE_WVR" in lines
    assert "  19   ALMA_RB_06#BB_3#SW-01#FULL_RES  480    230.5050    937.5          1953.1       6" in lines
    assert "Antennas (37, 12m):" in lines


def test_eb_dir_adds_the_asdm_pwv_and_configuration(tmp_path):
    eb = tmp_path / "X66d"
    shutil.copytree(X66D, eb)
    shutil.copytree(ASDM, eb / ASDM.name)
    out = run_cli("listobs", str(eb)).stdout.splitlines()
    assert "  PWV: 1.20 mm (median)" in out
    assert "Configuration: C34-4" in out
    assert "  Number of good antennas: 37" in out


def test_asdm_folder_and_json():
    out = run_cli("listobs", str(ASDM)).stdout.splitlines()
    assert out[0] == f"== uid___A002_Xdd9c61_X66d  ({ASDM})"
    assert "  PWV: 1.20 mm (median)" in out
    # the ASDM's Scan table has the intents and times but no field names
    assert "Scans (16):" in out
    assert "  5     01:21:54.7-01:26:08.6  -      CALIBRATE_AMPLI,CALIBRATE_FLUX,CALIBRATE_WVR" in out
    data = json.loads(run_cli("listobs", str(LISTFILE), "--format", "json").stdout)
    assert data["facts"]["antenna_count"] == 37
    assert data["facts"]["observation"]["total_elapsed_s"] == 3103.3
    assert data["warnings"] == []


def test_no_summary_is_a_one_line_error(tmp_path):
    log = tmp_path / "casa-20261124-120000.log"
    log.write_text("2026-11-24 12:00:00\tINFO\tcasa::::\tCASA Version 6.7.0\n")
    proc = run_cli("listobs", str(log), check=2)
    assert proc.stderr == f"qa2docs: error: {log}: no listobs summary found\n"
    empty = tmp_path / "X1"
    empty.mkdir()
    proc = run_cli("listobs", str(empty), check=2)
    assert proc.stderr == (f"qa2docs: error: {empty}: no listobs output, ASDM or other EB "
                           "input found\n")


def test_eb_dir_with_only_a_fluxscale_file_is_an_error_not_an_empty_overview(tmp_path):
    """An EB dir holding only a .fluxscale file (or plots) has nothing an overview shows: an
    error naming what was read, never an empty summary with exit 0."""
    eb_dir = tmp_path / "X66d"
    eb_dir.mkdir()
    fluxscale = "uid___A002_Xdd9c61_X66d.ms.split.fluxscale"
    shutil.copy(X66D / fluxscale, eb_dir / fluxscale)
    proc = run_cli("listobs", str(eb_dir), check=2)
    assert proc.stderr == (f"qa2docs: error: {eb_dir}: no listobs output, ASDM or other EB "
                           f"input found (read only: {fluxscale})\n")


def test_corpus_files(corpus_dir):
    # casa 4.x listobs copied from the log (prefixed lines), Band 3, FDM
    out = run_cli("listobs", str(corpus_dir / "listobs" / "Xd4f.listobs.log")).stdout
    assert "Observer: keflavich    Project: uid://A001/X10e/X119" in out
    assert "      Observed from 02-Apr-2015/08:12:51.8 to 02-Apr-2015/09:11:29.3 (UTC)" in out
    assert "  Band(s): 3\n" in out and "  TDM/FDM/both: FDM\n" in out
    # CASA 6.7 listfile of the casa6 EB 1 (ground_truth.json: observer mlee, 12 antennas)
    out = run_cli("listobs", str(corpus_dir / "casa6" / "uid___A002_Xc0ffee_X1b.ms.listobs")).stdout
    assert "Observer: mlee    Project: uid://A001/X35f1/X1a4" in out
    assert "  Band(s): 7\n" in out and "  TDM/FDM/both: both\n" in out
    assert "Antennas (12, 12m):" in out
    out = run_cli("listobs", str(corpus_dir / "asdm" / "uid___A002_Xfb2c11_X3b4")).stdout
    assert "Antennas (8, 7m):\n  CM01 CM02 CM03 CM04 CM05 CM06 CM07 CM08\n" in out


VARIANTS = SAMPLES / "variants" / "listobs"
FULL = VARIANTS / "uid___A002_Xc6c0d5_X6d0e.ms.listunfl.listobs"
FULL_MS = "/lustre/naasc/users/qa2/2017.1.01355.L/uid___A002_Xc6c0d5_X6d0e/uid___A002_Xc6c0d5_X6d0e.ms"


def test_folder_of_unrelated_listfiles_is_one_summary_or_an_error(tmp_path):
    folder = tmp_path / "listobs"
    folder.mkdir()
    shutil.copy(FULL, folder)
    other = folder / "NGC253_B3.ms.listobs"
    other.write_text(FULL.read_text().replace(FULL_MS, "/data/ngc253/NGC253_B3.ms")
                     .replace("jdoe", "asmith"))
    proc = run_cli("listobs", str(folder), check=2)
    assert proc.stdout == ""
    assert proc.stderr == (
        f"qa2docs: error: {folder}: listobs output of 2 MSs of different EBs "
        f"(NGC253_B3.ms in NGC253_B3.ms.listobs; uid___A002_Xc6c0d5_X6d0e.ms in {FULL.name}); "
        "choose one with --ms NAME\n")
    out = run_cli("listobs", str(folder), "--ms", "NGC253_B3.ms").stdout
    assert "MeasurementSet: NGC253_B3.ms\nObserver: asmith" in out
    data = json.loads(run_cli("listobs", str(folder), "--ms", "uid___A002_Xc6c0d5_X6d0e",
                              "--format", "json").stdout)
    assert data["facts"]["observer"] == "jdoe"
    proc = run_cli("listobs", str(folder), "--ms", "X1.ms", check=2)
    assert proc.stderr.endswith("none is 'X1.ms'\n") and proc.stderr.count("\n") == 1
    # a log of two sessions, one listobs of each EB: the same
    log = tmp_path / "casa-20180602-070000.log"
    log.write_text("".join(
        f"2018-06-02 07:00:0{i}\tINFO\tlistobs::ms::summary\t{line}\n"
        for i, path in enumerate((FULL, other)) for line in path.read_text().splitlines()))
    proc = run_cli("listobs", str(log), check=2)
    assert "listobs output of 2 MSs of different EBs" in proc.stderr
    assert "Observer: asmith" in run_cli("listobs", str(log), "--ms", "NGC253_B3.ms").stdout


def test_a_document_is_not_listobs_output(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Data\n\nRun listobs; its output begins\n\n"
                      "           MeasurementSet Name:  /data/uid___A002_Xc6c0d5_X6d0e.ms"
                      "      MS Version 2\n\nand lists the scans, fields and antennas.\n"
                      "   Observer: jdoe     Project: uid://A001/X1288/X5f2  \n")
    proc = run_cli("listobs", str(readme), check=2)
    assert proc.stderr == f"qa2docs: error: {readme}: no listobs summary found\n"
