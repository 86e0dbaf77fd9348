"""package ticket|hard and deliver, through the real entry point, on the demo SB."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from helpers import run_cli

from qa2docs.workflow.packaging.files import deterministic_zip

CODE, SB = "2013.1.12345.S", "B6_IRAS12345"
UIDS = ("uid___A002_X4sda4d_Xa12", "uid___A002_Xdd9c61_X66d")
CHECKLISTS = [f"Checklist_SB_{SB}.txt", *(f"Checklist_SB_{SB}_{uid}.txt" for uid in UIDS)]
ZIP_NAME = f"{CODE}.{SB}.ticket.zip"
# SBSummary.xml of both sample ASDMs: <obsUnitSetUID> uid://A001/X145/X3a2.
MEMBER = f"{CODE}/science_goal.UNKNOWN/group.UNKNOWN/member.uid___A001_X145_X3a2"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo's SB root (start, fill, validate, report done): shared, packaged once each."""
    top = tmp_path_factory.mktemp("pkg") / "demo"
    run_cli("demo", str(top))
    return top / "analysis" / SB


@pytest.fixture(scope="module")
def errors(demo) -> int:
    """The error count of 'qa2docs validate' on the demo SB (the demo leaves items open)."""
    proc = run_cli("validate", str(demo), "--format", "json", check=1)
    return sum(1 for f in json.loads(proc.stdout)["findings"]
               if f["severity"] == "error" and not f["waived"])


@pytest.fixture(scope="module")
def ticket(demo) -> Path:
    run_cli("package", "ticket", str(demo), "--force")
    return demo / "packaging" / "ticket" / "JIRA"


@pytest.fixture(scope="module")
def hard(demo) -> Path:
    run_cli("package", "hard", str(demo), "--force")
    return demo / "packaging" / "hard"


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------- ticket


def test_ticket_refused_while_validation_finds_errors(demo, errors):
    jira = demo / "packaging" / "ticket" / "JIRA"
    before = sorted(p.name for p in jira.iterdir()) if jira.is_dir() else []
    proc = run_cli("package", "ticket", str(demo), check=1)
    assert errors > 0
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("qa2docs: error: ")
    assert f"validation found {errors} error(s)" in proc.stderr and "--force" in proc.stderr
    assert (sorted(p.name for p in jira.iterdir()) if jira.is_dir() else []) == before


def test_ticket_dir_is_the_seeds_ls_jira(ticket):
    # seed: "ls JIRA" -> the zip and the three checklists
    assert sorted(p.name for p in ticket.iterdir()) == sorted([ZIP_NAME, *CHECKLISTS])
    for name in CHECKLISTS:
        assert (ticket / name).read_bytes() == (ticket.parents[2] / name).read_bytes()


def test_ticket_zip_contents(ticket, demo):
    with zipfile.ZipFile(ticket / ZIP_NAME) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert set(names) == {
            *CHECKLISTS, "README.header.txt", "project_info.txt",
            *(f"qa2/qa2_report_{n}.{ext}" for n in (SB, *UIDS) for ext in ("html", "pdf")),
            *(f"scripts/{uid}.ms.scriptForCalibration.py" for uid in UIDS),
            "scripts/scriptForFluxCalibration.py", "scripts/scriptForImaging.py"}
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        info = zf.read("project_info.txt").decode()
        script = zf.read("scripts/scriptForImaging.py")
        readme = zf.read("README.header.txt")
    assert "project_code: 2013.1.12345.S\n" in info and "pi: Jane Doe\n" in info
    assert "jira: SCOPS-1234, SCOPS-1235\n" in info
    assert f"execution_blocks: {UIDS[1]}, {UIDS[0]}\n" in info  # by short id: X66d, Xa12
    assert "waivers" not in info
    assert script == (demo / SB / "calibrated" / "scriptForImaging.py").read_bytes()
    assert readme == (demo / "README.header.txt").read_bytes()


def test_ticket_rerun_gives_the_same_bytes(ticket, demo):
    first = (ticket / ZIP_NAME).read_bytes()
    os.utime(demo / "README.header.txt", (1, 1))  # an mtime change must not matter
    proc = run_cli("package", "ticket", str(demo), "--force")
    assert "packaging despite" in proc.stderr and "--force" in proc.stderr
    assert (ticket / ZIP_NAME).read_bytes() == first
    assert not [p for p in ticket.iterdir() if p.name.startswith(".")]  # no temp files left


def test_deterministic_zip_ignores_mtimes(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x" * 1000)
    first = deterministic_zip({"b/a.txt": a, "z.txt": b"generated"})
    os.utime(a, (10**9, 10**9))
    assert deterministic_zip({"z.txt": b"generated", "b/a.txt": a}) == first
    a.write_text("y" * 1000)
    assert deterministic_zip({"b/a.txt": a, "z.txt": b"generated"}) != first


# ---------------------------------------------------------------------------- hard


def test_hard_package_layout(hard, demo):
    member = hard / MEMBER
    assert sorted(p.name for p in member.iterdir()) == [
        "README.header.txt", "calibration", "log", "product", "qa", "raw", "script"]
    assert sorted(p.name for p in (member / "script").iterdir()) == sorted(
        [*(f"{uid}.ms.scriptForCalibration.py" for uid in UIDS),
         "scriptForFluxCalibration.py", "scriptForImaging.py"])
    assert not any(p.is_symlink() for p in (member / "script").iterdir())  # documents copied
    assert sorted(p.name for p in (member / "calibration").iterdir()) == sorted(
        ["allFluxes.txt", *(f"{uid}.ms.split.fluxscale" for uid in UIDS)])
    assert len(list((member / "qa").glob("qa2_report_*"))) == 6
    # data are linked, never copied: the ASDMs and the casa logs
    raw = member / "raw" / "uid___A002_Xdd9c61_X66d"
    assert raw.is_symlink()
    assert raw.resolve() == (demo / SB / "X66d" / "uid___A002_Xdd9c61_X66d").resolve()
    assert (member / "log" / "uid___A002_Xdd9c61_X66d.casapy-20140828-093512.log").is_symlink()


def test_hard_md5sums_cover_every_file(hard):
    lines = (hard / "md5sums.txt").read_text().splitlines()
    sums = dict(reversed(line.split("  ", 1)) for line in lines)
    assert f"{MEMBER}/raw/uid___A002_Xdd9c61_X66d/ASDM.xml" in sums  # links followed
    assert f"{MEMBER}/script/scriptForImaging.py" in sums
    every_file = sum(len(files) for _, _, files in os.walk(hard / CODE, followlinks=True))
    # 2 ASDMs x 14 tables + README + 4 scripts + 6 reports + 3 flux files + 2 logs
    assert len(sums) == len(lines) == every_file == 44
    for rel, md5 in sums.items():
        assert _md5(hard / rel) == md5, rel


def test_hard_group_ous_option_renames_the_tree(demo, hard, tmp_path):
    proc = run_cli("package", "hard", str(demo), "--force", "--sg-ous", "uid___A001_X145_X3a0",
                   "--group-ous", "uid___A001_X145_X3a1")
    assert "UNKNOWN" not in proc.stderr
    assert [p.name for p in (hard / CODE).iterdir()] == ["science_goal.uid___A001_X145_X3a0"]
    run_cli("package", "hard", str(demo), "--force")  # back, for the delivery tests
    assert (hard / MEMBER).is_dir()


# ---------------------------------------------------------------------------- deliver


def test_deliver_dry_run_writes_nothing(demo, hard, tmp_path):
    proc = run_cli("deliver", str(demo), "--to", str(tmp_path / "web"), "--dry-run")
    assert f"would link {tmp_path / 'web' / f'{CODE}.{SB}' / MEMBER / 'README.header.txt'}" \
        in proc.stdout
    assert not (tmp_path / "web").exists()


def test_deliver_links_every_file_and_writes_md5sum(demo, hard, tmp_path):
    web = tmp_path / "web"
    proc = run_cli("deliver", str(demo), "--to", str(web))
    dest = web / f"{CODE}.{SB}"
    n_files = len((hard / "md5sums.txt").read_text().splitlines())
    assert f"delivered {n_files} files" in proc.stdout
    delivered = [p for p in dest.rglob("*") if p.is_symlink()]
    assert len(delivered) == n_files
    assert all(p.resolve().is_file() for p in delivered)
    lines = (dest / "md5sum.txt").read_text().splitlines()
    assert len(lines) == n_files
    for line in lines:
        md5, rel = line.split("  ", 1)
        assert _md5(dest / rel) == md5
    # the same sums as the hard package's md5sums.txt, path for path
    assert sorted(lines) == sorted((hard / "md5sums.txt").read_text().splitlines())

    again = run_cli("deliver", str(demo), "--to", str(web))
    assert "already delivered, unchanged" in again.stdout


def test_deliver_refuses_to_overwrite_a_different_delivery(demo, hard, tmp_path):
    dest = tmp_path / f"{CODE}.{SB}"
    dest.mkdir()
    (dest / "something.txt").write_text("another delivery\n")
    proc = run_cli("deliver", str(demo), "--to", str(tmp_path), check=2)
    assert proc.stderr.startswith("qa2docs: error: ") and proc.stderr.count("\n") == 1
    assert "not overwritten" in proc.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["something.txt"]


def test_deliver_refuses_a_tampered_md5sum(demo, hard, tmp_path):
    run_cli("deliver", str(demo), "--to", str(tmp_path))
    md5 = tmp_path / f"{CODE}.{SB}" / "md5sum.txt"
    md5.write_text(md5.read_text().replace("a", "b", 1))
    proc = run_cli("deliver", str(demo), "--to", str(tmp_path), check=2)
    assert "md5sum.txt: missing or does not match" in proc.stderr


# ---------------------------------------------------------------------------- errors


def test_deliver_without_hard_package(tmp_path, demo):
    import shutil

    copy = tmp_path / SB
    shutil.copytree(demo, copy, symlinks=True, ignore=shutil.ignore_patterns("packaging"))
    proc = run_cli("deliver", str(copy), "--to", str(tmp_path / "web"), check=2)
    assert proc.stderr == (f"qa2docs: error: {copy.resolve() / 'packaging' / 'hard' / CODE}: "
                           "no hard package; run 'qa2docs package hard' first\n")


@pytest.mark.parametrize("args", [("package", "ticket"), ("package", "hard"),
                                  ("deliver", "--to", "/tmp")])
def test_outside_an_sb_root_is_one_line_exit_2(tmp_path, args):
    proc = run_cli(*args, str(tmp_path), check=2)
    assert proc.stderr.startswith("qa2docs: error: ") and proc.stderr.count("\n") == 1
    assert "not inside an SB root" in proc.stderr
