"""Imaging rules: achieved rms and beam against the requested ones and the ALMA QA2 limits.

Requested values come from README.header (``Proposed rms``, ``Proposed beam size``), else the
SB checklist header. Achieved values come from the README's ``Achieved ...`` comment lines
(the one at the representative frequency when marked), else the SB checklist's ``achieved
rms`` / ``achieved beam`` when it holds one value. With several candidates and none marked
representative, nothing is guessed: the check is skipped with a note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterator, Literal

from qa2docs.checklist_text import ParsedDocument, split_lines
from qa2docs.models.layout import README_RULE
from qa2docs.validation.context import SBContext
from qa2docs.validation.quantities import format_jy, parse_beam, parse_flux, parse_resolution
from qa2docs.validation.report import Finding
from qa2docs.validation.rules import rule
from qa2docs.validation.tolerances import Tolerances

Verdict = Literal["pass", "relaxed", "fail"]
_ACHIEVED = re.compile(r"^\s*Achieved\b(?P<what>[^:]*):\s*(?P<value>.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    """A number as written, and where."""

    text: str
    document: str
    line: int | None


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


def readme_achieved(doc: ParsedDocument) -> list[tuple[str, Value]]:
    """The README's ``Achieved <what>: value`` comment lines, with their line numbers."""
    start = doc.line_of("comments")
    if start is None:
        return []
    out = []
    for line in split_lines(doc.text)[start:]:
        if line.content.strip() == README_RULE:
            break
        m = _ACHIEVED.match(line.content)
        if m:
            out.append((m["what"].strip().lower(), Value(m["value"], doc.path.name, line.number)))
    return out


def _requested(ctx: SBContext, readme_field: str, sb_field: str) -> Value | None:
    readme, sb = ctx.readme, ctx.sb_doc
    if readme is not None and getattr(readme.model, readme_field):
        return Value(getattr(readme.model, readme_field), readme.path.name,
                     readme.line_of(readme_field))
    if sb is not None and getattr(sb.model.header, sb_field):
        return Value(getattr(sb.model.header, sb_field), sb.path.name, sb.line_of(sb_field))
    return None


def _achieved(ctx: SBContext, kind: str, sb_element: str) -> Value | str:
    """The achieved value to judge, or why there is none."""
    readme, sb = ctx.readme, ctx.sb_doc
    words = ("rms", "sensitivity", "noise") if kind == "rms" else ("beam", "resolution")
    lines = [(w, v) for w, v in (readme_achieved(readme) if readme is not None else [])
             if any(k in w for k in words)]
    rep = [v for w, v in lines if "represent" in w]
    if rep:
        return rep[0]
    if sb is not None:
        field = getattr(sb.model.items, sb_element.replace(".", "_")).value
        values = [v for v in field.splitlines() if v.strip()]
        if len(values) == 1:
            return Value(values[0], sb.path.name, sb.line_of(sb_element))
        if len(values) > 1 and not lines:
            return (f"'{sb_element.split('.')[1].replace('_', ' ')}' in {sb.path.name} holds "
                    f"{len(values)} values; keep the one at the representative frequency")
    if len(lines) == 1:
        return lines[0][1]
    if lines:
        return (f"{len(lines)} 'Achieved {kind}' lines in README.header.txt and none says "
                "'at representative freq.'")
    return f"no achieved {kind} is given"


def check_imaging(ctx: SBContext) -> Iterator[Finding]:
    """Achieved vs requested rms and beam, and the checklist's 'reached?' answers."""
    sb = ctx.sb_doc
    checks = (("rms", "proposed_rms", "requested_sensitivity", "imaging.achieved_rms",
               "imaging.sensitivity_reached", "QA2301"),
              ("beam", "proposed_beam_size", "requested_resolution", "imaging.achieved_beam",
               "imaging.resolution_reached", "QA2302"))
    for kind, readme_field, sb_field, sb_element, reached, rule_id in checks:
        requested = _requested(ctx, readme_field, sb_field)
        achieved = _achieved(ctx, kind, sb_element)
        if requested is None or isinstance(achieved, str):
            reasons = [f"no requested {kind} in README.header.txt or the SB checklist header"
                       ] if requested is None else []
            reasons += [achieved] if isinstance(achieved, str) else []
            yield rule("QA2303").finding(
                f"{kind} not checked against the QA2 limits: {'; '.join(reasons)}",
                sb.path.name if sb else "README.header.txt",
                sb.line_of(sb_element) if sb else None)
            continue
        judgement = (judge_rms(requested.text, achieved.text, ctx.bands, ctx.tolerances)
                     if kind == "rms" else
                     judge_beam(requested.text, achieved.text, ctx.tolerances))
        if judgement is None:
            yield rule("QA2303").finding(
                f"{kind} not checked: cannot read {requested.text!r} / {achieved.text!r}"
                + ("" if ctx.bands or kind == "beam" else " (band unknown)"),
                achieved.document, achieved.line)
            continue
        cited = f" [{ctx.tolerances.cite(judgement.source)}]"
        if judgement.verdict != "pass":
            severity = "warning" if judgement.verdict == "relaxed" else "error"
            yield rule(rule_id).finding(judgement.message + cited, achieved.document,
                                        achieved.line, severity=severity)
        if sb is not None:
            answer = getattr(sb.model.items, reached.replace(".", "_")).answer
            expected = "yes" if judgement.verdict == "pass" else "no"
            if answer in ("yes", "no") and answer != expected and judgement.verdict != "relaxed":
                yield rule("QA2304").finding(
                    f"'{sb.model.element(reached).label}' is answered {answer.capitalize()} "
                    f"but {judgement.message}", sb.path.name, sb.line_of(reached))
