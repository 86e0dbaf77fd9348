"""The ``fluxscale`` extractor: CASA fluxscale results from a ``.fluxscale`` file.

The ``.fluxscale`` file is a CASA log that the calibration script redirected while fluxscale
ran; the same lines appear in a casa log when nothing redirected them (the ``casalog``
extractor uses :class:`FluxscaleRuns` from here for those). Shapes understood:

- ``Flux density for F in SpW=N (freq=3.4579e+11 Hz) is: S +/- E (SNR = R, N = K)``; before
  CASA 4.2 without ``(freq=...)``, and ``N= K`` in old logs;
- ``Flux density for F in SpW=N is:  INSUFFICIENT DATA`` (null flux);
- ``Fitted spectrum for F with fitorder=1: Flux density = S +/- E (freq=F GHz)`` followed by
  ``spidx=A +/- E`` (CASA 4.x) or ``spidx: a_1 (spectral index) =A +/- E covariance ...``;
- ``Found reference field(s): A B`` and ``Found transfer field(s):  C D``.

Lines may have the full log prefix (tabs), the logger-window prefix (spaces), or none; in
a ``.fluxscale`` file, each may start with ``# `` (what ``fluxscale(listfile=...)`` writes).
A file that gives no result says so in a warning.
Only the last fluxscale run of a file counts: a run starts at ``Begin Task: fluxscale``, at a
``Found ... field(s)`` line after results, or at a ``Flux density`` line after a fit.

Fact ids (DESIGN 4.2 plus extras): ``flux_densities`` [{source, spw, freq_hz, flux_jy,
error_jy, snr, n}], ``fitted_spectra`` [{source, flux_jy, error_jy, ref_freq_hz, spidx,
spidx_error}], ``fluxscale.reference_fields`` [str], ``fluxscale.transfer_fields`` [str],
``gaincal.fluxscale_paste`` (str: the result messages, one per line, as a reducer pastes them).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar, Iterator

from qa2docs.extractors.base import LogExtractor
from qa2docs.extractors.logscan import Hit, LogLine, LogReader, LogScanner, parse_line
from qa2docs.models.facts import Fact, make_fact

_NUM = r"[-+]?(?:nan|inf|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
_FLUX = re.compile(
    rf"^Flux density for (?P<source>.+?) in SpW=(?P<spw>\d+)(?: \(freq=(?P<freq>{_NUM}) Hz\))? is:"
    rf"\s*(?:(?P<insufficient>INSUFFICIENT DATA)|(?P<flux>{_NUM}) \+/- (?P<err>{_NUM})"
    rf" \(SNR = (?P<snr>{_NUM}), N\s*=\s*(?P<n>\d+)\))"
)
_FIT = re.compile(
    rf"^Fitted spectrum for (?P<source>.+?) with fitorder=\d+: Flux density = (?P<flux>{_NUM})"
    rf" \+/- (?P<err>{_NUM}) \(freq=(?P<freq>{_NUM}) GHz\)"
    rf"(?: spidx(?:: a_1 \(spectral index\) =|=)\s*(?P<spidx>{_NUM}) \+/- (?P<spidx_err>{_NUM}))?"
)
_FOUND = re.compile(r"^Found (?P<kind>reference|transfer) field\(s\):(?P<names>.*)$")
_BEGIN = re.compile(r"Begin Task:\s*fluxscale\b")

FLUXSCALE_STARTS = (
    rb"Flux density for ",
    rb"Fitted spectrum for ",
    rb"Found (?:reference|transfer) field",
    rb"Begin Task: *fluxscale",
)
"""Message starts of the lines this module reads (for :func:`compile_markers`)."""


def _num(text: str | None) -> float | None:
    if text is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _ghz_to_hz(text: str) -> float | None:
    # "341.157" -> float("341.157e9") is exact, where 341.157 * 1e9 is 341157000000.00006
    if "e" in text.lower() or "n" in text.lower():
        value = _num(text)
        return value * 1e9 if value is not None else None
    return _num(text + "e9")


@dataclass
class FluxscaleRun:
    """The results of one fluxscale run, with the lines they came from."""

    begin_line: int | None = None
    reference: tuple[list[str], LogLine] | None = None
    transfer: tuple[list[str], LogLine] | None = None
    fluxes: list[tuple[dict, LogLine]] = field(default_factory=list)
    fits: list[tuple[dict, LogLine]] = field(default_factory=list)

    @property
    def has_results(self) -> bool:
        """True when the run printed at least one flux density or fit."""
        return bool(self.fluxes or self.fits)

    @property
    def result_lines(self) -> list[LogLine]:
        """The ``Flux density`` and ``Fitted spectrum`` lines, in file order."""
        return sorted((line for _, line in self.fluxes + self.fits), key=lambda ln: ln.number)


class FluxscaleRuns:
    """Collects fluxscale lines fed one by one, keeping the current and last complete run.

    Memory does not grow with the number of runs: older runs are dropped.
    """

    def __init__(self, warn: Callable[[int, str], None]) -> None:
        self._warn = warn
        self.current: FluxscaleRun | None = None
        self.last_with_results: FluxscaleRun | None = None
        self.runs_without_results_after: list[int] = []
        """Begin lines of runs after the last run with results that printed none."""

    def _new_run(self, line: int | None = None) -> FluxscaleRun:
        self._close()
        self.current = FluxscaleRun(begin_line=line)
        return self.current

    def _close(self) -> None:
        run = self.current
        if run is None:
            return
        if run.has_results:
            self.last_with_results = run
            self.runs_without_results_after = []
        elif run.begin_line is not None:
            self.runs_without_results_after.append(run.begin_line)
        self.current = None

    def feed(self, line: LogLine) -> bool:
        """Take one log line; return True if it was a fluxscale line."""
        msg = line.message.strip()
        run = self.current
        if "fluxscale" in msg and _BEGIN.search(msg):
            if run is None or run.has_results or run.reference or run.transfer:
                self._new_run(line.number)
            return True
        if msg.startswith("Found ") and (m := _FOUND.match(msg)):
            names = m["names"].split()
            if run is None or run.has_results or (m["kind"] == "reference" and run.transfer):
                run = self._new_run(line.number)
            setattr(run, m["kind"], (names, line))
            return True
        if not msg.startswith(_RESULT_PREFIXES):
            return False
        for prefix, regex, value_of, kind in _RESULT_LINES:
            if not msg.startswith(prefix):
                continue
            m = regex.match(msg)
            if not m:
                self._warn(line.number, f"truncated or unreadable fluxscale line: {msg[:120]}")
            else:
                # per-spw lines all come before the fits: one after a fit opens a new run
                if run is None or (kind == "fluxes" and run.fits):
                    run = self._new_run(line.number)
                getattr(run, kind).append((value_of(m), line))
            return True
        return False

    def replay(self, lines: list[LogLine]) -> None:
        """Feed *lines* (fluxscale lines already fed elsewhere) without warning again."""
        warn, self._warn = self._warn, lambda line, message: None
        try:
            for line in lines:
                self.feed(line)
        finally:
            self._warn = warn

    def last_run(self) -> FluxscaleRun | None:
        """The last run that printed results (closing the current one)."""
        self._close()
        return self.last_with_results


def _flux_value(m: re.Match[str]) -> dict:
    return {
        "source": m["source"], "spw": int(m["spw"]), "freq_hz": _num(m["freq"]),
        "flux_jy": _num(m["flux"]), "error_jy": _num(m["err"]), "snr": _num(m["snr"]),
        "n": int(m["n"]) if m["n"] else None,
    }


def _fit_value(m: re.Match[str]) -> dict:
    return {
        "source": m["source"], "flux_jy": _num(m["flux"]), "error_jy": _num(m["err"]),
        "ref_freq_hz": _ghz_to_hz(m["freq"]),
        "spidx": _num(m["spidx"]), "spidx_error": _num(m["spidx_err"]),
    }


_RESULT_LINES = (
    ("Flux density for ", _FLUX, _flux_value, "fluxes"),
    ("Fitted spectrum for ", _FIT, _fit_value, "fits"),
)
_RESULT_PREFIXES = tuple(prefix for prefix, *_ in _RESULT_LINES)


def fluxscale_facts(run: FluxscaleRun, extractor: str, file: str, rank: int,
                    note: str | None = None) -> Iterator[Fact]:
    """The facts of one fluxscale run (see the module docstring for ids and shapes)."""

    def fact(field_id: str, value: object, lines: list[LogLine]) -> Fact:
        excerpt = "\n".join(line.message.strip() for line in lines)
        return make_fact(field_id, value, extractor, file, line=lines[0].number,
                         end_line=lines[-1].number, excerpt=excerpt, rank=rank, note=note)

    if run.fluxes:
        yield fact("flux_densities", [v for v, _ in run.fluxes], [ln for _, ln in run.fluxes])
    if run.fits:
        yield fact("fitted_spectra", [v for v, _ in run.fits], [ln for _, ln in run.fits])
    if lines := run.result_lines:
        yield fact("gaincal.fluxscale_paste", "\n".join(ln.message.strip() for ln in lines), lines)
    for kind, found in (("reference", run.reference), ("transfer", run.transfer)):
        if found:
            yield fact(f"fluxscale.{kind}_fields", found[0], [found[1]])


def later_runs_note(runs: FluxscaleRuns) -> str | None:
    """A note when runs after the one reported printed no results."""
    if not runs.runs_without_results_after:
        return None
    where = ", ".join(str(n) for n in runs.runs_without_results_after)
    return f"later fluxscale run(s) without results at line(s) {where}; the last complete run is used"


class _FluxscaleReader(LogReader):
    """Collects the fluxscale runs of one file; its facts are the last run's."""

    message_starts = FLUXSCALE_STARTS

    def __init__(self, extractor: FluxscaleExtractor, path: Path) -> None:
        super().__init__(lambda line, msg: extractor.warn(path, line, msg))
        self.ex = extractor
        self.file = path.name
        self.runs = FluxscaleRuns(self.warn)

    def feed(self, hit: Hit, scanner: LogScanner) -> None:
        """Take one fluxscale line (without the ``# `` of a listfile line)."""
        line = hit.parse()
        text = line.text.lstrip()
        if line.date is None and text.startswith("#"):
            line = parse_line(line.number, text.lstrip("#").lstrip())
        self.runs.feed(line)

    def facts(self) -> Iterator[Fact]:
        """The last run's facts; a warning when the file has none."""
        run = self.runs.last_run()
        if run is None:
            self.warn(None, "no fluxscale result in this file (no 'Flux density for ...' "
                            "or 'Fitted spectrum for ...' line)")
            return
        yield from fluxscale_facts(run, self.ex.name, self.file, self.ex.rank,
                                   later_runs_note(self.runs))


class FluxscaleExtractor(LogExtractor):
    """Reads the EB's ``.fluxscale`` file (a redirected CASA log of one fluxscale run)."""

    name: ClassVar[str] = "fluxscale"
    patterns: ClassVar[tuple[str, ...]] = ("*.fluxscale", "*.fluxscale_log.txt")
    level: ClassVar[str] = "eb"
    rank: ClassVar[int] = 20
    reader: ClassVar[type[LogReader]] = _FluxscaleReader
