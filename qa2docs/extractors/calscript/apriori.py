"""A priori calibration facts: fixplanets, SYSCAL fix, other es.fix calls, antenna positions."""

from __future__ import annotations

from typing import Iterator

from qa2docs.extractors.calscript.builder import FactBuilder
from qa2docs.extractors.calscript.script import Call
from qa2docs.models.facts import Fact

#: es.fix* calls the script generator adds to every script (not an "other es.fix").
ROUTINE_FIXES = frozenset({"fixForCSV2555"})


def apriori(fb: FactBuilder) -> Iterator[Fact | None]:
    """fixplanets, SYSCAL fix, other es.fix calls, antenna positions."""
    yield fb.presence("apriori.fixplanets", fb.s.named("fixplanets"))
    yield fb.presence("apriori.syscal_fix", fb.s.named("fixsyscaltimes"))
    fixes = [c for c in fb.s.calls if c.name.startswith("es.fix")
             and c.task not in ("fixsyscaltimes", "fixplanets")]
    # The script generator puts es.fixForCSV2555 into every import step: it is routine,
    # not the "other es.fix" the checklist asks about (the seed: "expect 'no'").
    others = [c for c in fixes if c.task not in ROUTINE_FIXES]
    routine = sorted({c.task for c in fixes if c.task in ROUTINE_FIXES})
    note = f"routine generator fix not counted: {', '.join(routine)}" if routine else None
    if others:
        yield fb.fact("apriori.other_es_fix", True, others, note)
        yield fb.fact("apriori.other_es_fix_names",
                      list(dict.fromkeys(c.task for c in others)), others)
    elif routine:
        yield fb.fact("apriori.other_es_fix", False, fixes, note)
    else:
        yield fb.presence("apriori.other_es_fix", [])
    yield from antpos(fb)


def antpos(fb: FactBuilder) -> Iterator[Fact | None]:
    """apriori.antpos: a gencal antpos whose parameters are not all zero."""
    calls = [c for c in fb.s.named("gencal")
             if (c.text("caltype") or "").lower() == "antpos"]
    decided: list[tuple[Call, list[float]]] = []
    for call in calls:
        params = call.kwargs.get("parameter")
        if isinstance(params, (int, float)):
            params = [params]
        if isinstance(params, (list, tuple)) and params and all(
                isinstance(p, (int, float)) for p in params):
            decided.append((call, [float(p) for p in params]))
    applied = [(c, p) for c, p in decided if any(p)]
    if applied:
        call, params = applied[-1]
        yield fb.fact("apriori.antpos", True, [c for c, _ in applied])
        yield fb.fact("apriori.antpos_antennas", _moved_antennas(call, params), [call])
    elif decided and len(decided) == len(calls):
        yield fb.fact("apriori.antpos", False, [c for c, _ in decided],
                      "gencal antpos with all-zero parameters")
    elif not calls:
        yield fb.presence("apriori.antpos", [])


def _moved_antennas(call: Call, params: list[float]) -> list[str]:
    """Antennas of a gencal antpos call whose offset triple is not zero."""
    antennas = [a.strip() for a in (call.text("antenna") or "").split(",") if a.strip()]
    if len(params) != 3 * len(antennas):
        return antennas
    return [a for k, a in enumerate(antennas) if any(params[3 * k:3 * k + 3])]
