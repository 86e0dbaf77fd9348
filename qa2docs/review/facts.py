"""The facts and proposals the review pages show beside each item.

The one place the review app reaches the collection stage (``FactSet``, ``eb_facts``,
``sb_facts``) and the answer proposals; the fact cache makes these cheap per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qa2docs.answers.eb import eb_proposals
from qa2docs.collect.extraction import FactSet, eb_facts, sb_facts
from qa2docs.discover.layout import EBInfo, SBLayout
from qa2docs.models.facts import Fact
from qa2docs.answers.merge import Proposal
from qa2docs.models import Project
from qa2docs.documents.project import load_project


@dataclass
class Evidence:
    """What the files say about a document: facts (EB only), proposals, extraction warnings."""

    facts: dict[str, Fact] = field(default_factory=dict)
    proposals: list[Proposal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def plots(self, element: str) -> list[str]:
        """Plot files (relative to the EB dir) for the item *element*."""
        fact = self.facts.get(f"plots.{element}")
        return list(fact.value) if fact else []


def project_of(sb: SBLayout) -> Project | None:
    """qa2docs.yaml of the SB root, if present."""
    return load_project(sb.project_file) if sb.project_file.is_file() else None


def eb_evidence(eb: EBInfo, project: Project | None) -> Evidence:
    """The facts of one EB dir and what they propose for its checklist."""
    fs = eb_facts(eb)
    return Evidence(fs.facts, eb_proposals(fs.facts, project, eb.uid), [str(w) for w in fs.warnings])


def sb_evidence(sb: SBLayout, project: Project | None) -> Evidence:
    """What the files of all EBs and calibrated/ propose for the SB checklist."""
    from qa2docs.answers.sb import sb_proposals

    factsets: list[FactSet] = [eb_facts(eb) for eb in sb.ebs]
    sfs = sb_facts(sb)
    return Evidence(sfs.facts, sb_proposals(sb, sfs, factsets, project), [str(w) for w in sfs.warnings])


def rel_to(path: Path, root: Path) -> str:
    """*path* relative to *root* (posix), or its name when outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
