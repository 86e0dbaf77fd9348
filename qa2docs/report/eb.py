"""The EB report page: its header facts, checklist, findings, fluxes, plots and log."""

from __future__ import annotations

from typing import Any

from qa2docs.answers.eb import eb_proposals
from qa2docs.answers.merge import State
from qa2docs.collect.factset import FactSet
from qa2docs.discover.layout import EBInfo, SBLayout
from qa2docs.models import Project
from qa2docs.models.facts import Fact
from qa2docs.render.html import Image, ImageResolver
from qa2docs.report.plots import FluxFigure
from qa2docs.report.rows import (Validation, checklist_rows, extraction_warnings, fact_value,
                                 project_info, read_doc, rel_path)

#: Thumbnails shown per checklist item; further plots are listed as links.
MAX_THUMBS = 12


def _gallery(eb: EBInfo, facts: dict[str, Fact], images: ImageResolver) -> list[dict]:
    items = []
    from qa2docs.models import EBChecklist

    labels = {el.id: el.label for el in EBChecklist.layout if el.answers}
    for fid in sorted(f for f in facts if f.startswith("plots.")):
        item = fid.removeprefix("plots.")
        paths = [str(p) for p in facts[fid].value or []]
        shown = [images.image(eb.dir / p, name=p) for p in paths[:MAX_THUMBS]]
        more = [Image(p, href=images.href(eb.dir / p)) for p in paths[MAX_THUMBS:]]
        items.append({"id": item, "label": labels.get(item, item), "images": shown,
                      "more": more})
    return items


def _log_by_step(facts: dict[str, Fact]) -> dict[str, Any]:
    messages = fact_value(facts, "log.messages")
    if messages is None:
        return {"found": False}
    titles = {s.get("number"): s.get("title") for s in fact_value(facts, "log.steps", []) or []}
    groups: dict[Any, list[dict]] = {}
    for m in messages.get("items", []):
        groups.setdefault(m.get("step"), []).append(m)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))
    fact = facts["log.messages"]
    return {"found": True, "counts": messages.get("counts", {}),
            "total": messages.get("total", 0), "shown": len(messages.get("items", [])),
            "file": fact.provenance[0].file if fact.provenance else "",
            "steps": [{"number": n, "title": titles.get(n, ""), "messages": ms}
                      for n, ms in ordered]}


def eb_context(sb: SBLayout, eb: EBInfo, fs: FactSet, project: Project | None,
               state: State, validation: Validation, images: ImageResolver,
               figure: FluxFigure) -> dict[str, Any]:
    """Everything the EB report template shows, as plain data; the flux plot is the SB's
    *figure* with this EB picked out."""
    from qa2docs.models import EBChecklist

    problems: list[str] = []
    doc = read_doc(eb.checklist, "eb", problems)
    facts = fs.facts
    plots = {fid.removeprefix("plots."): f.value for fid, f in facts.items()
             if fid.startswith("plots.")}
    rows = checklist_rows(doc, EBChecklist.layout, state.base(eb.checklist.name),
                          eb_proposals(facts, project, eb.uid), plots)
    header_answers = {r.id: r.answer for r in rows if r.kind == "header"}
    obs = fact_value(facts, "observation", {}) or {}
    fluxes = fact_value(facts, "flux_densities", []) or []
    fitted = fact_value(facts, "fitted_spectra", []) or []
    scans = fact_value(facts, "scans", []) or []
    return {
        "kind": "eb",
        "title": f"QA2 report {sb.name} {eb.uid}",
        "project": project_info(project, header_answers),
        "sb_name": sb.name,
        "eb": {"uid": eb.uid, "short": eb.short, "dir": rel_path(eb.dir, sb.root),
               "checklist": eb.checklist.name},
        "header": {
            "start": obs.get("start") or "",
            "end": obs.get("end") or "",
            "elapsed_s": obs.get("total_elapsed_s"),
            "on_source": obs.get("on_source_s") or {},
            "pwv_mm": (fact_value(facts, "pwv") or {}).get("median_mm"),
            "pwv_limit_mm": (fact_value(facts, "science_goal") or {}).get("max_pwv_mm"),
            "good_antennas": fact_value(facts, "good_antennas"),
            "antennas": fact_value(facts, "antennas", []) or [],
            "flagged_antennas": fact_value(facts, "flagged_antennas", []) or [],
            "array": fact_value(facts, "array"),
            "bands": fact_value(facts, "bands", []) or [],
            "correlator_mode": fact_value(facts, "correlator_mode"),
            "casa_version": fact_value(facts, "casa_version"),
            "analysisutils_version": fact_value(facts, "analysisutils_version"),
            "configuration": fact_value(facts, "configuration"),
        },
        "fields_by_intent": fact_value(facts, "fields_by_intent", {}) or {},
        "spws": fact_value(facts, "spws", []) or [],
        "scans": scans,
        "scan_dates": sorted({str(s.get("start", ""))[:10] for s in scans}),
        "rows": rows,
        "validation": {"available": validation.available, "error": validation.error,
                       "findings": validation.for_eb(eb)},
        "fluxes": fluxes,
        "fitted": fitted,
        "flux_plot": figure.for_eb(eb),
        "flux_others": [other for other in figure.per_eb if other != eb.short],
        "gallery": _gallery(eb, facts, images),
        "log": _log_by_step(facts),
        "problems": problems + extraction_warnings(fs, sb.root),
    }
