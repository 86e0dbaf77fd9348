"""Safe untar for qa2docs download: one ``uid___*`` folder, nothing leading out of it."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tarfile
from pathlib import Path

from qa2docs.errors import Qa2DocsError


def check_members(tar: tarfile.TarFile, label: str) -> str:
    """The one ``uid___*`` folder *tar* holds; a one-line error for any member leading out."""
    tops: set[str] = set()
    for m in tar.getmembers():
        name = m.name
        parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise Qa2DocsError(f"{label}: refused: absolute path {name!r}")
        if ".." in parts:
            raise Qa2DocsError(f"{label}: refused: path with '..' {name!r}")
        if not parts:
            continue
        if m.isdev() or m.isfifo():
            raise Qa2DocsError(f"{label}: refused: device or fifo {name!r}")
        if m.issym() or m.islnk():
            target = m.linkname.replace("\\", "/")
            base = posixpath.dirname("/".join(parts)) if m.issym() else ""
            dest = posixpath.normpath(posixpath.join(base, target))
            if target.startswith("/") or dest == ".." or dest.startswith("../") \
                    or dest.split("/")[0] != parts[0]:
                raise Qa2DocsError(f"{label}: refused: link {name!r} -> {m.linkname!r} "
                                   "points out of the ASDM folder")
        if len(parts) == 1 and not m.isdir():
            raise Qa2DocsError(f"{label}: refused: {name!r} is not inside an ASDM folder")
        tops.add(parts[0])
    if len(tops) != 1 or not next(iter(tops)).startswith("uid___"):
        found = ", ".join(sorted(tops)) or "nothing"
        raise Qa2DocsError(f"{label}: must hold one uid___* folder, holds: {found}")
    return tops.pop()


def safe_extract(tar_path: Path, out_dir: Path) -> tuple[str, bool]:
    """Extract the ASDM folder of *tar_path* into *out_dir*: (folder name, extracted now?).

    An existing folder of that name is left alone.
    """
    try:
        with tarfile.open(tar_path) as tar:
            folder = check_members(tar, tar_path.name)
            if (out_dir / folder).exists():
                return folder, False
            tmp = out_dir / f".{folder}.extracting"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            try:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(tmp, filter="data")
                else:  # Python < 3.11.4: the member checks above are the guard
                    tar.extractall(tmp)
                os.replace(tmp / folder, out_dir / folder)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except (tarfile.TarError, EOFError, OSError) as err:
        raise Qa2DocsError(f"{tar_path.name}: cannot extract: {err}") from err
    return folder, True
