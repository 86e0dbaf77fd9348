"""Applycal/split facts: the step list, empty steps, the split output, the applied tables."""

from __future__ import annotations

from typing import Iterator

from qa2docs.extractors.calscript.builder import Evidence, FactBuilder, as_list
from qa2docs.models.facts import Fact

# The step banner every generated block starts with; a block with nothing else is empty.
BANNER_CALLS = frozenset({"casalog.post", "print", "str"})


def applied_tables(fb: FactBuilder) -> list[str]:
    """Every table given to an applycal call, in order of first use."""
    tables: list[str] = []
    for call in fb.s.named("applycal"):
        tables.extend(as_list(call.kwargs.get("gaintable")))
    return list(dict.fromkeys(tables))


def applycal_split(fb: FactBuilder) -> Iterator[Fact | None]:
    """Step list, empty steps, split output, applied tables."""
    if fb.s.step_title is not None:
        steps = [{"number": n, "title": t} for n, t in fb.s.step_title.items()]
        empty = empty_steps(fb)
        yield fb.fact("applycal_split.steps", steps, [fb.step_list()],
                      f"step(s) {', '.join(map(str, empty))} hold only comments"
                      if empty else None)
        if empty:
            yield fb.fact("calscript.empty_steps", empty,
                          [step_block(fb, n) for n in empty])
    splits = [c for c in fb.s.named("split", "mstransform") if c.text("outputvis")]
    if splits:
        yield fb.fact("applycal_split.split_output", splits[-1].text("outputvis"),
                      [splits[-1]])
    applied = applied_tables(fb)
    if applied:
        yield fb.fact("applycal_split.calibration_tables", applied,
                      fb.s.named("applycal"))


def step_block(fb: FactBuilder, number: int) -> Evidence:
    """The source lines of one step block, without the next step's heading comment."""
    start = fb.s.step_lines[number]
    end = min((ln for ln in fb.s.step_lines.values() if ln > start),
              default=len(fb.s.lines) + 1) - 1
    while end > start and (not fb.s.lines[end - 1].strip()
                           or fb.s.lines[end - 1].startswith("#")):
        end -= 1
    return (start, end, "".join(fb.s.lines[start - 1:end]).rstrip())


def empty_steps(fb: FactBuilder) -> list[int]:
    """Steps whose block holds no call but the step banner."""
    busy = {c.step for c in fb.s.calls if c.name not in BANNER_CALLS}
    return [n for n in sorted(fb.s.step_lines) if n not in busy]
