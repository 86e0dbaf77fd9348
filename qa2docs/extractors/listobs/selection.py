"""listobs: a summary of a selection (``listobs(field=..., spw=..., scan=...)``), and the facts
it cannot decide.

CASA prints no mark of a selection in the summary itself: its header, scans, Fields, Spectral
Windows and Antennas cover only the selected rows, while the Sources table lists the whole
SOURCE table. A selection is known from:

- the ``listobs(...)`` call CASA echoes in the log before the summary, with a non-empty
  selection parameter (and ``selectdata`` not False);
- a Sources table naming fields the Fields table does not list (a field, scan or intent
  selection); in a concatenation (scans of several ObservationIDs) a name that only lengthens
  or shortens a listed field's name (``J1733-130`` for ``J1733-1304``) is no such field:
  ``concat`` merges the fields at one position under the first EB's name and keeps every EB's
  SOURCE rows;
- spectral window ids that do not run 0, 1, 2, ... (a spw selection: a whole MS, split or
  not, lists every window from 0).

Such a summary still tells the MS name, observer and project, and (when its target scans are
in it) the science windows; it never tells the EB's times, records, scans, fields or fields by
intent.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa2docs.extractors.listobs.block import Block

SELECTION_PARAMETERS = ("field", "spw", "scan", "intent", "antenna", "uvrange", "timerange",
                        "observation", "array", "feed")
CALL = re.compile(r"^\s*listobs\s*\((?P<args>.*)")
_ARG = re.compile(r"(?P<key>\w+)\s*=\s*(?:(?P<q>['\"])(?P<text>.*?)(?P=q)|(?P<bare>[^,\s)]+))")
EB_WIDE = frozenset({"data_records", "observation", "scans", "fields_by_intent", "fields",
                     "bandwidth_switching", "all_spws"})
SPW_FACTS = frozenset({"spws", "bands", "correlator_mode"})
ANTENNA_FACTS = frozenset({"antennas", "antenna_count", "array"})
CUT_IN_SCANS = frozenset({"scans", "fields_by_intent", "bandwidth_switching"})
"""What a summary cut off inside its scan table (a truncated file: no Fields table follows
the scans) cannot tell: its scans are only the first ones."""


def call_selection(text: str) -> str | None:
    """For an echoed ``listobs(...)`` call: its non-empty selection parameters
    (``field='2'``), ``""`` when it selects nothing; None when *text* is no such call."""
    match = CALL.match(text)
    if match is None:
        return None
    args = {m["key"]: m["text"] if m["q"] else m["bare"] for m in _ARG.finditer(match["args"])}
    if str(args.get("selectdata", "True")).strip() == "False":
        return ""
    return ", ".join(f"{k}='{args[k]}'" for k in SELECTION_PARAMETERS
                     if str(args.get(k, "")).strip())


def selection_reasons(block: Block) -> list[str]:
    """Why *block* is the summary of a selection (empty: it covers the whole MS)."""
    reasons = [f"the listobs call selects {block.call_selection}"] if block.call_selection else []
    missing = _missing_sources(block)
    if block.fields and missing:
        reasons.append(f"the Sources table names {', '.join(missing)}, "
                       "absent from its Fields table")
    ids = [s["id"] for s in block.spws]
    if ids and sorted(ids) != list(range(len(ids))):
        reasons.append(f"its spectral windows are {', '.join(map(str, ids))} only")
    return reasons


def _missing_sources(block: Block) -> list[str]:
    """The Sources table's names no listed field bears (name variants of a concatenation
    excepted)."""
    names = {f["name"] for f in block.fields}
    missing = [s for s in dict.fromkeys(block.sources) if s not in names]
    if len({r["obs_id"] for r in block.scan_rows}) > 1:
        missing = [s for s in missing
                   if not any(n.startswith(s) or s.startswith(n) for n in names)]
    return missing


def undecided(block: Block, reasons: list[str]) -> frozenset[str]:
    """The fact ids a summary of a selection cannot decide."""
    if not reasons:
        return frozenset()
    out = set(EB_WIDE)
    call = block.call_selection or ""
    spw_cut = "spw=" in call or any("spectral windows" in r for r in reasons)
    has_target = any(any(i.startswith("OBSERVE_TARGET") for i in r["intents"])
                     for r in block.scan_rows)
    if spw_cut or not has_target:
        out |= SPW_FACTS
    if "antenna=" in call or "uvrange=" in call:
        out |= ANTENNA_FACTS
    return frozenset(out)
