"""The JIRA ticket package, the hard package and the delivery (run_packaging.py, qa2_deliver).

    >>> from qa2docs.workflow import packaging
    >>> packaging.package_ticket("/analysis/me/B6_IRAS12345").zip_path
    PosixPath('/analysis/me/B6_IRAS12345/packaging/ticket/JIRA/2013.1.12345.S.B6_IRAS12345.ticket.zip')

Ticket (``packaging/ticket/JIRA/``, what is uploaded to the JIRA QA2 ticket)::

    <code>.<SB>.ticket.zip     Checklist_SB_*.txt, README.header.txt, project_info.txt,
                               qa2/qa2_report_*.html|pdf, scripts/<each script>
    Checklist_SB_*.txt         copies of the checklists, next to the zip

The zip is deterministic (entries sorted, fixed 1980-01-01 time stamps, fixed permissions):
packaging unchanged files again gives the same bytes. Every file is written atomically.

Hard package (``packaging/hard/``), the ALMA delivery tree as far as the files tell it::

    <code>/science_goal.<sg>/group.<group>/member.<member>/
        README.header.txt
        script/       each <uid>.ms.scriptForCalibration.py, scriptForFluxCalibration.py,
                      scriptForImaging.py, scriptForPI.py (copied)
        qa/           the QA2 reports (copied)
        calibration/  <uid>.ms.split.fluxscale, allFluxes.txt (copied); *.split.cal (linked)
        product/      calibrated/*.fits (linked)
        log/          casapy-*.log / casa-*.log, as <uid>.<log name> (linked)
        raw/          the ASDMs (linked)
    md5sums.txt       ``<md5>  <path>`` for every file below <code>/ (links followed)

The member OUS id is the ASDM's SBSummary ``obsUnitSetUID``; the science goal and group OUS
ids are in no reduction file, so they are ``UNKNOWN`` unless given. Documents are copied;
data (folders, FITS, logs, ASDMs) are symbolic links to the reduction, never copies.
Only ``packaging/hard/<code>/`` and ``md5sums.txt`` are replaced on a new run.

Delivery (``deliver(path, to)``): every file of the hard package symlinked into
``<to>/<code>.<SB>/`` (same relative paths) with ``md5sum.txt``; an existing, different
delivery there is never overwritten.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from qa2docs.discover.layout import SBLayout, discover, load_project_of
from qa2docs.errors import LayoutError, Qa2DocsError
from qa2docs.models import Project
from qa2docs.report.build import REPORT_DIR

TICKET_DIR = Path("packaging") / "ticket" / "JIRA"
HARD_DIR = Path("packaging") / "hard"
MD5SUMS = "md5sums.txt"
DELIVERY_MD5 = "md5sum.txt"
UNKNOWN = "UNKNOWN"
#: The fixed time stamp of every zip entry (the earliest a zip can hold).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20
_OUS_RE = re.compile(r"<obsUnitSetUID>\s*<EntityRef\s+entityId=\"(uid://[^\"]+)\"", re.S)
_SCRIPT_GLOBS = ("*scriptForFluxCalibration*.py", "*scriptForImaging*.py")
_LOG_GLOBS = ("casapy-*.log", "casa-*.log")


# ---------------------------------------------------------------------------- files


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


# ---------------------------------------------------------------------------- what an SB has


@dataclass
class SBFiles:
    """The documents, scripts, reports and data of one SB that packages are made of."""

    sb: SBLayout
    project: Project
    checklists: list[Path]
    readme: Path | None
    reports: list[Path]
    eb_scripts: list[Path]
    sb_scripts: list[Path]

    @property
    def code(self) -> str:
        """The project code."""
        return self.project.project_code

    @property
    def package_name(self) -> str:
        """``<code>.<SB>``, the name of the ticket zip and of the delivery folder."""
        return f"{self.code}.{self.sb.name}"


def sb_files(path: Path | str) -> SBFiles:
    """What the SB around *path* has to package; qa2docs.yaml must give the project code."""
    sb = discover(Path(path))
    project = load_project_of(sb)
    if project is None:
        raise LayoutError(f"{sb.project_file}: missing; the project code is needed to package "
                          "(run 'qa2docs start' or write it)")
    checklists = sorted(p for p in [sb.sb_checklist, *(eb.checklist for eb in sb.ebs)]
                        if p.is_file())
    if not checklists:
        raise LayoutError(f"{sb.root}: no checklist (Checklist_SB_{sb.name}*.txt) to package")
    reports = sorted(p for ext in ("html", "pdf")
                     for p in (sb.root / REPORT_DIR).glob(f"qa2_report_*.{ext}"))
    eb_scripts = sorted(p for eb in sb.ebs for p in eb.dir.glob("*scriptForCalibration.py"))
    sb_scripts = sorted({p for g in _SCRIPT_GLOBS for p in sb.calibrated.glob(g)}
                        | {p for p in sb.root.glob("scriptForPI.py")})
    return SBFiles(sb, project, checklists, sb.readme if sb.readme.is_file() else None,
                   reports, eb_scripts, sb_scripts)


def project_info(files: SBFiles) -> str:
    """The project facts of qa2docs.yaml (no waivers, no comments), one ``key: value`` a line."""
    p = files.project
    rows = [("project_code", p.project_code), ("sb_name", p.sb_name), ("pi", p.pi),
            ("contact_scientist", p.contact_scientist), ("reducer", p.reducer),
            ("project_title", p.project_title), ("cycle", p.effective_cycle),
            ("jira", ", ".join(p.jira)), ("execution_blocks", ", ".join(e.uid for e in files.sb.ebs))]
    return "".join(f"{key}: {'' if value is None else value}\n" for key, value in rows)


def error_count(root: Path) -> int:
    """The error findings (not waived) of ``qa2docs validate`` on the SB root."""
    from qa2docs.validate.run import validate_path

    return validate_path(root).counts()["error"]


# ---------------------------------------------------------------------------- ticket


@dataclass
class PackageResult:
    """What a packaging run wrote (or why it refused)."""

    root: Path
    errors: int
    refused: bool = False
    written: list[Path] = field(default_factory=list)
    linked: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _gate(root: Path, force: bool) -> PackageResult:
    errors = error_count(root)
    return PackageResult(root, errors, refused=bool(errors) and not force)


def ticket_members(files: SBFiles) -> dict[str, Path | bytes]:
    """Name in the ticket zip -> file (or generated bytes)."""
    members: dict[str, Path | bytes] = {p.name: p for p in files.checklists}
    if files.readme:
        members[files.readme.name] = files.readme
    members["project_info.txt"] = project_info(files).encode()
    members.update({f"{REPORT_DIR}/{p.name}": p for p in files.reports})
    members.update({f"scripts/{p.name}": p for p in [*files.eb_scripts, *files.sb_scripts]})
    return members


def package_ticket(path: Path | str, force: bool = False) -> PackageResult:
    """Write ``packaging/ticket/JIRA/<code>.<SB>.ticket.zip`` and the checklist copies.

    Refuses (``result.refused``, nothing written) when validation finds errors, unless *force*.
    """
    files = sb_files(path)
    result = _gate(files.sb.root, force)
    if result.refused:
        return result
    out = files.sb.root / TICKET_DIR
    zip_path = out / f"{files.package_name}.ticket.zip"
    write_bytes_atomically(zip_path, deterministic_zip(ticket_members(files)))
    result.written.append(zip_path)
    for checklist in files.checklists:
        write_bytes_atomically(out / checklist.name, checklist.read_bytes())
        result.written.append(out / checklist.name)
    if not files.reports:
        result.notes.append(f"no QA2 report in {files.sb.root / REPORT_DIR}; "
                            "run 'qa2docs report' first to include them")
    return result


# ---------------------------------------------------------------------------- hard package


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
    result = _gate(files.sb.root, force)
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


# ---------------------------------------------------------------------------- deliver


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
