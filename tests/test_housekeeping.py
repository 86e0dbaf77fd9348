"""qa2docs clear, fluxequal-start and lock (the seed's qa2_clear, qa2_fluxequal_start.sh,
qa2_lock), through the real entry point on trees built in tmp_path."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from helpers import make_sb, run_cli
from qa2docs.workflow import housekeeping
from qa2docs.workflow.housekeeping import LockHolder

SB = "B6_IRAS12345"
X66D = "uid___A002_Xdd9c61_X66d"
XA12 = "uid___A002_X4sda4d_Xa12"


def _asdm(archive: Path, uid: str) -> Path:
    asdm = archive / uid
    asdm.mkdir(parents=True)
    (asdm / "ASDM.xml").write_text("<ASDM/>\n")
    return asdm


@pytest.fixture
def sb(tmp_path: Path) -> Path:
    """An SB root with two calibrated EBs (ASDM links into an archive) and a calibrated/ dir."""
    root = make_sb(tmp_path / "analysis", SB)
    archive = tmp_path / "archive"
    for uid in (X66D, XA12):
        eb = root / SB / uid.rsplit("_", 1)[-1]
        eb.mkdir()
        (eb / uid).symlink_to(_asdm(archive, uid), target_is_directory=True)
        (eb / f"{uid}.ms.scriptForCalibration.py").write_text("mysteps = []\n")
        (eb / f"{uid}.ms.listobs").write_text("listobs\n")
        (eb / f"{uid}.ms.split.fluxscale").write_text(f"fluxscale of {uid}\n")
        (eb / "bandpass.last").write_text("x\n")
        for ms in (f"{uid}.ms", f"{uid}.ms.split", f"{uid}.ms.split.cal"):
            (eb / ms / "table").mkdir(parents=True)
            (eb / ms / "table.dat").write_text(ms)
        plots = eb / f"{uid}.ms.tsys.plots"
        plots.mkdir()
        (plots / "DA46.spw1.png").write_bytes(b"\x89PNG")
    (root / SB / "calibrated").mkdir()
    return root


def _names(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


# ---------------------------------------------------------------------------- clear


def test_clear_dry_run_lists_and_deletes_nothing(sb):
    eb = sb / SB / "X66d"
    before = _names(eb)
    out = run_cli("clear", str(eb), "--dry-run").stdout
    assert out.splitlines() == [
        "Keeping the following files:",
        f" - {X66D}",
        f" - {X66D}.ms.scriptForCalibration.py",
        "Would delete:",
        " - bandpass.last",
        f" - {X66D}.ms",
        f" - {X66D}.ms.listobs",
        f" - {X66D}.ms.split",
        f" - {X66D}.ms.split.cal",
        f" - {X66D}.ms.split.fluxscale",
        f" - {X66D}.ms.tsys.plots",
    ]
    assert _names(eb) == before


def test_clear_eb_keeps_asdm_and_script_and_never_follows_links(sb, tmp_path):
    eb = sb / SB / "X66d"
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine\n")
    (eb / "link_to_outside").symlink_to(outside, target_is_directory=True)
    (eb / f"{X66D}.ms.tsys.plots" / "inner_link").symlink_to(outside, target_is_directory=True)
    (eb / "file_link").symlink_to(outside / "keep.txt")
    (eb / "dangling").symlink_to(tmp_path / "nowhere")

    proc = run_cli("clear", str(eb), "--yes")
    assert proc.stdout.splitlines()[-1] == "Deleting files ... done (10 removed)"
    assert _names(eb) == [X66D, f"{X66D}.ms.scriptForCalibration.py"]
    assert (eb / X66D).is_symlink()
    assert (tmp_path / "archive" / X66D / "ASDM.xml").read_text() == "<ASDM/>\n"
    assert (outside / "keep.txt").read_text() == "mine\n"
    # the other EB is untouched
    assert len(_names(sb / SB / "Xa12")) == 9


def test_clear_from_inside_the_eb_dir_with_real_asdm_folder(sb):
    eb = sb / SB / "Xa12"
    (eb / XA12).unlink()
    _asdm(eb, XA12)
    run_cli("clear", "-y", cwd=eb)
    assert _names(eb) == [XA12, f"{XA12}.ms.scriptForCalibration.py"]
    assert (eb / XA12 / "ASDM.xml").is_file()


def test_clear_keeps_a_dangling_asdm_link(sb, tmp_path):
    eb = sb / SB / "X66d"
    (eb / X66D).unlink()
    (eb / X66D).symlink_to(tmp_path / "archive" / "gone")
    run_cli("clear", str(eb), "--yes")
    assert _names(eb) == [X66D, f"{X66D}.ms.scriptForCalibration.py"]


def test_clear_calibrated_keeps_the_seed_list(sb):
    cal = sb / SB / "calibrated"
    run_cli("fluxequal-start", str(sb))
    for name in ("scriptForFluxCalibration.py", "scriptForImaging.py", "allFluxes.txt",
                 "casa-20140901.log", "calibrated.ms.contsub"):
        (cal / name).write_text("x\n")
    (cal / "B6_IRAS12345.cont.image").mkdir()
    out = run_cli("clear", str(cal), "--dry-run").stdout
    assert "Would delete:\n - B6_IRAS12345.cont.image\n - allFluxes.txt\n" in out
    run_cli("clear", str(cal), "--yes")
    assert _names(cal) == sorted([
        "scriptForFluxCalibration.py", "scriptForImaging.py",
        f"{X66D}.ms.split.cal", f"{X66D}.ms.split.cal.fluxscale",
        f"{XA12}.ms.split.cal", f"{XA12}.ms.split.cal.fluxscale"])
    # the linked EB data are still there
    assert (sb / SB / "X66d" / f"{X66D}.ms.split.cal" / "table.dat").is_file()
    assert (cal / f"{X66D}.ms.split.cal.fluxscale").read_text() == f"fluxscale of {X66D}\n"


def test_clear_without_terminal_or_yes_refuses(sb):
    eb = sb / SB / "X66d"
    before = _names(eb)
    proc = run_cli("clear", str(eb), check=2)
    assert proc.stderr == (f"qa2docs: error: {eb}: would delete 7 entries but there is no "
                           "terminal to ask 'Continue?'; pass --yes (or --dry-run)\n")
    assert _names(eb) == before


@pytest.mark.parametrize("where", ["root", "work", "plots", "outside"])
def test_clear_refuses_what_is_not_an_eb_or_calibrated_dir(sb, tmp_path, where):
    path = {"root": sb, "work": sb / SB, "plots": sb / SB / "X66d" / f"{X66D}.ms.tsys.plots",
            "outside": tmp_path / "archive" / X66D}[where]
    before = _names(path)
    proc = run_cli("clear", str(path), "--yes", check=2)
    assert proc.stderr.startswith(f"qa2docs: error: {path}")
    assert proc.stderr.count("\n") == 1
    if where != "outside":
        assert "not an EB dir or the calibrated dir of SB B6_IRAS12345; clear one of: " \
            f"{sb / SB / 'X66d'}, {sb / SB / 'Xa12'}, {sb / SB / 'calibrated'}" in proc.stderr
    else:
        assert "not inside an SB root" in proc.stderr
    assert _names(path) == before


def test_clear_refuses_an_eb_dir_with_nothing_to_keep(sb):
    eb = sb / SB / "X66d"
    (eb / X66D).unlink()
    (eb / f"{X66D}.ms.scriptForCalibration.py").unlink()
    proc = run_cli("clear", str(eb), "--yes", check=2)
    assert "nothing to keep" in proc.stderr
    assert f"{X66D}.ms.listobs" in _names(eb)


def _run_on_tty(args: list[str], answer: bytes, cwd: Path) -> tuple[int, str]:
    """Run qa2docs with a terminal on standard input, type *answer*; exit code and stdout."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "qa2docs", *args], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
    os.close(slave)
    os.write(master, answer)
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, out.decode()


def test_clear_asks_on_a_terminal_and_y_deletes(sb):
    eb = sb / SB / "X66d"
    code, out = _run_on_tty(["clear"], b"y\n", eb)
    assert code == 0, out
    assert "Continue? (y/[N]) Deleting files ... done (7 removed)" in out
    assert _names(eb) == [X66D, f"{X66D}.ms.scriptForCalibration.py"]


@pytest.mark.parametrize("answer", [b"\n", b"n\n", b"yy\n"])
def test_clear_asks_on_a_terminal_and_anything_else_keeps_all(sb, answer):
    eb = sb / SB / "X66d"
    before = _names(eb)
    code, out = _run_on_tty(["clear", str(eb)], answer, sb)
    assert code == 1
    assert out.endswith("Continue? (y/[N]) Nothing deleted.\n")
    assert _names(eb) == before


# ---------------------------------------------------------------------------- fluxequal-start


def test_fluxequal_start_links_like_the_seed(sb):
    cal = sb / SB / "calibrated"
    out = run_cli("fluxequal-start", str(sb)).stdout
    # the seed's listing after qa2_fluxequal_start.sh
    assert _names(cal) == [f"{XA12}.ms.split.cal", f"{XA12}.ms.split.cal.fluxscale",
                           f"{X66D}.ms.split.cal", f"{X66D}.ms.split.cal.fluxscale"]
    assert os.readlink(cal / f"{X66D}.ms.split.cal") == f"../X66d/{X66D}.ms.split.cal"
    assert os.readlink(cal / f"{XA12}.ms.split.cal.fluxscale") == \
        f"../Xa12/{XA12}.ms.split.fluxscale"
    assert (cal / f"{XA12}.ms.split.cal" / "table.dat").read_text() == f"{XA12}.ms.split.cal"
    assert f"  linked {X66D}.ms.split.cal -> ../X66d/{X66D}.ms.split.cal\n" in out
    assert out.endswith("4 linked, 0 kept, 0 missing\n")


def test_fluxequal_start_links_survive_moving_the_analysis_tree(sb, tmp_path):
    run_cli("fluxequal-start", str(sb))
    moved = tmp_path / "moved"
    sb.parent.rename(moved)
    cal = moved / SB / SB / "calibrated"
    assert (cal / f"{X66D}.ms.split.cal.fluxscale").read_text() == f"fluxscale of {X66D}\n"


def test_fluxequal_start_keeps_what_is_there_and_reports_missing(sb):
    cal = sb / SB / "calibrated"
    (cal / f"{X66D}.ms.split.cal.fluxscale").write_text("edited by hand\n")
    (cal / f"{XA12}.ms.split.cal").symlink_to("/elsewhere/x.ms.split.cal")
    eb = sb / SB / "Xa12"
    (eb / f"{XA12}.ms.split.fluxscale").unlink()
    out = run_cli("fluxequal-start", cwd=cal).stdout
    assert out.splitlines() == [
        f"In {cal}:",
        f"  linked {X66D}.ms.split.cal -> ../X66d/{X66D}.ms.split.cal",
        f"  kept   {X66D}.ms.split.cal.fluxscale: already there",
        f"  kept   {XA12}.ms.split.cal (-> /elsewhere/x.ms.split.cal): already there",
        f"  missing {XA12}.ms.split.cal.fluxscale: Xa12 has no {XA12}.ms.split.fluxscale yet",
        "1 linked, 2 kept, 1 missing",
    ]
    assert (cal / f"{X66D}.ms.split.cal.fluxscale").read_text() == "edited by hand\n"
    assert os.readlink(cal / f"{XA12}.ms.split.cal") == "/elsewhere/x.ms.split.cal"
    # a second run changes nothing
    again = run_cli("fluxequal-start", str(cal)).stdout
    assert again.endswith("0 linked, 3 kept, 1 missing\n")


def test_fluxequal_start_eb_without_split_cal_is_reported(sb):
    import shutil

    shutil.rmtree(sb / SB / "X66d" / f"{X66D}.ms.split.cal")
    out = run_cli("fluxequal-start", str(sb / SB / "X66d")).stdout
    assert f"  missing {X66D}.ms.split.cal: X66d has no {X66D}.ms.split.cal yet\n" in out
    assert out.endswith("3 linked, 0 kept, 1 missing\n")


def test_fluxequal_start_takes_an_eb_s_only_split_cal_of_another_name(sb):
    eb = sb / SB / "X66d"
    (eb / f"{X66D}.ms.split.cal").rename(eb / "X66d_fixed.ms.split.cal")
    run_cli("fluxequal-start", str(sb))
    cal = sb / SB / "calibrated"
    assert os.readlink(cal / f"{X66D}.ms.split.cal") == "../X66d/X66d_fixed.ms.split.cal"


def test_fluxequal_start_outside_an_sb_is_one_line_error(tmp_path):
    proc = run_cli("fluxequal-start", str(tmp_path), check=2)
    assert proc.stderr.startswith(f"qa2docs: error: {tmp_path}: not inside an SB root")
    assert proc.stderr.count("\n") == 1


# ---------------------------------------------------------------------------- lock

SEED_LINE = re.compile(r"^\* \d\d-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4} "
                       r"\d\d:\d\d \((?P<who>[^)]+)\)$")


def test_lock_line_is_the_seed_s():
    since = datetime(2014, 8, 27, 17, 1).astimezone()
    assert LockHolder("me", since).seed_line("me") == "* 27-Aug-2014 17:01 (you)"
    assert LockHolder("alice", since).seed_line("me") == "* 27-Aug-2014 17:01 (alice)"


def _as(monkeypatch, user: str) -> None:
    monkeypatch.setenv("LOGNAME", user)


def test_lock_on_status_off(tmp_path, monkeypatch):
    _as(monkeypatch, "bob")
    d = tmp_path / "locks"
    assert run_cli("lock", "--dir", str(d)).stdout == "analysisUtils is not locked for QA2\n"
    assert run_cli("lock", "on", "--dir", str(d)).stdout == "Locking analysisUtils for QA2\n"
    state = json.loads((d / "qa2_lock.json").read_text())
    assert [h["user"] for h in state["holders"]] == ["bob"]
    since = datetime.fromisoformat(state["holders"][0]["since"])
    assert abs((datetime.now().astimezone() - since).total_seconds()) < 60
    status = run_cli("lock", "--dir", str(d)).stdout.splitlines()
    assert len(status) == 1 and SEED_LINE.match(status[0])["who"] == "you"
    assert run_cli("lock", "on", "--dir", str(d)).stdout == \
        "analysisUtils is already locked for QA2 by you\n"
    assert run_cli("lock", "off", "--dir", str(d)).stdout == "Unlocking analysisUtils for QA2\n"
    assert json.loads((d / "qa2_lock.json").read_text()) == {"holders": []}
    assert run_cli("lock", "off", "--dir", str(d)).stdout == \
        "You hold no QA2 lock on analysisUtils\n"


def test_lock_lists_every_holder(tmp_path, monkeypatch):
    monkeypatch.setenv("QA2DOCS_LOCK_DIR", str(tmp_path / "shared"))
    _as(monkeypatch, "alice")
    run_cli("lock", "True")           # the seed's spelling
    _as(monkeypatch, "bob")
    assert run_cli("lock", "on").stdout == "Locking analysisUtils for QA2\nAlso locked by: alice\n"
    status = run_cli("lock").stdout.splitlines()
    assert [SEED_LINE.match(line)["who"] for line in status] == ["alice", "you"]
    assert run_cli("lock", "False").stdout == \
        "Unlocking analysisUtils for QA2\nAlso locked by: alice\n"
    _as(monkeypatch, "carol")
    assert [SEED_LINE.match(line)["who"] for line in run_cli("lock").stdout.splitlines()] == \
        ["alice"]


def test_lock_check_is_what_an_updater_asks(tmp_path, monkeypatch):
    monkeypatch.setenv("QA2DOCS_LOCK_DIR", str(tmp_path / "shared"))
    _as(monkeypatch, "alice")
    free = run_cli("lock", "--check")
    assert free.stdout == "analysisUtils is not locked for QA2\n"
    run_cli("lock", "on")
    _as(monkeypatch, "updater")
    held = run_cli("lock", "--check", check=1)
    assert SEED_LINE.match(held.stdout.strip())["who"] == "alice"
    assert run_cli("lock", "on", "--check", check=2).stderr.endswith(
        "Error: --check takes no on/off\n")


def test_lock_default_dir_is_in_home(tmp_path, monkeypatch):
    monkeypatch.delenv("QA2DOCS_LOCK_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    _as(monkeypatch, "dave")
    run_cli("lock", "on")
    holders = json.loads((tmp_path / ".qa2docs" / "locks" / "qa2_lock.json").read_text())
    assert holders["holders"][0]["user"] == "dave"


def test_lock_concurrent_users_all_end_up_holding(tmp_path):
    d = tmp_path / "locks"
    users = [f"user{i}" for i in range(8)]

    def take(user: str) -> int:
        env = dict(os.environ, LOGNAME=user)
        return subprocess.run([sys.executable, "-m", "qa2docs", "lock", "on", "--dir", str(d)],
                              env=env, capture_output=True).returncode

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(take, users)) == [0] * 8
    state = json.loads((d / "qa2_lock.json").read_text())
    assert sorted(h["user"] for h in state["holders"]) == users
    assert not list(d.glob("*.tmp"))


def test_lock_serialises_two_users_who_read_the_state_at_the_same_moment(tmp_path, monkeypatch):
    """Each user pauses after reading the holders until the other has read them too (or 2 s
    passed): without the file lock both read no holder and the second write drops the first
    user; with it the second user reads only after the first has written."""
    barrier = threading.Barrier(2, timeout=2)
    real_read = housekeeping.lock_holders

    def read_then_wait(directory):
        holders = real_read(directory)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return holders

    monkeypatch.setattr(housekeeping, "lock_holders", read_then_wait)
    d = tmp_path / "locks"
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda user: housekeeping.set_lock(d, True, user)[0], ["ann", "ben"]))
    assert done == [True, True]
    assert sorted(h.user for h in real_read(d)) == ["ann", "ben"]


def test_lock_corrupt_state_is_one_line_error(tmp_path):
    d = tmp_path / "locks"
    d.mkdir()
    (d / "qa2_lock.json").write_text('{"holders": [{"user": "x"}]}')
    proc = run_cli("lock", "--dir", str(d), check=2)
    assert proc.stderr == (f"qa2docs: error: {d / 'qa2_lock.json'}: not a qa2docs lock state "
                           "('since'); fix or delete it\n")
    run_cli("lock", "on", "--dir", str(d), check=2)


def test_lock_rejects_an_unknown_state(tmp_path):
    proc = run_cli("lock", "maybe", "--dir", str(tmp_path), check=2)
    assert "'maybe' is not one of 'on', 'true', 'off', 'false'" in proc.stderr


# ---------------------------------------------------------------------------- on the sample SB


@pytest.fixture(scope="module")
def demo_sb(tmp_path_factory) -> Path:
    """The shipped sample SB after ``qa2docs demo`` (start, fill, validate, report)."""
    where = tmp_path_factory.mktemp("demo")
    run_cli("demo", str(where / "d"))
    return where / "d" / "analysis" / SB


def test_demo_sb_fluxequal_start_then_clear_eb_like_the_seed(demo_sb):
    cal = demo_sb / SB / "calibrated"
    out = run_cli("fluxequal-start", str(demo_sb)).stdout
    # the sample has fluxscale files but no .ms.split.cal folders
    assert out.endswith("2 linked, 0 kept, 2 missing\n")
    assert (cal / f"{X66D}.ms.split.cal.fluxscale").read_text().startswith(
        (demo_sb / SB / "X66d" / f"{X66D}.ms.split.fluxscale").read_text()[:200])
    eb = demo_sb / SB / "X66d"
    asdm_files = _names(eb / X66D)
    out = run_cli("clear", str(eb), "--yes").stdout
    assert out.startswith("Keeping the following files:\n"
                          f" - {X66D}\n - {X66D}.ms.scriptForCalibration.py\n")
    assert _names(eb) == [X66D, f"{X66D}.ms.scriptForCalibration.py"]
    assert _names(eb / X66D) == asdm_files and "ASDM.xml" in asdm_files
    # the calibrated dir keeps the sample's two scripts and the fluxscale links
    run_cli("clear", str(cal), "--yes")
    assert _names(cal) == sorted([f"{XA12}.ms.split.cal.fluxscale",
                                  f"{X66D}.ms.split.cal.fluxscale",
                                  "scriptForFluxCalibration.py", "scriptForImaging.py"])


def test_clear_empty_calibrated_keeps_nothing_and_says_so(sb):
    cal = sb / SB / "calibrated"
    (cal / "old.image").mkdir()
    out = run_cli("clear", str(cal), "--yes").stdout
    assert out == ("Keeping the following files:\n - (nothing)\n"
                   "Deleting files ... done (1 removed)\n")
    assert _names(cal) == []
    assert run_cli("clear", str(cal)).stdout.endswith("Nothing to delete.\n")


def test_apply_clear_skips_what_vanished_after_the_plan(sb):
    import shutil

    from qa2docs.workflow.housekeeping import apply_clear, plan_clear

    eb = sb / SB / "X66d"
    plan = plan_clear(eb)
    shutil.rmtree(eb / f"{X66D}.ms.split")
    (eb / "bandpass.last").unlink()
    assert apply_clear(plan) == 5
    assert _names(eb) == [X66D, f"{X66D}.ms.scriptForCalibration.py"]
