"""The ``casalog`` extractor: what a casapy/casa session log says about the reduction.

The log is streamed with :mod:`qa2docs.extractors.logscan`: one regex pass finds the few
marker lines, and only those are parsed, so a log of hundreds of MB is read at near disk
speed in constant memory.

Fact ids and value shapes (rank 10, "casa log lines"):

- ``casa_version`` str, e.g. ``"4.7.2"``, ``"6.7.0.31"``: from the ``CASA Version ...``
  banner (``CASA Version MODULAR 6.7.0.31`` in CASA 6 sessions); the last banner wins and a
  note lists any other version seen. No banner (casatools logs): no fact.
- ``analysisutils_version`` str: when the log prints ``$Id: analysisUtils.py,v X`` or
  ``analysisUtils version X`` at the start of a message.
- ``log.steps`` [{number: int, title: str, line: int}]: the script's ``Step N title`` posts.
- ``log.tasks`` [{name, line, step: int | None, params: {name: value} | None}]: one per
  ``Begin Task`` banner, with the parameters of the task-call line that follows it (values
  as Python literals, else their source text); at most :data:`MAX_TASKS`.
- ``log.messages`` {total: int, counts: {priority: int}, items: [{priority, origin,
  message, line, step}]}: the WARN and SEVERE messages (continuation lines joined), at most
  :data:`MAX_MESSAGES` items. SEVERE does not mean the run failed.
- ``apriori.syscal_fix`` True: only when fixsyscaltimes' own message (``In spw=N found K
  Tsys measurements with M TIMEs...``) is in the log; no fact otherwise.
- ``flux_densities``, ``fitted_spectra``, ``fluxscale.reference_fields``,
  ``fluxscale.transfer_fields``, ``gaincal.fluxscale_paste``: the last fluxscale run in the
  log (see :mod:`qa2docs.extractors.fluxscale`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, ClassVar, Iterator

from qa2docs.extractors.base import LogExtractor
from qa2docs.extractors.fluxscale import (
    FLUXSCALE_STARTS,
    FluxscaleRuns,
    fluxscale_facts,
    later_runs_note,
)
from qa2docs.extractors.logscan import Hit, LogLine, LogReader, LogScanner
from qa2docs.models.facts import Fact, make_fact

MAX_MESSAGES = 500
MAX_TASKS = 2000
MAX_STEPS = 5000
_MAX_MESSAGE_CHARS = 2000
_CALL_LOOKAHEAD = 40

_CASA_VERSION = re.compile(
    r"^casa version\s*:?\s*(?:modular\s+|pipeline\s+)?(?P<v>\d+(?:\.\d+)+(?:-\d+)?)", re.I
)
_AU_VERSION = re.compile(
    r"^(?:\$Id: analysisUtils\.py,v|(?:analysisUtils|aU) version:?)\s*(?P<v>\d[\w.\-]*)"
)
_STEP = re.compile(r"^Step\s+(?P<n>\d+)\b\s*(?P<title>.*)$")
_BEGIN_TASK = re.compile(r"^#+\s*Begin Task:\s*(?P<name>\w+)")
_SYSCAL = re.compile(r"^In spw=\d+ found \d+ Tsys measurements with \d+ TIMEs")


def parse_task_call(text: str) -> dict[str, Any] | None:
    """The keyword arguments of a logged task call ``task( a=1, b='x' )``; None if unreadable."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if not isinstance(node, ast.Call):
        return None
    params: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            continue
        try:
            params[kw.arg] = ast.literal_eval(kw.value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            params[kw.arg] = ast.unparse(kw.value)
    return params


def _span_fact(field: str, value: Any, lines: list[int], excerpt: str, extractor: str,
               file: str, rank: int) -> Fact:
    return make_fact(field, value, extractor, file, line=lines[0], end_line=lines[-1],
                     excerpt=excerpt, rank=rank)


class _LogState(LogReader):
    """What one pass over a log has collected so far (bounded in size)."""

    message_starts = FLUXSCALE_STARTS + (
        rb"Begin Task",
        rb"Step +\d",
        rb"(?:CASA|casa) [Vv]ersion",
        rb"In spw=\d+ found \d+ Tsys",
        rb"\$Id: analysisUtils",
        rb"(?:analysisUtils|aU) version",
    )
    priorities = (rb"WARN", rb"SEVERE")

    def __init__(self, extractor: CasaLogExtractor, path: Path) -> None:
        super().__init__(lambda line, msg: extractor.warn(path, line, msg))
        self.ex = extractor
        self.path = path
        self.file = path.name
        self.step: int | None = None
        self.versions: list[tuple[str, LogLine]] = []
        self.au_version: tuple[str, LogLine] | None = None
        self.steps: list[dict] = []
        self.tasks: list[dict] = []
        self.task_total = 0
        self.messages: list[dict] = []
        self.counts: dict[str, int] = {}
        self.last_message_line = -1
        self.open_item: dict | None = None
        self.syscal: list[LogLine] = []
        self.runs = FluxscaleRuns(self.warn)

    def feed(self, hit: Hit, scanner: LogScanner) -> None:
        """Dispatch one marker line."""
        line = hit.parse()
        if line.priority in ("WARN", "SEVERE"):
            self._message(line)
        msg = line.message.strip()
        if m := _BEGIN_TASK.match(msg):
            self._task(m["name"], hit, line, scanner)
            self.runs.feed(line)  # "Begin Task: fluxscale" also opens a fluxscale run
        elif self.runs.feed(line):
            pass
        elif m := _STEP.match(msg):
            self.step = int(m["n"])
            if len(self.steps) < MAX_STEPS:
                self.steps.append({"number": self.step, "title": m["title"].strip(),
                                   "line": line.number})
        elif m := _CASA_VERSION.match(msg):
            if len(self.versions) < 100:
                self.versions.append((m["v"], line))
        elif m := _AU_VERSION.match(msg):
            self.au_version = (m["v"], line)
        elif _SYSCAL.match(msg):
            if len(self.syscal) < 100:
                self.syscal.append(line)

    def _message(self, line: LogLine) -> None:
        text = line.message.strip()
        if line.is_continuation and line.number == self.last_message_line + 1:
            self.last_message_line = line.number  # joins the message above
            item = self.open_item
            if item is not None and len(item["message"]) < _MAX_MESSAGE_CHARS:
                item["message"] = (item["message"] + " " + text)[:_MAX_MESSAGE_CHARS]
            return
        self.last_message_line = line.number
        self.counts[line.priority] = self.counts.get(line.priority, 0) + 1
        self.open_item = None
        if len(self.messages) < MAX_MESSAGES:
            self.open_item = {
                "priority": line.priority, "origin": (line.origin or "").rstrip("+").strip(),
                "message": text[:_MAX_MESSAGE_CHARS], "line": line.number, "step": self.step,
            }
            self.messages.append(self.open_item)

    def _task(self, name: str, hit: Hit, line: LogLine, scanner: LogScanner) -> None:
        self.task_total += 1
        if len(self.tasks) >= MAX_TASKS:
            return
        params = None
        following = scanner.lines_after(hit, _CALL_LOOKAHEAD)
        for i, nxt in enumerate(following):
            if nxt.message.strip().startswith(name + "("):
                call = [nxt.message.strip()]
                for cont in following[i + 1:]:
                    if not cont.is_continuation:
                        break
                    call.append(cont.message.strip())
                params = parse_task_call(" ".join(call))
                if params is None:
                    self.ex.warn(self.path, nxt.number,
                                 f"unreadable or truncated call of task {name}")
                break
        self.tasks.append({"name": name, "line": line.number, "step": self.step,
                           "params": params})

    def facts(self) -> Iterator[Fact]:
        """The facts collected, as the module docstring describes them."""
        ex, file, rank = self.ex.name, self.file, self.ex.rank
        if self.versions:
            version, line = self.versions[-1]
            others = sorted({v for v, _ in self.versions} - {version})
            note = f"other CASA versions in this log: {', '.join(others)}" if others else None
            yield make_fact("casa_version", version, ex, file, line=line.number,
                            excerpt=line.message.strip(), rank=rank, note=note)
        if self.au_version:
            version, line = self.au_version
            yield make_fact("analysisutils_version", version, ex, file, line=line.number,
                            excerpt=line.message.strip(), rank=rank)
        if self.steps:
            yield _span_fact("log.steps", self.steps, [s["line"] for s in self.steps],
                             "\n".join(f"Step {s['number']} {s['title']}" for s in self.steps),
                             ex, file, rank)
        if self.tasks:
            fact = _span_fact("log.tasks", self.tasks, [t["line"] for t in self.tasks],
                              "\n".join(f"{t['line']}: {t['name']}" for t in self.tasks),
                              ex, file, rank)
            if self.task_total > len(self.tasks):
                fact = fact.model_copy(update={
                    "note": f"{self.task_total} tasks in the log; the first {MAX_TASKS} kept"})
            yield fact
        if self.counts:
            items = self.messages
            value = {"total": sum(self.counts.values()), "counts": dict(self.counts),
                     "items": items}
            yield _span_fact("log.messages", value, [i["line"] for i in items],
                             "\n".join(f"{i['priority']} {i['message']}" for i in items),
                             ex, file, rank)
        if self.syscal:
            first = self.syscal[0]
            yield make_fact("apriori.syscal_fix", True, ex, file, line=first.number,
                            end_line=self.syscal[-1].number,
                            excerpt="\n".join(ln.message.strip() for ln in self.syscal),
                            rank=rank)
        run = self.runs.last_run()
        if run is not None:
            yield from fluxscale_facts(run, ex, file, rank, later_runs_note(self.runs))


class CasaLogExtractor(LogExtractor):
    """Reads a casapy/casa session log: version, steps, tasks, warnings, fluxscale lines."""

    name: ClassVar[str] = "casalog"
    patterns: ClassVar[tuple[str, ...]] = ("casapy-*.log", "casa-*.log", "*.casalog")
    level: ClassVar[str] = "eb"
    rank: ClassVar[int] = 10
    reader: ClassVar[type[LogReader]] = _LogState
