"""The state every section of the calibration facts reads: the script, fact makers, the
flux calibrator and the header's intent block."""

from __future__ import annotations

import re
from typing import Any, Iterable

from qa2docs.extractors.calscript.script import CalScript, Call
from qa2docs.models.facts import Fact, make_fact

RANK = 30

_INTENT_RE = re.compile(r"^\s*#\s*((?:CALIBRATE|OBSERVE)_[A-Z_]+)(?:#[A-Z_]+)?\s*:(.*)$")

Evidence = tuple[int | None, int | None, str]


class FactBuilder:
    """A :class:`CalScript` and what its sections share; the sections are functions of it."""

    def __init__(self, script: CalScript, extractor: str, filename: str) -> None:
        self.s = script
        self.extractor = extractor
        self.filename = filename
        self.flux_names = self._flux_cal_names()
        self.flux_ids = self._flux_cal_ids()

    def fact(self, field_id: str, value: Any, evidence: Iterable[Evidence | Call],
             note: str | None = None) -> Fact:
        """A rank-30 fact with one provenance entry per piece of evidence."""
        provs = []
        for ev in evidence:
            line, end, excerpt = (ev.line, ev.end_line, ev.excerpt) if isinstance(ev, Call) else ev
            provs.append(make_fact(field_id, None, self.extractor, self.filename, line=line,
                                   end_line=end, excerpt=excerpt).provenance[0])
        return Fact(field=field_id, value=value, provenance=tuple(provs), rank=RANK, note=note)

    def step_list(self) -> Evidence:
        """The step list as evidence for a "No" answer."""
        assert self.s.step_title is not None and self.s.step_title_span is not None
        text = "; ".join(f"{n}: {t}" for n, t in self.s.step_title.items())
        return (self.s.step_title_span[0], self.s.step_title_span[1], f"steps {text}")

    def presence(self, field_id: str, calls: list[Call], note: str | None = None) -> Fact | None:
        """True from the calls; False from a complete script without them; else None."""
        if calls:
            return self.fact(field_id, True, calls, note)
        if self.s.complete:
            return self.fact(field_id, False, [self.step_list()],
                             "no such call in the complete script")
        return None

    def header_lines(self) -> list[tuple[int, str]]:
        """The numbered lines above the first step block."""
        first_step = min(self.s.step_lines.values(), default=len(self.s.lines) + 1)
        return [(n, ln) for n, ln in enumerate(self.s.lines[:first_step - 1], start=1)]

    def _flux_cal_names(self) -> list[str]:
        return self.fields_by_intent()[0].get("CALIBRATE_FLUX", [])

    def _flux_cal_ids(self) -> set[str]:
        return {c.text("reference") for c in self.s.named("fluxscale")
                if c.text("reference")} - {""}

    def on_flux_cal(self, call: Call) -> bool:
        """Whether the call's ``field`` selection includes a flux calibrator."""
        selection = call.text("field")
        if selection is None:
            return False
        fields = _expand_fields(selection)
        comment = self.s.trailing_comment(call, "field") or ""
        named = {n.strip() for n in comment.split(",")}
        return bool(fields & (self.flux_ids | set(self.flux_names))
                    or named & set(self.flux_names))

    def fields_by_intent(self) -> tuple[dict[str, list[str]], list[tuple[int, str]]]:
        """The ``# CALIBRATE_...: a,b`` block: intents and the lines that gave them."""
        intents: dict[str, list[str]] = {}
        used: list[tuple[int, str]] = []
        for n, line in self.header_lines():
            m = _INTENT_RE.match(line)
            if m:
                names = [f.strip() for f in m.group(2).split(",") if f.strip()]
                intents.setdefault(m.group(1), []).extend(names)
                used.append((n, line.rstrip()))
        return intents, used

    def intent_line(self, intent: str) -> Evidence:
        """The header line of one intent, as evidence."""
        for n, text in self.fields_by_intent()[1]:
            if intent in text:
                return (n, n, text)
        return (None, None, intent)


def _expand_fields(selection: str) -> set[str]:
    """``'0~2,Venus'`` -> ``{'0', '1', '2', 'Venus'}``."""
    out: set[str] = set()
    for part in selection.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)\s*~\s*(\d+)", part)
        if m:
            out.update(str(n) for n in range(int(m.group(1)), int(m.group(2)) + 1))
        elif part:
            out.add(part)
    return out


def as_list(value: Any) -> list[str]:
    """The non-empty strings of a str or list argument value (nothing from other values)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str) and v]
    return []
