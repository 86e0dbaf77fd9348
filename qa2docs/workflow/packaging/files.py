"""File helpers of packaging (and download): md5 sums, file trees, deterministic zips.

Atomic writes are :func:`qa2docs.fileio.write_bytes_atomically` (temp file, fsync, rename).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

#: The fixed time stamp of every zip entry (the earliest a zip can hold).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


def md5_file(path: Path) -> str:
    """The md5 hex digest of *path*, read in 1 MiB chunks (ASDMs are many GB)."""
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tree_files(top: Path) -> list[Path]:
    """Every file below *top*, symbolic links to folders followed, relative and sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        dirnames.sort()
        for name in filenames:
            found.append((Path(dirpath) / name).relative_to(top))
    return sorted(found)


def md5_lines(top: Path, files: list[Path]) -> str:
    """``<md5>  <relative path>`` per file, as ``md5sum -c`` reads them."""
    return "".join(f"{md5_file(top / rel)}  {rel.as_posix()}\n" for rel in files)


def deterministic_zip(members: dict[str, Path | bytes]) -> bytes:
    """A zip of *members* (name in the zip -> file or bytes): sorted, fixed times and modes."""
    buf = tempfile.SpooledTemporaryFile(max_size=64 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            data = members[name]
            zf.writestr(info, data if isinstance(data, bytes) else data.read_bytes(),
                        compresslevel=9)
    buf.seek(0)
    return buf.read()
