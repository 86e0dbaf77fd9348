"""``qa2docs clear``: the seed's qa2_clear, a fresh start in an EB dir or calibrated/."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qa2docs.errors import Qa2DocsError


@click.command()
@click.argument("eb_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def clear(eb_dir: Path, yes: bool, dry_run: bool) -> None:
    """Delete a run's outputs, keeping what a rerun needs (qa2_clear).

    In an EB dir, keeps the ASDM (uid___* folder or link) and the *.scriptForCalibration.py.
    In the SB's calibrated/ dir, keeps *fluxscale, *split.cal, scriptForFluxCalibration.py
    and scriptForImaging.py. Everything else goes; links are removed, never followed.
    Asks 'Continue? (y/[N])' unless --yes; without a terminal to ask on, --yes is needed.

    \b
    Example:
        cd B6_IRAS12345/B6_IRAS12345/X66d && qa2docs clear
        qa2docs clear B6_IRAS12345/B6_IRAS12345/calibrated --dry-run
    """
    from qa2docs.workflow.housekeeping import apply_clear, plan_clear

    plan = plan_clear(eb_dir)
    click.echo("Keeping the following files:")
    for name in plan.keep or ["(nothing)"]:
        click.echo(f" - {name}")
    if dry_run:
        click.echo("Would delete:" if plan.delete else "Nothing to delete.")
        for name in plan.delete:
            click.echo(f" - {name}")
        return
    if not plan.delete:
        click.echo("Nothing to delete.")
        return
    if not yes:
        if not sys.stdin or not sys.stdin.isatty():
            raise Qa2DocsError(f"{eb_dir}: would delete {len(plan.delete)} entries but there is "
                               "no terminal to ask 'Continue?'; pass --yes (or --dry-run)")
        click.echo("Continue? (y/[N]) ", nl=False)
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            click.echo("Nothing deleted.")
            raise SystemExit(1)
    click.echo("Deleting files ... ", nl=False)
    count = apply_clear(plan)
    click.echo(f"done ({count} removed)")
