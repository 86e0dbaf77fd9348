"""``qa2docs fluxequal-start``: the seed's qa2_fluxequal_start.sh."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="fluxequal-start")
@click.argument("sb_path", type=click.Path(path_type=Path), default=Path("."))
def fluxequal_start(sb_path: Path) -> None:
    """Link every EB's .ms.split.cal and fluxscale file into calibrated/.

    Makes relative links <uid>.ms.split.cal and <uid>.ms.split.cal.fluxscale (the EB's
    <uid>.ms.split.fluxscale) in the SB's calibrated/ dir, ready for flux equalisation and
    imaging. Files or links already there are kept; an EB without them is reported.
    SB_PATH is any path in the SB (default: here).

    \b
    Example:
        cd B6_IRAS12345/B6_IRAS12345/calibrated && qa2docs fluxequal-start
    """
    from qa2docs.workflow.housekeeping import fluxequal_start as link_all

    sb, reports = link_all(sb_path)
    click.echo(f"In {sb.calibrated}:")
    for r in reports:
        if r.status == "linked":
            click.echo(f"  linked {r.name} -> {r.target}")
        elif r.status == "kept":
            where = f" (-> {r.target})" if r.target else ""
            click.echo(f"  kept   {r.name}{where}: already there")
        else:
            click.echo(f"  missing {r.name}: {r.eb} has no {Path(r.target).name} yet")
    linked = sum(r.status == "linked" for r in reports)
    missing = sum(r.status == "missing" for r in reports)
    click.echo(f"{linked} linked, {sum(r.status == 'kept' for r in reports)} kept, "
               f"{missing} missing")
