"""``qa2docs deliver``: link the hard package into a delivery folder, with md5sum.txt (qa2_deliver)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("sb_path", type=click.Path(path_type=Path), default=".")
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to deliver into, e.g. ~/public_html/earlyscience.")
@click.option("--dry-run", is_flag=True, help="Show what would be linked; change nothing.")
def deliver(sb_path, to, dry_run):
    """Symlink every file of the hard package into DIR/<code>.<SB>/ and write md5sum.txt.

    Run 'qa2docs package hard' first. md5sum.txt holds the md5 of each delivered file
    ('md5sum -c md5sum.txt' checks it there). An existing delivery with the same links and
    sums is left as it is; a different one is never overwritten (remove it first).

    \b
    Example:
        qa2docs deliver B6_IRAS12345 --to ~/public_html/earlyscience --dry-run
    """
    from qa2docs.workflow.packaging.deliver import deliver as run_deliver

    result = run_deliver(sb_path, to, dry_run=dry_run)
    if result.unchanged:
        click.echo(f"{result.dest}: already delivered, unchanged ({len(result.links)} files)")
        return
    if dry_run:
        for rel, target in sorted(result.links.items()):
            click.echo(f"would link {result.dest / rel} -> {target}")
        click.echo(f"would write {result.dest / 'md5sum.txt'}")
        return
    click.echo(f"delivered {len(result.links)} files into {result.dest} (links) with md5sum.txt")
