"""The ``qa2docs`` command: thin wrappers over :mod:`qa2docs.api`.

Heavy libraries (WeasyPrint, matplotlib) are imported inside the commands that need them,
so that ``qa2docs --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from qa2docs import __version__
from qa2docs.errors import Qa2DocsError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _State:
    debug = False


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="qa2docs")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def cli(debug: bool) -> None:
    """Fill, validate and render ALMA QA2 checklists and reports.

    \b
    Typical session (the seed's Allegro QA2 workflow):
        qa2docs start B6_IRAS12345 --archive ../archive --code 2013.1.12345.S
        qa2docs fill B6_IRAS12345            # after the calibration scripts ran
        qa2docs explain B6_IRAS12345/B6_IRAS12345/X66d apriori.fixplanets
    """
    _State.debug = debug
    if debug:
        import os

        os.environ["QA2DOCS_DEBUG"] = "1"


def main() -> None:
    """Entry point: one-line errors, exit 2 (3 for a bug); ``--debug`` keeps the traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(2)
    except Qa2DocsError as err:
        if _State.debug:
            raise
        click.echo(f"qa2docs: error: {err}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as err:  # a file or folder the command could not read or write
        if _State.debug:
            raise
        where = f"{err.filename}: " if err.filename else ""
        click.echo(f"qa2docs: error: {where}{err.strerror or err}", err=True)
        sys.exit(2)
    except Exception as err:  # a bug: say so in one line; --debug shows where
        if _State.debug:
            raise
        click.echo(f"qa2docs: internal error: {type(err).__name__}: {err} "
                   "(run again with --debug for the traceback)", err=True)
        sys.exit(3)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False, default=str))


# ---------------------------------------------------------------------------- start


@cli.command()
@click.argument("sb", required=False)
@click.option("--archive", type=click.Path(path_type=Path),
              help="The project's archive folder holding <SB>/uid___* ASDMs "
                   "[default: $QA2DOCS_ARCHIVE, else ./archive].")
@click.option("--code", "project_code", help="Project code, e.g. 2013.1.12345.S.")
@click.option("--pi", help="Principal investigator.")
@click.option("--contact", "contact_scientist", help="Contact scientist.")
@click.option("--reducer", help="Who does QA2.")
@click.option("--title", "project_title", help="Project title (README.header).")
@click.option("--jira", multiple=True, help="JIRA ticket id SCOPS-NNNN (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show what would be created; change nothing.")
def start(sb, archive, dry_run, jira, **facts):
    """Set up an SB for QA2 in the current (analysis) directory, as qa2_start does.

    Creates <SB>/ with qa2docs.yaml, the EB and SB checklists, README.header.txt,
    <SB>/<SB>/<short id>/ per ASDM (the ASDM linked, not copied), calibrated/ and
    packaging/{ticket,hard}/. Without SB: lists the archive's SBs, or sets up the only one.
    An existing file is never overwritten.

    \b
    Example:
        qa2docs start B6_IRAS12345 --archive /allegro/data/projects/x/archive \\
            --code 2013.1.12345.S --pi "Jane Doe" --contact "John Smith"
    """
    from qa2docs import api

    res = api.start(Path.cwd(), sb, archive, dry_run=dry_run, jira=list(jira), **facts)
    if res.choices:
        click.echo("Several SBs in the archive; name one:")
        for name in res.choices:
            click.echo(f"  qa2docs start {name}")
        return
    verb = "would create" if dry_run else "created"
    for p in res.created:
        click.echo(f"{verb}: {_rel(p)}")
    for link, target in res.linked:
        click.echo(f"{'would link' if dry_run else 'linked'}: {_rel(link)} -> {target}")
    for p in res.kept:
        click.echo(f"kept (exists): {_rel(p)}")
    if not dry_run:
        click.echo(f"\nSB root: {res.root}\nNext: calibrate each EB in {_rel(res.root)}/"
                   f"{res.root.name}/<short id>/, then: qa2docs fill {_rel(res.root)}")


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


# ---------------------------------------------------------------------------- fill


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=".")
@click.option("--dry-run", is_flag=True, help="Decide everything, write nothing.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--force", multiple=True, metavar="FIELD",
              help="Overwrite this field even where a person answered it (repeatable).")
def fill(path, dry_run, show_diff, force):
    """Fill every checklist field the files determine; never overwrite a person's answer.

    PATH is an EB dir (fills its checklist) or the SB root (every EB, the SB checklist and
    README.header.txt), or any path below the SB root.

    \b
    Example:
        qa2docs fill B6_IRAS12345 --diff
    """
    from qa2docs import api

    result = api.fill(path, dry_run=dry_run or show_diff, force=tuple(force))
    for fs in result.factsets:
        for w in fs.warnings:
            click.echo(f"warning: {w}", err=True)
    for doc in result.documents:
        if show_diff:
            click.echo(doc.diff(), nl=False)
            continue
        _fill_summary(doc, dry_run)


def _fill_summary(doc, dry_run: bool) -> None:
    m = doc.merge
    state = "new" if doc.created else ("changed" if doc.changed else "unchanged")
    prefix = "(dry run) " if dry_run else ""
    click.echo(f"{prefix}{_rel(doc.path)} [{state}]: filled {len(m.filled)}, "
               f"already right {len(m.unchanged)}, kept {len(m.kept)}, "
               f"conflicts {len(m.conflicts)}, not determinable {len(doc.not_determined)}, "
               f"checks for you {len(doc.human_checks)}")
    for c in m.conflicts:
        p = c.proposal
        where = ", ".join(pr.where() for pr in p.provenance[:2]) or "qa2docs.yaml"
        click.echo(f"  conflict {p.element} ({p.part}): yours {c.current!r}, files say "
                   f"{p.value!r} [{where}]")
    for ch in doc.unplaced:
        click.echo(f"  not placed (line missing in the checklist): {ch.element} ({ch.part})")
    for note in doc.notes:
        click.echo(f"  note: {note}")


# ---------------------------------------------------------------------------- facts / explain


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def facts(path, fmt):
    """Every fact the files give for an EB (or each EB of an SB), with its evidence.

    \b
    Example:
        qa2docs facts B6_IRAS12345/B6_IRAS12345/X66d --format json
    """
    from qa2docs.collect.extraction import facts as collect_facts  # not the documents stages: fast

    data = collect_facts(path)
    if fmt == "json":
        _echo_json(data)
        return
    for eb in data.get("ebs", [data]):
        click.echo(f"== {eb['eb']}")
        _echo_facts(eb["facts"])
        for w in eb.get("warnings", []):
            click.echo(f"warning: {w}")
    if data.get("sb_facts"):
        click.echo(f"== {data['sb']} (calibrated/: flux equalisation and imaging)")
        _echo_facts(data["sb_facts"])


def _echo_facts(facts: dict) -> None:
    """One line per fact: id, value (cut at 100 characters), where it was read."""
    for fid, fact in facts.items():
        value = json.dumps(fact["value"], ensure_ascii=False, default=str)
        if len(value) > 100:
            value = value[:97] + "..."
        where = ", ".join(f"{p['file']}:{p['line']}" if p["line"] else p["file"]
                          for p in fact["provenance"][:2])
        click.echo(f"{fid:32s} {value}  [{where}]")


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.argument("field")
def explain(path, field):
    """Why a field holds its answer: value, who set it, evidence, plots to look at.

    FIELD is an EB checklist field (explained for each EB PATH selects), or a field of the
    SB checklist or README.header; for a field both have, prefix sb: or readme: (sb:bands).

    \b
    Examples:
        qa2docs explain B6_IRAS12345/B6_IRAS12345/X66d bandpass.refant
        qa2docs explain B6_IRAS12345 requested_sensitivity
        qa2docs explain B6_IRAS12345 readme:proposed_rms
    """
    from qa2docs import api

    for ex in api.explain(path, field):
        click.echo(f"{ex.eb}  {ex.field}  ({ex.label})")
        for part, value in ex.current.items():
            click.echo(f"  checklist {part}: {value!r}")
        click.echo(f"  set by: {ex.setter}")
        if ex.fact is not None:
            click.echo(f"  files say: {json.dumps(ex.fact.value, ensure_ascii=False, default=str)[:400]}")
            if ex.fact.note:
                click.echo(f"  note: {ex.fact.note}")
        for prop in ex.proposals:
            click.echo(f"  proposed {prop.part}: {prop.value!r}")
        provs = ex.fact.provenance if ex.fact else tuple(
            pr for p in ex.proposals for pr in p.provenance)
        for pr in provs:
            click.echo(f"  evidence ({pr.extractor}) {pr.where()}")
            for line in (pr.excerpt or "").splitlines()[:6]:
                click.echo(f"      {line}")
        for c in ex.conflicts:
            click.echo(f"  conflict: {c}")
        if ex.plots:
            click.echo("  plots to look at:")
            for p in ex.plots:
                click.echo(f"    {p}")
        elif ex.fact is None and not ex.proposals:
            click.echo("  no file determines this field; files looked at:")
            for line in ex.looked_at:
                click.echo(f"    {line}")


# ---------------------------------------------------------------------------- template / schema


@cli.command()
@click.argument("document", type=click.Choice(["eb", "sb", "readme"]))
@click.option("--cycle", type=int, default=None, help="README layout for this ALMA Cycle.")
def template(document, cycle):
    """Print a blank document: the EB or SB checklist, or README.header.

    \b
    Example:
        qa2docs template readme --cycle 2 > README.header.txt
    """
    from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist
    from qa2docs.render.text import render_checklist, render_readme

    if document == "readme":
        text = render_readme(ReadmeHeader(form=ReadmeHeader.form_for_cycle(cycle)))
    else:
        text = render_checklist(EBChecklist() if document == "eb" else SBChecklist())
    click.echo(text, nl=False)


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=Path("schemas"), show_default=True, help="Folder to write into.")
def schema(output):
    """Write the JSON Schemas of the documents into a folder.

    \b
    Example:
        qa2docs schema -o schemas
    """
    from qa2docs.report.schemas import write_schemas

    for path in write_schemas(output):
        click.echo(f"wrote {path}")


# ---------------------------------------------------------------------------- demo


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def demo(directory):
    """Run the whole pipeline on the shipped sample SB, in a new folder.

    Copies the sample archive and reduction outputs (project 2013.1.12345.S,
    SB B6_IRAS12345, two EBs) into DIRECTORY, then runs start, fill, validate and report
    there. Nothing outside DIRECTORY is touched.

    \b
    Example:
        qa2docs demo ~/qa2-demo
    """
    from qa2docs.cli.demo import run_demo

    run_demo(directory, click.echo)


# Commands of the later pipeline stages live in qa2docs/commands/<name>.py, each defining a
# click command of that name; their heavy imports stay inside the command functions.
_STAGE_COMMANDS = ("validate", "fluxscale", "listobs", "report", "clear", "fluxequal_start", "lock", "package", "deliver", "batch", "download", "review")


def _register_stage_commands() -> None:
    from importlib import import_module

    for name in _STAGE_COMMANDS:
        try:
            module = import_module(f"qa2docs.cli.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"qa2docs.cli.{name}":
                continue
            raise
        cli.add_command(getattr(module, name))


_register_stage_commands()

if __name__ == "__main__":
    main()
