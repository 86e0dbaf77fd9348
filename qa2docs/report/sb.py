"""The SB report page: the EBs side by side, the flux comparison, imaging, README."""

from __future__ import annotations

from typing import Any

from qa2docs.answers.merge import State
from qa2docs.answers.sb import sb_proposals
from qa2docs.collect.extraction import sb_facts
from qa2docs.collect.factset import FactSet
from qa2docs.discover.layout import SBLayout
from qa2docs.models import Project, ReadmeHeader
from qa2docs.models.layout import README_FIELDS
from qa2docs.report.plots import FluxFigure, flux_comparison, fluxcal_pivot
from qa2docs.report.rows import (Validation, checklist_rows, extraction_warnings, fact_value,
                                 project_info, read_doc)


def sb_context(sb: SBLayout, factsets: list[FactSet], eb_pages: dict[str, dict[str, Any]],
               project: Project | None, state: State, validation: Validation,
               links: dict[str, str], figure: FluxFigure) -> dict[str, Any]:
    """Everything the SB report template shows, as plain data."""
    from qa2docs.models import SBChecklist

    problems: list[str] = []
    sfs = sb_facts(sb)
    doc = read_doc(sb.sb_checklist, "sb", problems)
    rows = checklist_rows(doc, SBChecklist.layout, state.base(sb.sb_checklist.name),
                          sb_proposals(sb, sfs, factsets, project), {})
    readme = read_doc(sb.readme, "readme", problems) if sb.readme.is_file() else None
    comparison = flux_comparison(figure, factsets, project)
    facts = sfs.facts
    summary = []
    for eb in sb.ebs:
        page = eb_pages[eb.uid]
        counts: dict[str, int] = {}
        for f in page["validation"]["findings"]:
            counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
        rows_eb = page["rows"]
        summary.append({"uid": eb.uid, "short": eb.short, "href": links.get(eb.uid),
                        "header": page["header"], "findings": counts,
                        "answered": sum(r.status in ("answered", "conflict") for r in rows_eb),
                        "to_check": sum(r.status == "check" for r in rows_eb),
                        "conflicts": sum(r.status == "conflict" for r in rows_eb)})
    readme_model = readme.model if readme is not None else None
    return {
        "kind": "sb",
        "title": f"QA2 report {sb.name}",
        "project": project_info(project, {r.id: r.answer for r in rows if r.kind == "header"}),
        "sb_name": sb.name,
        "summary": summary,
        "comparison": comparison,
        "fluxcal": fluxcal_pivot(fact_value(facts, "fluxcal.table", []) or []),
        "imaging": {k.removeprefix("imaging."): f.value for k, f in facts.items()
                    if k.startswith("imaging.")},
        "achieved": achieved(fact_value(facts, "imaging.rms", []) or [],
                             fact_value(facts, "imaging.beam", []) or []),
        "requested": [(r.label, r.answer) for r in rows if r.kind == "header" and r.answer
                      and r.id in ("requested_sensitivity", "requested_resolution")],
        "rows": rows,
        "readme": _readme_fields(readme_model),
        "readme_comments": readme_model.comments if isinstance(readme_model, ReadmeHeader) else "",
        "validation": {"available": validation.available, "error": validation.error,
                       "findings": validation.for_sb(sb)},
        "problems": problems + extraction_warnings(sfs, sb.root),
    }


def achieved(rms: list[dict], beams: list[dict]) -> list[dict]:
    """The imaging script's result comments, one row per image: rms and beam side by side
    when the script gives both for the same images in the same order, else one row each."""
    if len(rms) == len(beams) and all(r.get("image") == b.get("image") for r, b in zip(rms, beams)):
        return [{"image": r.get("image"), "line": r.get("line"), "rms": r, "beam": b}
                for r, b in zip(rms, beams)]
    rows = [{"image": r.get("image"), "line": r.get("line"), "rms": r, "beam": None} for r in rms]
    rows += [{"image": b.get("image"), "line": b.get("line"), "rms": None, "beam": b} for b in beams]
    return sorted(rows, key=lambda r: r["line"] or 0)


def _readme_fields(model: Any) -> list[tuple[str, str]]:
    if not isinstance(model, ReadmeHeader):
        return []
    return [(label, getattr(model, fid)) for fid, label, since in README_FIELDS
            if model.form >= since]
