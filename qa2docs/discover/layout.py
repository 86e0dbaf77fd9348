"""Find the SB root, its EBs and the input files of each, from any path inside."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qa2docs.documents.project import PROJECT_FILE
from qa2docs.errors import LayoutError
from qa2docs.models.common import ASDM_DIR_RE, short_id, uid_of_name

if TYPE_CHECKING:
    from qa2docs.models import Project

STATE_DIR = ".qa2docs"
CALIBRATED = "calibrated"
_UID_IN_TEXT = re.compile(rb"(?<![0-9A-Za-z_.])uid___A\d{3}_X[0-9A-Za-z]+_X[0-9A-Za-z]+(?![0-9A-Za-z_/])")
"""An ASDM UID standing as a name of its own (``/data/uid___A002_X1_X2.ms``), not as a folder of
a path (``.../uid___A002_X1_X2/...``) nor behind a prefix (``member.uid___A001_X879_X162``)."""
_OUS_UID = b"uid___A001_"
"""Project, science goal, group and member OUS UIDs; an EB's UID is never one of them."""
EB_FILE_PATTERNS = ("*.listobs", "*.listobs.txt", "*.listobs.log", "listobs*.txt",
                    "casa-*.log", "casapy-*.log")
"""Files that make a folder an EB dir even when no name in it carries the EB's UID."""
_HEAD_BYTES = 1 << 21


def eb_checklist_name(sb: str, uid: str) -> str:
    """``Checklist_SB_<SB>_<uid>.txt``, at the SB root (DESIGN 2)."""
    return f"Checklist_SB_{sb}_{uid}.txt"


def sb_checklist_name(sb: str) -> str:
    """``Checklist_SB_<SB>.txt``, at the SB root."""
    return f"Checklist_SB_{sb}.txt"


@dataclass
class EBInfo:
    """One execution block: its UID, its directory and its checklist."""

    uid: str
    dir: Path
    checklist: Path
    asdm: Path | None = None

    @property
    def short(self) -> str:
        """The short id (``X66d``)."""
        return short_id(self.uid)


@dataclass
class SBLayout:
    """An SB root and what is in it."""

    root: Path
    name: str
    ebs: list[EBInfo] = field(default_factory=list)
    selected: list[EBInfo] = field(default_factory=list)
    """The EBs the user's path points at (all of them for the SB root)."""
    whole: bool = True
    """Whether the path stands for the whole SB (not one EB)."""

    @property
    def work(self) -> Path:
        """The SB work dir (the SB name twice)."""
        return self.root / self.name

    @property
    def calibrated(self) -> Path:
        """Where EBs are merged, flux-equalised and imaged."""
        return self.work / CALIBRATED

    @property
    def project_file(self) -> Path:
        """qa2docs.yaml."""
        return self.root / PROJECT_FILE

    @property
    def state_dir(self) -> Path:
        """.qa2docs/: last autofill per field, caches."""
        return self.root / STATE_DIR

    @property
    def sb_checklist(self) -> Path:
        """Checklist_SB_<SB>.txt."""
        return self.root / sb_checklist_name(self.name)

    @property
    def readme(self) -> Path:
        """README.header.txt."""
        return self.root / "README.header.txt"


def find_sb_root(path: Path) -> Path:
    """The SB root above *path*: the folder with qa2docs.yaml, else the SB name standing twice."""
    path = path.resolve()
    candidates = [path, *path.parents] if path.is_dir() else list(path.parents)
    for p in candidates:
        if (p / PROJECT_FILE).is_file():
            return p
    for p in candidates:
        if p.name and p.name == p.parent.name:
            return p.parent
        if p.name and (p / p.name).is_dir() and any((p / p.name).iterdir()):
            return p
    raise LayoutError(f"{path}: not inside an SB root (no {PROJECT_FILE} above it, and no "
                      "SB name standing twice in the path); run 'qa2docs start SB' first")


def uid_of_dir(eb_dir: Path) -> tuple[str, Path | None] | None:
    """The ASDM UID an EB dir holds, and the ASDM if present; None for a folder that is no EB dir.

    The UID is the ASDM's or the one file names start with; for an EB dir whose files carry no
    UID in their names (``listobs.txt``, ``<name>.ms.listobs``, only a ``casa-*.log``), the first
    UID written in those files, else the folder's own name.
    """
    names = sorted(p.name for p in eb_dir.iterdir())
    for name in names:
        if ASDM_DIR_RE.match(name) and (eb_dir / name).is_dir():
            return uid_of_name(name) or name, eb_dir / name
    for name in names:
        if uid := uid_of_name(name):
            return uid, None
    files = eb_files(eb_dir)
    if not files:
        return None
    return next((uid for f in files if (uid := _uid_in_file(f))), eb_dir.name), None


def eb_files(directory: Path) -> list[Path]:
    """The listobs files and casa logs in *directory* (:data:`EB_FILE_PATTERNS`), listobs first."""
    found = dict.fromkeys(p for pattern in EB_FILE_PATTERNS
                          for p in sorted(directory.glob(pattern)) if p.is_file())
    return list(found)


def _uid_in_file(path: Path) -> str | None:
    """The first EB UID written in the head of *path* as a name of its own (the MS a listobs
    summarises), never an OUS UID of the pipeline's path (``science_goal.uid___A001_…/``)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except OSError:
        return None
    found = (m.group(0) for m in _UID_IN_TEXT.finditer(head))
    return next((uid.decode() for uid in found if not uid.startswith(_OUS_UID)), None)


def discover(path: Path) -> SBLayout:
    """The SB root of *path*, its EBs (sorted by short id) and the EBs *path* selects."""
    path = Path(path)
    if not path.exists():
        raise LayoutError(f"{path}: no such file or directory")
    root = find_sb_root(path)
    sb = SBLayout(root=root, name=_sb_name(root))
    if sb.work.is_dir():
        for d in sorted(sb.work.iterdir()):
            if not d.is_dir() or d.name == CALIBRATED or d.name.startswith("."):
                continue
            found = uid_of_dir(d)
            if found:
                uid, asdm = found
                sb.ebs.append(EBInfo(uid, d, root / eb_checklist_name(sb.name, uid), asdm))
    resolved = path.resolve()
    picked = [eb for eb in sb.ebs
              if resolved == eb.dir.resolve() or eb.dir.resolve() in resolved.parents
              or resolved == eb.checklist.resolve()]
    sb.whole = not picked
    sb.selected = picked or list(sb.ebs)
    return sb


_names: dict[tuple, str] = {}
"""SB names by their qa2docs.yaml's path and stat (a batch discovers each root twice)."""


def _sb_name(root: Path) -> str:
    project_file = root / PROJECT_FILE
    try:
        st = project_file.stat()
    except OSError:
        return root.name
    if not stat.S_ISREG(st.st_mode):
        return root.name
    key = (str(project_file), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key not in _names:
        from qa2docs.documents.project import load_raw

        data = load_raw(project_file)
        name = str(data["sb_name"]) if isinstance(data, dict) and data.get("sb_name") else None
        if len(_names) >= 4096:
            _names.clear()
        _names[key] = name or root.name
    return _names[key]


def load_project_of(sb: SBLayout) -> Project | None:
    """qa2docs.yaml of the SB root, if present."""
    from qa2docs.documents.project import load_project

    return load_project(sb.project_file) if sb.project_file.is_file() else None
