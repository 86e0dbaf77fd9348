"""Imaging rules: achieved rms and beam against the requested ones and the ALMA QA2 limits.

Requested values come from README.header (``Proposed rms``, ``Proposed beam size``), else the
SB checklist header. Achieved values come from the README's ``Achieved ...`` comment lines
(the one at the representative frequency when marked), else the SB checklist's ``achieved
rms`` / ``achieved beam`` when it holds one value. With several candidates and none marked
representative, nothing is guessed: the check is skipped with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from qa2docs.criteria.judgement import judge_beam, judge_rms
from qa2docs.documents.spans import ParsedDocument, split_lines
from qa2docs.models.layout import README_RULE
from qa2docs.validate.context import SBContext
from qa2docs.validate.report import Finding
from qa2docs.validate.rules import rule

_ACHIEVED = re.compile(r"^\s*Achieved\b(?P<what>[^:]*):\s*(?P<value>.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    """A number as written, and where."""

    text: str
    document: str
    line: int | None


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
