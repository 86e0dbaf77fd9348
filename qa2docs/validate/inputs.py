"""Input rules: every problem with the files an EB (or the SB's calibrated/ dir) is read
from is a finding naming the EB, the file and why, so that a broken input never validates
like an intact one: a link that points nowhere, a FIFO in place of a file, a file that
cannot be read or understood (the extraction warnings), no calibration script."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from qa2docs.discover.layout import EBInfo
from qa2docs.validate.context import SBContext
from qa2docs.validate.report import Finding
from qa2docs.validate.rules import rule

if TYPE_CHECKING:
    from qa2docs.collect.factset import FactSet

CALIBRATION_SCRIPT = "*.scriptForCalibration.py"
_RULE_OF_KIND = {"dangling": "QA2401", "special": "QA2402"}


def _document(root: Path, directory: Path, path: str) -> str:
    """*path* (as a warning gives it) relative to the SB root, through *directory*."""
    where = Path(path)
    if not where.is_absolute():
        where = directory / where
    try:
        return where.relative_to(root).as_posix()
    except ValueError:
        return where.name


def _warnings(ctx: SBContext, facts: FactSet, directory: Path, uid: str | None
              ) -> Iterator[Finding]:
    for warning in facts.warnings:
        yield rule(_RULE_OF_KIND.get(warning.kind, "QA2403")).finding(
            warning.message, _document(ctx.sb.root, directory, warning.path), warning.line,
            eb=uid)


def check_eb_inputs(ctx: SBContext, eb: EBInfo) -> Iterator[Finding]:
    """The input problems of one EB dir."""
    yield from _warnings(ctx, ctx.eb_facts(eb), eb.dir, eb.uid)
    if eb.dir.is_dir() and not any(p.is_file() for p in eb.dir.glob(CALIBRATION_SCRIPT)):
        yield rule("QA2404").finding(
            f"no calibration script ({CALIBRATION_SCRIPT}) in the EB dir of {eb.uid}",
            _document(ctx.sb.root, eb.dir, "."), eb=eb.uid)


def check_sb_inputs(ctx: SBContext) -> Iterator[Finding]:
    """The input problems of the SB's calibrated/ dir."""
    yield from _warnings(ctx, ctx.sb_facts, ctx.sb.calibrated, None)
