"""The delivery: the hard package's files symlinked into ``<to>/<code>.<SB>/`` with md5sum.txt."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from qa2docs.errors import LayoutError, Qa2DocsError
from qa2docs.fileio import write_bytes_atomically
from qa2docs.workflow.packaging.files import md5_lines, tree_files
from qa2docs.workflow.packaging.hard import HARD_DIR
from qa2docs.workflow.packaging.sbfiles import SBFiles, sb_files

DELIVERY_MD5 = "md5sum.txt"


@dataclass
class DeliveryResult:
    """Where the delivery is, what it links, and whether it was already there."""

    dest: Path
    links: dict[str, Path]
    unchanged: bool = False
    dry_run: bool = False


def _planned_links(files: SBFiles) -> dict[str, Path]:
    hard = files.sb.root / HARD_DIR
    top = hard / files.code
    if not top.is_dir():
        raise LayoutError(f"{top}: no hard package; run 'qa2docs package hard' first")
    return {(Path(files.code) / rel).as_posix(): (top / rel).absolute()
            for rel in tree_files(top)}


def _existing_links(dest: Path) -> dict[str, Path]:
    found = {}
    for rel in _walk_no_follow(dest):
        p = dest / rel
        if rel != DELIVERY_MD5:
            found[rel] = Path(os.readlink(p)) if p.is_symlink() else p
    return found


def _walk_no_follow(top: Path) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(top):
        for name in [*filenames, *(d for d in dirnames if (Path(dirpath) / d).is_symlink())]:
            yield (Path(dirpath) / name).relative_to(top).as_posix()


def deliver(path: Path | str, to: Path | str, dry_run: bool = False) -> DeliveryResult:
    """Symlink every file of the hard package into ``<to>/<code>.<SB>/``, with md5sum.txt."""
    files = sb_files(path)
    links = _planned_links(files)
    dest = Path(to).expanduser().absolute() / files.package_name
    result = DeliveryResult(dest, links, dry_run=dry_run)
    if dest.exists() or dest.is_symlink():
        if not dest.is_dir() or dest.is_symlink():
            raise Qa2DocsError(f"{dest}: exists and is not a delivery folder; not overwritten")
        existing = _existing_links(dest)
        if existing != links:
            raise Qa2DocsError(f"{dest}: holds a different delivery ({len(existing)} files, "
                               f"{len(links)} to deliver); not overwritten: remove it first")
        md5 = dest / DELIVERY_MD5
        if md5.is_file() and md5.read_text() == md5_lines(dest, [Path(r) for r in sorted(links)]):
            result.unchanged = True
            return result
        raise Qa2DocsError(f"{md5}: missing or does not match the delivered files; "
                           "not overwritten: remove the delivery first")
    if dry_run:
        return result
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for rel, target in sorted(links.items()):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).symlink_to(target)
        write_bytes_atomically(tmp / DELIVERY_MD5,
                               md5_lines(tmp, [Path(r) for r in sorted(links)]).encode())
        tmp.chmod(0o755)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result
