"""Shared by the review tests: the demo SB, built once per test session, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import run_cli

SB = "B6_IRAS12345"
EB_SHORT = "X66d"


def demo_copy(tmp_path_factory, tmp_path: Path) -> Path:
    """A fresh copy of the demo SB (``qa2docs demo``) under *tmp_path*; its SB root."""
    built = tmp_path_factory.getbasetemp() / "review-demo"
    if not (built / "analysis" / SB).is_dir():
        shutil.rmtree(built, ignore_errors=True)
        run_cli("demo", str(built))
    copy = tmp_path / "demo"
    shutil.copytree(built, copy, symlinks=True)
    return copy / "analysis" / SB


def eb_checklist(root: Path) -> Path:
    """The checklist of the demo's EB X66d."""
    return next(root.glob(f"Checklist_SB_{SB}_uid___*_{EB_SHORT}.txt"))
