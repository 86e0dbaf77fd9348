"""``qa2docs listobs``: a first overview of an EB (allegroUtils' ``qa2.listobs``)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Text for people, JSON ({field: value}) for tools.")
@click.option("--ms", "ms", metavar="NAME",
              help="When PATH holds listobs output of several EBs: the MS (or EB UID) to show.")
def listobs(path, fmt, ms):
    """A first overview of an EB: observing dates and times, PWV, antennas, bands,
    correlator mode, fields by intent, scans and science spectral windows, and the EB
    checklist's header lines as fill writes them.

    PATH is a listobs listfile, a casa log with listobs output in it, a raw ASDM folder, or
    an EB dir (every file in it is read, as qa2docs facts does). One overview is of one EB:
    listobs output of several EBs in PATH is an error unless --ms picks one.

    \b
    Examples:
        qa2docs listobs uid___A002_Xdd9c61_X66d.ms.listobs
        qa2docs listobs B6_IRAS12345/B6_IRAS12345/X66d
    """
    from qa2docs.workflow.overview import overview, render_overview

    ov = overview(path, ms)
    if fmt == "json":
        data = {"path": str(path), "facts": ov.values(), "warnings": [str(w) for w in ov.warnings]}
        click.echo(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    else:
        click.echo(render_overview(ov), nl=False)
