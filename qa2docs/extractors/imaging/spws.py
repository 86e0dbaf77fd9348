"""The spw ids of the cubes an imaging script makes, as numbered in the calibrated data.

A ``tclean`` call numbers spws in its own ``vis``. When the script first makes that MS
with ``split``/``mstransform`` and a spw selection, the output's spws are re-indexed from 0
(``spw='25,27,29'`` -> 0, 1, 2), so the call's ids are not the cubes' spws. What an image
name says (``..._spw25.cube``) is preferred; else a re-indexing split is undone when its
selection is an explicit list; else the ids are unknown and no fact is given (a warning
says why).
"""

from __future__ import annotations

import re
from typing import Any

from qa2docs.extractors.imaging.script import Call

SPLIT_TASKS = frozenset({"split", "mstransform"})
_SPW_IN_NAME = re.compile(r"(?:^|[^a-z])spws?[_\-.]?(?P<id>\d+)", re.IGNORECASE)


def spw_ids(selection: Any) -> list[int]:
    """Spw ids named in a CASA spw selection such as ``'0,4~6:10~20'`` ([] for all/unknown)."""
    if isinstance(selection, int) and not isinstance(selection, bool):
        return [selection]
    if not isinstance(selection, str):
        return []
    ids: list[int] = []
    for part in selection.split(","):
        head = part.split(":")[0].strip()
        if re.fullmatch(r"\d+", head):
            ids.append(int(head))
        elif re.fullmatch(r"\d+~\d+", head):
            low, high = (int(x) for x in head.split("~"))
            ids.extend(range(low, high + 1))
    return ids


def cube_spws(cubes: list[Call], splits: list[Call]) -> tuple[list[int], str | None]:
    """The spw ids of the *cubes* calls, given the script's split/mstransform calls; or []
    and why, when a call's ids were re-indexed in a way that cannot be undone."""
    found: set[int] = set()
    for call in cubes:
        ids, why = _call_spws(call, [s for s in splits if s.line < call.line])
        if why:
            return [], why
        found.update(ids)
    return sorted(found), None


def _call_spws(call: Call, splits: list[Call]) -> tuple[list[int], str | None]:
    image = call.args.get("imagename")
    named = [int(m["id"]) for m in _SPW_IN_NAME.finditer(image)] if isinstance(image, str) else []
    if named:
        return named, None
    ids = spw_ids(call.args.get("spw"))
    if not ids:
        return [], None
    vis = call.args.get("vis")
    if "vis" in call.unresolved or not isinstance(vis, (str, list)):
        if any(s.args.get("spw") or "spw" in s.unresolved for s in splits):
            return [], (f"{call.task} at line {call.line}: its vis is not known and the script "
                        "splits out spws before it, so its spw ids may be re-indexed")
        return ids, None
    made = [s for s in splits if s.args.get("outputvis") in ([vis] if isinstance(vis, str)
                                                              else vis)]
    if not made:
        return ids, None
    split = made[-1]
    if "spw" in split.unresolved:
        return [], (f"{call.task} at line {call.line}: {split.task} at line {split.line} "
                    "made its vis with a spw selection that is not known")
    selected = spw_ids(split.args.get("spw"))
    if not split.args.get("spw"):
        return ids, None  # all spws kept: the ids are unchanged
    if not selected or max(ids) >= len(selected):
        return [], (f"{call.task} at line {call.line}: spw {call.args.get('spw')!r} of a vis "
                    f"re-indexed by {split.task} at line {split.line} (spw="
                    f"{split.args.get('spw')!r}) cannot be traced back")
    return [selected[i] for i in ids], None
