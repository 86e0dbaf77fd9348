"""``qa2docs lock``: the seed's qa2_lock, a QA2 lock that holds analysisUtils updates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

_STATES = {"on": True, "true": True, "off": False, "false": False}


@click.command()
@click.argument("state", required=False,
                type=click.Choice(list(_STATES), case_sensitive=False))
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Shared folder of the lock state [default: $QA2DOCS_LOCK_DIR, else "
                   "~/.qa2docs/locks].")
@click.option("--check", is_flag=True,
              help="For an analysisUtils updater: exit 1 (listing the holders) if anyone "
                   "holds the lock, 0 if nobody does.")
def lock(state: str | None, directory: Path | None, check: bool) -> None:
    """Lock analysisUtils updates during QA2, or show who holds the lock (qa2_lock).

    'on' (or the seed's True) adds you to the lock holders, 'off' (False) removes you;
    with no argument every holder is listed with the time they took the lock. The
    mirror update (update_jao_mirror) runs 'qa2docs lock --check' first and stops when
    it exits 1.

    \b
    Example:
        qa2docs lock on
        qa2docs lock          # * 27-Aug-2014 17:01 (you)
        qa2docs lock off
        qa2docs lock --check || echo "analysisUtils update held for QA2"
    """
    from qa2docs.workflow.housekeeping import (
        current_user,
        lock_dir,
        lock_holders,
        set_lock,
    )

    where = lock_dir(directory)
    me = current_user()
    if check and state is not None:
        raise click.UsageError("--check takes no on/off")
    if state is None:
        holders = lock_holders(where)
        if not holders:
            click.echo("analysisUtils is not locked for QA2")
        for h in holders:
            click.echo(h.seed_line(me))
        if check and holders:
            sys.exit(1)
        return
    on = _STATES[state.lower()]
    changed, holders = set_lock(where, on, me)
    if on:
        click.echo("Locking analysisUtils for QA2" if changed else
                   "analysisUtils is already locked for QA2 by you")
    else:
        click.echo("Unlocking analysisUtils for QA2" if changed else
                   "You hold no QA2 lock on analysisUtils")
    others = [h.user for h in holders if h.user != me]
    if others:
        click.echo(f"Also locked by: {', '.join(others)}")
