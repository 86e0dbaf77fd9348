"""Answers of README.header.txt: qa2docs.yaml's project facts, the configuration (ASDM), the
CASA version used, and the requested rms and beam (the ASDM's science goal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa2docs.answers.merge import Proposal
from qa2docs.answers.sb import (REQUESTED, casa_version_proposals, read_readme, requested_texts,
                                science_goal, union_of)
from qa2docs.models import Project
from qa2docs.models.layout import README_FIELDS

if TYPE_CHECKING:
    from qa2docs.collect.factset import FactSet
    from qa2docs.discover.layout import SBLayout


def readme_proposals(sb: SBLayout, sfs: FactSet, ebs: list[FactSet], project: Project | None
                     ) -> list[Proposal]:
    """README.header fields the files and qa2docs.yaml determine."""
    props: list[Proposal] = []
    if project is not None:
        props += readme_start_proposals(project)
    configs, provs = union_of(ebs, "configuration")
    if configs:
        props.append(Proposal("configuration", "value", ", ".join(map(str, configs)), provs))
    props += casa_version_proposals(sfs, ebs, "casa_version")
    goal = science_goal(ebs)
    if goal is not None:
        fact, note = goal
        texts = requested_texts(fact.value)
        form = _readme_form(sb, project)
        since = {field: first for field, _, first in README_FIELDS}
        props += [Proposal(field, "value", texts[element], fact.provenance, note)
                  for field, element in REQUESTED if element in texts and since[field] <= form]
    return props


def _readme_form(sb: SBLayout, project: Project | None) -> int:
    """The layout (2 or 3) of the SB's README.header: the file's own, else the Cycle's."""
    from qa2docs.models.readme_header import ReadmeHeader

    doc = read_readme(sb)
    if doc is not None:
        return doc.model.form
    return ReadmeHeader.form_for_cycle(project.effective_cycle if project else None)


def readme_start_proposals(project: Project) -> list[Proposal]:
    """README.header fields qa2docs.yaml decides."""
    cycle = project.effective_cycle
    values = {"cycle": "" if cycle is None else str(cycle), "project_code": project.project_code,
              "sb_name": project.sb_name, "pi_name": project.pi,
              "project_title": project.project_title}
    return [Proposal(k, "value", v) for k, v in values.items() if v]
