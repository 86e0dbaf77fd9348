"""The seed's small helpers: qa2_clear, qa2_fluxequal_start.sh and qa2_lock, without click."""

from __future__ import annotations

import getpass
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from pathlib import Path

from filelock import FileLock, Timeout

from qa2docs.discover.layout import SBLayout, discover
from qa2docs.errors import LayoutError, Qa2DocsError
from qa2docs.fileio import write_atomically
from qa2docs.models.common import ASDM_DIR_RE

# What qa2_clear keeps in the SB's calibrated/ dir (the seed's list).
CALIBRATED_KEEP = ("*fluxscale", "*split.cal", "scriptForFluxCalibration.py",
                   "scriptForImaging.py")
EB_SCRIPT = "*.scriptForCalibration.py"


# ---------------------------------------------------------------------------- clear


@dataclass
class ClearPlan:
    """What clearing a directory keeps and deletes (names relative to *directory*)."""

    directory: Path
    kind: str
    """"EB" or "calibrated"."""
    keep: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)


def plan_clear(path: Path) -> ClearPlan:
    """What ``clear`` would do in *path*, an EB dir or the calibrated dir of an SB root."""
    path = Path(path)
    if not path.is_dir():
        raise LayoutError(f"{path}: no such directory")
    sb = discover(path)
    here = path.resolve()
    if here == sb.calibrated.resolve():
        kind, kept = "calibrated", _keeps_calibrated
    elif any(here == eb.dir.resolve() for eb in sb.ebs):
        kind, kept = "EB", _keeps_eb
    else:
        raise LayoutError(f"{path}: not an EB dir or the calibrated dir of SB {sb.name}; "
                          f"clear one of: {_clearable(sb)}")
    plan = ClearPlan(path, kind)
    for entry in sorted(path.iterdir(), key=lambda p: p.name):
        (plan.keep if kept(entry) else plan.delete).append(entry.name)
    if kind == "EB" and not plan.keep:
        raise Qa2DocsError(f"{path}: no ASDM (uid___*) and no {EB_SCRIPT} here, nothing to "
                           "keep; not clearing an EB dir that would end up empty")
    return plan


def _clearable(sb: SBLayout) -> str:
    dirs = [eb.dir for eb in sb.ebs] + [sb.calibrated]
    return ", ".join(str(d) for d in dirs)


def _keeps_eb(entry: Path) -> bool:
    """The ASDM (folder or link, even a dangling one) and the calibration script."""
    if ASDM_DIR_RE.match(entry.name):
        return entry.is_symlink() or entry.is_dir()
    return fnmatchcase(entry.name, EB_SCRIPT)


def _keeps_calibrated(entry: Path) -> bool:
    return any(fnmatchcase(entry.name, pattern) for pattern in CALIBRATED_KEEP)


def apply_clear(plan: ClearPlan) -> int:
    """Delete what *plan* deletes; links are removed, never followed. Returns how many went."""
    removed = 0
    for name in plan.delete:
        entry = plan.directory / name
        try:
            if entry.is_symlink() or not entry.is_dir():
                entry.unlink()
            else:
                # rmtree removes links inside the tree and does not follow them.
                shutil.rmtree(entry)
        except FileNotFoundError:
            continue  # gone since the plan was shown (another shell, a CASA still running)
        except OSError as err:
            raise Qa2DocsError(f"{entry}: cannot delete: {err.strerror or err}") from err
        removed += 1
    return removed


# ---------------------------------------------------------------------------- fluxequal-start


@dataclass
class LinkReport:
    """One line of what ``fluxequal-start`` did: the link's name, its target, what happened."""

    eb: str
    name: str
    target: str | None
    status: str
    """"linked", "kept" (a file or link of that name was there) or "missing"."""


def fluxequal_start(path: Path) -> tuple[SBLayout, list[LinkReport]]:
    """Link every EB's ``.ms.split.cal`` and fluxscale file into the SB's calibrated/ dir."""
    sb = discover(Path(path))
    if not sb.ebs:
        raise LayoutError(f"{sb.work}: no EB dirs (one folder per EB holding its ASDM)")
    sb.calibrated.mkdir(parents=True, exist_ok=True)
    reports: list[LinkReport] = []
    for eb in sb.ebs:
        split_cal = _split_cal(eb.dir, eb.uid)
        wanted = [(f"{eb.uid}.ms.split.cal", split_cal),
                  (f"{eb.uid}.ms.split.cal.fluxscale",
                   eb.dir / f"{eb.uid}.ms.split.fluxscale")]
        for name, source in wanted:
            reports.append(_link(sb.calibrated, eb.short, name, source))
    return sb, reports


def _split_cal(eb_dir: Path, uid: str) -> Path:
    """``<uid>.ms.split.cal``, else the EB dir's only ``*.ms.split.cal``."""
    exact = eb_dir / f"{uid}.ms.split.cal"
    if exact.exists():
        return exact
    found = sorted(eb_dir.glob("*.ms.split.cal"))
    return found[0] if len(found) == 1 else exact


def _link(calibrated: Path, eb: str, name: str, source: Path) -> LinkReport:
    link = calibrated / name
    if link.is_symlink():
        return LinkReport(eb, name, os.readlink(link), "kept")
    if link.exists():
        return LinkReport(eb, name, None, "kept")
    if not source.exists():
        return LinkReport(eb, name, str(source), "missing")
    target = os.path.relpath(source, calibrated)
    try:
        link.symlink_to(target, target_is_directory=source.is_dir())
    except OSError as err:
        raise Qa2DocsError(f"{link}: cannot create link: {err.strerror or err}") from err
    return LinkReport(eb, name, target, "linked")


# ---------------------------------------------------------------------------- lock

LOCK_STATE = "qa2_lock.json"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class LockHolder:
    """Someone holding the QA2 lock on analysisUtils, since when (local time, aware)."""

    user: str
    since: datetime

    def seed_line(self, me: str) -> str:
        """``* 27-Aug-2014 17:01 (you)`` as qa2_lock prints it; others by user name."""
        t = self.since.astimezone()
        who = "you" if self.user == me else self.user
        return f"* {t.day:02d}-{_MONTHS[t.month - 1]}-{t.year} {t:%H:%M} ({who})"


def lock_dir(given: Path | None = None) -> Path:
    """Where the lock state lives: *given*, else $QA2DOCS_LOCK_DIR, else ~/.qa2docs/locks."""
    if given is not None:
        return Path(given)
    env = os.environ.get("QA2DOCS_LOCK_DIR")
    return Path(env) if env else Path.home() / ".qa2docs" / "locks"


def current_user() -> str:
    """The login name of whoever runs qa2docs."""
    try:
        return getpass.getuser()
    except (OSError, KeyError) as err:
        raise Qa2DocsError("cannot tell who you are (no LOGNAME/USER and no passwd entry); "
                           "set USER") from err


def lock_holders(directory: Path) -> list[LockHolder]:
    """Everyone holding the QA2 lock, oldest first; none when there is no state file."""
    state = directory / LOCK_STATE
    if not state.is_file():
        return []
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
        holders = [LockHolder(str(h["user"]), datetime.fromisoformat(h["since"]))
                   for h in data["holders"]]
    except OSError as err:
        raise Qa2DocsError(f"{state}: cannot read: {err.strerror or err}") from err
    except (ValueError, KeyError, TypeError) as err:
        raise Qa2DocsError(f"{state}: not a qa2docs lock state ({err}); fix or delete it"
                           ) from err
    return sorted(holders, key=lambda h: h.since)


def set_lock(directory: Path, on: bool, user: str | None = None,
             now: datetime | None = None) -> tuple[bool, list[LockHolder]]:
    """Add (*on*) or remove *user*'s lock; returns whether anything changed and the holders."""
    user = user or current_user()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # mode 0o666: the lock dir is shared, and the next user must be able to take the lock.
        with FileLock(str(directory / f"{LOCK_STATE}.lock"), timeout=10, mode=0o666):
            holders = lock_holders(directory)
            mine = [h for h in holders if h.user == user]
            if on and mine or not on and not mine:
                return False, holders
            if on:
                holders.append(LockHolder(user, (now or datetime.now()).astimezone()))
            else:
                holders = [h for h in holders if h.user != user]
            data = {"holders": [{"user": h.user, "since": h.since.isoformat(timespec="seconds")}
                                for h in holders]}
            write_atomically(directory / LOCK_STATE, json.dumps(data, indent=1) + "\n")
            return True, holders
    except Timeout as err:
        raise Qa2DocsError(f"{directory}: the lock state is being changed by someone else; "
                           "try again") from err
    except OSError as err:
        raise Qa2DocsError(f"{directory}: cannot write the lock state: "
                           f"{err.strerror or err}") from err
