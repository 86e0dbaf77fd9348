"""Which files of an EB dir (or the SB's calibrated/ dir) each extractor reads."""

from __future__ import annotations

from pathlib import Path

from qa2docs.extractors.base import Extractor


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
                if p in seen or p.name.startswith("."):
                    continue
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
