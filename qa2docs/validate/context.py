"""What the rules look at for one SB root: layout, qa2docs.yaml, parsed documents, facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from qa2docs.criteria.tolerances import Tolerances, load_tolerances
from qa2docs.discover.layout import EBInfo, SBLayout
from qa2docs.documents.checklist_text import read_document
from qa2docs.documents.spans import ParsedDocument
from qa2docs.errors import ChecklistError, Qa2DocsError
from qa2docs.models import Project
from qa2docs.models.common import cycle_of

if TYPE_CHECKING:
    from qa2docs.collect.factset import FactSet


@dataclass
class Unparsable:
    """A document that exists but cannot be parsed."""

    path: Path
    line: int | None
    message: str


@dataclass
class SBContext:
    """One SB root under validation; documents and facts are read once, when first asked for."""

    sb: SBLayout
    project: Project | None
    ebs: list[EBInfo]
    """The EBs to validate (all of the SB's, or the one an EB-dir path selects)."""
    sb_level: bool = True
    """Whether the SB-level documents and the cross-EB checks are part of this run."""
    unparsable: list[Unparsable] = field(default_factory=list)
    _docs: dict[Path, ParsedDocument | None] = field(default_factory=dict)
    _facts: dict[str, FactSet] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The SB name."""
        return self.sb.name

    def document(self, path: Path, kind: str) -> ParsedDocument | None:
        """The parsed document at *path* (None when absent or unparsable)."""
        if path not in self._docs:
            doc = None
            if path.is_file():
                try:
                    doc = read_document(path, kind)  # type: ignore[arg-type]
                except ChecklistError as err:
                    self.unparsable.append(Unparsable(path, err.line, err.message))
                except Qa2DocsError as err:
                    self.unparsable.append(Unparsable(path, None, str(err)))
            self._docs[path] = doc
        return self._docs[path]

    def eb_doc(self, eb: EBInfo) -> ParsedDocument | None:
        """The EB's checklist."""
        return self.document(eb.checklist, "eb")

    @property
    def sb_doc(self) -> ParsedDocument | None:
        """The SB checklist."""
        return self.document(self.sb.sb_checklist, "sb")

    @property
    def readme(self) -> ParsedDocument | None:
        """README.header.txt."""
        return self.document(self.sb.readme, "readme")

    def eb_facts(self, eb: EBInfo) -> FactSet:
        """The resolved facts of one EB dir."""
        if eb.uid not in self._facts:
            from qa2docs.collect.extraction import eb_facts

            self._facts[eb.uid] = eb_facts(eb)
        return self._facts[eb.uid]

    @cached_property
    def all_eb_facts(self) -> list[tuple[EBInfo, FactSet]]:
        """Every EB of the SB with its facts (the cross-EB checks use all of them)."""
        return [(eb, self.eb_facts(eb)) for eb in self.sb.ebs]

    @cached_property
    def sb_facts(self) -> FactSet:
        """The facts of the SB's calibrated/ folder."""
        from qa2docs.collect.extraction import sb_facts

        return sb_facts(self.sb)

    @cached_property
    def cycle(self) -> int | None:
        """The project's Cycle: qa2docs.yaml, else the project code of a document."""
        if self.project is not None and self.project.effective_cycle is not None:
            return self.project.effective_cycle
        codes = [self.readme.model.project_code if self.readme else "",
                 self.sb_doc.model.header.project_code if self.sb_doc else ""]
        return next((cycle_of(c) for c in codes if cycle_of(c) is not None), None)

    @cached_property
    def tolerances(self) -> Tolerances:
        """The tolerances of the project's Cycle."""
        return load_tolerances(self.cycle)

    @cached_property
    def bands(self) -> list[int]:
        """ALMA bands of the SB (union over its EBs' facts)."""
        out: set[int] = set()
        for _, fs in self.all_eb_facts:
            fact = fs.facts.get("bands")
            if fact is not None:
                out.update(int(b) for b in fact.value)
        return sorted(out)
