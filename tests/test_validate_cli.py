"""``qa2docs validate`` through the real entry point: paths, formats, exit codes, waivers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from helpers import run_cli
from validate_support import SB, SB_CHECKLIST, X66D, XA12, build_filled_sample, complete_sb, edit

from qa2docs.validate.run import ValidationReport, find_sb_roots, validate_path


@pytest.fixture(scope="module")
def completed(tmp_path_factory) -> Path:
    root = build_filled_sample(tmp_path_factory.mktemp("sample") / "seed")
    return complete_sb(root)


@pytest.fixture
def sb(completed, tmp_path) -> Path:
    root = tmp_path / "analysis" / SB
    shutil.copytree(completed, root, symlinks=True)
    return root


def test_clean_sb_exits_0_and_prints_the_count_line(sb):
    proc = run_cli("validate", str(sb), "--strict")
    assert proc.stdout == "0 error(s), 0 warning(s), 0 note(s) in 1 SB root(s)\n"


def test_text_lines_and_exit_1_on_an_error(sb):
    edit(sb / X66D, "- fixplanets necessary?                     [x] [ ]",
         "- fixplanets necessary?                     [ ] [ ]")
    proc = run_cli("validate", str(sb), check=1)
    line = next(x for x in proc.stdout.splitlines() if "QA2003" in x)
    number = (sb / X66D).read_text().splitlines().index(
        "  - fixplanets necessary?                     [ ] [ ]") + 1
    assert line == (f"ERROR QA2003 {X66D}:{number}: 'fixplanets necessary?' has neither Yes nor "
                    "No ticked (fix: tick Yes or No)")
    assert proc.stdout.endswith("1 error(s), 0 warning(s), 0 note(s) in 1 SB root(s)\n")


def test_warnings_pass_unless_strict(sb):
    edit(sb / SB_CHECKLIST, "- ticket package generated?                 [x]",
         "- ticket package generated?                 [ ]")
    assert "WARNING QA2005" in run_cli("validate", str(sb), check=0).stdout
    run_cli("validate", str(sb), "--strict", check=1)


def test_waiver_shows_the_finding_and_does_not_count_it(sb):
    edit(sb / SB_CHECKLIST, "- ticket package generated?                 [x]",
         "- ticket package generated?                 [ ]")
    with open(sb / "qa2docs.yaml", "a") as fh:
        fh.write("waivers:\n  - rule: QA2005\n    document: Checklist_SB_B6_*.txt\n"
                 "    reason: ticket made by the DRM this time\n")
    proc = run_cli("validate", str(sb), "--strict", check=0)
    assert "WARNING QA2005" in proc.stdout
    assert "[waived: ticket made by the DRM this time]" in proc.stdout
    assert proc.stdout.endswith("0 error(s), 0 warning(s), 0 note(s), 1 waived in 1 SB root(s)\n")
    report = validate_path(sb)
    (finding,) = report.findings
    assert (finding.waived, finding.waiver_reason) == (True, "ticket made by the DRM this time")
    assert report.counts() == {"error": 0, "warning": 0, "info": 0}


def test_waiver_for_another_document_does_not_apply(sb):
    edit(sb / SB_CHECKLIST, "- ticket package generated?                 [x]",
         "- ticket package generated?                 [ ]")
    with open(sb / "qa2docs.yaml", "a") as fh:
        fh.write(f"waivers:\n  - {{rule: QA2005, document: {X66D}, reason: no}}\n")
    assert not validate_path(sb).findings[0].waived


def test_json_output_follows_the_published_schema(sb):
    jsonschema = pytest.importorskip("jsonschema")
    edit(sb / XA12, "Name of REFANT: DA49", "Name of REFANT: DV01")
    proc = run_cli("validate", str(sb), "--format", "json", check=1)
    data = json.loads(proc.stdout)
    schema = json.loads((REPO / "schemas" / "validate_report.schema.json").read_text())
    jsonschema.validate(data, schema)
    (finding,) = data["findings"]
    assert finding["rule"] == "QA2105" and finding["eb"] == "uid___A002_X4sda4d_Xa12"
    assert data["sb_roots"] == [str(sb.resolve())]
    assert data["tolerances_version"] == "2025.1"
    assert ValidationReport.model_validate(data).exit_code(strict=False) == 1


def test_eb_dir_checks_only_that_eb(sb):
    edit(sb / X66D, "PWV              : 1.20 mm (median)", "PWV              :")
    edit(sb / XA12, "PWV              : 1.80 mm (median)", "PWV              :")
    edit(sb / SB_CHECKLIST, "- ticket package generated?                 [x]",
         "- ticket package generated?                 [ ]")
    report = validate_path(sb / SB / "Xa12")
    assert [(f.rule, f.document) for f in report.findings] == [("QA2001", XA12)]
    assert {f.document for f in validate_path(sb).findings} == {X66D, XA12, SB_CHECKLIST}


def test_tree_of_sb_roots(sb, tmp_path):
    other = tmp_path / "analysis" / "B6_OTHER"
    shutil.copytree(sb, other, symlinks=True)
    (other / "qa2docs.yaml").write_text(
        (other / "qa2docs.yaml").read_text().replace("sb_name: B6_IRAS12345", "sb_name: B6_OTHER"))
    assert find_sb_roots(tmp_path) == [sb, other]
    proc = run_cli("validate", str(tmp_path / "analysis"), check=1)
    # the copy's work dir and documents still carry B6_IRAS12345; each line names its SB
    lines = proc.stdout.splitlines()
    assert lines[-1] == "5 error(s), 0 warning(s), 2 note(s) in 2 SB root(s)"
    assert ("ERROR QA2102 B6_OTHER/README.header.txt:7: SB name 'B6_IRAS12345' differs from "
            "'B6_OTHER' (fix: use the SB name of qa2docs.yaml everywhere)") in lines
    assert ("ERROR QA2007 B6_OTHER/Checklist_SB_B6_OTHER.txt: SB checklist is missing from the "
            "SB root (fix: run 'qa2docs fill SB_ROOT' (or 'qa2docs start') to create it)") in lines
    assert not any(line.startswith(("ERROR", "WARNING")) and "B6_IRAS12345/" in line
                   for line in lines)


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "no such file or directory"),
    (lambda p: p, "neither inside an SB root nor above one (no qa2docs.yaml found); run "
                  "'qa2docs start SB' first"),
])
def test_unusable_path_exits_2(tmp_path, make, message):
    path = make(tmp_path)
    proc = run_cli("validate", str(path), check=2)
    assert proc.stderr == f"qa2docs: error: {path}: {message}\n"
    assert proc.stdout == ""


def test_broken_project_file_exits_2(sb):
    (sb / "qa2docs.yaml").write_text("project_code: 2013.1.12345.S\nsb_name: [\n")
    proc = run_cli("validate", str(sb), check=2)
    assert proc.stderr.startswith(f"qa2docs: error: {sb / 'qa2docs.yaml'}:")


def test_list_rules():
    out = run_cli("validate", "--list-rules").stdout.splitlines()
    assert out[0] == "QA2000 error   completeness document cannot be parsed"
    assert len(out) == 34
    assert "QA2401 error   inputs       an input's link points nowhere (a moved or deleted ASDM)" \
        in out
    assert "QA2201 error   flux         calibrator flux density differs between EBs beyond " \
           "tolerance" in out
    assert "QA2110 info    consistency  EB's median PWV above the SB's weather limit" in out


def test_default_path_is_the_current_directory(sb):
    proc = run_cli("validate", cwd=sb / SB / "X66d")
    assert proc.stdout == "0 error(s), 0 warning(s), 0 note(s) in 1 SB root(s)\n"
