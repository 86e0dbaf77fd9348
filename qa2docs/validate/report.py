"""Finding and ValidationReport: what ``qa2docs validate`` says, as data (and JSON Schema)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class Finding(BaseModel):
    """One problem found in one document, with the rule that found it and the fix."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    rule: str
    """Stable rule id, e.g. QA2003."""
    severity: Severity
    """error: must be fixed before upload; warning: fails with --strict; info: a note."""
    message: str
    """What is wrong, naming the field and the values."""
    document: str
    """File name of the document (or input file) the finding is about."""
    line: int | None = None
    """1-based line in the document, when the finding has a place."""
    fix: str = ""
    """How to fix it."""
    waived: bool = False
    """A waiver in qa2docs.yaml covers this finding: shown, never counted."""
    waiver_reason: str | None = None
    """The reason given with the waiver."""
    eb: str | None = None
    """ASDM UID of the EB the finding is about, if one."""
    sb: str | None = None
    """SB name the finding belongs to (a tree of SB roots gives several)."""

    def text(self, with_sb: bool = False) -> str:
        """``SEVERITY RULE document:line: message (fix: ...)``, one line (``sb/document``
        when *with_sb*, for a tree of SB roots)."""
        document = f"{self.sb}/{self.document}" if with_sb and self.sb else self.document
        where = document + (f":{self.line}" if self.line else "")
        fix = f" (fix: {self.fix})" if self.fix else ""
        waived = f" [waived: {self.waiver_reason}]" if self.waived else ""
        return f"{self.severity.upper()} {self.rule} {where}: {self.message}{fix}{waived}"


class ValidationReport(BaseModel):
    """The findings of ``qa2docs validate`` on an EB dir, an SB root or a tree of SB roots."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    path: str
    """The path validated, as given."""
    sb_roots: list[str] = Field(default_factory=list)
    """The SB roots validated."""
    tolerances_version: str = ""
    """Version of the tolerance data file used (qa2docs/criteria/tolerances.yaml)."""
    findings: list[Finding] = Field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Findings per severity, waived ones left out."""
        out = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            if not f.waived:
                out[f.severity] += 1
        return out

    def exit_code(self, strict: bool = False) -> int:
        """0 when clean (no errors; with *strict* no warnings either), else 1."""
        counts = self.counts()
        bad = counts["error"] + (counts["warning"] if strict else 0)
        return 1 if bad else 0

    def text(self) -> str:
        """One line per finding, then a count line."""
        lines = [f.text(with_sb=len(self.sb_roots) > 1) for f in self.findings]
        c = self.counts()
        waived = sum(1 for f in self.findings if f.waived)
        summary = (f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} note(s)"
                   + (f", {waived} waived" if waived else "")
                   + f" in {len(self.sb_roots)} SB root(s)")
        return "\n".join([*lines, summary]) + "\n"
