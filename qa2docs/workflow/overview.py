"""``qa2docs listobs``: a first overview of an EB, as allegroUtils' ``qa2.listobs`` gives it.

The reducer's first look at a dataset: when and how long it was observed, the PWV, the
antennas, bands and correlator mode, which field has which intent, the scans and the science
spectral windows; and the EB checklist's header lines exactly as ``qa2docs fill`` would write
them. It reads a listobs listfile, the listobs output inside a casa log, a raw ASDM folder,
or a whole EB dir (every extractor, as ``qa2docs facts`` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa2docs.errors import ExtractionError, Qa2DocsError
from qa2docs.extractors.base import ExtractionWarning
from qa2docs.models.facts import Fact
from qa2docs.models.layout import EB_LAYOUT

_UID = re.compile(r"uid___A\d{3}_X[0-9A-Za-z]+_X[0-9A-Za-z]+")
_SHOWN = frozenset({"ms_name", "asdm_uid", "observation", "scans", "scan_intents", "spws",
                    "antennas", "fields_by_intent", "bands"})
"""Fields an overview shows; an EB dir whose files give none of them has nothing to show."""


@dataclass
class Overview:
    """The facts of one listfile, log, ASDM or EB dir, resolved to one per field."""

    path: Path
    facts: dict[str, Fact]
    warnings: list[ExtractionWarning] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        """``{field: value}`` (the JSON output)."""
        return {fid: fact.value for fid, fact in sorted(self.facts.items())}


def overview(path: Path | str, ms: str | None = None) -> Overview:
    """Read *path* (listfile, casa log, ASDM folder or EB dir) into an :class:`Overview`.

    One overview is of one EB: when *path* holds listobs summaries of several MSs of different
    EBs (unrelated listfiles in a folder, a log of many sessions), *ms* names the one to show
    (its name, or its EB's UID); without it that is an error naming them.
    """
    from qa2docs.collect.resolve import resolve_facts
    from qa2docs.extractors.asdm import AsdmExtractor
    from qa2docs.extractors.listobs import ListobsExtractor

    path = Path(path)
    if path.is_dir() and not (path / "ASDM.xml").is_file():
        from qa2docs.collect.extraction import eb_dir_uid, extract_dir

        fs = extract_dir(path, eb_dir_uid(path))
        if not any(f.field in _SHOWN for f in fs.all_facts):
            read = sorted({f.provenance[0].file for f in fs.all_facts if f.provenance})
            also = f" (read only: {', '.join(read)})" if read else ""
            raise Qa2DocsError(f"{path}: no listobs output, ASDM or other EB input found{also}")
        facts, warnings = fs.all_facts, fs.warnings
    else:
        extractor = AsdmExtractor() if path.is_dir() else ListobsExtractor()
        try:
            facts = list(extractor.extract(path))
        except ExtractionError as err:
            raise Qa2DocsError(str(err)) from None
        if not facts:
            what = "ASDM tables" if path.is_dir() else "listobs summary"
            raise Qa2DocsError(f"{path}: no {what} found")
        warnings = extractor.warnings
    return Overview(path, resolve_facts(one_eb(path, facts, ms)), warnings)


def eb_key(ms_name: str) -> str:
    """What tells the EB of an MS: the ASDM UID in its name, else the name before its first dot."""
    found = _UID.search(ms_name)
    return found.group(0) if found else ms_name.split(".")[0]


def one_eb(path: Path, facts: list[Fact], ms: str | None) -> list[Fact]:
    """*facts* without the listobs facts of other EBs than *ms*'s; an error when the listobs
    facts are of several EBs and *ms* does not pick one."""
    owner = _listobs_owners(facts)
    names: dict[str, list[str]] = {}
    for fact in facts:
        ms_name = owner.get(id(fact))
        if ms_name is not None and fact.field == "ms_name":
            names.setdefault(eb_key(ms_name), [])
            where = f"{ms_name} in {fact.provenance[0].file}"
            if where not in names[eb_key(ms_name)]:
                names[eb_key(ms_name)].append(where)
    if ms is None and len(names) <= 1:
        return facts
    keep = set(names) if ms is None else {k for k in names if k in (ms, eb_key(ms))}
    if ms is None or not keep:
        listed = "; ".join(", ".join(v) for v in names.values())
        hint = "choose one with --ms NAME" if ms is None else f"none is {ms!r}"
        raise Qa2DocsError(f"{path}: listobs output of {len(names)} MSs of different EBs "
                           f"({listed}); {hint}")
    return [f for f in facts if id(f) not in owner or eb_key(owner[id(f)]) in keep]


def _listobs_owners(facts: list[Fact]) -> dict[int, str]:
    """The MS name of each listobs fact (by ``id``): the MS named last before it in its file."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for fact in facts:
        if fact.field == "ms_name" and fact.provenance and fact.provenance[0].extractor == "listobs":
            prov = fact.provenance[0]
            starts.setdefault(prov.file, []).append((prov.line or 0, str(fact.value)))
    owner: dict[int, str] = {}
    for fact in facts:
        prov = fact.provenance[0] if fact.provenance else None
        if prov is None or prov.extractor != "listobs" or prov.file not in starts:
            continue
        before = [name for line, name in sorted(starts[prov.file]) if line <= (prov.line or 0)]
        if before:
            owner[id(fact)] = before[-1]
    return owner


def short_intents(intents: list[str]) -> str:
    """The intents without their sub-intents (``CALIBRATE_WVR#OFF_SOURCE`` ->
    ``CALIBRATE_WVR``), each once, joined by commas."""
    return ",".join(dict.fromkeys(intent.partition("#")[0] for intent in intents))


def _clock(iso: str) -> str:
    return iso[11:21] if len(iso) >= 21 else iso


def context(ov: Overview) -> dict[str, Any]:
    """What ``text/listobs.txt.j2`` shows, as strings and rows."""
    from qa2docs.answers.eb import eb_proposals

    facts = ov.facts
    value = {fid: fact.value for fid, fact in facts.items()}
    uid = value.get("asdm_uid") or str(value.get("ms_name", ov.path.name)).split(".")[0]
    proposed = {p.element: p.value for p in eb_proposals(facts, None, uid) if p.part == "value"}
    header = [(el.label, proposed[el.id]) for el in EB_LAYOUT
              if el.kind == "header" and el.id in proposed and el.id != "asdm_uid"]
    if "good_antennas" not in proposed and "antenna_count" in value:
        header.append(("Number of antennas", str(value["antenna_count"])))
    # listobs scans name their field; the ASDM's Scan table (an ASDM alone) does not
    scans = [(str(s["scan"]), f"{_clock(s['start'])}-{_clock(s['end'])}", s.get("field", "-"),
              short_intents(s["intents"]))
             for s in value.get("scans") or value.get("scan_intents", [])]
    spws = [(str(w["id"]), w["name"], str(w["nchan"]), f"{w['center_hz'] / 1e9:.4f}",
             f"{w['total_bw_hz'] / 1e6:.1f}", f"{abs(w['chan_width_hz']) / 1e3:.1f}",
             str(w.get("band") or "")) for w in value.get("spws", [])]
    return {
        "path": ov.path,
        "uid": uid,
        "ms_name": value.get("ms_name"),
        "observer": value.get("observer"),
        "project_uid": value.get("project_uid"),
        "configuration": value.get("configuration"),
        "header": header,
        "scans": scans,
        "spws": spws,
        "antennas": value.get("antennas", []),
        "array": value.get("array"),
        "warnings": [str(w) for w in ov.warnings],
    }


def render_overview(ov: Overview) -> str:
    """The text overview."""
    from qa2docs.render.environment import render_template

    return render_template("text/listobs.txt.j2", **context(ov))
