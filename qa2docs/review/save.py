"""Saving a person's answers into a text document: compare-and-swap under the SB's lock.

    >>> new = save_answer(path, expected_digest, [Change("bandpass.refant", "answer", "yes")])

The caller names the digest of the text it showed the person (:func:`digest`). Under the SB
root's file lock the file is read again; when its digest differs (someone saved it in an
editor meanwhile) nothing is written and :class:`StaleDocument` is raised. Otherwise only
the answer spans of the changed slots are replaced (``documents.edit.apply_changes``) and the
file goes through the same write path as ``fill`` (:mod:`qa2docs.documents.store`:
compare-and-swap, atomic, through a symlink to its target, its newlines kept, a latin-1 file
moved to UTF-8 only when it cannot hold the answer); the state records the slots as the
person's, so ``fill`` never takes them back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from qa2docs.documents.checklist_text import parse_checklist, parse_readme
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change, ParsedDocument
from qa2docs.discover.layout import STATE_DIR, find_sb_root
from qa2docs.documents.store import DocumentChanged, lock_at, read_for_update, replace_document
from qa2docs.errors import Qa2DocsError
from qa2docs.answers.merge import State



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


def parse_document(text: str, path: Path, encoding: str = "utf-8") -> ParsedDocument:
    """Parse the text of the checklist or README header named *path*."""
    if path.name.startswith("README"):
        return parse_readme(text, path, encoding)
    return parse_checklist(text, path, None, encoding)


def save_answer(doc_path: Path | str, expected_digest: str, changes: Iterable[Change]) -> str:
    """Apply a person's *changes* to the document if it is still the one they saw.

    Returns the digest of the new text. Raises :class:`StaleDocument` when the file's digest
    is not *expected_digest* (also when an editor saves it during the write), and
    Qa2DocsError when a change has no place in the document or the file cannot be written
    (a hard link, not a regular file). Nothing is written in these cases.
    """
    path = Path(doc_path)
    changes = list(changes)
    root = find_sb_root(path.absolute().parent)   # the link's SB, not its target's
    lock = lock_at(root / STATE_DIR)
    stale = StaleDocument(f"{path.name}: changed on disk since this page was loaded; nothing "
                          "was saved (the item now shows the file as it is)")
    with lock:
        snapshot = read_for_update(path)
        if snapshot.digest != expected_digest:
            raise stale
        doc = parse_document(snapshot.text, path, snapshot.encoding)
        new_text = apply_or_refuse(doc, changes)
        new_digest = snapshot.digest
        if new_text != snapshot.text:
            try:
                new_digest = replace_document(snapshot, new_text, lock=lock).digest
            except DocumentChanged:
                raise stale from None
        state = State(root / STATE_DIR)
        state.mark_person(path.name, [f"{c.element}#{c.part}" for c in changes])
        state.save()
    return new_digest


def apply_or_refuse(doc: ParsedDocument, changes: list[Change]) -> str:
    """The text of *doc* with *changes* applied; refused when one has no place in it."""
    new_text, unplaced = apply_changes(doc, changes)
    if unplaced:
        where = ", ".join(f"{c.element}#{c.part}" for c in unplaced)
        raise Qa2DocsError(f"{doc.path.name}: no place for {where} in the file; nothing was saved")
    parse_document(new_text, doc.path, doc.encoding)   # the result must still parse
    return new_text
