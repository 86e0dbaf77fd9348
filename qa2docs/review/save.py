"""Saving a person's answers into a text document: compare-and-swap under the SB's lock.

    >>> new = save_answer(path, expected_digest, [Change("bandpass.refant", "answer", "yes")])

The caller names the digest of the text it showed the person (:func:`digest`). Under the SB
root's file lock the file is read again; when its digest differs (someone saved it in an
editor meanwhile) nothing is written and :class:`StaleDocument` is raised. Otherwise only
the answer spans of the changed slots are replaced (``checklist_text.apply_changes``), the
file is written atomically in its own encoding and newlines (through a symlink to its
target), and the state records the slots as the person's, so ``fill`` never takes them back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from filelock import FileLock

from qa2docs.documents.checklist_text import parse_checklist, parse_readme
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change, ParsedDocument
from qa2docs.discover.layout import find_sb_root
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import read_text, write_atomically
from qa2docs.answers.merge import State

#: Where an SB root keeps its state and its lock (as ``SBLayout.state_dir``).
STATE_DIR = ".qa2docs"


class StaleDocument(Qa2DocsError):
    """The document changed on disk since the person's page was made from it."""


def digest(data: str | bytes, encoding: str = "utf-8") -> str:
    """The sha256 hex digest of a document's bytes (text is encoded with *encoding*)."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def file_digest(path: Path) -> str:
    """The digest of the file at *path* as it is on disk now."""
    try:
        return digest(Path(path).read_bytes())
    except OSError as err:
        raise Qa2DocsError(f"{path}: cannot read: {err.strerror}") from err


def sb_lock(root: Path) -> FileLock:
    """The per-SB-root file lock that guards every write of its documents."""
    state_dir = root / STATE_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(state_dir / "lock"), timeout=60)


def parse_document(text: str, path: Path, encoding: str = "utf-8") -> ParsedDocument:
    """Parse the text of the checklist or README header named *path*."""
    if path.name.startswith("README"):
        return parse_readme(text, path, encoding)
    return parse_checklist(text, path, None, encoding)


def save_answer(doc_path: Path | str, expected_digest: str, changes: Iterable[Change]) -> str:
    """Apply a person's *changes* to the document if it is still the one they saw.

    Returns the digest of the new text. Raises :class:`StaleDocument` when the file's digest
    is not *expected_digest*, and Qa2DocsError when a change has no place in the document or
    the file's encoding cannot hold the new text. Nothing is written in either case.
    """
    path = Path(doc_path)
    changes = list(changes)
    root = find_sb_root(path.absolute().parent)   # the link's SB, not its target's
    target = path.resolve()                     # write through a symlink to its target
    with sb_lock(root):
        text, encoding = read_text(target)
        if digest(text, encoding) != expected_digest:
            raise StaleDocument(f"{path.name}: changed on disk since this page was loaded; "
                                "nothing was saved (the item now shows the file as it is)")
        doc = parse_document(text, path, encoding)
        new_text = apply_or_refuse(doc, changes)
        try:
            data = new_text.encode(encoding)
        except UnicodeEncodeError as err:
            raise Qa2DocsError(f"{path.name}: the file is {encoding} and cannot hold "
                               f"{err.object[err.start:err.end]!r}; nothing was saved") from None
        if new_text != text:
            write_atomically(target, new_text, encoding)
        state = State(root / STATE_DIR)
        state.mark_person(path.name, [f"{c.element}#{c.part}" for c in changes])
        state.save()
    return digest(data)


def apply_or_refuse(doc: ParsedDocument, changes: list[Change]) -> str:
    """The text of *doc* with *changes* applied; refused when one has no place in it."""
    new_text, unplaced = apply_changes(doc, changes)
    if unplaced:
        where = ", ".join(f"{c.element}#{c.part}" for c in unplaced)
        raise Qa2DocsError(f"{doc.path.name}: no place for {where} in the file; nothing was saved")
    parse_document(new_text, doc.path, doc.encoding)   # the result must still parse
    return new_text
