"""Plain-text documents: the checklists and README.header.txt, byte-exact."""

from __future__ import annotations

from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist
from qa2docs.render.environment import render_template


def render_checklist(doc: EBChecklist | SBChecklist) -> str:
    """The text of an EB or SB checklist."""
    name = "text/eb_checklist.txt.j2" if isinstance(doc, EBChecklist) else "text/sb_checklist.txt.j2"
    return render_template(name, doc=doc)


def render_readme(doc: ReadmeHeader) -> str:
    """The text of README.header.txt."""
    return render_template("text/readme_header.txt.j2", doc=doc)
