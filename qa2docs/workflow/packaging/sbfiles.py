"""What one SB has to package (documents, scripts, reports), and the validation gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qa2docs.discover.layout import SBLayout, discover
from qa2docs.errors import LayoutError
from qa2docs.models import Project
from qa2docs.documents.project import load_project
from qa2docs.report.rows import REPORT_DIR

_SCRIPT_GLOBS = ("*scriptForFluxCalibration*.py", "*scriptForImaging*.py")


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
    project = load_project(sb.project_file) if sb.project_file.is_file() else None
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


@dataclass
class PackageResult:
    """What a packaging run wrote (or why it refused)."""

    root: Path
    errors: int
    refused: bool = False
    written: list[Path] = field(default_factory=list)
    linked: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def gate(root: Path, force: bool) -> PackageResult:
    """The result of a packaging run on *root*: refused on validation errors, unless *force*."""
    errors = error_count(root)
    return PackageResult(root, errors, refused=bool(errors) and not force)
