"""ReadmeHeader: the PI's README.header.txt."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from qa2docs.models.common import Text


class ReadmeHeader(BaseModel):
    """The header of the README delivered to the PI (formats/README.header.cycle*.blank.txt)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    form: Literal[2, 3] = 3
    """Layout: 2 for Cycles 0-2, 3 for Cycle 3 on (adds beam size, QA2 result, member SBs)."""
    cycle: Text = ""
    project_code: Text = ""
    sb_name: Text = ""
    pi_name: Text = ""
    project_title: Text = ""
    configuration: Text = ""
    proposed_rms: Text = ""
    proposed_beam_size: Text = ""
    """Cycle >= 3 only."""
    casa_version: Text = ""
    qa2_result: Text = ""
    """Cycle >= 3 only: PASS, SEMIPASS or FAIL."""
    total_member_sbs: Text = ""
    """Cycle >= 3 only: Total Number of Member SBs in this OUS Group."""
    comments: str = ""
    """The reducer's free text (Markdown allowed), kept verbatim but for outer blank lines."""

    @field_validator("comments", mode="before")
    @classmethod
    def _strip_outer_blank_lines(cls, value: object) -> str:
        lines = str(value or "").replace("\r\n", "\n").split("\n")
        lines = [line.rstrip() for line in lines]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)

    @staticmethod
    def form_for_cycle(cycle: int | None) -> Literal[2, 3]:
        """The layout for a Cycle number (unknown: the current one)."""
        return 2 if cycle is not None and cycle <= 2 else 3
