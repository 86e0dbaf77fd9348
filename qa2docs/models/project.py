"""Project: the facts typed once per SB, kept in qa2docs.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from qa2docs.models.common import JiraTicket, ProjectCode, SbName, cycle_of


class Waiver(BaseModel):
    """A validation rule waived for a document, with the reason."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    rule: str
    """Rule id, e.g. QA2012."""
    document: str = "*"
    """Document file name the waiver applies to, or * for all."""
    reason: str
    """Why the finding is acceptable (shown in validate output)."""


class Project(BaseModel):
    """Project facts typed once: qa2docs.yaml at the SB root."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    project_code: ProjectCode
    """ALMA project code, YYYY.C.NNNNN.T (e.g. 2013.1.12345.S)."""
    sb_name: SbName
    """Scheduling block name, e.g. B6_IRAS12345."""
    pi: str = ""
    """Principal investigator (from the wizard)."""
    contact_scientist: str = ""
    """Contact scientist (from the SB JIRA ticket)."""
    reducer: str = ""
    """Who does the QA2 reduction."""
    project_title: str = ""
    cycle: int | None = Field(default=None, ge=0, le=20)
    """ALMA Cycle; derived from the project code when absent."""
    jira: list[JiraTicket] = Field(default_factory=list)
    """JIRA QA2 tickets, SCOPS-NNNN."""
    waivers: list[Waiver] = Field(default_factory=list)
    """Validation rules waived for a document, with a reason."""

    @property
    def effective_cycle(self) -> int | None:
        """The Cycle given, else the one of the project code."""
        return self.cycle if self.cycle is not None else cycle_of(self.project_code)
