"""Three-way merge of facts into a person's checklist, and the memory of what qa2docs wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa2docs.documents.spans import Change, ParsedDocument
from qa2docs.models.facts import Provenance
from qa2docs.fileio import write_atomically
from qa2docs.models import ReadmeHeader
from qa2docs.models.common import normalize_text


@dataclass(frozen=True)
class Proposal:
    """What the files say one slot of a document should hold."""

    element: str
    part: str
    value: str
    provenance: tuple[Provenance, ...] = ()
    note: str | None = None

    @property
    def slot(self) -> str:
        """``element#part``: the key of the slot in the state file."""
        return f"{self.element}#{self.part}"


@dataclass(frozen=True)
class Conflict:
    """A person's answer that the files contradict: kept, and reported."""

    proposal: Proposal
    current: str


@dataclass
class MergeResult:
    """What a merge decided for one document."""

    changes: list[Change] = field(default_factory=list)
    filled: list[Proposal] = field(default_factory=list)
    unchanged: list[Proposal] = field(default_factory=list)
    kept: list[Proposal] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    base: dict[str, str | None] = field(default_factory=dict)
    """The new state: what qa2docs holds as its last autofill per slot (None: a person's)."""


def current_answer(doc: ParsedDocument, element: str, part: str) -> str:
    """The text a slot of *doc* holds now (yes/no/both/'' for Yes-No boxes, x for checks)."""
    model = doc.model
    if isinstance(model, ReadmeHeader):
        return model.comments if part == "comment" else getattr(model, element, "")
    el = model.element(element)
    obj = model.part(el)
    if el.kind == "header":
        return obj
    if part == "answer":
        return obj.answer
    if part == "done":
        return "x" if obj.done else ""
    return getattr(obj, part, "")


def merge_document(doc: ParsedDocument, proposals: list[Proposal], base: dict[str, str | None],
                   force: frozenset[str] = frozenset()) -> MergeResult:
    """Take a proposal only where the person has not answered (ours empty or equal to base).

    A slot the state marks as a person's (``None``, see :meth:`State.mark_person`) is never
    taken, even when empty or equal to the proposal; only ``--force`` overrides it.
    """
    result = MergeResult(base=dict(base))
    for prop in proposals:
        theirs = normalize_text(prop.value)
        try:
            ours = normalize_text(current_answer(doc, prop.element, prop.part))
        except KeyError:
            continue
        persons = prop.slot in base and base[prop.slot] is None
        if ours == theirs:  # the state stays: an answer a person wrote stays theirs
            result.unchanged.append(prop)
        elif prop.element in force or (not persons and (not ours or ours == base.get(prop.slot))):
            result.changes.append(Change(prop.element, prop.part, theirs))
            result.filled.append(prop)
            result.base[prop.slot] = theirs
        else:
            result.kept.append(prop)
            if ours:
                result.conflicts.append(Conflict(prop, ours))
    return result


class State:
    """``.qa2docs/state.json``: per document, the last value qa2docs wrote into each slot;
    ``null`` marks a slot a person answered (in ``qa2docs review``): ``fill`` leaves it."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "state.json"
        try:
            self.data: dict[str, dict[str, str | None]] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.data = {}

    def base(self, document: str) -> dict[str, str | None]:
        """The last autofill of *document* (empty when qa2docs never wrote it)."""
        return dict(self.data.get(document, {}))

    def update(self, document: str, base: dict[str, str | None]) -> None:
        """Remember the autofill of *document*."""
        self.data[document] = dict(sorted(base.items()))

    def mark_person(self, document: str, slots: list[str]) -> None:
        """Remember that a person set the *slots* (``element#part``) of *document*."""
        self.update(document, {**self.base(document), **dict.fromkeys(slots)})

    def save(self) -> None:
        """Write the state file atomically."""
        write_atomically(self.path, json.dumps(self.data, indent=1, sort_keys=True) + "\n")


def written_by_qa2docs(element: str, current: dict[str, str], base: dict[str, str | None]
                       ) -> bool | None:
    """Who set an element's answer: True qa2docs (every filled part is its last autofill),
    False a person, None nobody (all parts empty). *current* maps part -> text."""
    filled = [part for part, value in current.items() if value]
    if not filled:
        return None
    return all(base.get(f"{element}#{part}") == current[part] for part in filled)


def disagreements(current: dict[str, str], proposals: list[Proposal],
                  base: dict[str, str | None]) -> list[Proposal]:
    """Proposals a person's answer contradicts (what ``fill`` reports as conflicts)."""
    return [p for p in proposals
            if current.get(p.part) and current[p.part] != p.value and base.get(p.slot) != current[p.part]]
