"""``qa2docs batch``: regenerate every QA2 report under a folder, skipping SBs that did not change."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("root", type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="SB roots regenerated at once (a process pool).")
@click.option("--html", "html", is_flag=True, help="Only the HTML reports.")
@click.option("--pdf", "pdf", is_flag=True, help="Only the PDF reports.")
@click.option("--force", is_flag=True, help="Regenerate even the SB roots that are up to date.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run on the workers of this dask.distributed scheduler (tcp://host:8786) "
                   "instead of --jobs; needs pip install 'qa2docs[dask]', and the workers "
                   "must see the same paths. $QA2DOCS_DASK_TIMEOUT: seconds to wait for "
                   "the scheduler (default 10).")
def batch(root, jobs, html, pdf, force, dask_address):
    """Regenerate the QA2 reports of every SB root (folder with qa2docs.yaml) under ROOT.

    Incremental: an SB root whose checklists, qa2docs.yaml, README.header.txt, EB input
    files and calibrated/ entries did not change since its last batch run (mtimes kept in
    <SB root>/.qa2docs/batch.json) and whose reports are still there is skipped. A failing
    SB root is reported in one line and the others go on; the exit status is 1 if any
    failed. Input problems (a link pointing nowhere, a FIFO, an unreadable listobs or ASDM
    table, a garbage casa log, no calibration script: validate's rules QA2401-QA2404) are
    listed one a line and counted in the summary; they do not change the exit status. A
    progress bar is shown on a terminal.

    \b
    Examples:
        qa2docs batch /analysis/me --jobs 4
        qa2docs batch /analysis --dask tcp://scheduler:8786
    """
    from qa2docs.workflow.batch import run_batch, sb_roots

    if not (html or pdf):
        html = pdf = True
    roots = sb_roots(root)
    if not roots:
        click.echo(f"{root}: no SB root (qa2docs.yaml) below it; nothing to do")
        return
    failed: list[str] = []
    problems: list[str] = []

    def report_failure(outcome) -> None:
        if outcome.status == "failed":
            where = "" if str(outcome.root.resolve()) in outcome.message else f"{outcome.root}: "
            failed.append(f"qa2docs: failed: {where}{outcome.message}")
        problems.extend(f"qa2docs: input problem: {p}" for p in outcome.problems)

    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("regenerating reports", total=len(roots))

            def on_done(outcome) -> None:
                report_failure(outcome)
                progress.console.print(f"{outcome.status}: {outcome.root.name}")
                progress.advance(task)

            outcomes = run_batch(roots, jobs, html, pdf, force, on_done, dask_address)
    else:
        outcomes = run_batch(roots, jobs, html, pdf, force, report_failure, dask_address)
    for line in failed + problems:
        click.echo(line, err=True)
    counts = {s: sum(1 for o in outcomes if o.status == s)
              for s in ("regenerated", "skipped", "failed")}
    broken = sum(1 for o in outcomes if o.problems)
    click.echo(f"batch: {counts['regenerated']} regenerated, {counts['skipped']} up to date, "
               f"{counts['failed']} failed, {broken} with input problems "
               f"({len(problems)} problem(s)), of {len(roots)} SB root(s)")
    if failed:
        sys.exit(1)
