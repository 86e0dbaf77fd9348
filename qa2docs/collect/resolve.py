"""Choose one fact per field (most specific source wins) and derive combined facts."""

from __future__ import annotations

import json
from typing import Any, Iterable

from qa2docs.models.common import uid_of_name
from qa2docs.models.facts import Fact, Provenance


def _same(a: Any, b: Any, memo: dict[int, tuple[Any, str]] | None = None) -> bool:
    """Whether *a* and *b* have the same JSON (*memo*: the JSON of objects met before)."""
    return _json(a, memo) == _json(b, memo)


def _json(value: Any, memo: dict[int, tuple[Any, str]] | None) -> str:
    """``json.dumps(value, sort_keys=True, default=str)``, made once per object in *memo*
    (by id, the object kept with it: the chosen fact's value is compared with each other)."""
    if memo is None:
        return json.dumps(value, sort_keys=True, default=str)
    hit = memo.get(id(value))
    if hit is None or hit[0] is not value:
        hit = memo[id(value)] = (value, json.dumps(value, sort_keys=True, default=str))
    return hit[1]


def _agrees(value: Any, best: Any, memo: dict[int, tuple[Any, str]] | None = None) -> bool:
    """Same value, or a dict whose every key holds the same as in *best* (a part of it)."""
    if isinstance(value, dict) and isinstance(best, dict):
        return all(k in best and _same(v, best[k], memo) for k, v in value.items())
    return _same(value, best, memo)


def resolve_facts(facts: Iterable[Fact]) -> dict[str, Fact]:
    """One fact per field: highest rank, the later one on a tie; disagreements become notes."""
    by_field: dict[str, list[Fact]] = {}
    for fact in facts:
        by_field.setdefault(fact.field, []).append(fact)
    chosen: dict[str, Fact] = {}
    for name, group in by_field.items():
        best = max(enumerate(group), key=lambda ix: (ix[1].rank, ix[0]))[1]
        if name in COMBINED_FIELDS:
            best = _combine(group, best)
        memo: dict[int, tuple[Any, str]] = {}
        others = [f for f in group if f is not best and not _agrees(f.value, best.value, memo)]
        if others:
            said = "; ".join(f"{o.provenance[0].where() if o.provenance else '?'} says "
                             f"{_short(o.value)}" for o in others[:3])
            note = "; ".join(filter(None, [best.note, f"sources disagree: {said}"]))
            best = best.model_copy(update={"note": note})
        chosen[name] = best
    return dict(sorted(derive_facts(chosen).items()))


# Fields whose value is a dict that several sources fill in part: the ASDM gives the exact
# start/end, listobs adds the time on source. Keys of a more specific source win.
COMBINED_FIELDS = frozenset({"observation"})


def _combine(group: list[Fact], best: Fact) -> Fact:
    """The keys of every fact of *group*, the more specific (higher rank, then later) ones
    winning; the provenance of the winner first, then each other fact's that is new."""
    if not all(isinstance(f.value, dict) for f in group) or len(group) < 2:
        return best
    ordered = sorted(group, key=lambda f: f.rank)
    value: dict = {}
    for fact in ordered:
        value.update({k: v for k, v in fact.value.items() if v not in (None, {}, [])})
    provenance: list[Provenance] = []
    seen: set[tuple] = set()  # linear: a set of cheap keys, not pairwise model __eq__
    for fact in reversed(ordered):
        provenance.extend(p for p in fact.provenance if _key(p) not in seen)
        seen.update(_key(p) for p in fact.provenance)
    return best.model_copy(update={"value": value, "provenance": tuple(provenance)})


def _key(prov: Provenance) -> tuple:
    """What makes two provenance entries the same (their fields)."""
    return (prov.extractor, prov.file, prov.line, prov.end_line, prov.excerpt)


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def derive_facts(facts: dict[str, Fact]) -> dict[str, Fact]:
    """Facts that need two sources: good antennas = antennas minus those flagged in full
    (by the script, and by ``flagdata`` calls the casa log shows on this EB's MS)."""
    out = dict(facts)
    antennas = facts.get("antennas")
    flagged = facts.get("flagged_antennas")
    if antennas is not None and flagged is not None and "good_antennas" not in facts:
        names = list(antennas.value)
        bad = sorted(set(flagged.value) & set(names))
        provenance = antennas.provenance + flagged.provenance
        logged = facts.get("log.flagged_antennas")
        typed = sorted(_logged_antennas(logged, facts.get("asdm_uid")) & set(names) - set(bad))
        if typed and logged is not None:
            bad = sorted(set(bad) | set(typed))
            provenance += logged.provenance
        note = (f"{len(names)} antennas, flagged in full: {', '.join(bad)}" if bad
                else f"{len(names)} antennas, none flagged in full")
        if typed:
            note += f" ({', '.join(typed)} by flagdata in the casa log, not in the script)"
        out["good_antennas"] = Fact(field="good_antennas", value=len(names) - len(bad),
                                    provenance=provenance, rank=antennas.rank, note=note)
    return out


def _logged_antennas(logged: Fact | None, uid: Fact | None) -> set[str]:
    """The antennas the casa log's flagdata calls flag in full on this EB's MS (an MS whose
    name carries no UID, or an EB of unknown UID, counts)."""
    if logged is None:
        return set()
    eb = uid_of_name(str(uid.value)) if uid is not None else None
    return {a for call in logged.value
            if eb is None or uid_of_name(str(call.get("vis", ""))) in (None, eb)
            for a in call.get("antennas", [])}


def provenance_json(provs: Iterable[Provenance]) -> list[dict]:
    """Provenance as in DESIGN 4.2's JSON: file, line, excerpt, extractor."""
    return [{"file": p.file, "line": p.line, "end_line": p.end_line, "excerpt": p.excerpt,
             "extractor": p.extractor} for p in provs]
