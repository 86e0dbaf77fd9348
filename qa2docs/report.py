"""QA2 reports: one HTML (and PDF) page per EB and one per SB.

``make_reports(path)`` discovers the SB, extracts the facts of each EB, reads the checklists,
validates (when :mod:`qa2docs.validate` is there) and renders ``templates/html/*`` (and
``templates/pdf/*`` through WeasyPrint) into the SB root's ``qa2/`` folder. The report
context is plain data (dataclasses, dicts, lists): templates get no files and no models
they would have to query.

WeasyPrint and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from qa2docs import __version__
from qa2docs.answers import eb_proposals
from qa2docs.api import FactSet, eb_facts, load_project_of, sb_facts
from qa2docs.checklist_text import ParsedDocument, read_document
from qa2docs.discover import EBInfo, SBLayout, discover
from qa2docs.errors import Qa2DocsError
from qa2docs.facts import Fact, Provenance
from qa2docs.merge import Proposal, State, current_answer, disagreements, written_by_qa2docs
from qa2docs.models import Project, ReadmeHeader
from qa2docs.models.common import ASDM_UID_RE, short_id
from qa2docs.models.layout import README_FIELDS, Element
from qa2docs.render.html import Image, ImageResolver, data_uri, render_html, write_html

log = logging.getLogger(__name__)

REPORT_DIR = "qa2"
#: Thumbnails shown per checklist item; further plots are listed as links.
MAX_THUMBS = 12
_PARTS = {"header": ("value",), "field": ("value",), "paste": ("text",), "section": ("done",),
          "yesno": ("answer", "value", "comment"), "check": ("answer", "value", "comment")}


def eb_report_name(eb: EBInfo, ext: str) -> str:
    """``qa2_report_<uid>.html`` / ``.pdf``."""
    return f"qa2_report_{eb.uid}.{ext}"


def sb_report_name(sb: SBLayout, ext: str) -> str:
    """``qa2_report_<SB>.html`` / ``.pdf``."""
    return f"qa2_report_{sb.name}.{ext}"


# ---------------------------------------------------------------------------- checklist rows


@dataclass
class Row:
    """One checklist element as the report shows it."""

    id: str
    label: str
    kind: str
    answer: str = ""
    """Readable answer: ``Yes``, ``No``, ``Yes and No``, ``checked``, the value text..."""
    value: str = ""
    """Inline value of an item (e.g. the REFANT name) with its label."""
    comment: str = ""
    """The reducer's comment (Markdown)."""
    setter: str = ""
    """``files`` (qa2docs filled it from the reduction files), ``person`` or empty."""
    status: str = "empty"
    """empty | answered | check (a person's tick still missing) | conflict."""
    files_say: str = ""
    """What the files say, when a person's answer differs."""
    evidence: list[Provenance] = field(default_factory=list)
    plots: int = 0
    line: int | None = None


def _readable(el: Element, current: dict[str, str]) -> tuple[str, str]:
    if el.kind in ("yesno", "check"):
        answer = {"yes": "Yes", "no": "No", "both": "Yes and No", "x": "checked"}.get(
            current.get("answer", ""), "")
        value = current.get("value", "")
        return answer, (f"{el.inline} {value}".strip() if value else "")
    if el.kind == "section":
        return ("done" if current.get("done") else ""), ""
    return current.get("value", current.get("text", "")), ""


def checklist_rows(doc: ParsedDocument | None, layout: Iterable[Element], base: dict[str, str],
                   proposals: list[Proposal], plots: dict[str, list[str]]) -> list[Row]:
    """The checklist item by item: answer, who set it, what the files say, the evidence."""
    by_element: dict[str, list[Proposal]] = {}
    for prop in proposals:
        by_element.setdefault(prop.element, []).append(prop)
    rows = []
    for el in layout:
        if not el.answers:
            continue
        props = by_element.get(el.id, [])
        current = {p: _current(doc, el.id, p) for p in _PARTS[el.kind]}
        answer, value = _readable(el, current)
        row = Row(el.id, el.label, el.kind, answer, value, current.get("comment", ""),
                  line=doc.line_of(el.id) if doc else None,
                  evidence=_unique(pr for p in props for pr in p.provenance),
                  plots=len(plots.get(el.id, [])))
        by_tool = written_by_qa2docs(el.id, {p: v for p, v in current.items() if p != "comment"},
                                     base)
        if by_tool is not None:
            row.setter = "files" if by_tool else "person"
            row.status = "answered"
            differ = disagreements(current, props, base)
            if differ and not by_tool:
                row.status = "conflict"
                row.files_say = "; ".join(f"{p.part}: {p.value}" for p in differ)
        elif el.kind == "check" or (el.kind == "yesno" and el.label.startswith("checked")):
            row.status = "check"
        rows.append(row)
    return rows


def _current(doc: ParsedDocument | None, element: str, part: str) -> str:
    if doc is None:
        return ""
    try:
        return str(current_answer(doc, element, part) or "")
    except KeyError:  # a line the person deleted
        return ""


def _unique(provs: Iterable[Provenance]) -> list[Provenance]:
    seen, out = set(), []
    for pr in provs:
        key = (pr.file, pr.line, pr.extractor)
        if key not in seen:
            seen.add(key)
            out.append(pr)
    return out


def _read_doc(path: Path, kind: str, problems: list[str]) -> ParsedDocument | None:
    if not path.is_file():
        problems.append(f"{path.name}: not found (run qa2docs start / fill)")
        return None
    try:
        return read_document(path, kind)  # type: ignore[arg-type]
    except Qa2DocsError as err:
        problems.append(str(err))
        return None


# ---------------------------------------------------------------------------- validation


@dataclass
class Validation:
    """Validation findings, or why there are none."""

    available: bool
    findings: list[Any] = field(default_factory=list)
    error: str = ""

    def for_eb(self, eb: EBInfo) -> list[Any]:
        """Findings about one EB (its checklist or its files)."""
        return [f for f in self.findings if getattr(f, "eb", None) == eb.uid
                or Path(str(getattr(f, "document", "") or "")).name == eb.checklist.name]

    def for_sb(self, sb: SBLayout) -> list[Any]:
        """Findings not about one EB."""
        return [f for f in self.findings if not any(f in self.for_eb(eb) for eb in sb.ebs)]


def run_validation(root: Path) -> Validation:
    """``qa2docs.validate.validate_path`` when this copy has it; never fails the report."""
    try:
        from qa2docs.validate import validate_path
    except ImportError:
        return Validation(False, error="validation not available in this copy of qa2docs")
    try:
        report = validate_path(root)
    except Qa2DocsError as err:
        return Validation(False, error=f"validation failed: {err}")
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(report.findings, key=lambda f: (order.get(str(f.severity), 3),
                                                      str(f.document), f.line or 0))
    return Validation(True, findings)


# ---------------------------------------------------------------------------- plots


def _figure(width: float = 6.4, height: float = 3.4):
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "qa2docs"  # stable ids in the SVG
    matplotlib.rcParams["svg.fonttype"] = "none"
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def _svg(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "qa2docs"})
    return data_uri(buf.getvalue(), "image/svg+xml")


def _log_scale_if_wide(ax, values: list[float]) -> None:
    """Calibrators of very different brightness share a plot only on a log axis."""
    positive = [v for v in values if v and v > 0]
    if positive and max(positive) / min(positive) > 3:
        from matplotlib.ticker import FormatStrFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(FormatStrFormatter("%g"))


def flux_plot(flux_densities: list[dict], fitted: list[dict]) -> Image:
    """Flux density vs frequency per source, with the fitted spectrum (an inlined SVG)."""
    points = [r for r in flux_densities if r.get("freq_hz") and r.get("flux_jy") is not None]
    if not points:
        return Image("flux vs frequency", missing="no fluxscale result with a frequency to plot")
    try:
        fig, ax = _figure()
    except ImportError as err:
        return Image("flux vs frequency", missing=f"matplotlib not available ({err})")
    sources = sorted({r["source"] for r in points})
    for i, src in enumerate(sources):
        rows = [r for r in points if r["source"] == src]
        colour = f"C{i % 10}"
        ax.errorbar([r["freq_hz"] / 1e9 for r in rows], [r["flux_jy"] for r in rows],
                    yerr=[r.get("error_jy") or 0 for r in rows], fmt="o", color=colour,
                    label=src, capsize=3)
        fit = next((f for f in fitted if f.get("source") == src), None)
        if fit and fit.get("ref_freq_hz") and fit.get("flux_jy") is not None:
            lo = min(r["freq_hz"] for r in rows) * 0.98
            hi = max(r["freq_hz"] for r in rows) * 1.02
            xs = [lo + (hi - lo) * k / 50 for k in range(51)]
            alpha = fit.get("spidx") or 0.0
            ax.plot([x / 1e9 for x in xs],
                    [fit["flux_jy"] * (x / fit["ref_freq_hz"]) ** alpha for x in xs],
                    "-", color=colour, alpha=0.6,
                    label=f"{src} fit: {fit['flux_jy']:.3g} Jy, α = {alpha:.2f}")
    _log_scale_if_wide(ax, [r["flux_jy"] for r in points])
    ax.set_xlabel("Frequency (GHz)")
    ax.set_ylabel("Flux density (Jy)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return Image("flux vs frequency", src=_svg(fig))


def flux_comparison(sb: SBLayout, factsets: list[FactSet], sfs: FactSet,
                    project: Project | None) -> dict[str, Any]:
    """The cross-EB flux comparison of :mod:`qa2docs.fluxcompare` (the numbers validate and
    the SB checklist use), as table rows and the seed's comparison figure."""
    import math

    from qa2docs.fluxcompare import (compare_fitted_spectra, compare_flux_densities,
                                     plot_flux_comparison)
    from qa2docs.validation.flux import per_eb_fluxes
    from qa2docs.validation.tolerances import load_tolerances

    per_eb = per_eb_fluxes(list(zip(sb.ebs, factsets)), sfs.facts)
    labels = list(per_eb)
    bands = sorted({int(b) for fs in factsets for b in _value(fs.facts, "bands", []) or []})
    tol = load_tolerances(project.effective_cycle if project else None)
    spread = tol.flux_spread(bands) if bands else None
    limit = spread[0] if spread else math.inf
    rows = []
    for r in compare_flux_densities(per_eb, limit) + compare_fitted_spectra(per_eb, limit):
        devs = [abs(x - 1) for x in r.ratios.values()]
        rows.append({"source": r.source, "spw": "fit" if r.spw is None else r.spw,
                     "freq_hz": r.freq_hz,
                     "fluxes": [v.flux_jy if (v := r.values.get(eb)) else None for eb in labels],
                     "mean": r.mean_jy, "weighting": r.weighting,
                     "dev_pct": 100 * max(devs) if len(devs) > 1 else None,
                     "flagged": r.flagged})
    plot = Image("flux comparison", missing="no EB has a fluxscale result to compare")
    if any(r["mean"] is not None for r in rows):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            svg = plot_flux_comparison(per_eb, Path(tmp) / "comparison.svg")
            plot = Image("flux comparison", src=data_uri(svg.read_bytes(), "image/svg+xml"))
    return {"labels": labels, "rows": rows, "plot": plot,
            "tolerance": (f"{100 * limit:.0f} % for Band {'/'.join(map(str, bands))} "
                          f"({tol.cite(spread[1])})") if spread else None}


def fluxcal_pivot(table: list[dict]) -> dict[str, Any]:
    """scriptForFluxCalibration's per-EB table as one row per (field, spw): each EB's own
    value and the value set for all."""
    ebs: list[str] = []
    rows: dict[tuple, dict] = {}
    for r in table:
        eb = str(r.get("eb") or r.get("vis") or "?")
        if eb not in ebs:
            ebs.append(eb)
        row = rows.setdefault((str(r.get("field")), r.get("spw")), {
            "field": r.get("field"), "spw": r.get("spw"), "freq_hz": r.get("freq_hz"),
            "set_jy": r.get("mean_flux_jy"), "by_eb": {}})
        row["by_eb"][eb] = r.get("flux_jy")
    labels = [short_id(e) if ASDM_UID_RE.match(e) else e for e in ebs]
    ordered = sorted(rows.values(), key=lambda r: (str(r["field"]), r["spw"] if r["spw"] is not None else -1))
    return {"ebs": ebs, "labels": labels,
            "rows": [{**r, "values": [r["by_eb"].get(e) for e in ebs]} for r in ordered]}


# ---------------------------------------------------------------------------- EB context


def _value(facts: dict[str, Fact], fid: str, default: Any = None) -> Any:
    fact = facts.get(fid)
    return default if fact is None else fact.value


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
    messages = _value(facts, "log.messages")
    if messages is None:
        return {"found": False}
    titles = {s.get("number"): s.get("title") for s in _value(facts, "log.steps", []) or []}
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
               state: State, validation: Validation, images: ImageResolver) -> dict[str, Any]:
    """Everything the EB report template shows, as plain data."""
    from qa2docs.models import EBChecklist

    problems: list[str] = []
    doc = _read_doc(eb.checklist, "eb", problems)
    facts = fs.facts
    plots = {fid.removeprefix("plots."): f.value for fid, f in facts.items()
             if fid.startswith("plots.")}
    rows = checklist_rows(doc, EBChecklist.layout, state.base(eb.checklist.name),
                          eb_proposals(facts, project, eb.uid), plots)
    header_answers = {r.id: r.answer for r in rows if r.kind == "header"}
    obs = _value(facts, "observation", {}) or {}
    fluxes = _value(facts, "flux_densities", []) or []
    fitted = _value(facts, "fitted_spectra", []) or []
    scans = _value(facts, "scans", []) or []
    return {
        "kind": "eb",
        "title": f"QA2 report {sb.name} {eb.uid}",
        "project": _project_info(project, header_answers),
        "sb_name": sb.name,
        "eb": {"uid": eb.uid, "short": eb.short, "dir": _rel(eb.dir, sb.root),
               "checklist": eb.checklist.name},
        "header": {
            "start": obs.get("start") or "",
            "end": obs.get("end") or "",
            "elapsed_s": obs.get("total_elapsed_s"),
            "on_source": obs.get("on_source_s") or {},
            "pwv_mm": (_value(facts, "pwv") or {}).get("median_mm"),
            "pwv_limit_mm": (_value(facts, "science_goal") or {}).get("max_pwv_mm"),
            "good_antennas": _value(facts, "good_antennas"),
            "antennas": _value(facts, "antennas", []) or [],
            "flagged_antennas": _value(facts, "flagged_antennas", []) or [],
            "array": _value(facts, "array"),
            "bands": _value(facts, "bands", []) or [],
            "correlator_mode": _value(facts, "correlator_mode"),
            "casa_version": _value(facts, "casa_version"),
            "analysisutils_version": _value(facts, "analysisutils_version"),
            "configuration": _value(facts, "configuration"),
        },
        "fields_by_intent": _value(facts, "fields_by_intent", {}) or {},
        "spws": _value(facts, "spws", []) or [],
        "scans": scans,
        "scan_dates": sorted({str(s.get("start", ""))[:10] for s in scans}),
        "rows": rows,
        "validation": {"available": validation.available, "error": validation.error,
                       "findings": validation.for_eb(eb)},
        "fluxes": fluxes,
        "fitted": fitted,
        "flux_plot": flux_plot(fluxes, fitted),
        "gallery": _gallery(eb, facts, images),
        "log": _log_by_step(facts),
        "problems": problems + _warnings(fs, sb.root),
    }


def _warnings(fs: FactSet, root: Path) -> list[str]:
    """Extraction warnings with paths relative to the SB root (no machine paths in a report)."""
    out = []
    for w in fs.warnings:
        path = Path(w.path)
        where = _rel(path, root) if path.is_absolute() else w.path
        out.append(f"{where}:{w.line or '?'}: {w.message}")
    return out


def _project_info(project: Project | None, answers: dict[str, str]) -> dict[str, Any]:
    if project is None:
        return {"code": answers.get("project_code", ""), "pi": answers.get("pi", ""),
                "contact": answers.get("contact_scientist", ""), "reducer": "", "title": "",
                "jira": []}
    return {"code": project.project_code, "pi": project.pi, "contact": project.contact_scientist,
            "reducer": project.reducer, "title": project.project_title,
            "jira": list(project.jira)}


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------- SB context


def sb_context(sb: SBLayout, factsets: list[FactSet], eb_pages: dict[str, dict[str, Any]],
               project: Project | None, state: State, validation: Validation,
               links: dict[str, str]) -> dict[str, Any]:
    """Everything the SB report template shows, as plain data."""
    from qa2docs.models import SBChecklist
    from qa2docs.sb_answers import sb_proposals

    problems: list[str] = []
    sfs = sb_facts(sb)
    doc = _read_doc(sb.sb_checklist, "sb", problems)
    rows = checklist_rows(doc, SBChecklist.layout, state.base(sb.sb_checklist.name),
                          sb_proposals(sb, sfs, factsets, project), {})
    readme = _read_doc(sb.readme, "readme", problems) if sb.readme.is_file() else None
    comparison = flux_comparison(sb, factsets, sfs, project)
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
        "project": _project_info(project, {r.id: r.answer for r in rows if r.kind == "header"}),
        "sb_name": sb.name,
        "summary": summary,
        "comparison": comparison,
        "fluxcal": fluxcal_pivot(_value(facts, "fluxcal.table", []) or []),
        "imaging": {k.removeprefix("imaging."): f.value for k, f in facts.items()
                    if k.startswith("imaging.")},
        "achieved": achieved(_value(facts, "imaging.rms", []) or [],
                             _value(facts, "imaging.beam", []) or []),
        "requested": [(r.label, r.answer) for r in rows if r.kind == "header" and r.answer
                      and r.id in ("requested_sensitivity", "requested_resolution")],
        "rows": rows,
        "readme": _readme_fields(readme_model),
        "readme_comments": readme_model.comments if isinstance(readme_model, ReadmeHeader) else "",
        "validation": {"available": validation.available, "error": validation.error,
                       "findings": validation.for_sb(sb)},
        "problems": problems + _warnings(sfs, sb.root),
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


# ---------------------------------------------------------------------------- entry point


def _selects_one_eb(path: Path, sb: SBLayout) -> bool:
    resolved = path.resolve()
    return any(resolved == eb.dir.resolve() or eb.dir.resolve() in resolved.parents
               or resolved == eb.checklist.resolve() for eb in sb.ebs)


def make_reports(path: Path | str, html: bool = True, pdf: bool = True,
                 out_dir: Path | str | None = None, now: datetime | None = None,
                 jobs: int = 1) -> list[Path]:
    """Write the QA2 reports for *path*: its EB's report, or for an SB root every EB's and the
    SB's.

    Args:
        path: an EB dir (or a path inside it, or its checklist) or the SB root.
        html: write ``qa2_report_*.html``.
        pdf: write ``qa2_report_*.pdf`` (WeasyPrint).
        out_dir: output folder; default the SB root's ``qa2/``.
        now: the time stamped in the reports (tests pass a fixed one).
        jobs: PDFs printed at once (WeasyPrint takes seconds per report; processes).

    Returns:
        The paths written, EB reports first.
    """
    path = Path(path)
    sb = discover(path)
    if not sb.ebs:
        raise Qa2DocsError(f"{sb.root}: no EB directories under {sb.work}; nothing to report")
    if not (html or pdf):
        html = pdf = True
    out = Path(out_dir) if out_dir is not None else sb.root / REPORT_DIR
    out.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    common = {"generated": stamp, "version": __version__}
    project = load_project_of(sb)
    state = State(sb.state_dir)
    validation = run_validation(sb.root)
    images = ImageResolver(sb.root, out)
    one_eb = _selects_one_eb(path, sb)
    ebs = sb.selected if one_eb else sb.ebs
    written: list[Path] = []
    prints: list[PdfJob] = []
    factsets, pages = [], {}
    sb_link = sb_report_name(sb, "html")
    for eb in ebs:
        fs = eb_facts(eb)
        factsets.append(fs)
        ctx = eb_context(sb, eb, fs, project, state, validation, images)
        ctx.update(common, sb_link=sb_link if (out / sb_link).exists() or not one_eb else None)
        pages[eb.uid] = ctx
        written += _write(ctx, "eb_report", out / eb_report_name(eb, "html"), html, pdf,
                          sb.root, prints)
    if not one_eb:
        links = {eb.uid: eb_report_name(eb, "html") for eb in sb.ebs}
        ctx = sb_context(sb, factsets, pages, project, state, validation, links)
        ctx.update(common)
        written += _write(ctx, "sb_report", out / sb_report_name(sb, "html"), html, pdf,
                          sb.root, prints)
    print_pdfs(prints, jobs)
    return written


PdfJob = tuple[str, Path, Path, Path]
"""What one PDF needs: its HTML text, its path, the folder URLs resolve from, the SB root."""


def _write(ctx: dict[str, Any], name: str, html_path: Path, html: bool, pdf: bool,
           root: Path, prints: list[PdfJob]) -> list[Path]:
    """Write the HTML report now; queue the PDF in *prints*. The paths, HTML first."""
    written = []
    if html:
        written.append(write_html(html_path, render_html(f"html/{name}.html.j2", pdf=False, **ctx)))
    if pdf:
        pdf_path = html_path.with_suffix(".pdf")
        prints.append((render_html(f"pdf/{name}.pdf.j2", pdf=True, **ctx), pdf_path,
                       html_path.parent, root))
        written.append(pdf_path)
    return written


def print_pdfs(prints: list[PdfJob], jobs: int = 1) -> None:
    """Print the queued PDFs, *jobs* at a time in forked processes (WeasyPrint imported
    once, before the fork); WeasyPrint's warnings are logged here."""
    from qa2docs.render.pdf import load_weasyprint

    if jobs > 1 and len(prints) > 1 and _can_fork():
        load_weasyprint()  # the workers inherit it
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(prints)), mp_context=ctx) as pool:
            results = list(pool.map(_print_one, prints))
    else:
        results = [_print_one(job) for job in prints]
    for (_, pdf_path, _, _), warnings in zip(prints, results):
        for warning in warnings:
            log.warning("%s: %s", pdf_path.name, warning)


def _print_one(job: PdfJob) -> list[str]:
    from qa2docs.render.pdf import write_pdf

    return write_pdf(*job)


def _can_fork() -> bool:
    """Fork is safe from a single-threaded process on a platform that has it."""
    return (sys.platform == "linux" and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())
