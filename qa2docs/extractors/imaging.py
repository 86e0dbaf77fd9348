"""SB-level inputs: scriptForImaging.py, scriptForFluxCalibration.py, allFluxes.txt,
scriptForPI.py and README headers.

The scripts are casapy (Python 2) or Python 3, so a file is never parsed whole: the shared
reader :mod:`qa2docs.extractors.pyscript` finds each task call (a task called inside another
task's arguments is part of that call) and parses its arguments alone. Plain literal
assignments seen earlier in the file (``thems = 'x.ms'``, ``v2 = '156.66GHz'``) resolve
variable arguments; a name later bound to anything else (loop variable, expression) is
unresolved, and its expression text is kept under ``unresolved`` instead of guessed.
``T``/``F`` are casapy's True/False. A value "no" (False) is given only for a script read
completely.

Fact ids and value shapes (rank 30 for scripts, 20 for allFluxes.txt and READMEs):

scriptForImaging*.py
- ``imaging.script``: True.
- ``imaging.images``: one dict per clean/tclean call, in file order: ``task``, ``imagename``,
  ``vis``, ``field``, ``spw``, ``specmode`` (tclean specmode or clean mode, as written, None
  when not given), ``kind`` ("continuum" for mfs or no mode, the CASA default; "cube" for
  cube/cubedata/cubesource/channel/velocity/frequency; None when unresolved), ``weighting``,
  ``robust``, ``cell``, ``imsize``, ``threshold``, ``niter``, ``mask`` (False for an empty
  mask, True, a str, or a list of str; tclean ``usemask='auto-multithresh'`` gives that str),
  ``nterms``, ``restfreq``, ``width``, ``start``, ``nchan``, ``interactive``, ``line``
  (1-based line of the call), ``unresolved`` ({parameter: expression text}). Keys not given
  in the call are None.
- ``imaging.targets``: [field names]: non-numeric field selections of the clean calls, else
  the names in a ``field = '3~151', # SgrB2`` comment (calibrators imaged as checks included).
- ``imaging.continuum`` / ``imaging.cubes``: bool; ``imaging.cube_spws``: [int] (spw ids
  of the cube calls' spw selections, as numbered in each call's vis: after a per-spw split
  they are the split MS's ids; ``spw=''`` names none).
- ``imaging.contsub``: bool (uvcontsub / imcontsub / mstransform(douvcontsub=True)).
- ``imaging.selfcal``: bool (gaincal or applycal in the imaging script).
- ``imaging.mask``: bool (a non-empty mask, automasking or interactive cleaning).
- ``imaging.concat_vis``: str (concat's ``concatvis``).
- ``imaging.rms``: [{``value``, ``unit``, ``jy``, ``image``, ``line``}] from comments such as
  ``#RESULTS: 0.37" x 0.32"  RMS = 35 uJy`` or ``# RMS 0.0283 Jy/beam``; ``image`` is the
  imagename of the clean call above the comment (None when unresolved). A clause (split at
  ``;``, ``(``, ``)``) naming a requested/proposed/expected value is skipped.
- ``imaging.beam``: [{``major_arcsec``, ``minor_arcsec``, ``pa_deg`` (or None), ``image``,
  ``line``}] from ``0.37" x 0.32"``, ``# Restoring Beam : 4.685 arcsec, 2.529 arcsec,
  71.9 deg`` or ``# Beam 4.098 arcsec x 1.963 arcsec pa= 74.4 deg``.
- ``imaging.casa_version``: str, from the version check (note when it is commented out) or
  ``# You should run this with CASA 4.6``.
scriptForImagingPrep.py: ``imaging.prep_script`` True, and ``imaging.contsub`` /
``imaging.selfcal`` True when it holds such calls (never False: it is not the whole story).

scriptForFluxCalibration*.py
- ``fluxcal.script``: True; ``fluxcal.casa_version``: str as above.
- ``fluxcal.setjy``: [{``vis``, ``eb``, ``field``, ``spw``, ``standard``, ``fluxdensity``
  (list), ``line``}] for setjy calls that set a flux density (``standard='manual'`` or
  ``fluxdensity`` given).
- ``fluxcal.table``: [{``eb``, ``vis``, ``field``, ``spw`` (int), ``freq_hz``, ``flux_jy``
  (this EB's own value, None for ``-``), ``mean_flux_jy`` (the value set), ``error_jy``
  (always None: the table has no error column), ``date``, ``line``}] from the comment table
  ``#   "J2331-1556"  0  212.98  0.27261  0.26730  2013-11-18T23:14:30  <vis>``
  (analysisUtils copies allFluxes.txt into the script as ``# `` + line; freq is in GHz).
- ``fluxcal.concat_vis``: str; ``fluxcal.ebs``: [vis as written] (concat's vis list, else
  the setjy vis in order).

allFluxes.txt: ``fluxcal.table`` (same shape; ``#`` lines are comments there).

*scriptForPI.py: ``pi_script`` True; ``pi_script.revision`` ("1.23" from the ``$Id``);
``pi_script.casa_version`` only when the script itself checks the version (none of the real
ones do: the PI is told to take it from the QA2 report).

README / README.header.txt: ``readme.cycle`` (int), ``readme.project_code``,
``readme.sb_name``, ``readme.pi``, ``readme.project_title``, ``readme.configuration``,
``readme.proposed_rms``, ``readme.proposed_beam``, ``readme.casa_version``,
``readme.qa2_result`` (str), ``readme.n_member_sbs`` (int), ``readme.reducer_comments`` (the
free text, verbatim) and ``readme.achieved`` ([{``what``, ``value``, ``line``}] from
``Achieved ...: value`` lines of the comments). Empty header values give no fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from qa2docs.errors import ExtractionError
from qa2docs.extractors.base import Extractor
from qa2docs.extractors.pyscript import Call as PyCall
from qa2docs.extractors.pyscript import NotLiteral, Problem, PyScript, read_text
from qa2docs.models.facts import Fact, Provenance, make_fact

RANK_SCRIPT = 30
RANK_TABLE_FILE = 20

CLEAN_TASKS = frozenset({"clean", "tclean"})
CONTSUB_TASKS = frozenset({"uvcontsub", "uvcontsub3", "uvcontsub_old", "imcontsub"})
SELFCAL_TASKS = frozenset({"gaincal", "applycal"})
TASKS = CLEAN_TASKS | CONTSUB_TASKS | SELFCAL_TASKS | {"concat", "setjy", "mstransform"}

# Leading positional parameters of the tasks read here (CASA 4-6 signatures).
POSITIONAL = {
    "clean": ("vis", "imagename"), "tclean": ("vis",), "concat": ("vis", "concatvis"),
    "setjy": ("vis", "field", "spw"), "uvcontsub": ("vis", "field", "fitspw"),
    "gaincal": ("vis", "caltable"), "applycal": ("vis",), "imcontsub": ("imagename",),
    "mstransform": ("vis", "outputvis"),
}
IMAGE_KEYS = ("imagename", "vis", "field", "spw", "specmode", "weighting", "robust", "cell",
              "imsize", "threshold", "niter", "mask", "nterms", "restfreq", "width", "start",
              "nchan", "interactive")
CUBE_MODES = frozenset({"cube", "cubedata", "cubesource", "channel", "velocity", "frequency"})

UID = re.compile(r"uid___[0-9A-Za-z]+_[0-9A-Za-z]+_[0-9A-Za-z]+")
# Version checks (code, so "commented out" when behind a '#') and a version note (a comment).
VERSION_GATES = (
    re.compile(r"PLEASE USE THE SAME VERSION OF CASA[^:]*:\s*(\d+(?:\.\d+)*)"),
    re.compile(r"re\.search\(\s*['\"]\^(\d+(?:\.\d+)*)['\"].*version", re.IGNORECASE),
)
VERSION_NOTE = re.compile(r"You should run this with CASA\s+(\d+(?:\.\d+)*)", re.IGNORECASE)
NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
FLUX_ROW = re.compile(
    rf'^\s*"(?P<field>[^"]+)"\s+(?P<spw>\d+)\s+(?P<freq>{NUMBER})\s+(?P<flux>-|{NUMBER})\s+'
    rf"(?P<mean>-|{NUMBER})\s+(?P<date>\d{{4}}-\d\d-\d\dT[\d:.]+)\s+(?P<vis>\S+)\s*$")
RMS = re.compile(rf"\brms\b\s*[:=]?\s*(?P<value>{NUMBER})\s*"
                 r"(?P<unit>(?:u|µ|micro\s?|m)?Jy(?:/beam)?)", re.IGNORECASE)
BEAM = re.compile(
    r"(?P<maj>\d+(?:\.\d+)?)\s*(?:\"|arcsec)\s*(?:x|,|\*)\s*(?P<min>\d+(?:\.\d+)?)\s*"
    r"(?:\"|arcsec)(?:\s*,?\s*(?:pa\s*=?\s*)?(?P<pa>-?\d+(?:\.\d+)?)\s*deg)?", re.IGNORECASE)
NOT_ACHIEVED = re.compile(r"request|propos|goal|expect|theoretic|target rms", re.IGNORECASE)
JY_SCALE = {"": Decimal(1), "m": Decimal("1e-3"), "u": Decimal("1e-6"), "µ": Decimal("1e-6"),
            "micro": Decimal("1e-6")}
PI_REVISION = re.compile(r"\$Id: \S*scriptForPI\.py,v (\d+(?:\.\d+)*)")
README_LABELS = {
    "cycle": "readme.cycle", "project code": "readme.project_code",
    "sb name": "readme.sb_name", "pi name": "readme.pi",
    "project title": "readme.project_title", "configuration": "readme.configuration",
    "proposed rms": "readme.proposed_rms", "proposed beam size": "readme.proposed_beam",
    "casa version used for reduction": "readme.casa_version",
    "qa2 result": "readme.qa2_result",
    "total number of member sbs in this ous group": "readme.n_member_sbs",
}
README_INTS = frozenset({"readme.cycle", "readme.n_member_sbs"})
README_LINE = re.compile(r"^(?P<label>[A-Za-z0-9 ]+?)\s*:\s?(?P<value>.*)$")
ACHIEVED = re.compile(r"^\s*Achieved\b(?P<what>[^:]*):\s*(?P<value>\S.*?)\s*$")


@dataclass
class Call:
    """One task call found in a script, with its arguments read as far as possible."""

    task: str
    line: int
    end_line: int
    text: str
    args: dict[str, Any] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)

    def known(self, *keys: str) -> bool:
        """True when none of *keys* is an unresolved argument."""
        return not any(k in self.unresolved for k in keys)


class Script:
    """A CASA script (Python 2 or 3) read call by call, never parsed whole."""

    def __init__(self, text: str, tasks: frozenset[str] = TASKS):
        source = PyScript(text)
        self.lines = source.lines
        self.calls: list[Call] = []
        self.problems: list[tuple[int | None, str]] = []
        unclosed: list[PyCall] = []
        for statement, names in source.walk():
            # A task called inside another task's arguments is part of that call.
            for found in statement.calls:
                if found.name not in tasks or found.within(tasks):
                    continue
                if found.closed:
                    self.calls.append(self._read_call(found, names))
                else:
                    unclosed.append(found)
            if statement.problem is not None:
                self._problem(statement.problem)
            if statement.problem is not None or statement is source.statements[-1]:
                self.problems += [(c.line, f"{c.name}() call at line {c.line} is not closed")
                                  for c in unclosed]
                unclosed = []

    @property
    def complete(self) -> bool:
        """True when every line tokenized and every call's arguments parsed."""
        return not self.problems

    def calls_of(self, tasks: frozenset[str] | set[str]) -> list[Call]:
        """The calls to any of *tasks*, in file order."""
        return [c for c in self.calls if c.task in tasks]

    def _problem(self, problem: Problem) -> None:
        message = problem.message
        if problem.line > len(self.lines):
            message += " (file truncated?)"
        self.problems.append((min(problem.line, len(self.lines)), message))

    def _read_call(self, found: PyCall, names: Mapping[str, Any]) -> Call:
        call = Call(found.name, found.line, found.end_line, found.source)
        arguments = found.arguments
        if arguments is None:
            self.problems.append((call.line, f"cannot read the arguments of {call.task}(): "
                                             f"{found.error}"))
            call.unresolved["*"] = found.arg_text.strip()
            return call
        named = list(zip(POSITIONAL.get(call.task, ()), arguments.positional))
        named += list(arguments.keywords.items())
        for name, arg in named:
            try:
                call.args[name] = arg.value(names)
            except NotLiteral:
                call.unresolved[name] = arg.source
        return call


def _kind(name: str) -> str | None:
    if "scriptForImagingPrep" in name:
        return "imaging_prep"
    for marker, kind in (("scriptForImaging", "imaging"),
                         ("scriptForFluxCalibration", "fluxcal"),
                         ("allFluxes", "allfluxes"), ("scriptForPI", "pi"),
                         ("README", "readme")):
        if marker in name:
            return kind
    return None


def _provenance(calls: list[Call], file: str) -> tuple[Provenance, ...]:
    return tuple(make_fact("", None, ImagingExtractor.name, file, line=c.line, excerpt=c.text,
                           end_line=c.end_line).provenance[0] for c in calls)


class ImagingExtractor(Extractor):
    """Facts from the SB's imaging, flux-equalisation and PI scripts, allFluxes.txt and README."""

    name = "imaging"
    patterns = ("*scriptForImaging*.py", "*scriptForFluxCalibration*.py", "allFluxes.txt",
                "*scriptForPI.py")
    level = "sb"

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts of one SB-level file, chosen by its name."""
        path = Path(path)
        kind = _kind(path.name)
        if kind is None:
            raise ExtractionError(path, None, "not a scriptForImaging, scriptForFluxCalibration,"
                                  " allFluxes.txt, scriptForPI or README file")
        try:
            text = read_text(path)
        except OSError as err:
            raise ExtractionError(path, None, f"cannot read file: {err.strerror or err}") from err
        handlers: dict[str, Callable[[Path, str], Iterator[Fact]]] = {
            "imaging": self._imaging, "imaging_prep": self._imaging_prep,
            "fluxcal": self._fluxcal, "allfluxes": self._allfluxes, "pi": self._pi,
            "readme": self._readme,
        }
        yield from handlers[kind](path, text)

    # -- helpers shared by the kinds ------------------------------------------------------

    def _script(self, path: Path, text: str) -> Script:
        script = Script(text)
        for line, message in script.problems:
            self.warn(path.name, line, message)
        return script

    def _fact(self, field_id: str, value: Any, path: Path, line: int | None = None,
              excerpt: str | None = None, rank: int = RANK_SCRIPT,
              note: str | None = None) -> Fact:
        return make_fact(field_id, value, self.name, path.name, line=line, excerpt=excerpt,
                         rank=rank, note=note)

    def _calls_fact(self, field_id: str, value: Any, calls: list[Call], path: Path) -> Fact:
        return Fact(field=field_id, value=value, provenance=_provenance(calls, path.name),
                    rank=RANK_SCRIPT)

    def _absent(self, field_id: str, script: Script, path: Path, what: str) -> Fact:
        return self._fact(field_id, False, path, excerpt=f"no {what} call in the "
                          f"{len(script.lines)}-line script")

    def _casa_version(self, field_id: str, lines: list[str], path: Path) -> Iterator[Fact]:
        found: list[tuple[int, str, bool]] = []  # (line, version, a commented-out check)
        for number, line in enumerate(lines, 1):
            gate = next((m for m in (p.search(line) for p in VERSION_GATES) if m), None)
            if gate:
                found.append((number, gate.group(1), line.lstrip().startswith("#")))
            elif note := VERSION_NOTE.search(line):
                found.append((number, note.group(1), False))
        if not found:
            return
        number, version, commented = min(found, key=lambda f: f[2])  # first active one
        yield self._fact(field_id, version, path, number, lines[number - 1].rstrip(),
                         note="the version check is commented out" if commented else None)

    # -- scriptForImaging.py --------------------------------------------------------------

    def _imaging(self, path: Path, text: str) -> Iterator[Fact]:
        script = self._script(path, text)
        yield self._fact("imaging.script", True, path, 1, script.lines[0] if script.lines else "")
        yield from self._casa_version("imaging.casa_version", script.lines, path)
        cleans = script.calls_of(CLEAN_TASKS)
        images = [_image(c) for c in cleans]
        complete = script.complete
        if images or complete:  # an empty list is a claim only for a script read whole
            yield self._calls_fact("imaging.images", images, cleans, path)

        targets, target_calls = _targets(cleans)
        if targets:
            yield self._calls_fact("imaging.targets", targets, target_calls, path)

        for field_id, kind in (("imaging.continuum", "continuum"), ("imaging.cubes", "cube")):
            matching = [c for c, im in zip(cleans, images) if im["kind"] == kind]
            if matching:
                yield self._calls_fact(field_id, True, matching, path)
            elif complete and all(im["kind"] for im in images):
                yield self._absent(field_id, script, path, f"{kind} clean/tclean")
        cube_calls = [c for c, im in zip(cleans, images) if im["kind"] == "cube"]
        spws = sorted({s for c in cube_calls for s in _spw_ids(c.args.get("spw"))})
        if spws:
            yield self._calls_fact("imaging.cube_spws", spws, cube_calls, path)

        yield from self._presence("imaging.contsub", _contsub_calls(script), script, path,
                                  "uvcontsub/imcontsub", complete)
        yield from self._presence("imaging.selfcal", script.calls_of(SELFCAL_TASKS), script,
                                  path, "gaincal/applycal", complete)

        masked = [c for c, im in zip(cleans, images) if im["mask"] or im["interactive"]]
        if masked:
            yield self._calls_fact("imaging.mask", True, masked, path)
        elif complete and all(c.known("mask", "usemask", "interactive") for c in cleans):
            yield self._absent("imaging.mask", script, path, "masked or interactive clean")

        concats = [c for c in script.calls_of({"concat"}) if "concatvis" in c.args]
        if concats:
            yield self._calls_fact("imaging.concat_vis", concats[-1].args["concatvis"],
                                   concats[-1:], path)
        yield from self._achieved(script, cleans, path)

    def _presence(self, field_id: str, calls: list[Call], script: Script, path: Path,
                  what: str, complete: bool) -> Iterator[Fact]:
        if calls:
            yield self._calls_fact(field_id, True, calls, path)
        elif complete:
            yield self._absent(field_id, script, path, what)

    def _achieved(self, script: Script, cleans: list[Call], path: Path) -> Iterator[Fact]:
        found: dict[str, list[dict[str, Any]]] = {"imaging.rms": [], "imaging.beam": []}
        evidence: dict[str, list[Provenance]] = {"imaging.rms": [], "imaging.beam": []}
        for number, line in enumerate(script.lines, 1):
            stripped = line.strip()
            if not stripped.startswith("#"):
                continue
            above = [c for c in cleans if c.end_line < number]
            image = above[-1].args.get("imagename") if above else None
            for field_id, entry in _measures(stripped):
                entry.update(image=image if isinstance(image, str) else None, line=number)
                found[field_id].append(entry)
                evidence[field_id].append(Provenance(extractor=self.name, file=path.name,
                                                     line=number, excerpt=stripped))
        for field_id, entries in found.items():
            if entries:
                yield Fact(field=field_id, value=entries, provenance=tuple(evidence[field_id]),
                           rank=RANK_SCRIPT)

    def _imaging_prep(self, path: Path, text: str) -> Iterator[Fact]:
        script = self._script(path, text)
        yield self._fact("imaging.prep_script", True, path, 1,
                         script.lines[0] if script.lines else "")
        for field_id, calls in (("imaging.contsub", _contsub_calls(script)),
                                ("imaging.selfcal", script.calls_of(SELFCAL_TASKS))):
            if calls:
                yield self._calls_fact(field_id, True, calls, path)

    # -- scriptForFluxCalibration.py and allFluxes.txt -------------------------------------

    def _fluxcal(self, path: Path, text: str) -> Iterator[Fact]:
        script = self._script(path, text)
        yield self._fact("fluxcal.script", True, path, 1, script.lines[0] if script.lines else "")
        yield from self._casa_version("fluxcal.casa_version", script.lines, path)
        setjys = [c for c in script.calls_of({"setjy"})
                  if c.args.get("standard") == "manual" or "fluxdensity" in c.args]
        if setjys:
            entries = [{"vis": c.args.get("vis"), "eb": _eb(c.args.get("vis")),
                        "field": c.args.get("field"), "spw": c.args.get("spw"),
                        "standard": c.args.get("standard"),
                        "fluxdensity": c.args.get("fluxdensity"), "line": c.line}
                       for c in setjys]
            yield self._calls_fact("fluxcal.setjy", entries, setjys, path)
        rows = [(n, line[line.index("#") + 1:]) for n, line in enumerate(script.lines, 1)
                if line.lstrip().startswith("#") and line.lstrip()[1:].lstrip().startswith('"')]
        yield from self._table(path, rows, RANK_SCRIPT)
        concats = [c for c in script.calls_of({"concat"}) if "concatvis" in c.args]
        if concats:
            last = concats[-1]
            yield self._calls_fact("fluxcal.concat_vis", last.args["concatvis"], [last], path)
            if isinstance(last.args.get("vis"), list):
                yield self._calls_fact("fluxcal.ebs", last.args["vis"], [last], path)
        elif setjys:
            ebs = list(dict.fromkeys(c.args["vis"] for c in setjys
                                     if isinstance(c.args.get("vis"), str)))
            if ebs:
                yield self._calls_fact("fluxcal.ebs", ebs, setjys, path)

    def _allfluxes(self, path: Path, text: str) -> Iterator[Fact]:
        rows = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                if line.strip() and not line.lstrip().startswith("#")]
        yield from self._table(path, rows, RANK_TABLE_FILE)

    def _table(self, path: Path, rows: list[tuple[int, str]], rank: int) -> Iterator[Fact]:
        table: list[dict[str, Any]] = []
        evidence: list[tuple[int, str]] = []
        for number, row in rows:
            match = FLUX_ROW.match(row)
            if not match:
                self.warn(path.name, number, f"unrecognised flux table line: {row.strip()!r}")
                continue
            vis = match.group("vis")
            table.append({
                "eb": _eb(vis), "vis": vis, "field": match.group("field"),
                "spw": int(match.group("spw")),
                "freq_hz": float(Decimal(match.group("freq")) * 10**9),
                "flux_jy": _number(match.group("flux")),
                "mean_flux_jy": _number(match.group("mean")), "error_jy": None,
                "date": match.group("date"), "line": number})
            evidence.append((number, row.strip()))
        if table:
            yield make_fact("fluxcal.table", table, self.name, path.name, line=evidence[0][0],
                            end_line=evidence[-1][0], excerpt="\n".join(t for _, t in evidence),
                            rank=rank)

    # -- scriptForPI.py -------------------------------------------------------------------

    def _pi(self, path: Path, text: str) -> Iterator[Fact]:
        lines = text.splitlines()
        yield self._fact("pi_script", True, path, 1, lines[0] if lines else "")
        for number, line in enumerate(lines, 1):
            match = PI_REVISION.search(line)
            if match:
                yield self._fact("pi_script.revision", match.group(1), path, number, line.strip())
                break
        yield from self._casa_version("pi_script.casa_version", lines, path)

    # -- README / README.header.txt -------------------------------------------------------

    def _readme(self, path: Path, text: str) -> Iterator[Fact]:
        lines = text.splitlines()
        fences = [i for i, line in enumerate(lines) if line.strip().startswith("#####")]
        if not fences:
            self.warn(path.name, None, "no '#####' line: not a README header")
            return
        end = fences[1] if len(fences) > 1 else len(lines)
        comments_at: int | None = None
        for i in range(fences[0] + 1, end):
            match = README_LINE.match(lines[i])
            if not match:
                continue
            label = " ".join(match.group("label").lower().split())
            if label == "comments from reducer":
                comments_at = i
                break
            field_id = README_LABELS.get(label)
            value = match.group("value").strip()
            if field_id is None or not value:
                continue
            if field_id in README_INTS:
                digits = re.match(r"\d+", value)
                if not digits:
                    self.warn(path.name, i + 1, f"{match.group('label')}: not a number")
                    continue
                value = int(digits.group())
            yield self._fact(field_id, value, path, i + 1, lines[i], rank=RANK_TABLE_FILE)
        if comments_at is not None:
            yield from self._reducer_comments(path, lines, comments_at, end)

    def _reducer_comments(self, path: Path, lines: list[str], at: int,
                          end: int) -> Iterator[Fact]:
        first = README_LINE.match(lines[at])
        body = ([first.group("value")] if first and first.group("value").strip() else [])
        body += lines[at + 1:end]
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        if body:
            yield self._fact("readme.reducer_comments", "\n".join(body), path, at + 1,
                             "\n".join(body), rank=RANK_TABLE_FILE)
        achieved = []
        for i in range(at + 1, end):
            match = ACHIEVED.match(lines[i])
            if match:
                achieved.append({"what": " ".join(match.group("what").split()),
                                 "value": match.group("value"), "line": i + 1})
        if achieved:
            prov = tuple(Provenance(extractor=self.name, file=path.name, line=a["line"],
                                    excerpt=lines[a["line"] - 1]) for a in achieved)
            yield Fact(field="readme.achieved", value=achieved, provenance=prov,
                       rank=RANK_TABLE_FILE)


def _image(call: Call) -> dict[str, Any]:
    """The ``imaging.images`` entry of one clean/tclean call."""
    args = call.args
    image: dict[str, Any] = {"task": call.task}
    for key in IMAGE_KEYS:
        image[key] = args.get(key)
    mode_key = "specmode" if call.task == "tclean" else "mode"
    image["specmode"] = args.get(mode_key)
    if mode_key in call.unresolved:
        image["kind"] = None
    elif image["specmode"] is None or image["specmode"] in ("mfs", "cont"):
        image["kind"] = "continuum"  # CASA's default mode is mfs
    else:
        image["kind"] = "cube" if str(image["specmode"]).lower() in CUBE_MODES else None
    mask = args.get("mask")
    if mask in ([], "", None, False):
        mask = False if "mask" in args else None
    usemask = args.get("usemask")
    if not mask and isinstance(usemask, str) and usemask not in ("user", ""):
        mask = usemask
    image["mask"] = mask
    image["line"] = call.line
    image["unresolved"] = dict(call.unresolved)
    return image


def _measures(comment: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Achieved rms and beam values stated in one comment line (requested ones skipped)."""
    for clause in re.split(r"[;()]", comment):
        if NOT_ACHIEVED.search(clause):
            continue
        for match in RMS.finditer(clause):
            unit, value = match.group("unit"), Decimal(match.group("value"))
            scale = JY_SCALE[unit[: unit.index("Jy")].strip()]
            yield "imaging.rms", {"value": float(value), "unit": unit, "jy": float(value * scale)}
        for match in BEAM.finditer(clause):
            pa = match.group("pa")
            yield "imaging.beam", {"major_arcsec": float(match.group("maj")),
                                   "minor_arcsec": float(match.group("min")),
                                   "pa_deg": float(pa) if pa is not None else None}


def _targets(cleans: list[Call]) -> tuple[list[str], list[Call]]:
    names: dict[str, None] = {}
    used: list[Call] = []
    for call in cleans:
        value = call.args.get("field")
        found: list[str] = []
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"[\d~,\s]+", value):
            found = [v.strip() for v in value.split(",") if v.strip()]
        else:
            comment = re.search(r"(?:^|[\s,(])field\s*=\s*(['\"])[\d~,\s]+\1\s*,?\s*#\s*(.+?)\s*$",
                                call.text, re.MULTILINE)
            if comment and isinstance(value, str):  # '# J1744-3116,SgrB2', '# IRAS1 (note)'
                words = (part.split()[0] for part in comment.group(2).split(",") if part.split())
                found = [w for w in words if re.fullmatch(r"[\w+\-.*]+", w)]
        if found:
            used.append(call)
            names.update(dict.fromkeys(found))
    return list(names), used


def _spw_ids(selection: Any) -> list[int]:
    """Spw ids named in a CASA spw selection such as ``'0,4~6:10~20'`` ([] for all/unknown)."""
    if isinstance(selection, int) and not isinstance(selection, bool):
        return [selection]
    if not isinstance(selection, str):
        return []
    ids: list[int] = []
    for part in selection.split(","):
        head = part.split(":")[0].strip()
        if re.fullmatch(r"\d+", head):
            ids.append(int(head))
        elif re.fullmatch(r"\d+~\d+", head):
            low, high = (int(x) for x in head.split("~"))
            ids.extend(range(low, high + 1))
    return ids


def _contsub_calls(script: Script) -> list[Call]:
    return [c for c in script.calls
            if c.task in CONTSUB_TASKS or (c.task == "mstransform" and c.args.get("douvcontsub"))]


def _eb(vis: Any) -> str | None:
    match = UID.search(vis) if isinstance(vis, str) else None
    return match.group() if match else None


def _number(text: str) -> float | None:
    return None if text == "-" else float(text)
