"""qa2docs batch through the real entry point: incremental, parallel, one line per failure."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import run_cli, worker_pids

from qa2docs.workflow.batch import input_files, state_path
from qa2docs.discover.layout import discover

SB = "B6_IRAS12345"
HTML = ["qa2_report_B6_IRAS12345.html", "qa2_report_uid___A002_X4sda4d_Xa12.html",
        "qa2_report_uid___A002_Xdd9c61_X66d.html"]
SUMMARY = re.compile(r"^batch: (\d+) regenerated, (\d+) up to date, (\d+) failed, "
                     r"\d+ with input problems \(\d+ problem\(s\)\), of (\d+) SB root\(s\)$",
                     re.M)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """top/good/{A,B}: two copies of the demo SB root (reports removed); top/bad: no EBs."""
    base = tmp_path_factory.mktemp("batch")
    run_cli("demo", str(base / "demo"))
    top = base / "top"
    for name in ("A", "B"):
        shutil.copytree(base / "demo" / "analysis" / SB, top / "good" / name, symlinks=True)
        shutil.rmtree(top / "good" / name / "qa2")
    (top / "bad").mkdir()
    (top / "bad" / "qa2docs.yaml").write_text("project_code: 2013.1.12345.S\nsb_name: X\n")
    return top


def _summary(proc) -> tuple[int, int, int, int]:
    m = SUMMARY.search(proc.stdout)
    assert m, proc.stdout
    return tuple(int(g) for g in m.groups())


def _mtimes(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / "qa2").iterdir()}


def _touch(path: Path, seconds: int) -> None:
    """Move the mtime of *path* by *seconds* (back: an older copy put in its place)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def test_first_run_regenerates_and_reports_one_line_per_failure(tree, tmp_path, monkeypatch):
    trace = tmp_path / "workers.txt"
    monkeypatch.setenv("QA2DOCS_TRACE_WORKERS", str(trace))
    proc = run_cli("batch", str(tree), "--jobs", "2", "--html", check=1)
    assert _summary(proc) == (2, 0, 1, 3)
    # The 3 SB roots were done by 2 worker processes of the CLI, not by the CLI itself.
    pids, parents = worker_pids(trace, "batch:")
    assert len(pids) == 2 and len(parents) == 1 and not pids & parents, trace.read_text()
    assert proc.stderr.splitlines() == [
        f"qa2docs: failed: {tree / 'bad'}: no EB directories under "
        f"{tree / 'bad' / 'X'}; nothing to report"]
    for name in ("A", "B"):
        assert sorted(p.name for p in (tree / "good" / name / "qa2").iterdir()) == HTML
        state = json.loads(state_path(tree / "good" / name).read_text())
        assert state["formats"] == ["html"]
        assert sorted(state["reports"]) == [f"qa2/{n}" for n in HTML]
        assert f"Checklist_SB_{SB}.txt" in state["inputs"]
        assert "qa2docs.yaml" in state["inputs"]
        assert f"{SB}/calibrated/scriptForImaging.py" in state["inputs"]
        assert f"{SB}/X66d/uid___A002_Xdd9c61_X66d.ms.split.fluxscale" in state["inputs"]


def test_second_run_skips_everything_and_writes_nothing(tree):
    before = {n: _mtimes(tree / "good" / n) for n in ("A", "B")}
    proc = run_cli("batch", str(tree / "good"), "--html", "--jobs", "2")
    assert _summary(proc) == (0, 2, 0, 2)
    assert proc.stderr == ""
    assert {n: _mtimes(tree / "good" / n) for n in ("A", "B")} == before


@pytest.mark.parametrize("changed, seconds", [
    (f"Checklist_SB_{SB}_uid___A002_Xdd9c61_X66d.txt", 5),
    ("qa2docs.yaml", 5),
    (f"{SB}/Xa12/uid___A002_X4sda4d_Xa12.ms.split.fluxscale", -3600),
    (f"{SB}/calibrated/allFluxes.txt", 3600),  # dated in the future: regenerated once
    (f"{SB}/X66d/uid___A002_Xdd9c61_X66d.ms.listobs", 5),
])
def test_a_changed_input_regenerates_only_its_sb(tree, changed, seconds):
    before_b = _mtimes(tree / "good" / "B")
    _touch(tree / "good" / "A" / changed, seconds)
    proc = run_cli("batch", str(tree / "good"), "--html")
    assert _summary(proc) == (1, 1, 0, 2)
    assert _mtimes(tree / "good" / "B") == before_b
    assert _summary(run_cli("batch", str(tree / "good"), "--html")) == (0, 2, 0, 2)


def test_a_new_input_file_or_a_deleted_report_regenerates(tree):
    a = tree / "good" / "A"
    (a / SB / "calibrated" / "new_image.fits").write_bytes(b"SIMPLE")
    assert _summary(run_cli("batch", str(a), "--html")) == (1, 0, 0, 1)
    (a / "qa2" / HTML[0]).unlink()
    assert _summary(run_cli("batch", str(a), "--html")) == (1, 0, 0, 1)
    assert (a / "qa2" / HTML[0]).is_file()


def test_asking_for_another_format_regenerates(tree):
    b = tree / "good" / "B"
    assert _summary(run_cli("batch", str(b), "--pdf")) == (1, 0, 0, 1)
    assert (b / "qa2" / "qa2_report_B6_IRAS12345.pdf").is_file()
    assert _summary(run_cli("batch", str(b), "--pdf")) == (0, 1, 0, 1)
    assert _summary(run_cli("batch", str(b), "--pdf", "--force")) == (1, 0, 0, 1)


def test_input_files_cover_the_extractor_inputs(tree):
    sb = discover(tree / "good" / "A")
    names = {p.name for p in input_files(sb)}
    assert {"uid___A002_Xdd9c61_X66d.ms.scriptForCalibration.py", "casapy-20140828-093512.log",
            "uid___A002_X4sda4d_Xa12.ms.listobs", "README.header.txt", "qa2docs.yaml",
            "scriptForFluxCalibration.py", "ASDM.xml"} <= names
    assert not any(p.parent.name == "qa2" for p in input_files(sb))  # reports are outputs


def test_no_sb_root_and_not_a_folder(tmp_path):
    assert "no SB root" in run_cli("batch", str(tmp_path)).stdout
    proc = run_cli("batch", str(tmp_path / "nope"), check=2)
    assert proc.stderr == f"qa2docs: error: {tmp_path / 'nope'}: not a folder\n"


@pytest.fixture(scope="module")
def scheduler():
    """A dask scheduler on a loopback TCP port with one worker thread in this process."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_dask_runs_every_sb_root_on_the_scheduler(tree, tmp_path, scheduler):
    top = tmp_path / "top"
    shutil.copytree(tree, top, symlinks=True)
    for name in ("A", "B"):
        shutil.rmtree(top / "good" / name / "qa2", ignore_errors=True)
        state_path(top / "good" / name).unlink(missing_ok=True)
    proc = run_cli("batch", str(top), "--dask", scheduler, "--html", check=1)
    assert _summary(proc) == (2, 0, 1, 3)
    assert proc.stderr.splitlines() == [
        f"qa2docs: failed: {top / 'bad'}: no EB directories under "
        f"{top / 'bad' / 'X'}; nothing to report"]
    for name in ("A", "B"):
        assert sorted(p.name for p in (top / "good" / name / "qa2").iterdir()) == HTML
    # incremental on dask too: nothing changed, nothing is regenerated
    again = run_cli("batch", str(top / "good"), "--dask", scheduler, "--html")
    assert _summary(again) == (0, 2, 0, 2)


def test_dask_scheduler_that_does_not_answer(tree, monkeypatch):
    monkeypatch.setenv("QA2DOCS_DASK_TIMEOUT", "1")
    proc = run_cli("batch", str(tree / "good"), "--dask", "tcp://127.0.0.1:9", check=2)
    assert proc.stderr.startswith(
        "qa2docs: error: cannot reach the dask scheduler at tcp://127.0.0.1:9: ")
    assert len(proc.stderr.splitlines()) == 1


def test_reports_are_fsynced_and_the_remakeable_state_is_not(tree, monkeypatch):
    """The reports are written durably; the fact cache and batch.json (made again when lost)
    skip the fsyncs, which cost a loaded disk more than the CPU the run takes."""
    from qa2docs.workflow.batch import regenerate

    root = tree / "good" / "A"
    shutil.rmtree(root / ".qa2docs" / "facts", ignore_errors=True)
    synced: list[str] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}"))
                        or real(fd))
    outcome = regenerate(root, html=True, pdf=False, force=True)
    assert outcome.status == "regenerated", outcome
    assert any(".qa2_report_B6_IRAS12345.html." in p for p in synced), synced
    assert (root / ".qa2docs" / "facts").is_dir() and state_path(root).is_file()
    assert not [p for p in synced if "/.qa2docs/" in p], synced


def test_a_skipped_root_still_reports_its_input_problems(tree, tmp_path):
    """The input problems are kept with the inputs they came from: an up-to-date root says
    them again without reading its facts, and a new entry in an EB dir (a FIFO bearing a
    log's name) makes the root stale and is reported."""
    top = tmp_path / "top"
    shutil.copytree(tree / "good" / "A", top / "A", symlinks=True)
    eb_dir = discover(top / "A").ebs[0].dir
    for script in eb_dir.glob("*.scriptForCalibration.py"):
        script.unlink()
    first = run_cli("batch", str(top), "--html")
    assert _summary(first)[:3] == (1, 0, 0) and "1 with input problems" in first.stdout
    assert "QA2404" in first.stderr
    again = run_cli("batch", str(top), "--html")
    assert _summary(again)[:3] == (0, 1, 0) and "1 with input problems" in again.stdout
    assert [line for line in again.stderr.splitlines() if "QA24" in line] == [
        line for line in first.stderr.splitlines() if "QA24" in line]
    os.mkfifo(eb_dir / "casapy-20990101-000000.log")
    third = run_cli("batch", str(top), "--html")
    assert _summary(third)[:3] == (1, 0, 0)
    assert "QA2402" in third.stderr and "QA2404" in third.stderr


def _collector_state() -> tuple[int, tuple[int, int, int]]:
    import gc

    return gc.get_freeze_count(), gc.get_threshold()


def test_a_pool_worker_settles_its_collector_after_its_first_root(tree):
    """After its first SB root a pool worker freezes what is alive (full collections no
    longer scan matplotlib and the models for every root) and collects less often; the
    process that runs the pool is left alone."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from qa2docs.workflow import batch

    before = _collector_state()
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=fork) as pool:
        assert pool.submit(_collector_state).result()[1] == gc.get_threshold()
        outcome = pool.submit(batch._regenerate_settled, tree / "good" / "B", True, False,
                              True).result()
        frozen, thresholds = pool.submit(_collector_state).result()
    assert outcome.status == "regenerated", outcome
    assert frozen > 0 and thresholds == batch.GC_THRESHOLDS
    assert _collector_state() == before


def test_a_batch_syncs_the_file_system_once_before_recording_its_roots(tree, tmp_path,
                                                                       monkeypatch):
    """run_batch writes the reports without a fsync each, flushes their file system once,
    and only then writes batch.json: a crash never leaves batch.json naming a report that
    is not on disk. When the flush fails nothing is recorded (the roots run again)."""
    from qa2docs.workflow import batch

    roots = []
    for name in ("A", "B"):
        shutil.copytree(tree / "good" / name, tmp_path / name, symlinks=True)
        shutil.rmtree(tmp_path / name / ".qa2docs" / "facts", ignore_errors=True)
        state_path(tmp_path / name).unlink(missing_ok=True)
        roots.append(tmp_path / name)
    events: list[str] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: events.append(
        "fsync " + os.readlink(f"/proc/self/fd/{fd}")) or real(fd))

    def synced(folder):
        events.append(f"syncfs {folder}")
        events.extend(f"recorded {r.name}" for r in roots if state_path(r).exists())

    monkeypatch.setattr(batch, "sync_file_system", synced)
    outcomes = batch.run_batch(roots, jobs=1, html=True, pdf=False)
    assert [o.status for o in outcomes] == ["regenerated", "regenerated"]
    assert [e for e in events if e.startswith(("syncfs", "recorded"))] == [
        f"syncfs {(tmp_path / 'A' / 'qa2').resolve()}"]  # once, before any batch.json
    assert not [e for e in events if "qa2_report_" in e], events
    assert all(state_path(r).is_file() and o.state is None for r, o in zip(roots, outcomes))

    def failing(folder):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(batch, "sync_file_system", failing)
    for root in roots:
        state_path(root).unlink()
    assert [o.status for o in batch.run_batch(roots, jobs=1, html=True, pdf=False,
                                              force=True)] == ["regenerated"] * 2
    assert not [r for r in roots if state_path(r).exists()]
