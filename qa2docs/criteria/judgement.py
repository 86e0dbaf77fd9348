"""Judging achieved imaging results against the requested ones and the ALMA QA2 limits.

Used by the SB answers (``fill`` writes whether the requested rms and beam were reached) and by
the imaging validation rules alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from qa2docs.criteria.quantities import (
    format_jy,
    parse_beam,
    parse_flux,
    parse_resolution,
)
from qa2docs.criteria.tolerances import Tolerances

Verdict = Literal["pass", "relaxed", "fail"]


@dataclass(frozen=True)
class Judgement:
    """The QA2 verdict on one quantity, with the numbers that decided it."""

    verdict: Verdict
    message: str
    source: str


def judge_rms(requested: str, achieved: str, bands: list[int], tol: Tolerances
              ) -> Judgement | None:
    """Achieved rms against requested x the band's QA2 factor (None: not judgeable)."""
    req, ach = parse_flux(requested), parse_flux(achieved)
    limit = tol.sensitivity(bands)
    if req is None or ach is None or not req or limit is None:
        return None
    ratio = ach / req
    text = (f"achieved rms {format_jy(ach)} is {ratio:.2f} x the requested {format_jy(req)} "
            f"(QA2 limit {limit.factor:.2f} x for Band {'/'.join(map(str, bands))})")
    if ratio <= limit.factor:
        verdict: Verdict = "pass"
    elif limit.relaxed is not None and ratio <= limit.relaxed:
        verdict, text = "relaxed", text + f"; within the relaxed {limit.relaxed:.2f} x"
    else:
        verdict = "fail"
    return Judgement(verdict, text, limit.source)


def judge_beam(requested: str, achieved: str, tol: Tolerances) -> Judgement | None:
    """Achieved beam against the requested resolution, the Cycle's way (None: not judgeable)."""
    req, beam, limit = parse_resolution(requested), parse_beam(achieved), tol.beam()
    if req is None or beam is None or limit is None:
        return None
    lo, hi = req
    major, minor = beam
    mean = math.sqrt(major * minor)
    shown = f"{major:.3g}\" x {minor:.3g}\""
    if limit.kind == "range":
        within = (lo is None or mean >= lo) and mean <= hi
        wanted = f"{lo:.3g}\"-{hi:.3g}\"" if lo is not None else f"<= {hi:.3g}\""
        text = (f"achieved beam {shown} (geometric mean {mean:.3g}\") against the requested "
                f"{wanted}")
        return Judgement("pass" if within else "fail", text, limit.source)
    ratio = (mean / hi) ** 2
    text = (f"achieved beam {shown} has {ratio:.2f} x the area of the requested {hi:.3g}\" "
            f"(QA2 limit {limit.factor:.2f} x)")
    if limit.factor is not None and ratio <= limit.factor:
        return Judgement("pass", text, limit.source)
    if limit.relaxed is not None and ratio <= limit.relaxed:
        return Judgement("relaxed", text + f"; within the relaxed {limit.relaxed:.2f} x",
                         limit.source)
    return Judgement("fail", text, limit.source)
