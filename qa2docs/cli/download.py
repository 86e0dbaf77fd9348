"""``qa2docs download``: the seed's qa2_download, ASDM tars from ESO's page into the SB folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


@click.command()
@click.argument("url")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), help="Folder to download into [default: current folder].")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Extra attempts after a network error (each resumes where it stopped).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds to wait for the server before a network error; a transfer "
                   "bringing less than 1 KiB/s over that many seconds is one too.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="ASDM tars downloaded at once.")
def download(url: str, out_dir: Path, retries: int, timeout: float, jobs: int) -> None:
    """Download the ASDM tars a web page links to, check their md5 and untar them (qa2_download).

    URL is the page from ESO's mail. Every uid___*.tar (.tar.gz, .tgz) it links to is
    downloaded with the md5 file (md5sums.txt or *.md5), checked, and extracted into its
    uid___* folder; a tar whose md5 differs is deleted. Downloads resume: an interrupted
    one is kept as <name>.part and continued by the next run; tars already verified are
    skipped unless their size or time changed since (then their md5 is checked again). A tar
    with an absolute path, '..', or a link leading out is refused, and so is a symbolic link
    (or any non-regular file) at <name> or <name>.part: it is never followed. Exit 1 if a
    tar failed its md5 check or was refused, 2 if the page or the network failed.

    \b
    Example:
        mkdir -p archive/B6_IRAS12345 && cd archive/B6_IRAS12345
        qa2docs download http://almascience.eso.org/arcdistribution/qa2-for-nodes/2a599e929r9d9w
    """
    from qa2docs.workflow.download.run import run_download

    def report(outcome) -> None:
        if outcome.status == "failed":
            click.echo(f"qa2docs: error: {outcome.message}", err=True)
            return
        what = f"{outcome.status}: {outcome.name} ({_size(outcome.size)})"
        what += ", md5 ok" if outcome.verified else ", md5 not checked"
        if outcome.folder:
            what += (", extracted " if outcome.extracted else ", present ") + outcome.folder
        click.echo(what)

    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                   TransferSpeedColumn)

        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                   TransferSpeedColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            tasks: dict[str, int] = {}

            def progress(name: str, done: int, total: int | None) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done, total=total)

            result = run_download(url, out_dir, retries, progress, report, timeout, jobs)
    else:
        result = run_download(url, out_dir, retries, None, report, timeout, jobs)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for outcome in result.outcomes:
        if outcome.message and outcome.status != "failed":
            click.echo(f"warning: {outcome.message}", err=True)
    ok = len(result.outcomes) - len(result.failed)
    click.echo(f"download: {ok} of {len(result.outcomes)} ASDM tar(s) ready in {out_dir}"
               + (f"; md5 file(s): {', '.join(result.md5_files)}" if result.md5_files else ""))
    if result.failed:
        sys.exit(1)
