"""``qa2docs report``: HTML and PDF QA2 reports for an EB or an SB."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=".")
@click.option("--html", "html", is_flag=True, help="Write the HTML reports.")
@click.option("--pdf", "pdf", is_flag=True, help="Write the PDF reports (WeasyPrint).")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into [default: the SB root's qa2/].")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="PDFs printed at once (WeasyPrint takes seconds per report).")
def report(path, html, pdf, out_dir, jobs):
    """Write the QA2 report of an EB, or of every EB and the SB for the SB root.

    Without --html or --pdf both formats are written. The HTML is one self-contained file
    (opens from disk, no network); the PDF is printed from the same templates.

    \b
    Example:
        qa2docs report B6_IRAS12345 --html
        qa2docs report B6_IRAS12345 --jobs 2
        qa2docs report B6_IRAS12345/B6_IRAS12345/X66d --pdf -o /tmp/qa2
    """
    from qa2docs.report.build import make_reports

    if not (html or pdf):
        html = pdf = True
    for written in make_reports(path, html=html, pdf=pdf, out_dir=out_dir, jobs=jobs):
        click.echo(f"wrote {_rel(written)}")


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)
