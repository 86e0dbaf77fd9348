"""The ``calscript`` extractor: facts from an ALMA ``*.ms.scriptForCalibration.py``.

Calibration scripts are Python 2 (casapy 4.x, ``print 'x'``) or Python 3 (CASA 5/6); the
shared reader :mod:`qa2docs.extractors.pyscript` finds the calls (indentation ignored) and
parses each call's arguments alone: literal values are kept, other values keep their source
text (:class:`Expr`). ``step_title = {...}`` is read with ``ast.literal_eval`` and every call
is mapped to its ``mystep = N`` block. Commented-out calls do not count; comments are read
only as the explanation written above a ``flagdata`` call and after a ``field`` selection.

Fact ids produced (all rank 30; yes/no items are bool):

- ``asdm_uid`` str; ``fields_by_intent`` {intent without ``#ON_SOURCE``: [field names]} (an
  intent line with no field gives ``[]``); ``casa_version_required`` str (the version gate;
  a note says when the gate is commented out); ``script_generator`` str (the ``$Id`` text).
- ``import.asis`` bool, ``import.asis_tables`` list[str].
- ``apriori.fixplanets``, ``apriori.syscal_fix``, ``apriori.other_es_fix`` bool,
  ``apriori.other_es_fix_names`` list[str]; ``apriori.antpos`` bool,
  ``apriori.antpos_antennas`` list[str] (antennas with a non-zero offset; only when True).
- ``flagging.edge_channels``, ``flagging.atm_lines`` bool, ``flagging.atm_lines_ranges``
  list[str] (the ``spw:channel`` selections); ``flagged_antennas`` list[str] (flagged in full);
  ``flagging.resolved_fluxcal`` bool; ``flagging.calibrator_lines`` bool (True only);
  ``flagging.uvrange_gaincal`` str; ``flagging.quasar_fluxcal`` bool,
  ``flagging.quasar_fluxcal_values`` list[{field, spw, fluxdensity, spix, reffreq}].
- ``bandpass.refant`` {ok: None, name}; ``bandpass.solint`` str (of the applied bandpass
  table); ``bandpass.tables`` list[str]; ``bandpass.mixed_solint`` bool (True only).
- ``gaincal.limited_uvrange`` bool; ``gaincal.tables`` list[str].
- ``applycal_split.steps`` list[{number, title}]; ``applycal_split.split_output`` str;
  ``applycal_split.calibration_tables`` list[str] (every table given to ``applycal``).
- extra: ``calscript.empty_steps`` list[int] (steps whose body holds only comments and the
  step banner; emitted only when there is one).

"No" from absence: a complete script (``step_title`` parsed, a block found for every step, the
file read to its end, every relevant call parsed) is evidence for False when a call is absent,
with the step list as provenance; an incomplete script gives nothing for absent calls.
"""

from __future__ import annotations

import ast
import re
import textwrap
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from qa2docs.errors import ExtractionError
from qa2docs.extractors.base import Extractor
from qa2docs.extractors.pyscript import Arg, NotLiteral, PyScript, closing, read_text
from qa2docs.extractors.pyscript import Call as PyCall
from qa2docs.models.facts import Fact, make_fact

RANK = 30

ASIS_REQUIRED = frozenset({"Antenna", "Station", "CalAtmosphere", "Receiver", "Source"})
#: es.fix* calls the script generator adds to every script (not an "other es.fix").
ROUTINE_FIXES = frozenset({"fixForCSV2555"})

SOLAR_SYSTEM = frozenset(name.lower() for name in (
    "Mercury", "Venus", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune", "Pluto",
    "Io", "Europa", "Ganymede", "Callisto", "Titan", "Triton",
    "Ceres", "Pallas", "Vesta", "Juno", "Hygiea", "Lutetia",
))

# Calls whose arguments facts depend on: an unparsable one makes the script incomplete.
RELEVANT_CALLS = frozenset({
    "importasdm", "fixplanets", "fixsyscaltimes", "gencal", "flagdata", "setjy", "bandpass",
    "gaincal", "fluxscale", "applycal", "split", "mstransform",
})
# The step banner every generated block starts with; a block with nothing else is empty.
BANNER_CALLS = frozenset({"casalog.post", "print", "str"})
FLAGDATA_RESTRICTIONS = ("spw", "timerange", "scan", "field", "intent", "correlation",
                         "uvrange", "observation", "array", "feed")

_UID_RE = re.compile(r"^(uid___[A-Za-z0-9]+_[A-Za-z0-9]+_[A-Za-z0-9]+)")
_INTENT_RE = re.compile(r"^\s*#\s*((?:CALIBRATE|OBSERVE)_[A-Z_]+)(?:#[A-Z_]+)?\s*:(.*)$")
_GATE_RE = re.compile(r"re\.search\(\s*['\"]\^?([0-9][0-9.]*[0-9])['\"]\s*,.*version")
_EXIT_RE = re.compile(r"SAME VERSION OF CASA[^:]*:\s*([0-9][0-9.]*[0-9])")
_ID_RE = re.compile(r"\$Id:\s*([^$]*?)\s*\$")
_REFANT_RE = re.compile(r"#\s*Using reference antenna\s*=\s*([A-Za-z0-9]+)")
_EDGE_SPW_RE = re.compile(r"^\s*\d+\s*:\s*0\s*~\s*\d+\s*;\s*\d+\s*~\s*\d+\s*$")
_MIXED_SOLINT_RE = re.compile(r"^\s*inf\s*,\s*[\d.]+\s*[kMG]?Hz\s*$", re.IGNORECASE)
_MS_RE = re.compile(r"\.ms(\.split)?(\.cal)?$")
_QUASAR_RE = re.compile(r"^J\d{4}[+-]\d{2,4}")


@dataclass(frozen=True)
class Expr:
    """A non-literal argument value, kept as its source text."""

    source: str


@dataclass
class Call:
    """One call found in the script: name as written, place, parsed arguments."""

    name: str
    line: int
    end_line: int
    excerpt: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    kw_lines: dict[str, int] = field(default_factory=dict)
    parsed: bool = False
    step: int | None = None

    @property
    def task(self) -> str:
        """The last part of the dotted name (``es.fixForCSV2555`` -> ``fixForCSV2555``)."""
        return self.name.rsplit(".", 1)[-1]

    def text(self, key: str) -> str | None:
        """The keyword's value when it is a literal string, else None."""
        value = self.kwargs.get(key)
        return value if isinstance(value, str) else None


@dataclass
class CalScript:
    """What the tokenizer found in one calibration script."""

    lines: list[str]
    calls: list[Call]
    comments: dict[int, str]
    step_title: dict[int, str] | None = None
    step_title_span: tuple[int, int] | None = None
    step_lines: dict[int, int] = field(default_factory=dict)
    truncated: bool = False
    unparsed: bool = False

    @property
    def complete(self) -> bool:
        """True when the whole script was read: every step found, every relevant call parsed."""
        return (self.step_title is not None and not self.truncated and not self.unparsed
                and all(n in self.step_lines for n in self.step_title))

    def named(self, *tasks: str) -> list[Call]:
        """The calls whose last name part is one of *tasks*, in file order."""
        return [c for c in self.calls if c.task in tasks]

    def comment_above(self, line: int) -> str:
        """The comment lines directly above *line* (blank lines skipped), joined."""
        found: list[str] = []
        i = line - 2
        while i >= 0:
            stripped = self.lines[i].strip()
            if stripped.startswith("#"):
                found.append(stripped)
            elif stripped:
                break
            i -= 1
        return "\n".join(reversed(found))

    def trailing_comment(self, call: Call, key: str) -> str | None:
        """The comment at the end of the line holding keyword *key* of *call*."""
        comment = self.comments.get(call.kw_lines.get(key, -1))
        return comment.lstrip("#").strip() if comment else None


def read_script(text: str, warn: Callable[[int | None, str], None]) -> CalScript:
    """Read a calibration script's text into calls, steps and comments."""
    # Indentation is never needed (steps are mapped by line ranges), and ignoring it means a
    # Python 2 file with inconsistent indentation cannot stop the tokenizer.
    source = PyScript(text, indentation=False)
    script = CalScript(lines=source.lines, calls=[], comments=source.comments)
    for problem in source.problems:
        if problem.at_end:
            warn(problem.line, f"file ends inside an unfinished statement ({problem.message}); "
                               "truncated?")
        else:
            warn(problem.line, f"tokenizer: {problem.message}; line skipped")
        script.truncated = True
    _find_steps(script, source, warn)
    _find_calls(script, source, warn)
    return script


def _find_steps(script: CalScript, source: PyScript,
                warn: Callable[[int | None, str], None]) -> None:
    for statement in source.statements:
        sig = statement.tokens
        for i in statement.starts():
            tok = sig[i]
            if tok.type != tokenize.NAME or i + 2 >= len(sig) or sig[i + 1].string != "=":
                continue
            if (tok.string == "mystep" and sig[i + 2].type == tokenize.NUMBER
                    and sig[i + 2].string.isdigit()):
                number = int(sig[i + 2].string)
                if number in script.step_lines:
                    warn(tok.start[0], f"step {number} appears twice (first at line "
                                       f"{script.step_lines[number]}); calls go to the later one")
                script.step_lines[number] = tok.start[0]
            elif tok.string == "step_title" and sig[i + 2].string == "{":
                _read_step_title(script, source, sig, i, warn)
    if script.step_title is not None:
        missing = [n for n in script.step_title if n not in script.step_lines]
        if missing and not script.truncated:
            warn(None, f"no 'mystep = N' block for step(s) {', '.join(map(str, missing))} "
                       "of step_title")
        elif missing:
            warn(None, f"step(s) {', '.join(map(str, missing))} of step_title not reached")


def _read_step_title(script: CalScript, source: PyScript, sig: list[tokenize.TokenInfo], i: int,
                     warn: Callable[[int | None, str], None]) -> None:
    """``step_title = {...}`` at token *i*, read with ``ast.literal_eval``."""
    line = sig[i].start[0]
    end = closing(sig, i + 2)
    if end is None:
        warn(line, "step_title is not closed")
        return
    try:
        titles = ast.literal_eval(source.text(sig[i + 2].start, sig[end].end))
    except (ValueError, SyntaxError) as err:
        warn(line, f"step_title is not a literal dict: {err}")
        return
    if not isinstance(titles, dict) or not all(isinstance(k, int) for k in titles):
        warn(line, "step_title is not a dict of step numbers")
        return
    script.step_title = {k: str(v) for k, v in sorted(titles.items())}
    script.step_title_span = (line, sig[end].end[0])


def _step_of(script: CalScript, line: int) -> int | None:
    best: tuple[int, int] | None = None
    for number, start in script.step_lines.items():
        if start <= line and (best is None or start > best[1]):
            best = (number, start)
    return best[0] if best else None


def _find_calls(script: CalScript, source: PyScript,
                warn: Callable[[int | None, str], None]) -> None:
    for found in source.calls:
        if found.closed:
            script.calls.append(_make_call(script, found, warn))
        else:
            warn(found.line, f"call {found.name}( is not closed before the end of the file")
            script.truncated = True


def _literal(arg: Arg) -> Any:
    try:
        return arg.value()
    except NotLiteral:
        return Expr(arg.source)


def _make_call(script: CalScript, found: PyCall,
               warn: Callable[[int | None, str], None]) -> Call:
    excerpt = textwrap.dedent("".join(script.lines[found.line - 1:found.end_line])).rstrip()
    call = Call(name=found.name, line=found.line, end_line=found.end_line, excerpt=excerpt,
                step=_step_of(script, found.line))
    arguments = found.arguments
    if arguments is None:
        if call.task in RELEVANT_CALLS:
            warn(call.line, f"cannot parse the arguments of {call.name}: {found.error}")
            script.unparsed = True
        return call
    call.args = [_literal(a) for a in arguments.positional]
    for key, arg in arguments.keywords.items():
        call.kwargs[key] = _literal(arg)
        call.kw_lines[key] = arg.line
    call.parsed = True
    return call


class CalScriptExtractor(Extractor):
    """Facts from an EB's ``*.ms.scriptForCalibration.py``."""

    name = "calscript"
    patterns = ("*.scriptForCalibration.py",)
    level = "eb"

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the calibration facts of one script (see the module docstring)."""
        try:
            text = read_text(path)
        except OSError as err:
            raise ExtractionError(path, None, f"cannot read calibration script: {err}") from err
        if not text.strip():
            self.warn(path, None, "calibration script is empty")
            return
        script = read_script(text, lambda line, msg: self.warn(path, line, msg))
        yield from _FactBuilder(script, self.name, Path(path).name).facts()


Evidence = tuple[int | None, int | None, str]


class _FactBuilder:
    """Turns a :class:`CalScript` into facts; one method per checklist section."""

    def __init__(self, script: CalScript, extractor: str, filename: str) -> None:
        self.s = script
        self.extractor = extractor
        self.filename = filename
        self.flux_names = self._flux_cal_names()
        self.flux_ids = self._flux_cal_ids()

    # -- helpers ---------------------------------------------------------------------------

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

    def _header_lines(self) -> list[tuple[int, str]]:
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

    # -- sections --------------------------------------------------------------------------

    def facts(self) -> Iterator[Fact]:
        """All facts, section by section."""
        for section in (self.header, self.import_asis, self.apriori, self.flagging,
                        self.fluxcal, self.bandpass, self.gaincal, self.applycal_split):
            yield from (f for f in section() if f is not None)

    def fields_by_intent(self) -> tuple[dict[str, list[str]], list[tuple[int, str]]]:
        """The ``# CALIBRATE_...: a,b`` block: intents and the lines that gave them."""
        intents: dict[str, list[str]] = {}
        used: list[tuple[int, str]] = []
        for n, line in self._header_lines():
            m = _INTENT_RE.match(line)
            if m:
                names = [f.strip() for f in m.group(2).split(",") if f.strip()]
                intents.setdefault(m.group(1), []).extend(names)
                used.append((n, line.rstrip()))
        return intents, used

    def header(self) -> Iterator[Fact | None]:
        """asdm_uid, fields_by_intent, casa_version_required, script_generator."""
        yield self.asdm_uid()
        intents, used = self.fields_by_intent()
        if intents:
            yield self.fact("fields_by_intent", intents,
                            [(used[0][0], used[-1][0], "\n".join(t for _, t in used))])
        for n, line in self._header_lines():
            gate = _GATE_RE.search(line) or _EXIT_RE.search(line)
            if gate:
                commented = line.lstrip().startswith("#")
                yield self.fact("casa_version_required", gate.group(1), [(n, n, line.strip())],
                                "the version gate is commented out" if commented else None)
                break
        for n, line in self._header_lines():
            m = _ID_RE.search(line)
            if m and line.lstrip().startswith("#"):
                yield self.fact("script_generator", m.group(1), [(n, n, line.strip())])
                break

    def asdm_uid(self) -> Fact | None:
        """The ASDM uid from importasdm, else from the file name."""
        m = _UID_RE.match(self.filename)
        from_name = m.group(1) if m else None
        for call in self.s.named("importasdm"):
            asdm = call.text("asdm") or (call.args[0] if call.args and
                                         isinstance(call.args[0], str) else None)
            if asdm:
                uid = Path(asdm).name
                note = (f"the file name says {from_name}"
                        if from_name and from_name != uid else None)
                return self.fact("asdm_uid", uid, [call], note)
        if from_name:
            return self.fact("asdm_uid", from_name, [(None, None, self.filename)])
        return None

    def import_asis(self) -> Iterator[Fact | None]:
        """import.asis and import.asis_tables from the first importasdm call."""
        calls = [c for c in self.s.named("importasdm") if c.parsed]
        if not calls:
            return
        call = calls[0]
        if "asis" not in call.kwargs:
            yield self.fact("import.asis", False, [call], "importasdm without asis")
            return
        asis = call.text("asis")
        if asis is None:
            return
        tables = [t for t in re.split(r"[\s,]+", asis) if t]
        missing = sorted(ASIS_REQUIRED - set(tables))
        yield self.fact("import.asis", not missing, [call],
                        f"asis lacks {', '.join(missing)}" if missing else None)
        yield self.fact("import.asis_tables", tables, [call])

    def apriori(self) -> Iterator[Fact | None]:
        """fixplanets, SYSCAL fix, other es.fix calls, antenna positions."""
        yield self.presence("apriori.fixplanets", self.s.named("fixplanets"))
        yield self.presence("apriori.syscal_fix", self.s.named("fixsyscaltimes"))
        fixes = [c for c in self.s.calls if c.name.startswith("es.fix")
                 and c.task not in ("fixsyscaltimes", "fixplanets")]
        # The script generator puts es.fixForCSV2555 into every import step: it is routine,
        # not the "other es.fix" the checklist asks about (the seed: "expect 'no'").
        others = [c for c in fixes if c.task not in ROUTINE_FIXES]
        routine = sorted({c.task for c in fixes if c.task in ROUTINE_FIXES})
        note = f"routine generator fix not counted: {', '.join(routine)}" if routine else None
        if others:
            yield self.fact("apriori.other_es_fix", True, others, note)
            yield self.fact("apriori.other_es_fix_names",
                            list(dict.fromkeys(c.task for c in others)), others)
        elif routine:
            yield self.fact("apriori.other_es_fix", False, fixes, note)
        else:
            yield self.presence("apriori.other_es_fix", [])
        yield from self.antpos()

    def antpos(self) -> Iterator[Fact | None]:
        """apriori.antpos: a gencal antpos whose parameters are not all zero."""
        calls = [c for c in self.s.named("gencal")
                 if (c.text("caltype") or "").lower() == "antpos"]
        decided: list[tuple[Call, list[float]]] = []
        for call in calls:
            params = call.kwargs.get("parameter")
            if isinstance(params, (int, float)):
                params = [params]
            if isinstance(params, (list, tuple)) and params and all(
                    isinstance(p, (int, float)) for p in params):
                decided.append((call, [float(p) for p in params]))
        applied = [(c, p) for c, p in decided if any(p)]
        if applied:
            call, params = applied[-1]
            yield self.fact("apriori.antpos", True, [c for c, _ in applied])
            yield self.fact("apriori.antpos_antennas", _moved_antennas(call, params), [call])
        elif decided and len(decided) == len(calls):
            yield self.fact("apriori.antpos", False, [c for c, _ in decided],
                            "gencal antpos with all-zero parameters")
        elif not calls:
            yield self.presence("apriori.antpos", [])

    def flagging(self) -> Iterator[Fact | None]:
        """Edge channels, atmospheric lines, calibrator lines, antennas flagged in full."""
        kinds: dict[str, list[Call]] = {"edge": [], "atm": [], "lines": [], "unexplained": []}
        full: list[Call] = []
        for call in self.s.named("flagdata"):
            vis = call.text("vis") or (call.args[0] if call.args and
                                       isinstance(call.args[0], str) else None)
            mode = call.kwargs.get("mode", "manual")
            if not call.parsed or vis is None or not _MS_RE.search(vis) or mode != "manual":
                continue
            antenna = call.kwargs.get("antenna", "")
            if _whole_antennas(antenna) and not any(call.kwargs.get(k) for k in
                                                    FLAGDATA_RESTRICTIONS):
                full.append(call)
            spw = call.kwargs.get("spw", "")
            if isinstance(spw, str) and ":" in spw:
                kind = _channel_flag_kind(self.s.comment_above(call.line), spw, antenna)
                if kind:
                    kinds[kind].append(call)
        # Channel flags with no comment and no antenna could be edge or line flags: no "No".
        clear = self.s.complete and not kinds["unexplained"]
        for field_id, calls in (("flagging.edge_channels", kinds["edge"]),
                                ("flagging.atm_lines", kinds["atm"])):
            if calls:
                yield self.fact(field_id, True, calls)
            elif clear:
                yield self.fact(field_id, False, [self.step_list()],
                                "no such flagging in the complete script")
        if kinds["atm"]:
            ranges = list(dict.fromkeys(c.text("spw") or "" for c in kinds["atm"]))
            yield self.fact("flagging.atm_lines_ranges", ranges, kinds["atm"])
        if kinds["lines"]:
            yield self.fact("flagging.calibrator_lines", True, kinds["lines"])
        antennas = list(dict.fromkeys(a.strip() for c in full
                                      for a in str(c.kwargs["antenna"]).split(",")))
        if full:
            yield self.fact("flagged_antennas", antennas, full)
        elif self.s.complete:
            yield self.fact("flagged_antennas", [], [self.step_list()],
                            "no antenna flagged in full in the complete script")

    def fluxcal(self) -> Iterator[Fact | None]:
        """Resolved (solar-system) flux calibrator vs quasar flux calibrator."""
        resolved: list[Call] = []
        quasar: list[Call] = []
        values: list[dict[str, Any]] = []
        for call in self.s.named("setjy"):
            standard = call.text("standard") or ""
            if "butler-jpl-horizons" in standard.lower():
                body = self.setjy_body(call)
                if body is None or body.lower() in SOLAR_SYSTEM:
                    resolved.append(call)
            elif self.on_flux_cal(call):
                quasar.append(call)
                if standard == "manual" and "fluxdensity" in call.kwargs:
                    value = {k: _plain(call.kwargs.get(k)) for k in
                             ("field", "spw", "fluxdensity", "spix", "reffreq")}
                    if value not in values:
                        values.append(value)
        header_quasar = bool(self.flux_names) and all(
            _QUASAR_RE.match(n) for n in self.flux_names)
        if resolved:
            yield self.fact("flagging.resolved_fluxcal", True, resolved)
            yield self.fact("flagging.quasar_fluxcal", False, resolved,
                            "the flux calibrator is a solar-system body")
        elif quasar or header_quasar:
            evidence: list[Evidence | Call] = list(quasar) or [self.intent_line("CALIBRATE_FLUX")]
            yield self.fact("flagging.quasar_fluxcal", True, evidence)
            yield self.fact("flagging.resolved_fluxcal", False, evidence,
                            "the flux calibrator is a quasar")
        if values:
            yield self.fact("flagging.quasar_fluxcal_values", values, quasar)

    def setjy_body(self, call: Call) -> str | None:
        """The name of the source a setjy call models (field name, its comment, or header)."""
        selection = call.text("field")
        if selection and not re.fullmatch(r"[\d,~\s]+", selection):
            return selection.strip()
        comment = self.s.trailing_comment(call, "field")
        if comment:
            return comment.split(",")[0].strip()
        if len(self.flux_names) == 1:
            return self.flux_names[0]
        return None

    def intent_line(self, intent: str) -> Evidence:
        """The header line of one intent, as evidence."""
        for n, text in self.fields_by_intent()[1]:
            if intent in text:
                return (n, n, text)
        return (None, None, intent)

    def bandpass(self) -> Iterator[Fact | None]:
        """Refant, solint, tables and mixed solint of the bandpass calls."""
        calls = [c for c in self.s.named("bandpass") if c.parsed]
        comment_refant = [(n, ln.strip()) for n, ln in enumerate(self.s.lines, start=1)
                          if _REFANT_RE.search(ln)]
        refants = list(dict.fromkeys(c.text("refant") for c in calls if c.text("refant")))
        if refants:
            note = f"bandpass calls use {', '.join(refants)}" if len(refants) > 1 else None
            ev: list[Evidence | Call] = [calls[0]] + [(n, n, t) for n, t in comment_refant[:1]]
            yield self.fact("bandpass.refant", {"ok": None, "name": refants[-1]}, ev, note)
        elif comment_refant:
            n, text = comment_refant[0]
            yield self.fact("bandpass.refant",
                            {"ok": None, "name": _REFANT_RE.search(text).group(1)},
                            [(n, n, text)])
        applied = set(self.applied_tables())
        with_solint = [c for c in calls if c.text("solint")]
        if with_solint:
            chosen = next((c for c in reversed(with_solint) if c.text("caltable") in applied),
                          with_solint[-1])
            others = sorted({c.text("solint") for c in with_solint} - {chosen.text("solint")})
            yield self.fact("bandpass.solint", chosen.text("solint"), [chosen],
                            f"other bandpass solint: {', '.join(others)}" if others else None)
        tables = self.bandpass_tables(calls)
        if tables:
            yield self.fact("bandpass.tables", tables, calls)
        mixed = [c for c in with_solint if _MIXED_SOLINT_RE.match(c.text("solint") or "")]
        if mixed:
            yield self.fact("bandpass.mixed_solint", True, mixed)

    def bandpass_tables(self, calls: list[Call]) -> list[str]:
        """Bandpass caltables, preceded by the pre-bandpass tables they were solved with."""
        tables: list[str] = []
        for call in calls:
            tables.extend(_as_list(call.kwargs.get("gaintable")))
        pre = [t for t in tables if any(t == g.text("caltable") for g in self.s.named("gaincal"))]
        own = [c.text("caltable") for c in calls if c.text("caltable")]
        return list(dict.fromkeys(pre + own))

    def gaincal(self) -> Iterator[Fact | None]:
        """Limited uvrange on the flux calibrator; gain tables."""
        calls = [c for c in self.s.named("gaincal") if c.parsed]
        on_flux = [c for c in calls if self.on_flux_cal(c)]
        with_uvrange = [c for c in on_flux if c.text("uvrange")]
        subset = [c for c in on_flux if "&" in (c.text("antenna") or "")]
        if with_uvrange:
            ranges = list(dict.fromkeys(c.text("uvrange") for c in with_uvrange))
            yield self.fact("gaincal.limited_uvrange", True, with_uvrange)
            yield self.fact("flagging.uvrange_gaincal", ranges[0], with_uvrange,
                            f"other uvranges: {', '.join(ranges[1:])}" if ranges[1:] else None)
        elif subset:
            yield self.fact("gaincal.limited_uvrange", True, subset,
                            "limited by an antenna subset (short baselines), not by uvrange")
        elif self.s.complete and not any(c.text("uvrange") or "&" in (c.text("antenna") or "")
                                         for c in calls):
            yield self.fact("gaincal.limited_uvrange", False, [self.step_list()],
                            "no gaincal with uvrange in the complete script")
        bp_tables = set(self.bandpass_tables([c for c in self.s.named("bandpass") if c.parsed]))
        made = [(c, c.text("caltable")) for c in calls] + [
            (c, c.text("fluxtable")) for c in self.s.named("fluxscale")]
        made = sorted(((c, t) for c, t in made if t and t not in bp_tables),
                      key=lambda ct: ct[0].line)
        if made:
            yield self.fact("gaincal.tables", list(dict.fromkeys(t for _, t in made)),
                            [c for c, _ in made])

    def applied_tables(self) -> list[str]:
        """Every table given to an applycal call, in order of first use."""
        tables: list[str] = []
        for call in self.s.named("applycal"):
            tables.extend(_as_list(call.kwargs.get("gaintable")))
        return list(dict.fromkeys(tables))

    def applycal_split(self) -> Iterator[Fact | None]:
        """Step list, empty steps, split output, applied tables."""
        if self.s.step_title is not None:
            steps = [{"number": n, "title": t} for n, t in self.s.step_title.items()]
            empty = self.empty_steps()
            yield self.fact("applycal_split.steps", steps, [self.step_list()],
                            f"step(s) {', '.join(map(str, empty))} hold only comments"
                            if empty else None)
            if empty:
                yield self.fact("calscript.empty_steps", empty,
                                [self.step_block(n) for n in empty])
        splits = [c for c in self.s.named("split", "mstransform") if c.text("outputvis")]
        if splits:
            yield self.fact("applycal_split.split_output", splits[-1].text("outputvis"),
                            [splits[-1]])
        applied = self.applied_tables()
        if applied:
            yield self.fact("applycal_split.calibration_tables", applied,
                            self.s.named("applycal"))

    def step_block(self, number: int) -> Evidence:
        """The source lines of one step block, without the next step's heading comment."""
        start = self.s.step_lines[number]
        end = min((ln for ln in self.s.step_lines.values() if ln > start),
                  default=len(self.s.lines) + 1) - 1
        while end > start and (not self.s.lines[end - 1].strip()
                               or self.s.lines[end - 1].startswith("#")):
            end -= 1
        return (start, end, "".join(self.s.lines[start - 1:end]).rstrip())

    def empty_steps(self) -> list[int]:
        """Steps whose block holds no call but the step banner."""
        busy = {c.step for c in self.s.calls if c.name not in BANNER_CALLS}
        return [n for n in sorted(self.s.step_lines) if n not in busy]


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


def _whole_antennas(antenna: Any) -> bool:
    """An antenna selection naming whole antennas (no baselines, negation or wildcards)."""
    return (isinstance(antenna, str) and bool(antenna.strip())
            and not re.search(r"[&!*;]", antenna))


def _channel_flag_kind(comment: str, spw: str, antenna: Any) -> str | None:
    """Why a channel flag was made: edge, atm, lines, unexplained, or None (other reason)."""
    text = comment.lower()
    if "edge" in text and "channel" in text:
        return "edge"
    if all(_EDGE_SPW_RE.match(part) for part in spw.split(",")):
        return "edge"
    if "atmospher" in text:
        return "atm"
    if re.search(r"\blines?\b", text) and re.search(r"calibrator|model", text):
        return "lines"
    if text or (isinstance(antenna, str) and antenna.strip()):
        return None  # explained as something else, or an antenna-specific repair
    return "unexplained"


def _moved_antennas(call: Call, params: list[float]) -> list[str]:
    """Antennas of a gencal antpos call whose offset triple is not zero."""
    antennas = [a.strip() for a in (call.text("antenna") or "").split(",") if a.strip()]
    if len(params) != 3 * len(antennas):
        return antennas
    return [a for k, a in enumerate(antennas) if any(params[3 * k:3 * k + 3])]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str) and v]
    return []


def _plain(value: Any) -> Any:
    """JSON-friendly value: Expr becomes its source text, tuples become lists."""
    if isinstance(value, Expr):
        return value.source
    if isinstance(value, tuple):
        return list(value)
    return value
