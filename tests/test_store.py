"""The one write path of a person's documents (issue 10, items 1, 4, 5, 12): compare-and-swap,
links written through or refused, encodings, stale temp files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import make_min_sb, min_checklist, run_cli, set_pi

from qa2docs.documents import store
from qa2docs.documents.store import (
    DocumentChanged,
    LinkedDocument,
    lock_at,
    read_for_update,
    replace_document,
)
from qa2docs import fileio
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import STALE_AFTER, _host, clean_stale_temps, write_bytes_atomically

# ------------------------------------------------------------------ the store API


def test_replace_refuses_a_file_saved_since_it_was_read(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("read\n")
    snap = read_for_update(doc)
    doc.write_text("saved by a person\n")
    with pytest.raises(DocumentChanged, match="doc.txt: changed on disk"):
        replace_document(snap, "ours\n", lock=lock_at(tmp_path / ".qa2docs"))
    assert doc.read_text() == "saved by a person\n"


def test_replace_refuses_a_file_created_since_it_was_read(tmp_path):
    doc = tmp_path / "doc.txt"
    snap = read_for_update(doc)
    assert not snap.exists and snap.text == ""
    doc.write_text("a person's new file\n")
    with pytest.raises(DocumentChanged):
        replace_document(snap, "ours\n")
    assert doc.read_text() == "a person's new file\n"


def test_replace_writes_an_unchanged_file_and_chains(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("one\n")
    doc.chmod(0o600)
    out = replace_document(read_for_update(doc), "two\n")
    assert doc.read_text() == "two\n" and doc.stat().st_mode & 0o777 == 0o600
    replace_document(out.snapshot("two\n"), "three\n")
    assert doc.read_text() == "three\n"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]


def test_the_swap_hook_runs_under_the_lock(tmp_path, monkeypatch):
    doc = tmp_path / "doc.txt"
    doc.write_text("one\n")
    lock = lock_at(tmp_path / ".qa2docs")
    seen = []
    monkeypatch.setattr(store, "before_swap", lambda target: seen.append((target, lock.is_locked)))
    replace_document(read_for_update(doc), "two\n", lock=lock)
    assert seen == [(doc.resolve(), True)]


def _save_by_rename(path: Path, text: str) -> None:
    """What most editors do: a new file renamed over the old one."""
    tmp = path.with_name(path.name + ".editor")
    tmp.write_text(text)
    os.replace(tmp, path)


def _save_in_place(path: Path, text: str) -> None:
    with open(path, "r+") as fh:
        fh.truncate(0)
        fh.write(text)


def _assert_refused_and_kept(snap, saved: str) -> None:
    with pytest.raises(DocumentChanged):
        replace_document(snap, "ours\n")
    assert snap.path.read_text() == saved
    assert [p.name for p in snap.path.parent.iterdir()] == [snap.path.name]


def _no_renameat2(monkeypatch):
    monkeypatch.setattr(fileio, "_renameat2", None)


@pytest.mark.parametrize("save", [_save_by_rename, _save_in_place])
@pytest.mark.parametrize("system", ["exchange", "plain rename"])
def test_a_save_landing_just_before_the_rename_is_kept(tmp_path, monkeypatch, save, system):
    if system == "exchange" and fileio._renameat2 is None:
        pytest.skip("no renameat2 on this system")
    if system == "plain rename":
        _no_renameat2(monkeypatch)
    doc = tmp_path / "doc.txt"
    doc.write_text("read\n")
    snap = read_for_update(doc)
    monkeypatch.setattr(store, "before_rename", lambda target: save(target, "saved\n"))
    _assert_refused_and_kept(snap, "saved\n")


def test_a_file_created_just_before_the_rename_is_kept(tmp_path, monkeypatch):
    doc = tmp_path / "doc.txt"
    snap = read_for_update(doc)
    monkeypatch.setattr(store, "before_rename", lambda target: _save_by_rename(target, "new\n"))
    _assert_refused_and_kept(snap, "new\n")


def test_a_save_between_the_exchange_and_the_exchange_back_is_kept(tmp_path, monkeypatch):
    """The old file is checked after the exchange; if a person saved before it (the check
    fails) and again before it is put back, the newest save stays."""
    if fileio._renameat2 is None:
        pytest.skip("no renameat2 on this system")
    doc = tmp_path / "doc.txt"
    doc.write_text("read\n")
    snap = read_for_update(doc)
    monkeypatch.setattr(store, "before_rename", lambda target: _save_by_rename(target, "one\n"))
    real, calls = fileio._exchange, []

    def exchange(tmp, target):
        outcome = real(tmp, target)
        calls.append(outcome)
        if len(calls) == 1:
            _save_by_rename(target, "two\n")
        return outcome

    monkeypatch.setattr(fileio, "_exchange", exchange)
    _assert_refused_and_kept(snap, "two\n")
    assert calls == ["swapped"] * 3


def test_a_link_made_just_before_the_rename_is_refused_and_kept(tmp_path, monkeypatch):
    doc = tmp_path / "doc.txt"
    doc.write_text("read\n")
    snap = read_for_update(doc)
    monkeypatch.setattr(store, "before_rename", lambda target: os.link(target, tmp_path / "b"))
    with pytest.raises(LinkedDocument):
        replace_document(snap, "ours\n")
    assert doc.read_text() == "read\n" and os.stat(doc).st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "doc.txt"]


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "doc.txt"
    target.write_text("one\n")
    link = tmp_path / "doc.txt"
    link.symlink_to(Path("shared") / "doc.txt")
    snap = read_for_update(link)
    assert snap.target == target.resolve()
    replace_document(snap, "two\n")
    assert link.is_symlink() and target.read_text() == "two\n"
    assert sorted(p.name for p in shared.iterdir()) == ["doc.txt"]


def test_a_fifo_in_a_document_s_place_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "doc.txt"
    os.mkfifo(fifo)
    with pytest.raises(Qa2DocsError, match="doc.txt: not a regular file"):
        read_for_update(fifo)


def test_a_hard_link_is_refused(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("one\n")
    os.link(doc, tmp_path / "other.txt")
    with pytest.raises(LinkedDocument, match="doc.txt: has 2 hard links"):
        replace_document(read_for_update(doc), "two\n")
    assert (tmp_path / "other.txt").read_text() == doc.read_text() == "one\n"


def test_latin1_text_that_needs_more_moves_to_utf8(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_bytes("PI: Ren\xe9\n".encode("latin-1"))
    snap = read_for_update(doc)
    assert snap.encoding == "latin-1"
    out = replace_document(snap, snap.text + "Co-I: Jiří\n")
    assert (out.encoding, out.reencoded_from) == ("utf-8", "latin-1")
    assert doc.read_text(encoding="utf-8") == "PI: René\nCo-I: Jiří\n"
    out = replace_document(read_for_update(doc), "PI: René\n")
    assert out.reencoded_from is None and doc.read_bytes() == "PI: René\n".encode()


def test_latin1_text_latin1_can_hold_stays_latin1(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_bytes(b"PI: Ren\xe9\n")
    out = replace_document(read_for_update(doc), "PI: Ren\xe9e\n")
    assert out.reencoded_from is None and doc.read_bytes() == b"PI: Ren\xe9e\n"


# ------------------------------------------------------------------ stale temp files


def _age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_stale_temps_of_ours_are_removed_and_nothing_else(tmp_path):
    dead = 2 ** 22 + 12345  # above the usual pid_max: no such process
    host = _host()
    keep = {
        ".doc.txt.abcd1234.tmp": 0,                       # ours (old naming), fresh
        f".doc.txt.{os.getpid()}@{host}.abcd1234.tmp": 0,  # ours, writer alive
        f".doc.txt.{dead}@elsewhere.abcd1234.tmp": 0,     # another host's writer, fresh
        ".doc.txt.swp": STALE_AFTER * 2,                  # an editor's
        "doc.txt.abcd1234.tmp": STALE_AFTER * 2,          # not hidden: not ours
        ".doc.txt.ABCD1234.tmp": STALE_AFTER * 2,         # not our random alphabet
        "doc.txt": STALE_AFTER * 2,
    }
    gone = {
        ".doc.txt.wxyz9876.tmp": STALE_AFTER + 60,        # ours (old naming), stale
        f".doc.txt.{dead}@{host}.abcd1234.tmp": 0,        # ours, writer dead
        f".doc.txt.{os.getpid()}@{host}.zzzz0000.tmp": STALE_AFTER + 60,  # ours, stale
    }
    for name, age in {**keep, **gone}.items():
        (tmp_path / name).write_text("x")
        _age(tmp_path / name, age)
    removed = clean_stale_temps(tmp_path)
    assert sorted(p.name for p in removed) == sorted(gone)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)


def test_the_first_write_in_a_directory_cleans_it(tmp_path):
    stale = tmp_path / ".doc.txt.abcd1234.tmp"
    stale.write_text("a torn write")
    _age(stale, STALE_AFTER + 1)
    write_bytes_atomically(tmp_path / "doc.txt", b"new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.txt"]


# ------------------------------------------------------------------ through fill


def test_fill_writes_through_a_symlinked_checklist(tmp_path):
    root = make_min_sb(tmp_path)
    run_cli("fill", str(root))
    checklist = min_checklist(root)
    shared = tmp_path / "shared" / checklist.name
    shared.parent.mkdir()
    checklist.rename(shared)
    checklist.symlink_to(shared)
    set_pi(root, "Jane Q. Doe")
    run_cli("fill", str(root))
    assert checklist.is_symlink() and checklist.resolve() == shared.resolve()
    assert "PI               : Jane Q. Doe\n" in shared.read_text()
    assert sorted(p.name for p in shared.parent.iterdir()) == [checklist.name]


def test_fill_refuses_a_hard_linked_checklist_and_writes_nothing(tmp_path):
    root = make_min_sb(tmp_path)
    run_cli("fill", str(root))
    checklist = min_checklist(root)
    other = tmp_path / "copy.txt"
    os.link(checklist, other)
    before = {p: p.read_bytes() for p in root.glob("*.txt")}
    set_pi(root, "Jane Q. Doe")
    proc = run_cli("fill", str(root), check=2)
    assert proc.stderr == (f"qa2docs: error: {checklist}: has 2 hard links; qa2docs writes a "
                           "document only through a single name or a symbolic link (make the "
                           "other names symbolic links, or copy it)\n")
    assert {p: p.read_bytes() for p in root.glob("*.txt")} == before
    assert os.stat(checklist).st_ino == os.stat(other).st_ino


def test_fill_moves_a_latin1_checklist_to_utf8_for_a_name_latin1_cannot_hold(tmp_path):
    root = make_min_sb(tmp_path)
    run_cli("fill", str(root))
    checklist = min_checklist(root)
    text = checklist.read_text(encoding="utf-8").replace(
        "Number of good antennas:", "Number of good antennas: 42 (sans DA41, réglé)")
    checklist.write_bytes(text.encode("latin-1"))
    set_pi(root, "Jiří Novák")
    proc = run_cli("fill", str(root))
    assert (f"{checklist.name} [changed]" in proc.stdout
            and "  note: now UTF-8 (was latin-1, which cannot hold the new text of: pi)\n"
            in proc.stdout), proc.stdout
    new = checklist.read_bytes().decode("utf-8")
    assert "PI               : Jiří Novák\n" in new
    assert "Number of good antennas: 42 (sans DA41, réglé)\n" in new
