"""scriptForPI.py (its revision and version check) and the README header (its labelled
values, the reducer's comments and the achieved values stated in them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from qa2docs.extractors.imaging.common import RANK_TABLE_FILE, SbExtractor
from qa2docs.models.facts import Fact, Provenance

PI_REVISION = re.compile(r"\$Id: \S*scriptForPI\.py,v (\d+(?:\.\d+)*)")
README_LABELS = {
    "cycle": "readme.cycle", "project code": "readme.project_code",
    "sb name": "readme.sb_name", "pi name": "readme.pi",
    "project title": "readme.project_title", "configuration": "readme.configuration",
    "proposed rms": "readme.proposed_rms", "proposed beam size": "readme.proposed_beam",
    "casa version used for reduction": "readme.casa_version",
    "qa2 result": "readme.qa2_result",
    "total number of member sbs in this ous group": "readme.n_member_sbs",
}
README_INTS = frozenset({"readme.cycle", "readme.n_member_sbs"})
README_LINE = re.compile(r"^(?P<label>[A-Za-z0-9 ]+?)\s*:\s?(?P<value>.*)$")
ACHIEVED = re.compile(r"^\s*Achieved\b(?P<what>[^:]*):\s*(?P<value>\S.*?)\s*$")


def pi(ex: SbExtractor, path: Path, text: str) -> Iterator[Fact]:
    """The facts of a scriptForPI.py."""
    lines = text.splitlines()
    yield ex.fact("pi_script", True, path, 1, lines[0] if lines else "")
    for number, line in enumerate(lines, 1):
        match = PI_REVISION.search(line)
        if match:
            yield ex.fact("pi_script.revision", match.group(1), path, number, line.strip())
            break
    yield from ex.casa_version("pi_script.casa_version", lines, path)


def readme(ex: SbExtractor, path: Path, text: str) -> Iterator[Fact]:
    """The facts of a README header."""
    lines = text.splitlines()
    fences = [i for i, line in enumerate(lines) if line.strip().startswith("#####")]
    if not fences:
        ex.warn(path.name, None, "no '#####' line: not a README header")
        return
    end = fences[1] if len(fences) > 1 else len(lines)
    comments_at: int | None = None
    for i in range(fences[0] + 1, end):
        match = README_LINE.match(lines[i])
        if not match:
            continue
        label = " ".join(match.group("label").lower().split())
        if label == "comments from reducer":
            comments_at = i
            break
        field_id = README_LABELS.get(label)
        value = match.group("value").strip()
        if field_id is None or not value:
            continue
        if field_id in README_INTS:
            digits = re.match(r"\d+", value)
            if not digits:
                ex.warn(path.name, i + 1, f"{match.group('label')}: not a number")
                continue
            value = int(digits.group())
        yield ex.fact(field_id, value, path, i + 1, lines[i], rank=RANK_TABLE_FILE)
    if comments_at is not None:
        yield from _reducer_comments(ex, path, lines, comments_at, end)


def _reducer_comments(ex: SbExtractor, path: Path, lines: list[str], at: int,
                      end: int) -> Iterator[Fact]:
    first = README_LINE.match(lines[at])
    body = ([first.group("value")] if first and first.group("value").strip() else [])
    body += lines[at + 1:end]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    if body:
        yield ex.fact("readme.reducer_comments", "\n".join(body), path, at + 1,
                      "\n".join(body), rank=RANK_TABLE_FILE)
    achieved = []
    for i in range(at + 1, end):
        match = ACHIEVED.match(lines[i])
        if match:
            achieved.append({"what": " ".join(match.group("what").split()),
                             "value": match.group("value"), "line": i + 1})
    if achieved:
        prov = tuple(Provenance(extractor=ex.name, file=path.name, line=a["line"],
                                excerpt=lines[a["line"] - 1]) for a in achieved)
        yield Fact(field="readme.achieved", value=achieved, provenance=prov,
                   rank=RANK_TABLE_FILE)
