"""``qa2docs validate``: the named rules, as text or JSON; exit 0 clean, 1 findings, 2 unusable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format (json follows schemas/validate_report.schema.json).")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
def validate(path: Path, fmt: str, strict: bool, list_rules: bool) -> None:
    """Check the checklists and README.header before the JIRA upload.

    PATH is an EB dir, an SB root (or any path inside one), or a folder holding several SB
    roots (every qa2docs.yaml below it). Each finding is printed as
    'SEVERITY RULE document:line: message (fix: ...)'. Exit status: 0 when there is no
    error (with --strict: no warning either), 1 otherwise, 2 when PATH cannot be used.
    A rule is waived for a document in qa2docs.yaml:

    \b
        waivers:
          - {rule: QA2204, document: "*.fluxscale", reason: "weak check source, known"}

    \b
    Example:
        qa2docs validate B6_IRAS12345 --strict
        qa2docs validate /analysis/me --format json > findings.json
    """
    from qa2docs.validate.run import RULES, validate_path

    if list_rules:
        for r in RULES.values():
            click.echo(f"{r.id} {r.severity:<7} {r.family:<12} {r.title}")
        return
    report = validate_path(path)
    if fmt == "json":
        click.echo(json.dumps(report.model_dump(mode="json"), indent=1, ensure_ascii=False))
    else:
        click.echo(report.text(), nl=False)
    code = report.exit_code(strict)
    if code:
        sys.exit(code)
