"""Header facts (ASDM uid, fields by intent, CASA version gate, generator) and import.asis."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from qa2docs.extractors.calscript.builder import FactBuilder
from qa2docs.models.common import uid_of_name, uid_of_renamed_copy
from qa2docs.models.facts import Fact

ASIS_REQUIRED = frozenset({"Antenna", "Station", "CalAtmosphere", "Receiver", "Source"})
_GATE_RE = re.compile(r"re\.search\(\s*['\"]\^?([0-9][0-9.]*[0-9])['\"]\s*,.*version")
_EXIT_RE = re.compile(r"SAME VERSION OF CASA[^:]*:\s*([0-9][0-9.]*[0-9])")
_ID_RE = re.compile(r"\$Id:\s*([^$]*?)\s*\$")


def header(fb: FactBuilder) -> Iterator[Fact | None]:
    """asdm_uid, fields_by_intent, casa_version_required, script_generator."""
    yield asdm_uid(fb)
    intents, used = fb.fields_by_intent()
    if intents:
        yield fb.fact("fields_by_intent", intents,
                      [(used[0][0], used[-1][0], "\n".join(t for _, t in used))])
    for n, line in fb.header_lines():
        gate = _GATE_RE.search(line) or _EXIT_RE.search(line)
        if gate:
            commented = line.lstrip().startswith("#")
            yield fb.fact("casa_version_required", gate.group(1), [(n, n, line.strip())],
                          "the version gate is commented out" if commented else None)
            break
    for n, line in fb.header_lines():
        m = _ID_RE.search(line)
        if m and line.lstrip().startswith("#"):
            yield fb.fact("script_generator", m.group(1), [(n, n, line.strip())])
            break


def asdm_uid(fb: FactBuilder) -> Fact | None:
    """The ASDM uid from importasdm (the uid of a renamed copy: ``<uid>_v1``), else from the
    file name."""
    from_name = uid_of_name(fb.filename)
    for call in fb.s.named("importasdm"):
        asdm = call.text("asdm") or (call.args[0] if call.args and
                                     isinstance(call.args[0], str) else None)
        if asdm:
            uid = uid_of_name(asdm)  # no archive suffix (.asdm.sdm)
            notes = []
            if uid is None and (uid := uid_of_renamed_copy(asdm)) is not None:
                notes.append(f"importasdm reads {Path(asdm).name}, a renamed copy of {uid}")
            uid = uid or Path(asdm).name
            if from_name and from_name != uid:
                notes.append(f"the file name says {from_name}")
            return fb.fact("asdm_uid", uid, [call], "; ".join(notes) or None)
    if from_name:
        return fb.fact("asdm_uid", from_name, [(None, None, fb.filename)])
    return None


def import_asis(fb: FactBuilder) -> Iterator[Fact | None]:
    """import.asis and import.asis_tables from the first importasdm call."""
    calls = [c for c in fb.s.named("importasdm") if c.parsed]
    if not calls:
        return
    call = calls[0]
    if "asis" not in call.kwargs:
        yield fb.fact("import.asis", False, [call], "importasdm without asis")
        return
    asis = call.text("asis")
    if asis is None:
        return
    tables = [t for t in re.split(r"[\s,]+", asis) if t]
    missing = sorted(ASIS_REQUIRED - set(tables))
    yield fb.fact("import.asis", not missing, [call],
                  f"asis lacks {', '.join(missing)}" if missing else None)
    yield fb.fact("import.asis_tables", tables, [call])
