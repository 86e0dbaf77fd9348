"""What the SB-level readers share: the ranks, the fact makers and the CASA version check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from qa2docs.extractors.base import Extractor
from qa2docs.extractors.imaging.script import Call, Script
from qa2docs.models.facts import Fact, make_fact

RANK_SCRIPT = 30
RANK_TABLE_FILE = 20

# Version checks (code, so "commented out" when behind a '#') and a version note (a comment).
VERSION_GATES = (
    re.compile(r"PLEASE USE THE SAME VERSION OF CASA[^:]*:\s*(\d+(?:\.\d+)*)"),
    re.compile(r"re\.search\(\s*['\"]\^(\d+(?:\.\d+)*)['\"].*version", re.IGNORECASE),
)
VERSION_NOTE = re.compile(r"You should run this with CASA\s+(\d+(?:\.\d+)*)", re.IGNORECASE)
NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


class SbExtractor(Extractor):
    """An extractor of SB-level files, with the fact makers its readers share."""

    def read_script(self, path: Path, text: str) -> Script:
        """The script read call by call; its problems become warnings."""
        script = Script(text)
        for line, message in script.problems:
            self.warn(path.name, line, message)
        return script

    def fact(self, field_id: str, value: Any, path: Path, line: int | None = None,
             excerpt: str | None = None, rank: int = RANK_SCRIPT,
             note: str | None = None) -> Fact:
        """A fact from one line (or none) of *path*."""
        return make_fact(field_id, value, self.name, path.name, line=line, excerpt=excerpt,
                         rank=rank, note=note)

    def calls_fact(self, field_id: str, value: Any, calls: list[Call], path: Path) -> Fact:
        """A rank-30 fact with one provenance entry per call."""
        provenance = tuple(make_fact("", None, self.name, path.name, line=c.line,
                                     excerpt=c.text, end_line=c.end_line).provenance[0]
                           for c in calls)
        return Fact(field=field_id, value=value, provenance=provenance, rank=RANK_SCRIPT)

    def absent(self, field_id: str, script: Script, path: Path, what: str) -> Fact:
        """A False fact: no *what* call in the whole script."""
        return self.fact(field_id, False, path, excerpt=f"no {what} call in the "
                         f"{len(script.lines)}-line script")

    def casa_version(self, field_id: str, lines: list[str], path: Path) -> Iterator[Fact]:
        """The CASA version the script checks or names (the first active check)."""
        found: list[tuple[int, str, bool]] = []  # (line, version, a commented-out check)
        for number, line in enumerate(lines, 1):
            gate = next((m for m in (p.search(line) for p in VERSION_GATES) if m), None)
            if gate:
                found.append((number, gate.group(1), line.lstrip().startswith("#")))
            elif note := VERSION_NOTE.search(line):
                found.append((number, note.group(1), False))
        if not found:
            return
        number, version, commented = min(found, key=lambda f: f[2])  # first active one
        yield self.fact(field_id, version, path, number, lines[number - 1].rstrip(),
                        note="the version check is commented out" if commented else None)
