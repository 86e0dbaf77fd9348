"""Document models: checklists, README header, project facts.

The names are loaded on first use (PEP 562): building the checklist models with
``create_model`` takes ~40 ms, which ``qa2docs facts`` (only ``models.common``) never needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa2docs.models.checklists import (Check, EBChecklist, FieldValue, Paste, SBChecklist,
                                           Section, YesNo)
    from qa2docs.models.project import Project, Waiver
    from qa2docs.models.readme_header import ReadmeHeader

_WHERE = {
    "Check": "checklists", "EBChecklist": "checklists", "FieldValue": "checklists",
    "Paste": "checklists", "SBChecklist": "checklists", "Section": "checklists",
    "YesNo": "checklists", "Project": "project", "Waiver": "project",
    "ReadmeHeader": "readme_header",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
