"""QA2 reports: one HTML (and PDF) page per EB and one per SB.

``make_reports(path)`` discovers the SB, extracts the facts of each EB, reads the checklists,
validates (when :mod:`qa2docs.validate.run` is there) and renders ``templates/html/*`` (and
``templates/pdf/*`` through WeasyPrint) into the SB root's ``qa2/`` folder. The report
context is plain data (dataclasses, dicts, lists): templates get no files and no models
they would have to query.

WeasyPrint and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qa2docs import __version__
from qa2docs.answers.merge import State
from qa2docs.collect.extraction import eb_facts, extraction_scope
from qa2docs.discover.layout import SBLayout, discover, load_project_of
from qa2docs.documents.checklist_text import reading_scope
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import trace_worker
from qa2docs.render.html import ImageResolver, render_html, write_html
from qa2docs.report.eb import eb_context
from qa2docs.report.plots import FluxFigure
from qa2docs.report.printing import print_context
from qa2docs.report.rows import REPORT_DIR, eb_report_name, run_validation, sb_report_name
from qa2docs.report.sb import sb_context

log = logging.getLogger(__name__)

__all__ = ["REPORT_DIR", "make_reports", "print_pdfs"]


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
    # validation and pages share each dir's facts and each checklist's parse
    with extraction_scope(), reading_scope():
        return _make_reports(Path(path), html, pdf, out_dir, now, jobs)


def _make_reports(path: Path, html: bool, pdf: bool, out_dir: Path | str | None,
                  now: datetime | None, jobs: int) -> list[Path]:
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
    validation = run_validation(sb, project)
    images = ImageResolver(sb.root, out)
    one_eb = _selects_one_eb(path, sb)
    ebs = sb.selected if one_eb else sb.ebs
    written: list[Path] = []
    prints: list[PdfJob] = []
    factsets, pages = [eb_facts(eb) for eb in sb.ebs], {}
    figure = FluxFigure(sb, factsets)  # drawn once, for every page
    sb_link = sb_report_name(sb, "html")
    for eb, fs in zip(sb.ebs, factsets):
        if eb not in ebs:
            continue
        ctx = eb_context(sb, eb, fs, project, state, validation, images, figure)
        ctx.update(common, sb_link=sb_link if (out / sb_link).exists() or not one_eb else None)
        pages[eb.uid] = ctx
        written += _write(ctx, "eb_report", out / eb_report_name(eb, "html"), html, pdf,
                          sb.root, prints)
    if not one_eb:
        links = {eb.uid: eb_report_name(eb, "html") for eb in sb.ebs}
        ctx = sb_context(sb, factsets, pages, project, state, validation, links, figure)
        ctx.update(common)
        written += _write(ctx, "sb_report", out / sb_report_name(sb, "html"), html, pdf,
                          sb.root, prints)
    print_pdfs(prints, jobs)
    return written


PDF_GALLERY_MAX = 4
"""Plots shown per checklist item in the PDF (the HTML report shows them all): each costs
WeasyPrint an image to decode and lay out."""
PDF_THUMB_PX = 320
"""Longest side of a plot in the PDF, in pixels: ~180 dpi at the printed 45 mm."""

PdfJob = tuple[str, Path, Path, Path, str]
"""What one PDF needs: its HTML text, its path, the folder URLs resolve from, the SB root,
its stylesheet (``pdf/styles.css.j2``: WeasyPrint parses it once per process)."""


def _write(ctx: dict[str, Any], name: str, html_path: Path, html: bool, pdf: bool,
           root: Path, prints: list[PdfJob]) -> list[Path]:
    """Write the HTML report now; queue the PDF in *prints*. The paths, HTML first."""
    written = []
    if html:
        written.append(write_html(html_path, render_html(f"html/{name}.html.j2", pdf=False, **ctx)))
    if pdf:
        pdf_path = html_path.with_suffix(".pdf")
        ctx = print_context(ctx, PDF_GALLERY_MAX, PDF_THUMB_PX)
        prints.append((render_html(f"pdf/{name}.pdf.j2", pdf=True, **ctx), pdf_path,
                       html_path.parent, root, render_html("pdf/styles.css.j2")))
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
    for (_, pdf_path, *_), warnings in zip(prints, results):
        for warning in warnings:
            log.warning("%s: %s", pdf_path.name, warning)


def _print_one(job: PdfJob) -> list[str]:
    from qa2docs.render.pdf import write_pdf

    trace_worker(f"pdf:{job[1].name}")
    return write_pdf(*job)


def _can_fork() -> bool:
    """Fork is safe from a single-threaded process on a platform that has it."""
    return (sys.platform == "linux" and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())
