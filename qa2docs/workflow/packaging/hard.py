"""The hard package: the ALMA delivery tree under ``packaging/hard/`` and its md5sums.txt."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from qa2docs.discover.layout import SBLayout
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import write_bytes_atomically
from qa2docs.workflow.packaging.files import md5_lines, tree_files
from qa2docs.workflow.packaging.sbfiles import PackageResult, SBFiles, gate, sb_files

HARD_DIR = Path("packaging") / "hard"
MD5SUMS = "md5sums.txt"
UNKNOWN = "UNKNOWN"
_OUS_RE = re.compile(r"<obsUnitSetUID>\s*<EntityRef\s+entityId=\"(uid://[^\"]+)\"", re.S)
_LOG_GLOBS = ("casapy-*.log", "casa-*.log")


def member_ous(sb: SBLayout) -> str | None:
    """The member OUS UID (``uid___A001_X145_X3a2``) from an EB's ASDM SBSummary.xml."""
    for eb in sb.ebs:
        summary = eb.asdm / "SBSummary.xml" if eb.asdm else None
        if summary and summary.is_file():
            m = _OUS_RE.search(summary.read_text(errors="replace"))
            if m:
                return m.group(1).replace("uid://", "uid___").replace("/", "_")
    return None


@dataclass
class HardEntry:
    """One entry of the hard package: where it goes, its source, and whether it is a link."""

    dest: str
    source: Path
    link: bool


def hard_entries(files: SBFiles) -> list[HardEntry]:
    """The entries of the member OUS folder, by destination (relative to it)."""
    sb = files.sb
    entries: list[HardEntry] = []

    def add(folder: str, source: Path, link: bool, name: str | None = None) -> None:
        entries.append(HardEntry(f"{folder}/{name or source.name}".lstrip("/"), source, link))

    if files.readme:
        add("", files.readme, False)
    for p in [*files.eb_scripts, *files.sb_scripts]:
        add("script", p, False)
    for p in files.reports:
        add("qa", p, False)
    for eb in sb.ebs:
        for p in sorted(eb.dir.glob("*.split.fluxscale")):
            add("calibration", p, False)
        for p in sorted(eb.dir.glob("*.split.cal")):
            add("calibration", p, True)
        for p in sorted({q for g in _LOG_GLOBS for q in eb.dir.glob(g)}):
            add("log", p, True, f"{eb.uid}.{p.name}")
        if eb.asdm is not None:
            add("raw", eb.asdm, True, eb.uid)
    for p in sorted(sb.calibrated.glob("allFluxes.txt")):
        add("calibration", p, False)
    for p in sorted(sb.calibrated.glob("*.fits")):
        add("product", p, True)
    return entries


def ous_path(files: SBFiles, sg: str | None = None, group: str | None = None,
             member: str | None = None) -> Path:
    """``<code>/science_goal.<sg>/group.<group>/member.<member>``."""
    member = member or member_ous(files.sb) or UNKNOWN
    return (Path(files.code) / f"science_goal.{sg or UNKNOWN}" / f"group.{group or UNKNOWN}"
            / f"member.{member}")


def package_hard(path: Path | str, force: bool = False, sg: str | None = None,
                 group: str | None = None, member: str | None = None) -> PackageResult:
    """Build the delivery tree under ``packaging/hard/`` and its ``md5sums.txt``."""
    files = sb_files(path)
    result = gate(files.sb.root, force)
    if result.refused:
        return result
    hard = files.sb.root / HARD_DIR
    hard.mkdir(parents=True, exist_ok=True)
    rel = ous_path(files, sg, group, member)
    if UNKNOWN in rel.as_posix():
        result.notes.append(f"OUS ids not in the files are named {UNKNOWN}: {rel} "
                            "(give them with --sg-ous/--group-ous/--member-ous)")
    top = hard / files.code
    tmp = Path(tempfile.mkdtemp(prefix=f".{files.code}.", dir=hard))
    try:
        member_dir = tmp / rel.relative_to(files.code)
        for sub in ("calibration", "script", "qa", "product", "log", "raw"):
            (member_dir / sub).mkdir(parents=True, exist_ok=True)
        for entry in hard_entries(files):
            dest = member_dir / entry.dest
            if entry.link:
                dest.symlink_to(entry.source.resolve())
                result.linked.append(top / rel.relative_to(files.code) / entry.dest)
            else:
                shutil.copyfile(entry.source, dest)
                result.written.append(top / rel.relative_to(files.code) / entry.dest)
        tmp.chmod(0o755)
        _replace_dir(tmp, top)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    sums = md5_lines(hard, [Path(files.code) / rel for rel in tree_files(top)])
    write_bytes_atomically(hard / MD5SUMS, sums.encode())
    result.written.append(hard / MD5SUMS)
    return result


def _replace_dir(new: Path, old: Path) -> None:
    """Put folder *new* where *old* is, the old one removed only once the new one is in place."""
    if old.is_symlink() or old.is_file():
        raise Qa2DocsError(f"{old}: exists and is not a folder qa2docs made; move it away")
    if not old.exists():
        new.rename(old)
        return
    trash = old.with_name(f".{old.name}.old")
    shutil.rmtree(trash, ignore_errors=True)
    old.rename(trash)
    new.rename(old)
    shutil.rmtree(trash, ignore_errors=True)
