"""EBChecklist and SBChecklist: the answers of the ESO text checklists.

The models are built from the layouts in :mod:`qa2docs.models.layout` so that the text,
the parser and the models cannot drift apart. Answers are text as a person wrote it;
format checks (project code, UID) are validation rules, not parse errors.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from qa2docs.models.common import Text
from qa2docs.models.layout import EB_LAYOUT, SB_LAYOUT, Element


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Section(_Strict):
    """A section's own done-box."""

    done: bool = False


class YesNo(_Strict):
    """An item with Yes and No boxes, an optional inline value and a comment."""

    yes: bool = False
    no: bool = False
    value: Text = ""
    """Text after the item's inline label (e.g. the REFANT name)."""
    comment: Text = ""

    @property
    def answer(self) -> str:
        """``yes``, ``no``, ``both`` or ``""``."""
        return {(True, False): "yes", (False, True): "no", (True, True): "both"}.get(
            (self.yes, self.no), "")


class Check(_Strict):
    """A single check box ("checked ...?"), ticked by a person only."""

    checked: bool = False
    value: Text = ""
    comment: Text = ""

    @property
    def answer(self) -> str:
        """``x`` when ticked, else ``""``."""
        return "x" if self.checked else ""


class FieldValue(_Strict):
    """A labelled value inside a section (``uvrange (m) for later gaincal: ...``)."""

    value: Text = ""


class Paste(_Strict):
    """A pasted block of text (the fluxscale lines)."""

    text: Text = ""


_ITEM_TYPES = {"yesno": YesNo, "check": Check, "field": FieldValue, "paste": Paste}


def _build(name: str, layout: tuple[Element, ...], doc: str) -> type[BaseModel]:
    headers: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    items: dict[str, Any] = {}
    for el in layout:
        desc = f"{el.id}: {el.label}"
        if el.kind == "header":
            headers[el.attr] = (Text, Field("", description=desc))
        elif el.kind == "section":
            sections[el.attr] = (Section, Field(default_factory=Section, description=desc))
        elif el.kind in _ITEM_TYPES:
            cls = _ITEM_TYPES[el.kind]
            items[el.attr] = (cls, Field(default_factory=cls, description=desc))
    cfg = ConfigDict(extra="forbid")
    header_m = create_model(f"{name}Header", __config__=cfg, **headers)
    sections_m = create_model(f"{name}Sections", __config__=cfg, **sections)
    items_m = create_model(f"{name}Items", __config__=cfg, **items)
    model = create_model(
        name, __base__=ChecklistBase, __doc__=doc,
        header=(header_m, Field(default_factory=header_m)),
        sections=(sections_m, Field(default_factory=sections_m)),
        items=(items_m, Field(default_factory=items_m)),
    )
    model.layout = layout
    return model


class ChecklistBase(_Strict):
    """Shared accessors: answers by element id."""

    layout: ClassVar[tuple[Element, ...]] = ()

    def part(self, el: Element) -> Any:
        """The model object of *el*: header text, Section, YesNo, Check, FieldValue, Paste."""
        if el.kind == "header":
            return getattr(self.header, el.attr)
        if el.kind == "section":
            return getattr(self.sections, el.attr)
        return getattr(self.items, el.attr)

    def element(self, element_id: str) -> Element:
        """The layout element with id *element_id*."""
        for el in type(self).layout:
            if el.id == element_id and el.answers:
                return el
        raise KeyError(element_id)


EBChecklist = _build("EBChecklist", EB_LAYOUT,
                     "The ESO EB checklist (Checklist_SB_<SB>_<uid>.txt).")
SBChecklist = _build("SBChecklist", SB_LAYOUT,
                     "The SB checklist (Checklist_SB_<SB>.txt).")
