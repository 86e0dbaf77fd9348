"""fill end to end through the CLI: facts into the checklist, a person's answers kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import make_sb, run_cli

UID1 = "uid___A002_Xc0ffee_X1b"


@pytest.fixture
def casa6_sb(tmp_path, corpus_dir) -> Path:
    c = corpus_dir / "casa6"
    return make_sb(tmp_path, ebs={UID1: [c / f"{UID1}.ms.listobs", c / f"{UID1}.ms.split.fluxscale",
                                         c / "casa-20261124-120702.log"]})


def _checklist(root: Path) -> Path:
    return root / f"Checklist_SB_B7_HD163296_{UID1}.txt"


def test_fill_writes_the_facts_of_the_files(casa6_sb):
    out = run_cli("fill", str(casa6_sb)).stdout
    text = _checklist(casa6_sb).read_text()
    assert text.startswith(
        "Project code     : 2013.1.12345.S\n"
        "Contact Scientist: John Smith\n"
        "PI               : Jane Doe\n"
        "SB Name          : B7_HD163296\n"
        f"ASDM UID         : {UID1}\n"
        "Observation Dates and Total Integration Time (from listobs):\n"
        "    Observed from 02-Jun-2024/05:05:37.0 to 02-Jun-2024/05:30:23.3 (UTC)\n"
        "    Total elapsed time = 1486.34 s (24.8 min)\n")
    assert "Band(s)          : 7\n" in text
    assert "TDM/FDM/both     : both\n" in text
    assert "bandwidth switching (different spectral setup for phasecal and target): No\n" in text
    assert "      Flux density for J1733-1304 in SpW=0 (freq=3.35e+11 Hz) is: 1.10956" in text
    assert "[new]" in out and "filled" in out
    # The other documents of the SB root are created too.
    assert (casa6_sb / "Checklist_SB_B7_HD163296.txt").exists()
    assert (casa6_sb / "README.header.txt").exists()


def test_second_fill_changes_nothing(casa6_sb):
    run_cli("fill", str(casa6_sb))
    before = _checklist(casa6_sb).read_bytes()
    out = run_cli("fill", str(casa6_sb)).stdout
    assert _checklist(casa6_sb).read_bytes() == before
    assert "[unchanged]: filled 0" in out


def test_person_answer_is_kept_and_conflict_reported(casa6_sb):
    run_cli("fill", str(casa6_sb))
    path = _checklist(casa6_sb)
    text = path.read_text().replace("Band(s)          : 7", "Band(s)          : 6")
    text = text.replace("TDM/FDM/both     : both", "TDM/FDM/both     : both (checked)")
    text += "A line I added at the end\n"
    path.write_text(text)
    out = run_cli("fill", str(casa6_sb)).stdout
    assert path.read_text() == text
    assert "conflict bands (value): yours '6', files say '7'" in out
    assert "conflicts 2" in out


def test_force_overrides_one_field(casa6_sb):
    run_cli("fill", str(casa6_sb))
    path = _checklist(casa6_sb)
    path.write_text(path.read_text().replace("Band(s)          : 7", "Band(s)          : 6"))
    run_cli("fill", str(casa6_sb), "--force", "bands")
    assert "Band(s)          : 7\n" in path.read_text()


def test_answers_written_before_qa2docs_are_a_persons(tmp_path, corpus_dir):
    c = corpus_dir / "casa6"
    root = make_sb(tmp_path, ebs={UID1: [c / f"{UID1}.ms.listobs"]})
    run_cli("template", "eb")
    blank = run_cli("template", "eb").stdout
    _checklist(root).write_text(blank.replace("Band(s)          :", "Band(s)          : 6"))
    out = run_cli("fill", str(root)).stdout
    assert "Band(s)          : 6\n" in _checklist(root).read_text()
    assert "conflict bands" in out


def test_diff_and_dry_run_write_nothing(casa6_sb):
    out = run_cli("fill", str(casa6_sb), "--diff").stdout
    assert f"+++ {_checklist(casa6_sb)}" in out and "+Band(s)          : 7" in out
    assert not _checklist(casa6_sb).exists()
    run_cli("fill", str(casa6_sb), "--dry-run")
    assert not _checklist(casa6_sb).exists()
    assert not (casa6_sb / ".qa2docs" / "state.json").exists()


def test_fill_from_an_eb_dir_fills_only_that_eb(casa6_sb):
    run_cli("fill", str(casa6_sb / "B7_HD163296" / "X1b"))
    assert _checklist(casa6_sb).exists()
    assert not (casa6_sb / "Checklist_SB_B7_HD163296.txt").exists()


def test_crlf_checklist_keeps_its_line_endings(casa6_sb):
    blank = run_cli("template", "eb").stdout
    _checklist(casa6_sb).write_bytes(blank.replace("\n", "\r\n").encode())
    run_cli("fill", str(casa6_sb))
    data = _checklist(casa6_sb).read_bytes()
    assert b"Band(s)          : 7\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_facts_json_and_explain(casa6_sb):
    data = json.loads(run_cli("facts", str(casa6_sb / "B7_HD163296" / "X1b"), "--format", "json").stdout)
    assert data["eb"] == UID1
    assert data["facts"]["bands"]["value"] == [7]
    prov = data["facts"]["bands"]["provenance"][0]
    assert prov["file"] == f"{UID1}.ms.listobs" and prov["extractor"] == "listobs"
    run_cli("fill", str(casa6_sb))
    out = run_cli("explain", str(casa6_sb / "B7_HD163296" / "X1b"), "bands").stdout
    assert "set by: qa2docs (from the files)" in out
    assert f"evidence (listobs) {UID1}.ms.listobs:" in out
    proc = run_cli("explain", str(casa6_sb), "bandz", check=2)
    assert "unknown field 'bandz' (did you mean bands" in proc.stderr
