"""EB dirs whose files carry no UID in their names (issue 11 item 9): ``listobs.txt``,
``<name>.ms.listobs`` or only a ``casa-*.log`` still make an EB dir, for ``facts`` on the dir
and in an SB root."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLES
from helpers import make_sb, run_cli

from qa2docs.discover.layout import discover

FULL = SAMPLES / "variants" / "listobs" / "uid___A002_Xc6c0d5_X6d0e.ms.listunfl.listobs"
FULL_MS = ("/lustre/naasc/users/qa2/2017.1.01355.L/uid___A002_Xc6c0d5_X6d0e/"
           "uid___A002_Xc6c0d5_X6d0e.ms")


def _log(text: str) -> str:
    """*text* as the listobs lines of a CASA 6 log."""
    return "".join(f"2018-06-02 07:00:01\tINFO\tlistobs::ms::summary{'+' if i else ''}\t{line}\n"
                   for i, line in enumerate(text.splitlines()))


def _eb_dirs(parent: Path) -> dict[str, Path]:
    """Three EB dirs with no UID in any file name."""
    dirs = {name: parent / name for name in ("X6d0e", "Elias29", "logonly")}
    for d in dirs.values():
        d.mkdir(parents=True)
    (dirs["X6d0e"] / "listobs.txt").write_text(FULL.read_text())
    (dirs["Elias29"] / "Elias29_B6.ms.listobs").write_text(
        FULL.read_text().replace(FULL_MS, "/data/Elias29_B6.ms"))
    (dirs["logonly"] / "casa-20180602-070000.log").write_text(_log(FULL.read_text()))
    return dirs


def test_facts_of_a_dir_without_uid_names(tmp_path: Path) -> None:
    dirs = _eb_dirs(tmp_path)
    expected = {"X6d0e": "uid___A002_Xc6c0d5_X6d0e", "Elias29": "Elias29",
                "logonly": "uid___A002_Xc6c0d5_X6d0e"}
    for name, eb_dir in dirs.items():
        data = json.loads(run_cli("facts", "--format", "json", str(eb_dir)).stdout)
        assert data["eb"] == expected[name]
        assert data["facts"]["antenna_count"]["value"] == 5
        assert data["facts"]["observation"]["value"]["total_elapsed_s"] == 1677.3
        assert data["warnings"] == []


def test_sb_root_finds_eb_dirs_without_uid_names(tmp_path: Path) -> None:
    root = make_sb(tmp_path, sb="B6_Elias29")
    _eb_dirs(root / "B6_Elias29")
    (root / "B6_Elias29" / "notes").mkdir()  # no listobs file nor casa log: not an EB
    sb = discover(root)
    assert sorted((eb.dir.name, eb.uid) for eb in sb.ebs) == [
        ("Elias29", "Elias29"), ("X6d0e", "uid___A002_Xc6c0d5_X6d0e"),
        ("logonly", "uid___A002_Xc6c0d5_X6d0e")]


PIPELINE_MS = ("/lustre/me/2017.1.01355.L/science_goal.uid___A001_X1296_X12d/group.uid___A001_X1296_"
               "X12e/member.uid___A001_X1296_X133/calibrated/working/uid___A002_Xc6c0d5_X6d0e.ms")


def test_uid_of_an_ms_in_the_pipeline_tree_is_the_ms_not_its_ous(tmp_path: Path) -> None:
    """A listobs of an MS in the pipeline's working dir names the science goal, group and member
    OUS UIDs before the MS: the EB is the MS's UID, never the first UID of the path."""
    eb_dir = tmp_path / "X6d0e"
    eb_dir.mkdir()
    (eb_dir / "listobs.txt").write_text(FULL.read_text().replace(FULL_MS, PIPELINE_MS))
    data = json.loads(run_cli("facts", "--format", "json", str(eb_dir)).stdout)
    assert data["eb"] == "uid___A002_Xc6c0d5_X6d0e"


def test_only_ous_uids_in_the_files_leave_the_folder_name(tmp_path: Path) -> None:
    eb_dir = tmp_path / "Elias29"
    eb_dir.mkdir()
    ms = PIPELINE_MS.replace("uid___A002_Xc6c0d5_X6d0e.ms", "Elias29_B6.ms")
    (eb_dir / "listobs.txt").write_text(FULL.read_text().replace(FULL_MS, ms))
    data = json.loads(run_cli("facts", "--format", "json", str(eb_dir)).stdout)
    assert data["eb"] == "Elias29"
