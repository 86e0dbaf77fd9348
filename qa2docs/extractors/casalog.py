"""The ``casalog`` extractor: what a casapy/casa session log says about the reduction.

The log is streamed with :mod:`qa2docs.extractors.logscan`: one regex pass finds the few
marker lines, and only those are parsed, so a log of hundreds of MB is read at near disk
speed in constant memory.

Fact ids and value shapes (rank 10, "casa log lines"):

- ``casa_version`` str, e.g. ``"4.7.2"``, ``"6.7.0.31"``: from the ``CASA Version ...``
  banner (``CASA Version MODULAR 6.7.0.31`` in CASA 6 sessions); the last banner wins and a
  note lists any other version seen. A log with no banner (casatools logs, a log file set
  after start-up) is read for the other lines CASA writes its version in (``casatools
  version: 6.5.2.26``, ``CASA 6.5.4.9 -- Common Astronomy Software Applications``), with a
  note; never a script's version gate (what was required, not what ran). None: no fact.
- ``analysisutils_version`` str: when the log prints ``$Id: analysisUtils.py,v X`` or
  ``analysisUtils version X`` at the start of a message.
- ``log.steps`` [{number: int, title: str, line: int}]: the script's ``Step N title`` posts.
- ``log.tasks`` [{name, line, step: int | None, params: {name: value} | None}]: one per
  ``Begin Task`` banner, with the parameters of the task-call line that follows it (values
  as Python literals, else their source text).
- ``log.messages`` {total: int, counts: {priority: int}, items: [{priority, origin,
  message, line, step}]}: the WARN and SEVERE messages (continuation lines joined; the empty
  lines CASA writes between messages are not messages). SEVERE does not mean the run failed.

These three lists grow with the log (a log that many sessions append to): each keeps its
first and last :data:`STEPS_SHOWN` / :data:`TASKS_SHOWN` / :data:`MESSAGES_SHOWN` entries
(with their lines) and then has a note, e.g. ``1234 task calls; first 100 and last 100
shown``.
- ``log.flagged_antennas`` [{vis, antennas: [str], line}]: the ``flagdata`` calls that flag
  whole antennas (manual mode on an MS, no other selection), also those typed at the prompt;
  :func:`qa2docs.collect.resolve.derive_facts` adds them to the script's. Only when some.
- ``apriori.syscal_fix`` True: only when fixsyscaltimes' own message (``In spw=N found K
  Tsys measurements with M TIMEs...``) is in the log; no fact otherwise.
- ``flux_densities``, ``fitted_spectra``, ``fluxscale.reference_fields``,
  ``fluxscale.transfer_fields``, ``gaincal.fluxscale_paste``: the last fluxscale run in the
  log (see :mod:`qa2docs.extractors.fluxscale`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Iterator

from qa2docs.extractors.base import ExtractionWarning, LogExtractor
from qa2docs.extractors.bounded import Bounded
from qa2docs.extractors.calscript.flagging import antennas_flagged_in_full
from qa2docs.extractors.fluxscale import (
    FLUXSCALE_STARTS,
    FluxscaleRuns,
    fluxscale_facts,
    later_runs_note,
)
from qa2docs.extractors.logscan import Hit, LogLine, LogReader, LogScanner
from qa2docs.extractors.taskcall import find_call, parse_task_call
from qa2docs.models.facts import Fact, make_fact

__all__ = ["CasaLogExtractor", "parse_task_call"]

MESSAGES_SHOWN = 250
TASKS_SHOWN = 100
STEPS_SHOWN = 100
_MAX_MESSAGE_CHARS = 2000
_INHERIT = -1
"""The step of an item that a scan worker read before the first step post of its range:
the step current at the end of the ranges before (step numbers are never negative)."""

_CASA_VERSION = re.compile(
    r"^casa version\s*:?\s*(?:modular\s+|pipeline\s+)?(?P<v>\d+(?:\.\d+)+(?:-\d+)?)", re.I
)
_OTHER_VERSION = re.compile(  # where a log with no banner says which CASA ran
    r"^(?:casatools|casatasks)\s*(?:version)?\s*:?\s*(?P<v>\d+(?:\.\d+)+(?:-\d+)?)\b"
    r"|^CASA\s+(?P<w>\d+(?:\.\d+)+(?:-\d+)?)\s+--\s+Common Astronomy", re.I
)
_AU_VERSION = re.compile(
    r"^(?:\$Id: analysisUtils\.py,v|(?:analysisUtils|aU) version:?)\s*(?P<v>\d[\w.\-]*)"
)
_STEP = re.compile(r"^Step\s+(?P<n>\d+)\b\s*(?P<title>.*)$")
_BEGIN_TASK = re.compile(r"^#+\s*Begin Task:\s*(?P<name>\w+)")
_PLAIN = re.compile(
    rb"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?\tINFO\t[^\t\n]*\t"
    rb"(?:#+ *Begin Task: *(?P<name>\w+)(?![\w\x80-\xff])"
    rb"|Step +(?P<n>\d+)(?P<title>(?:[ !-/:-@\[-^`{-~][ -~]*)?)\r*\n?\Z)")
"""A task banner or step post in the plain tab form, whose ASCII bytes give what parsing it
would (:func:`parse_line` splits it into date, ``INFO``, origin and message; the message is
what :data:`_BEGIN_TASK` or :data:`_STEP` match): the task's name ends before an ASCII
non-word byte, and the step's number before an ASCII non-word byte, with only printable ASCII
after it. Any other line (a banner with ``fluxscale`` in it included) is parsed."""
_SYSCAL = re.compile(r"^In spw=\d+ found \d+ Tsys measurements with \d+ TIMEs")
_OTHER_FIRST = frozenset("SCc$aI")
"""The first characters of the messages :data:`_STEP`, :data:`_CASA_VERSION` (any case),
:data:`_OTHER_VERSION` (any case), :data:`_AU_VERSION` and :data:`_SYSCAL` match."""
_FLUXSCALE_PREFIXES = ("Found ", "Flux density for ", "Fitted spectrum for ")
"""The messages :meth:`FluxscaleRuns.feed` takes begin so, or mention ``fluxscale``."""


def _span_fact(field: str, value: Any, lines: list[int], excerpt: str, extractor: str,
               file: str, rank: int, note: str | None = None) -> Fact:
    return make_fact(field, value, extractor, file, line=lines[0], end_line=lines[-1],
                     excerpt=excerpt, rank=rank, note=note)


class _LogState(LogReader):
    """What one pass over a log has collected so far (bounded in size)."""

    message_starts = FLUXSCALE_STARTS + (
        rb"Begin Task",
        rb"Step +\d",
        rb"(?:CASA|casa) [Vv]ersion",
        rb"casat(?:ools|asks)\b",
        rb"CASA \d",
        rb"In spw=\d+ found \d+ Tsys",
        rb"\$Id: analysisUtils",
        rb"(?:analysisUtils|aU) version",
    )
    priorities = (rb"WARN", rb"SEVERE")
    plain = _PLAIN
    mergeable = True

    def __init__(self, extractor: CasaLogExtractor, path: Path) -> None:
        super().__init__(lambda line, msg: extractor.warn(path, line, msg))
        self.ex = extractor
        self.path = path
        self.file = path.name
        self.step: int | None = None
        self.version: tuple[str, LogLine] | None = None
        self.other_versions: dict[str, None] = {}
        """The versions of earlier banners (a dict: in the order first added), at most 100."""
        self.au_version: tuple[str, LogLine] | None = None
        self.other_version: tuple[str, LogLine] | None = None
        self.flagged: list[dict] = []
        self.steps: Bounded[dict] = Bounded(STEPS_SHOWN)
        self.tasks: Bounded[tuple[dict, Hit]] = Bounded(TASKS_SHOWN)
        self.messages: Bounded[dict] = Bounded(MESSAGES_SHOWN)
        self.counts: dict[str, int] = {}
        self.last_message_line = -1
        self.open_item: dict | None = None
        self.syscal: Bounded[LogLine] = Bounded(50)
        self.runs = FluxscaleRuns(self.warn)
        self.in_worker = False
        """A reader of a later range (:meth:`fresh`): reads no task calls, records its
        fluxscale lines for :meth:`merge`."""
        self.flux_lines: list[LogLine] = []
        self.warned_from = 0

    def feed(self, hit: Hit, scanner: LogScanner) -> None:
        """Dispatch one marker line: a plain task banner or step post (most lines of a
        dense log) from its bytes (see :data:`_PLAIN`), any other line parsed."""
        if (m := _PLAIN.match(hit.raw)) is not None and self.feed_plain(
                m, hit.number, hit.offset, hit.end, scanner):
            return
        line = hit.parse()
        if line.priority in ("WARN", "SEVERE"):
            self._message(line)
        msg = line.message.strip()
        if m := _BEGIN_TASK.match(msg):
            self._task(m["name"], hit, line.number, scanner)
            if "fluxscale" in msg:  # "Begin Task: fluxscale" also opens a fluxscale run
                self._fluxscale(line, msg)
        elif self._fluxscale(line, msg) or msg[:1] not in _OTHER_FIRST:
            pass
        elif m := _STEP.match(msg):
            self._step(int(m["n"]), m["title"].strip(), line.number)
        elif m := _CASA_VERSION.match(msg):
            if self.version is not None and len(self.other_versions) < 100:
                self.other_versions[self.version[0]] = None
            self.version = (m["v"], line)  # the last banner wins
        elif m := _OTHER_VERSION.match(msg):
            self.other_version = (m["v"] or m["w"], line)
        elif m := _AU_VERSION.match(msg):
            self.au_version = (m["v"], line)
        elif _SYSCAL.match(msg):
            self.syscal.add(line)

    def feed_plain(self, match: re.Match[bytes], number: int, offset: int, end: int,
                   scanner: LogScanner) -> bool:
        """Take a line :data:`_PLAIN` matched, unless ``fluxscale`` is in it."""
        if match.string.find(b"fluxscale", match.pos, match.endpos) >= 0:
            return False
        if (name := match["name"]) is not None:
            raw = bytes(match.string[match.pos:match.endpos])
            self._task(name.decode(), Hit(number, offset, end, raw), number, scanner)
        else:
            self._step(int(match["n"]), match["title"].strip().decode(), number)
        return True

    def _fluxscale(self, line: LogLine, msg: str) -> bool:
        """Feed the fluxscale runs *line* (its message stripped: *msg*); True if it was a
        fluxscale line. Lines that cannot be one (no ``fluxscale`` in them, none of the
        result or field prefixes) skip the runs' regexes."""
        if ("fluxscale" in msg or msg.startswith(_FLUXSCALE_PREFIXES)) and self.runs.feed(line):
            if self.in_worker:
                self.flux_lines.append(line)
            return True
        return False

    def _message(self, line: LogLine) -> None:
        text = line.message.strip()
        if not text:  # the empty separator lines CASA writes between messages
            if line.is_continuation and line.number == self.last_message_line + 1:
                self.last_message_line = line.number
            return
        if line.is_continuation and line.number == self.last_message_line + 1:
            self.last_message_line = line.number  # joins the message above
            item = self.open_item
            if item is not None and len(item["message"]) < _MAX_MESSAGE_CHARS:
                item["message"] = (item["message"] + " " + text)[:_MAX_MESSAGE_CHARS]
            return
        self.last_message_line = line.number
        self.counts[line.priority] = self.counts.get(line.priority, 0) + 1
        self.open_item = {
            "priority": line.priority, "origin": (line.origin or "").rstrip("+").strip(),
            "message": text[:_MAX_MESSAGE_CHARS], "line": line.number, "step": self.step,
        }
        self.messages.add(self.open_item)

    def _step(self, number: int, title: str, line: int) -> None:
        self.step = number
        self.steps.add({"number": number, "title": title, "line": line})

    def _task(self, name: str, hit: Hit, line: int, scanner: LogScanner) -> None:
        task = {"name": name, "line": line, "step": self.step, "params": None}
        if self.tasks.add((task, hit)) and not self.in_worker:  # the last ones': finish()
            task["params"] = self._params(task, hit, scanner)
        if name == "flagdata":  # every one: an antenna flagged in full counts
            params = task["params"] or self._params(task, hit, scanner, False) or {}
            if len(self.flagged) < TASKS_SHOWN and (
                    antennas := antennas_flagged_in_full(params, params.get("vis"))):
                self.flagged.append({"vis": params["vis"], "antennas": antennas,
                                     "line": line})

    def _params(self, task: dict, hit: Hit, scanner: LogScanner, private: bool = True
                ) -> dict[str, Any] | None:
        """The parameters of the call of *task* logged after its banner *hit* (*private*:
        a copy of them, to keep)."""
        call = find_call(task["name"], hit, scanner, private)
        if call is None:
            return None
        if call.params is None:
            self.warn(call.line, f"unreadable or truncated call of task {task['name']}")
        return call.params

    _PARTIAL = ("step", "version", "other_versions", "au_version", "other_version", "flagged",
                "steps", "tasks", "messages", "counts", "last_message_line", "open_item",
                "syscal", "flux_lines")

    def fresh(self) -> _LogState:
        """A reader of a later range, in a scan worker (see :meth:`LogReader.fresh`)."""
        new = type(self)(self.ex, self.path)
        new.in_worker, new.step, new.warned_from = True, _INHERIT, len(self.ex.warnings)
        return new

    def partial(self) -> dict[str, Any]:
        """What this range's reader collected, and the warnings it gave."""
        state = {name: getattr(self, name) for name in self._PARTIAL}
        return dict(state, warnings=self.ex.warnings[self.warned_from:])

    def merge(self, partial: object, lines_before: int, scanner: LogScanner) -> None:
        """Take a later range's :meth:`partial` as if its hits had been fed here: renumber
        its lines, give its items read before its first step post the step current here,
        read the calls of its tasks that join the first ones kept, and replay its
        fluxscale lines (their warnings were given in the worker)."""
        assert isinstance(partial, dict)
        p = partial

        def line_of(line: LogLine) -> LogLine:
            return line._replace(number=line.number + lines_before)

        def renumber(item: dict) -> dict:
            item["line"] += lines_before
            if item.get("step", 0) == _INHERIT:
                item["step"] = self.step
            return item

        def task_of(task_hit: tuple[dict, Hit]) -> tuple[dict, Hit]:
            task, hit = task_hit
            return renumber(task), hit._replace(number=hit.number + lines_before)

        p["steps"].map(renumber)
        p["messages"].map(renumber)
        p["tasks"].map(task_of)
        p["syscal"].map(line_of)
        self.steps.extend(p["steps"])
        self.messages.extend(p["messages"])
        self.syscal.extend(p["syscal"])
        for priority, count in p["counts"].items():
            self.counts[priority] = self.counts.get(priority, 0) + count
        if p["last_message_line"] >= 0:
            self.last_message_line = p["last_message_line"] + lines_before
            self.open_item = p["open_item"]
        if p["version"] is not None:
            if self.version is not None and len(self.other_versions) < 100:
                self.other_versions[self.version[0]] = None
            for version in p["other_versions"]:
                if len(self.other_versions) < 100:
                    self.other_versions[version] = None
            self.version = (p["version"][0], line_of(p["version"][1]))
        if p["au_version"] is not None:
            self.au_version = (p["au_version"][0], line_of(p["au_version"][1]))
        if p["other_version"] is not None:
            self.other_version = (p["other_version"][0], line_of(p["other_version"][1]))
        for flagged in p["flagged"]:
            if len(self.flagged) < TASKS_SHOWN:
                self.flagged.append(dict(flagged, line=flagged["line"] + lines_before))
        if p["step"] != _INHERIT:
            self.step = p["step"]
        self.runs.replay([line_of(line) for line in p["flux_lines"]])
        # the warnings in file order, as a scan in one process gives them
        events: list[tuple[int, int, Any]] = [
            (task["line"], 0, (task, hit)) for task, hit in self.tasks.extend(p["tasks"])]
        events += [(w.line + lines_before, 1, w) for w in p["warnings"]]
        for _, kind, what in sorted(events, key=lambda e: e[:2]):
            if kind == 0:
                what[0]["params"] = self._params(what[0], what[1], scanner)
            else:
                self.ex.warnings.append(ExtractionWarning(what.path, what.line + lines_before,
                                                          what.message))

    def finish(self, scanner: LogScanner) -> None:
        """Read the calls of the last tasks kept, then warn about lines too long to scan."""
        for task, hit in self.tasks.tail:
            task["params"] = self._params(task, hit, scanner)
        super().finish(scanner)

    def facts(self) -> Iterator[Fact]:
        """The facts collected, as the module docstring describes them."""
        ex, file, rank = self.ex.name, self.file, self.ex.rank
        if self.version:
            version, line = self.version
            others = sorted(set(self.other_versions) - {version})
            note = f"other CASA versions in this log: {', '.join(others)}" if others else None
            yield make_fact("casa_version", version, ex, file, line=line.number,
                            excerpt=line.message.strip(), rank=rank, note=note)
        elif self.other_version:
            version, line = self.other_version
            yield make_fact("casa_version", version, ex, file, line=line.number,
                            excerpt=line.message.strip(), rank=rank,
                            note="no 'CASA Version' banner in this log; read from this line")
        if self.au_version:
            version, line = self.au_version
            yield make_fact("analysisutils_version", version, ex, file, line=line.number,
                            excerpt=line.message.strip(), rank=rank)
        if steps := self.steps.items():
            yield _span_fact("log.steps", steps, [s["line"] for s in steps],
                             "\n".join(f"Step {s['number']} {s['title']}" for s in steps),
                             ex, file, rank, self.steps.note("step posts"))
        if tasks := [task for task, _ in self.tasks.items()]:
            yield _span_fact("log.tasks", tasks, [t["line"] for t in tasks],
                             "\n".join(f"{t['line']}: {t['name']}" for t in tasks),
                             ex, file, rank, self.tasks.note("task calls"))
        if self.counts:
            items = self.messages.items()
            value = {"total": sum(self.counts.values()), "counts": dict(self.counts),
                     "items": items}
            yield _span_fact("log.messages", value, [i["line"] for i in items],
                             "\n".join(f"{i['priority']} {i['message']}" for i in items),
                             ex, file, rank, self.messages.note("WARN/SEVERE messages"))
        if self.flagged:
            yield _span_fact("log.flagged_antennas", self.flagged,
                             [f["line"] for f in self.flagged],
                             "\n".join(f"{f['line']}: flagdata(vis={f['vis']!r}, antenna="
                                       f"{','.join(f['antennas'])!r})" for f in self.flagged),
                             ex, file, rank)
        if syscal := self.syscal.items():
            yield make_fact("apriori.syscal_fix", True, ex, file, line=syscal[0].number,
                            end_line=syscal[-1].number,
                            excerpt="\n".join(ln.message.strip() for ln in syscal),
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
