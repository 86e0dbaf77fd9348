"""Document models: checklists, README header, project facts."""

from qa2docs.models.checklists import Check, EBChecklist, FieldValue, Paste, SBChecklist, Section, YesNo
from qa2docs.models.project import Project, Waiver
from qa2docs.models.readme_header import ReadmeHeader

__all__ = ["Check", "EBChecklist", "FieldValue", "Paste", "Project", "ReadmeHeader",
           "SBChecklist", "Section", "Waiver", "YesNo"]
