"""Which files of an EB dir (or the SB's calibrated/ dir) each extractor reads, and the
entries bearing an input's name that cannot be read (a link pointing nowhere, a FIFO)."""

from __future__ import annotations

import fnmatch
import os
import re
from functools import lru_cache
from pathlib import Path, PosixPath
from typing import Callable, Iterator

from qa2docs.extractors.base import ExtractionWarning, Extractor


def eb_inputs(eb_dir: Path, extractors: dict[str, type[Extractor]], level: str = "eb"
              ) -> list[tuple[type[Extractor], Path]]:
    """The files (or folders) of *eb_dir* each extractor of *level* reads, sorted by name."""
    found: list[tuple[type[Extractor], Path]] = []
    if not eb_dir.is_dir():
        return found
    listing = _Listing(eb_dir)
    for cls in extractors.values():
        if cls.level != level:
            continue
        seen: set[Path] = set()
        for pattern in cls.patterns:
            for p, kind in sorted(listing.glob(pattern)):
                if p in seen or p.name.startswith(".") or kind is None:
                    continue   # a FIFO would make a reader wait forever: input_problems
                if kind == "dir" and not _wants_dir(cls, p):
                    continue
                seen.add(p)
                found.append((cls, p))
    return found


class _Listing:
    """``Path.glob`` of one folder for many patterns, from one ``os.scandir`` of it.

    A pattern naming entries of the folder itself with a wildcard (``*.listobs``) is matched
    against the names read once, as ``glob`` matches them; the kind of an entry that is not a
    link comes from the listing (no ``stat``). Any other pattern (no wildcard, a ``/``, a
    ``**``: a plug-in's) and the kind of a link go through ``Path.glob`` and ``Path.is_file``
    / ``is_dir`` as before.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries: list[os.DirEntry[str]] | None = None

    def glob(self, pattern: str) -> Iterator[tuple[Path, str | None]]:
        """(path, "file" / "dir" / None for neither) of each entry ``folder.glob(pattern)``
        gives."""
        match = _name_matcher(pattern) if isinstance(self.folder, PosixPath) else None
        if match is None:
            for path in self.folder.glob(pattern):
                yield path, _kind(path)
            return
        for entry in self._listing():
            if match(entry.name):
                path = self.folder / entry.name
                if entry.is_symlink():
                    yield path, _kind(path)
                else:
                    yield path, ("file" if entry.is_file() else "dir" if entry.is_dir()
                                 else None)

    def _listing(self) -> list[os.DirEntry[str]]:
        if self._entries is None:
            try:
                with os.scandir(self.folder) as entries:
                    self._entries = list(entries)
            except PermissionError:  # as glob: nothing matches in a folder it cannot list
                self._entries = []
        return self._entries


def _kind(path: Path) -> str | None:
    return "file" if path.is_file() else "dir" if path.is_dir() else None


@lru_cache(maxsize=256)
def _name_matcher(pattern: str) -> Callable[[str], re.Match[str] | None] | None:
    """What ``PosixPath.glob`` matches names with, for a wildcard pattern of one part;
    None for any other pattern."""
    if (not pattern or "/" in pattern or "**" in pattern
            or not any(c in pattern for c in "*?[")):
        return None
    return re.compile(fnmatch.translate(pattern)).fullmatch


def _wants_dir(cls: type[Extractor], path: Path) -> bool:
    """Folders go only to extractors that read folders (an ASDM, the EB dir)."""
    if cls.name == "asdm":
        return (path / "ASDM.xml").is_file()
    return bool(getattr(cls, "reads_dirs", False))


def input_problems(eb_dir: Path, extractors: dict[str, type[Extractor]], level: str = "eb"
                   ) -> list[ExtractionWarning]:
    """The entries of *eb_dir* bearing an input's name that :func:`eb_inputs` leaves out
    because they cannot be read: a link that points nowhere (``kind`` "dangling"), a FIFO,
    socket or device (``kind`` "special")."""
    found: dict[Path, ExtractionWarning] = {}
    if not eb_dir.is_dir():
        return []
    listing = _Listing(eb_dir)
    for cls in extractors.values():
        if cls.level != level:
            continue
        for pattern in cls.patterns:
            for p, kind in listing.glob(pattern):
                if p in found or p.name.startswith(".") or kind is not None:
                    continue
                if p.is_symlink() and not p.exists():
                    found[p] = ExtractionWarning(p.name, None, f"link to {os.readlink(p)} "
                                                 "points nowhere: not read", "dangling")
                elif p.exists():
                    found[p] = ExtractionWarning(p.name, None, "not a regular file (a FIFO, "
                                                 "socket or device): not read", "special")
    return [found[p] for p in sorted(found)]
