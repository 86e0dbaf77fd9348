"""``qa2docs validate``: named rules over the documents and files of EBs and SBs.

    >>> from qa2docs.validate.run import validate_path
    >>> report = validate_path("/analysis/me/B6_IRAS12345")
    >>> report.counts(), report.exit_code(strict=True)

The rules are listed in :mod:`qa2docs.validate.rules` (ids QA2000-QA2404); their numbers
(flux tolerances, QA2 limits) come from ``qa2docs/criteria/tolerances.yaml``, keyed by Cycle.
A waiver in qa2docs.yaml (``waivers: [{rule, document, reason}]``) marks a finding waived:
it is still shown, never counted.
"""

from __future__ import annotations

import os
from fnmatch import fnmatch
from pathlib import Path

from qa2docs.criteria.tolerances import load_tolerances
from qa2docs.discover.layout import SBLayout, discover
from qa2docs.documents.project import PROJECT_FILE, load_project
from qa2docs.errors import LayoutError
from qa2docs.models import Project
from qa2docs.validate import completeness, consistency, flux, imaging, inputs
from qa2docs.validate.context import SBContext
from qa2docs.validate.report import Finding, Severity, ValidationReport
from qa2docs.validate.rules import RULES, Rule, rule

__all__ = ["Finding", "RULES", "Rule", "Severity", "ValidationReport", "validate_path",
           "validate_sb"]

# Folders never searched for SB roots: CASA data sets and qa2docs' own state.
_SKIP_SUFFIXES = (".ms", ".split", ".cal", ".plots", ".flagversions", ".image", ".model")


def find_sb_roots(path: Path) -> list[Path]:
    """Every SB root (a folder holding qa2docs.yaml) at or below *path*, sorted."""
    roots = []
    for dirpath, dirnames, filenames in os.walk(path):
        if PROJECT_FILE in filenames:
            roots.append(Path(dirpath))
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not d.endswith(_SKIP_SUFFIXES) and not d.startswith("uid___"))
    return sorted(roots)


def _inside_eb(path: Path, sb: SBLayout) -> bool:
    resolved = path.resolve()
    return any(resolved == eb.dir.resolve() or eb.dir.resolve() in resolved.parents
               or resolved == eb.checklist.resolve() for eb in sb.ebs)


def validate_path(path: Path | str) -> ValidationReport:
    """Validate an EB dir, an SB root (or any path inside one), or a tree of SB roots.

    Raises LayoutError (exit 2) when *path* is none of these.
    """
    path = Path(path)
    if not path.exists():
        raise LayoutError(f"{path}: no such file or directory")
    try:
        layouts = [discover(path)]
    except LayoutError:
        roots = find_sb_roots(path) if path.is_dir() else []
        if not roots:
            raise LayoutError(f"{path}: neither inside an SB root nor above one (no "
                              f"{PROJECT_FILE} found); run 'qa2docs start SB' first") from None
        layouts = [discover(root) for root in roots]
    findings: list[Finding] = []
    cycles: list[int | None] = []
    for sb in layouts:
        eb_only = len(layouts) == 1 and _inside_eb(path, sb)
        project = load_project(sb.project_file) if sb.project_file.is_file() else None
        cycles.append(project.effective_cycle if project else None)
        findings += validate_sb(sb, project, eb_only)
    version = load_tolerances(cycles[0] if cycles else None).version
    return ValidationReport(path=str(path), sb_roots=[str(sb.root) for sb in layouts],
                            tolerances_version=version, findings=findings)


def validate_sb(sb: SBLayout, project: Project | None, eb_only: bool = False) -> list[Finding]:
    """The findings of one SB root (only the selected EBs' checklists when *eb_only*)."""
    ctx = SBContext(sb, project, ebs=list(sb.selected if eb_only else sb.ebs),
                    sb_level=not eb_only)
    found: list[Finding] = list(completeness.check_documents(ctx))
    for eb in ctx.ebs:
        doc = ctx.eb_doc(eb)
        if doc is not None:
            found += completeness.check_checklist(ctx, doc, eb)
            found += consistency.check_eb(ctx, eb, doc)
        found += flux.check_eb_fluxscale(ctx, eb)
        found += inputs.check_eb_inputs(ctx, eb)
    found += consistency.check_identity(ctx)
    if ctx.sb_level:
        found += inputs.check_sb_inputs(ctx)
        found += _sb_documents(ctx)
        found += flux.check_cross_eb(ctx)
        found += imaging.check_imaging(ctx)
    for bad in ctx.unparsable:
        found.append(rule("QA2000").finding(f"cannot be parsed: {bad.message}", bad.path.name,
                                            bad.line))
    for finding in found:
        finding.sb = sb.name
    _apply_waivers(found, project)
    return sorted(found, key=lambda f: (f.document, f.line or 0, f.rule))


def _sb_documents(ctx: SBContext) -> list[Finding]:
    from qa2docs.answers.sb import sb_proposals

    found: list[Finding] = []
    if (doc := ctx.sb_doc) is not None:
        found += completeness.check_checklist(ctx, doc, None)
        proposals = sb_proposals(ctx.sb, ctx.sb_facts, [fs for _, fs in ctx.all_eb_facts],
                                 ctx.project)
        found += consistency.contradictions(doc, proposals, None)
    if (readme := ctx.readme) is not None:
        found += completeness.check_readme(ctx, readme)
    found += consistency.check_results(ctx)
    return found


def _apply_waivers(findings: list[Finding], project: Project | None) -> None:
    for finding in findings:
        for waiver in project.waivers if project else []:
            if waiver.rule == finding.rule and (waiver.document in ("*", finding.document)
                                                or fnmatch(finding.document, waiver.document)):
                finding.waived, finding.waiver_reason = True, waiver.reason
                break
