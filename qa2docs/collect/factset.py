"""FactSet: the resolved facts of one EB dir (or of the SB's calibrated/ dir)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa2docs.collect.resolve import provenance_json
from qa2docs.extractors.base import ExtractionWarning
from qa2docs.models.facts import Fact


@dataclass
class FactSet:
    """All facts of one EB (or of the SB work dir), resolved, with the extraction warnings."""

    name: str
    facts: dict[str, Fact]
    all_facts: list[Fact]
    warnings: list[ExtractionWarning]
    inputs: list[Path]

    def to_json(self, key: str = "eb") -> dict[str, Any]:
        """DESIGN 4.2's JSON shape."""
        return {
            key: self.name,
            "facts": {fid: {"value": f.value, "provenance": provenance_json(f.provenance),
                            **({"note": f.note} if f.note else {})}
                      for fid, f in self.facts.items()},
            "inputs": [str(p) for p in self.inputs],
            "warnings": [str(w) for w in self.warnings],
        }
