"""Which files of an EB dir (or the SB's calibrated/ dir) each extractor reads, and the
entries bearing an input's name that cannot be read (a link pointing nowhere, a FIFO)."""

from __future__ import annotations

import os
from pathlib import Path

from qa2docs.extractors.base import ExtractionWarning, Extractor


def eb_inputs(eb_dir: Path, extractors: dict[str, type[Extractor]], level: str = "eb"
              ) -> list[tuple[type[Extractor], Path]]:
    """The files (or folders) of *eb_dir* each extractor of *level* reads, sorted by name."""
    found: list[tuple[type[Extractor], Path]] = []
    if not eb_dir.is_dir():
        return found
    for cls in extractors.values():
        if cls.level != level:
            continue
        seen: set[Path] = set()
        for pattern in cls.patterns:
            for p in sorted(eb_dir.glob(pattern)):
                if p in seen or p.name.startswith(".") or not (p.is_file() or p.is_dir()):
                    continue   # a FIFO would make a reader wait forever: input_problems
                if p.is_dir() and not _wants_dir(cls, p):
                    continue
                seen.add(p)
                found.append((cls, p))
    return found


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
    for cls in extractors.values():
        if cls.level != level:
            continue
        for pattern in cls.patterns:
            for p in eb_dir.glob(pattern):
                if p in found or p.name.startswith(".") or p.is_file() or p.is_dir():
                    continue
                if p.is_symlink() and not p.exists():
                    found[p] = ExtractionWarning(p.name, None, f"link to {os.readlink(p)} "
                                                 "points nowhere: not read", "dangling")
                elif p.exists():
                    found[p] = ExtractionWarning(p.name, None, "not a regular file (a FIFO, "
                                                 "socket or device): not read", "special")
    return [found[p] for p in sorted(found)]
