"""``qa2docs package ticket|hard``: the JIRA ticket files and the hard package (run_packaging.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("kind", type=click.Choice(["ticket", "hard"]))
@click.argument("sb_path", type=click.Path(path_type=Path), default=".")
@click.option("--force", is_flag=True,
              help="Package even when 'qa2docs validate' finds errors (says so).")
@click.option("--sg-ous", metavar="UID", help="hard: science goal OUS id [default: UNKNOWN].")
@click.option("--group-ous", metavar="UID", help="hard: group OUS id [default: UNKNOWN].")
@click.option("--member-ous", metavar="UID",
              help="hard: member OUS id [default: the ASDM's SBSummary obsUnitSetUID].")
def package(kind, sb_path, force, sg_ous, group_ous, member_ous):
    """Make the files to upload to the JIRA ticket, or the hard package (run_packaging.py).

    ticket: SB_ROOT/packaging/ticket/JIRA/<code>.<SB>.ticket.zip (checklists,
    README.header.txt, project_info.txt, the QA2 reports, the calibration and imaging
    scripts) and copies of the checklists next to it: upload all of JIRA/.

    hard: SB_ROOT/packaging/hard/<code>/science_goal.*/group.*/member.*/{script,qa,
    calibration,product,log,raw} with README.header.txt, data linked rather than copied,
    and packaging/hard/md5sums.txt. Then: qa2docs deliver --to DIR.

    The SB is validated first; with error findings nothing is written (exit 1) unless
    --force. The zip is deterministic: packaging unchanged files again gives the same bytes.

    \b
    Example:
        qa2docs report B6_IRAS12345 && qa2docs package ticket B6_IRAS12345
        qa2docs package hard B6_IRAS12345 --group-ous uid___A001_X145_X3a1
    """
    from qa2docs.workflow.packaging.hard import package_hard
    from qa2docs.workflow.packaging.ticket import package_ticket

    if kind == "ticket":
        result = package_ticket(sb_path, force=force)
    else:
        result = package_hard(sb_path, force=force, sg=sg_ous, group=group_ous,
                              member=member_ous)
    if result.refused:
        click.echo(f"qa2docs: error: {result.root}: validation found {result.errors} "
                   f"error(s); see 'qa2docs validate {_rel(result.root)}', fix them or "
                   f"package anyway with --force", err=True)
        sys.exit(1)
    if result.errors:
        click.echo(f"warning: packaging despite {result.errors} validation error(s) (--force)",
                   err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for p in result.written:
        click.echo(f"wrote {_rel(p)}")
    for p in result.linked:
        click.echo(f"linked {_rel(p)}")


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)
