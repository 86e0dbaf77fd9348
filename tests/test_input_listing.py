"""The inputs of a folder found from one listing of it give what ``Path.glob`` and
``is_file`` / ``is_dir`` per candidate gave: same paths, same kinds, same problems."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa2docs.collect import inputs
from qa2docs.collect.inputs import _Listing, eb_inputs, input_problems
from qa2docs.extractors.base import Extractor
from qa2docs.extractors.registry import get_extractors

PATTERNS = ("*.listobs", "casa-*.log", "uid___*", "*.plots", "*.plots.*", "*.png", "x?.txt",
            "[ab]*.dat", "[!a]*.dat", "*", ".*", "allFluxes.txt", "sub/*.txt", "**/*.png",
            "*/", "sub", "*.PNG", "nothing*")


def _old_kind(path: Path) -> str | None:
    return "file" if path.is_file() else "dir" if path.is_dir() else None


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of every kind of entry an EB dir may hold."""
    d = tmp_path / "eb"
    d.mkdir()
    for name in ("a.listobs", "casa-1.log", "x1.txt", "a1.dat", "b2.dat", "c3.dat",
                 ".hidden.png", "p.png", "P.PNG", "allFluxes.txt", "with space.png",
                 "odd[1].png", "é.png"):
        (d / name).write_text("x")
    for name in ("uid___A002_X1_X2", "t.plots", "t.plots.overlayTime", "sub", "q.png"):
        (d / name).mkdir()
    (d / "uid___A002_X1_X2" / "ASDM.xml").write_text("<ASDM/>")
    (d / "sub" / "in.txt").write_text("x")
    (d / "sub" / "deep.png").write_text("x")
    os.mkfifo(d / "fifo.listobs")
    (d / "dangling.listobs").symlink_to(d / "gone")
    (d / "uid___A002_X9_X9").symlink_to(d / "uid___A002_X1_X2")
    (d / "linked.png").symlink_to(d / "p.png")
    (d / "loop.png").symlink_to(d / "loop.png")
    (d / "fifo-link.listobs").symlink_to(d / "fifo.listobs")
    return d


@pytest.mark.parametrize("pattern", PATTERNS)
def test_listing_globs_as_path_glob(folder: Path, pattern: str) -> None:
    listing = _Listing(folder)
    assert listing.glob(pattern) is not None
    assert sorted(listing.glob(pattern)) == sorted((p, _old_kind(p))
                                                   for p in folder.glob(pattern))


def test_only_one_part_wildcards_are_matched_from_the_listing() -> None:
    assert inputs._name_matcher("*.listobs") is not None
    for pattern in ("allFluxes.txt", "sub/*.txt", "**/*.png", "**", ""):
        assert inputs._name_matcher(pattern) is None


def test_a_folder_that_cannot_be_listed_matches_nothing(folder: Path) -> None:
    locked = folder / "sub"
    os.chmod(locked, 0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user that reads any folder")
        assert list(_Listing(locked).glob("*.txt")) == list(locked.glob("*.txt")) == []
    finally:
        os.chmod(locked, 0o755)


class _Plugin(Extractor):
    name = "plugin"
    patterns = ("allFluxes.txt", "sub/*.txt", "*.dat", "dangling.listobs")


def test_inputs_and_problems_as_before(folder: Path) -> None:
    extractors = dict(get_extractors(), plugin=_Plugin)
    found = eb_inputs(folder, extractors)
    names = [(cls.name, p.relative_to(folder).as_posix()) for cls, p in found]
    assert ("asdm", "uid___A002_X1_X2") in names and ("asdm", "uid___A002_X9_X9") in names
    assert ("plugin", "sub/in.txt") in names and ("plugin", "allFluxes.txt") in names
    assert not any(n.startswith((".", "fifo", "dangling", "loop")) for _, n in names)
    problems = {(w.path, w.kind) for w in input_problems(folder, extractors)}
    assert problems == {("fifo.listobs", "special"), ("dangling.listobs", "dangling"),
                        ("fifo-link.listobs", "special"), ("loop.png", "dangling")}
