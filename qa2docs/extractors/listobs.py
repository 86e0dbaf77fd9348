"""listobs: the CASA listobs summary of an MS, as a bare listfile or inside a casa log.

Reads the layouts written by casapy 4.x and CASA 5/6 (``Ch0(MHz)`` or ``Ch1(MHz)``, with or
without ``CtrFreq(MHz)`` / ``BBC Num``, verbose or short antenna lists, several
ObservationIDs) and the same text embedded in a casa log, where every line carries the
prefix ``DATE TIME<TAB>INFO<TAB>listobs::...<TAB>`` (or spaces, when copied from the logger).
A log may hold several listobs runs: each gives its own facts, in file order.

Fact ids and value shapes (times are ISO 8601 UTC, ``YYYY-MM-DDTHH:MM:SS.sZ``, with the
tenths of a second that listobs prints, e.g. ``2024-06-02T05:05:37.0Z``):

- ``ms_name`` str: the MS file name (the full path is in the excerpt).
- ``observer`` str, ``project_uid`` str (``uid://A001/X35f1/X1a4``).
- ``data_records`` int: the ``Data records`` count (extra id).
- ``observation`` {``start``, ``end``, ``total_elapsed_s`` float, ``on_source_s`` {intent
  without ``#ON_SOURCE``: seconds}}; on-source time is the sum of the listed scan time
  ranges (listobs cannot split a scan into sub-scans), rounded to 0.1 s.
- ``scans`` [{``obs_id``, ``scan``, ``field``, ``field_ids``, ``start``, ``end``,
  ``intents``, ``spws``, ``nrows``}]: rows of one scan (mosaic pointings) are merged.
- ``fields`` [{``id``, ``name``, ``ra``, ``dec``, ``nrows``}] (ra/dec as printed).
- ``spws`` (science windows) and ``all_spws`` (every row): [{``id``, ``name``, ``nchan``,
  ``chan_width_hz`` (signed, as printed), ``total_bw_hz``, ``center_hz``, ``ref_freq_hz``,
  ``band``}]. listobs prints no reference frequency: ``ref_freq_hz`` is Ch0, which is what
  CASA stores as REF_FREQUENCY for ALMA MSs. Science = not WVR / SQLD / CH_AVG and, when the
  scan table has target scans, used by a target scan (raw ALMA MSs also hold the Tsys and
  pointing windows, named ``#FULL_RES`` as well).
- ``bands`` list[int]: ``ALMA_RB_NN`` in the science window names, else the ALMA band whose
  RF range holds the window centre.
- ``correlator_mode`` "TDM" | "FDM" | "both": TDM = 2 GHz windows of 64, 128 or 256 channels.
- ``bandwidth_switching`` bool: phase-calibrator scans use other candidate science spws than
  the target scans (within one ObservationID); no fact without both kinds of scans.
- ``antennas`` [names], ``antenna_count`` int, ``array`` "12m" | "7m" | "TP" | "mixed".
- ``fields_by_intent`` {intent without ``#ON_SOURCE``: [field names]}, ON_SOURCE intents only.

Besides the listfiles, the casa logs (``casapy-*.log``, ``casa-*.log``) are read for embedded
listobs output; a log without any gives no fact and no warning.

Rank (DESIGN 3): 20 for a listfile, 10 for a listobs found in a log; for the split MS's
listobs (``.split`` in the file or MS name) calibration facts get +1 and observation facts
-1, so that the split wins for the former and the raw MS for the latter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterable, Iterator

from qa2docs.errors import ExtractionError
from qa2docs.extractors.base import Extractor
from qa2docs.extractors.logscan import Hit, LogReader, LogScanner, decode_line
from qa2docs.models.facts import Fact, make_fact

RANK_LISTFILE = 20
RANK_IN_LOG = 10
CALIBRATION_FACTS = frozenset(
    {"spws", "all_spws", "correlator_mode", "antennas", "antenna_count", "array", "bands"})

# ALMA receiver RF ranges in GHz. Band 2 is cut at 84 GHz, where Band 3 starts, so that the
# overlap of the new Band 2 receiver (67-116 GHz) reads as Band 3, as in all archival data.
ALMA_BANDS_GHZ = ((1, 35.0, 50.0), (2, 67.0, 84.0), (3, 84.0, 116.0), (4, 125.0, 163.0),
                  (5, 163.0, 211.0), (6, 211.0, 275.0), (7, 275.0, 373.0), (8, 385.0, 500.0),
                  (9, 602.0, 720.0), (10, 787.0, 950.0))
TDM_NCHAN = frozenset({64, 128, 256})
NON_SCIENCE_MARKERS = ("WVR", "SQLD", "CH_AVG")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}

_LOG_PREFIX = re.compile(
    r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\t|\s+)[A-Z]+\d*(?:\t|\s+)"
    r"(?P<origin>\S*)(?:\t| ?)(?P<msg>.*)$")
_LISTOBS_ORIGIN = re.compile(r"^(?:listobs\b|ms::summary)")
_MS_NAME = re.compile(r"MeasurementSet Name:\s*(?P<path>\S+)")
_OBSERVER = re.compile(r"^\s*Observer:\s*(?P<observer>.*?)\s+Project:\s*(?P<project>\S*)")
_RECORDS = re.compile(
    r"Data records:\s*(?P<n>\d+)\s+Total elapsed time\s*=\s*(?P<t>[-+\d.eE]+)\s*seconds")
_OBSERVED = re.compile(r"Observed from\s+(?P<start>\S+)\s+to\s+(?P<end>\S+)\s*\(UTC\)")
_OBS_ID = re.compile(r"ObservationID\s*=\s*(?P<obs>\d+)\s+ArrayID\s*=\s*(?P<arr>\d+)")
_TIME = r"\d\d:\d\d:\d\d(?:\.\d+)?"
_SCAN_ROW = re.compile(
    rf"^\s*(?:(?P<date>\d{{1,2}}-[A-Za-z]{{3}}-\d{{4}})/)?(?P<t0>{_TIME})\s*-\s*(?P<t1>{_TIME})"
    r"\s+(?P<scan>\d+)\s+(?P<fid>\d+)\s+(?P<name>\S.*?)\s+(?P<nrows>\d+)"
    r"(?:\s+[\d.]+)?\s+\[(?P<spws>[\d,\s]*)\]"
    r"(?:\s+\[(?P<intervals>[-\d.,\s]*)\])?(?:\s+\[(?P<intents>[^\]]*)\]?)?\s*$")
_SCAN_LIKE = re.compile(rf"^\s*(?:\S+/)?{_TIME}\s*-")
_SECTION = re.compile(
    r"^\s*(?P<kind>Fields|Spectral Windows|Sources|Antennas):\s*\(?\s*(?P<n>\d+)?")
_FIELD_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+(?P<mid>\S.*?)\s+(?P<ra>[+-]?\d{1,2}:\d\d:\d\d(?:\.\d*)?)"
    r"\s+(?P<dec>[+-]?\d{1,3}\.\d\d\.\d\d(?:\.\d*)?)\s+(?P<epoch>\S+)"
    r"(?:\s+(?P<srcid>\d+))?(?:\s+(?P<nrows>\d+))?\s*$")
_SPW_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+(?:(?P<name>\S.*?)\s+)??(?P<nchan>\d+)\s+(?P<frame>[A-Za-z_]+)"
    r"\s+(?P<rest>[-+\d.].*)$")
_SPW_COLUMN = re.compile(
    r"Ch[01]\(MHz\)|ChanWid\(kHz\)|TotBW\(kHz\)|CtrFreq\(MHz\)|BBC Num|Corrs")
_SPW_KEYS = {"Ch0(MHz)": "ch0_mhz", "Ch1(MHz)": "ch0_mhz", "ChanWid(kHz)": "chan_width_khz",
             "TotBW(kHz)": "total_bw_khz", "CtrFreq(MHz)": "center_mhz", "BBC Num": "bbc"}
_SPW_DEFAULT_COLUMNS = ("ch0_mhz", "chan_width_khz", "total_bw_khz", "center_mhz", "bbc")
_ANTENNA_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+(?P<name>\S+)\s+(?P<station>\S+)\s+(?P<diam>\d+(?:\.\d*)?)\s*m\b")
_ANTENNA_SHORT = re.compile(r"'(?P<name>[^']+)'\s*=\s*'(?P<station>[^']*)'")
_BAND_NAME = re.compile(r"ALMA_RB_(\d\d)")


@dataclass
class _Evidence:
    """Where one piece of a listobs block was read."""

    line: int
    text: str
    end_line: int | None = None

    def extend(self, line: int, text: str) -> None:
        """Add a following line to this evidence."""
        self.end_line = line
        self.text = f"{self.text}\n{text}"


@dataclass
class _Block:
    """The parsed content of one listobs run."""

    start_line: int
    embedded: bool = False
    ms_path: str | None = None
    evidence: dict[str, _Evidence] = field(default_factory=dict)
    observer: str | None = None
    project: str | None = None
    records: int | None = None
    elapsed: float | None = None
    observed: tuple[datetime, datetime] | None = None
    scan_rows: list[dict[str, Any]] = field(default_factory=list)
    fields: list[dict[str, Any]] = field(default_factory=list)
    spws: list[dict[str, Any]] = field(default_factory=list)
    antennas: list[dict[str, Any]] = field(default_factory=list)
    declared: dict[str, tuple[int, int]] = field(default_factory=dict)

    def note(self, key: str, line: int, text: str) -> None:
        """Record (or extend) the evidence lines for *key*."""
        if key in self.evidence:
            self.evidence[key].extend(line, text)
        else:
            self.evidence[key] = _Evidence(line, text)


def iso_utc(moment: datetime) -> str:
    """``2024-06-02T05:05:37.0Z``: ISO 8601 UTC with tenths of a second."""
    moment = moment + timedelta(microseconds=50_000)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 100_000}Z"


def band_from_frequency(freq_hz: float) -> int | None:
    """The ALMA band whose receiver RF range holds *freq_hz*, or None."""
    ghz = freq_hz / 1e9
    for band, low, high in ALMA_BANDS_GHZ:
        if low <= ghz <= high:
            return band
    return None


def intent_parts(intent: str) -> tuple[str, str | None]:
    """Split ``CALIBRATE_PHASE#ON_SOURCE`` into (``CALIBRATE_PHASE``, ``ON_SOURCE``)."""
    for sep in ("#", "."):
        if sep in intent:
            head, _, tail = intent.partition(sep)
            return head, tail
    return intent, None


def _listobs_date(text: str) -> date:
    day, month, year = text.split("-")
    return date(int(year), _MONTHS[month.lower()], int(day))


def _clock(text: str) -> time:
    hms, _, frac = text.partition(".")
    hours, minutes, seconds = (int(v) for v in hms.split(":"))
    micro = int((frac + "000000")[:6]) if frac else 0
    return time(hours, minutes, seconds, micro, tzinfo=timezone.utc)


def _stamp(text: str) -> datetime:
    """``02-Jun-2024/05:05:37.0`` as an aware datetime."""
    day, _, clock = text.partition("/")
    return datetime.combine(_listobs_date(day), _clock(clock))


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.split(r"[,\s]+", text.strip()) if v]


class _Parser:
    """Line-by-line state machine over the message text of listobs lines."""

    def __init__(self, extractor: Extractor, path: Path):
        self.extractor = extractor
        self.path = path
        self.blocks: list[_Block] = []
        self.section: str | None = None
        self.obs_id = 0
        self.day: date | None = None
        self.last_start: datetime | None = None
        self.columns: dict[str, Any] = {}
        self.embedded = False

    @property
    def block(self) -> _Block:
        if not self.blocks:
            self.blocks.append(_Block(start_line=0, embedded=self.embedded))
        return self.blocks[-1]

    def feed(self, lineno: int, raw: str, text: str) -> None:
        """Read one message line; *raw* is the whole line, kept as evidence."""
        if match := _MS_NAME.search(text):
            self.blocks.append(_Block(lineno, self.embedded, match["path"]))
            self.block.note("ms_name", lineno, raw)
            self.section = "header"
            return
        if match := _OBSERVER.match(text):
            self.block.observer, self.block.project = match["observer"], match["project"]
            self.block.note("observer", lineno, raw)
        elif match := _RECORDS.search(text):
            self.block.records, self.block.elapsed = int(match["n"]), float(match["t"])
            self.block.note("observation", lineno, raw)
        elif match := _OBSERVED.search(text):
            try:
                self.block.observed = (_stamp(match["start"]), _stamp(match["end"]))
            except (ValueError, KeyError):
                self.extractor.warn(self.path.name, lineno,
                                    f"unreadable time range: {text.strip()}")
            self.block.note("observation", lineno, raw)
        elif match := _OBS_ID.search(text):
            self.section, self.obs_id = "scans", int(match["obs"])
            self.day = self.last_start = None
        elif match := _SECTION.match(text):
            self._open_section(lineno, raw, text, match)
        elif self.section == "scans":
            self._scan_line(lineno, raw, text)
        elif self.section == "fields":
            self._field_line(lineno, raw, text)
        elif self.section == "spws":
            self._spw_line(lineno, raw, text)
        elif self.section == "antennas":
            self._antenna_line(lineno, raw, text)

    def _open_section(self, lineno: int, raw: str, text: str, match: re.Match[str]) -> None:
        kind = {"Fields": "fields", "Spectral Windows": "spws", "Sources": "sources",
                "Antennas": "antennas"}[match["kind"]]
        self.section = kind
        self.columns = {}
        if match["n"] is not None:
            self.block.declared[kind] = (int(match["n"]), lineno)
        if kind != "sources":
            self.block.note(kind, lineno, raw)

    def _scan_line(self, lineno: int, raw: str, text: str) -> None:
        match = _SCAN_ROW.match(text)
        if match is None:
            if "(nRows = Total" in text:
                self.section = None
            elif _SCAN_LIKE.match(text):
                self.extractor.warn(self.path.name, lineno, f"unreadable scan row: {text.strip()}")
            return
        if match["date"]:
            self.day = _listobs_date(match["date"])
        if self.day is None:
            self.extractor.warn(self.path.name, lineno, "scan row before any date")
            return
        start = datetime.combine(self.day, _clock(match["t0"]))
        if self.last_start is not None and start < self.last_start - timedelta(hours=12):
            self.day += timedelta(days=1)  # the listing crossed midnight without a date
            start += timedelta(days=1)
        end = datetime.combine(start.date(), _clock(match["t1"]))
        if end < start:
            end += timedelta(days=1)
        self.last_start = start
        intents = [i.strip() for i in (match["intents"] or "").split(",") if i.strip()]
        self.block.scan_rows.append({
            "obs_id": self.obs_id, "scan": int(match["scan"]), "field_id": int(match["fid"]),
            "field": match["name"].strip(), "start": start, "end": end, "intents": intents,
            "spws": [int(v) for v in _numbers(match["spws"])], "nrows": int(match["nrows"]),
        })
        self.block.note("scans", lineno, raw)

    def _row(self, pattern: re.Pattern[str], kind: str, lineno: int,
             text: str) -> re.Match[str] | None:
        """Match a table row; a line that starts like a row but does not match is warned."""
        match = pattern.match(text)
        if match is None and re.match(r"^\s*\d+\s", text):
            self.extractor.warn(self.path.name, lineno, f"unreadable {kind} row: {text.strip()}")
        return match

    def _field_line(self, lineno: int, raw: str, text: str) -> None:
        if "Code" in text and "Name" in text:
            self.columns = {"code": text.index("Code"), "name": text.index("Name")}
            return
        match = self._row(_FIELD_ROW, "field", lineno, text)
        if match is None:
            return
        tokens = match["mid"].split()
        code_span = text[self.columns["code"]:self.columns["name"]] if self.columns else None
        has_code = code_span.strip() != "" if code_span is not None else len(tokens) > 1
        name = " ".join(tokens[1:]) if has_code and len(tokens) > 1 else " ".join(tokens)
        self.block.fields.append({
            "id": int(match["id"]), "name": name, "ra": match["ra"], "dec": match["dec"],
            "nrows": int(match["nrows"]) if match["nrows"] else None,
        })
        self.block.note("fields", lineno, raw)

    def _spw_line(self, lineno: int, raw: str, text: str) -> None:
        if "SpwID" in text:
            after_frame = text.split("Frame", 1)[-1]
            names = [_SPW_KEYS.get(c) for c in _SPW_COLUMN.findall(after_frame)]
            self.columns = {"spw": [n for n in names if n]}
            return
        match = self._row(_SPW_ROW, "spw", lineno, text)
        if match is None:
            return
        columns = self.columns.get("spw") or list(_SPW_DEFAULT_COLUMNS)
        values: dict[str, float] = {}
        for key, token in zip(columns, match["rest"].split()):
            try:
                values[key] = float(token)
            except ValueError:
                break
        if not {"ch0_mhz", "chan_width_khz", "total_bw_khz"} <= values.keys():
            self.extractor.warn(self.path.name, lineno, f"incomplete spw row: {text.strip()}")
            return
        self.block.spws.append(_spw(int(match["id"]), (match["name"] or "").strip(),
                                    int(match["nchan"]), values))
        self.block.note("spws", lineno, raw)

    def _antenna_line(self, lineno: int, raw: str, text: str) -> None:
        if match := _ANTENNA_ROW.match(text):
            self.block.antennas.append({"id": int(match["id"]), "name": match["name"],
                                        "station": match["station"],
                                        "diameter_m": float(match["diam"])})
            self.block.note("antennas", lineno, raw)
        elif "=" in text and (pairs := _ANTENNA_SHORT.findall(text)):
            for name, station in pairs:
                self.block.antennas.append({"id": None, "name": name, "station": station,
                                            "diameter_m": None})
            self.block.note("antennas", lineno, raw)


def _spw(spw_id: int, name: str, nchan: int, values: dict[str, float]) -> dict[str, Any]:
    """One spectral window in the fact's shape, in Hz."""
    ch0 = values["ch0_mhz"] * 1e6
    width = values["chan_width_khz"] * 1e3
    center = (values["center_mhz"] * 1e6 if "center_mhz" in values
              else ch0 + width * (nchan - 1) / 2)
    match = _BAND_NAME.search(name)
    band = int(match.group(1)) if match else band_from_frequency(center)
    return {"id": spw_id, "name": name, "nchan": nchan, "chan_width_hz": round(width, 3),
            "total_bw_hz": round(values["total_bw_khz"] * 1e3, 3), "center_hz": round(center, 3),
            "ref_freq_hz": round(ch0, 3), "band": band}


def _feed_line(parser: _Parser, lineno: int, raw: str) -> None:
    """Hand one line of a listfile to *parser*: the message of a listobs log line (a
    listfile may be a copy of the log), the whole of a bare line, nothing of other lines."""
    prefixed = _LOG_PREFIX.match(raw)
    parser.embedded = prefixed is not None
    if prefixed is None:
        parser.feed(lineno, raw, raw)
    elif _LISTOBS_ORIGIN.match(prefixed["origin"]):
        parser.feed(lineno, raw, prefixed["msg"])


class _SummaryReader(LogReader):
    """The listobs summaries in a casa log: each starts at a ``MeasurementSet Name`` line
    (rare; found by the shared scan) and runs while the lines are listobs output, which
    is read from there on: the rest of the log is never parsed."""

    message_starts = (rb"MeasurementSet Name",)

    def __init__(self, extractor: ListobsExtractor, path: Path) -> None:
        super().__init__(lambda line, msg: extractor.warn(path.name, line, msg))
        self.ex = extractor
        self.parser = _Parser(extractor, path)

    def feed(self, hit: Hit, scanner: LogScanner) -> None:
        """Read the summary that starts at *hit*, if it is listobs output."""
        self.parser.embedded = True
        for number, raw in scanner.lines_from(hit.offset, hit.number):
            text = decode_line(raw)
            prefixed = _LOG_PREFIX.match(text)
            if prefixed is None or not _LISTOBS_ORIGIN.match(prefixed["origin"]):
                break
            self.parser.feed(number, text, prefixed["msg"])

    def finish(self, scanner: LogScanner) -> None:
        """Long lines elsewhere in the log do not concern the summaries."""

    def facts(self) -> Iterator[Fact]:
        """The facts of every summary read."""
        return self.ex.parser_facts(self.parser)


def _is_candidate(spw: dict[str, Any]) -> bool:
    return not any(marker in spw["name"] for marker in NON_SCIENCE_MARKERS)


def _has_intent(row: dict[str, Any], wanted: str) -> bool:
    return any(intent_parts(i)[0] == wanted and intent_parts(i)[1] in (None, "ON_SOURCE")
               for i in row["intents"])


def correlator_mode(spws: Iterable[dict[str, Any]]) -> str | None:
    """TDM, FDM or both for these science windows; None when there are none."""
    kinds = {"TDM" if s["nchan"] in TDM_NCHAN and abs(s["total_bw_hz"] - 2e9) < 1e6 else "FDM"
             for s in spws}
    if not kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else "both"


def array_kind(antennas: list[dict[str, Any]]) -> str | None:
    """12m, 7m, TP or mixed, from dish diameters (else name prefixes); None if unknown."""
    kinds = set()
    for ant in antennas:
        diam, name = ant["diameter_m"], ant["name"].upper()
        if diam is not None and abs(diam - 7.0) < 0.5 or diam is None and name.startswith("CM"):
            kinds.add("7m")
        elif diam is not None and abs(diam - 12.0) < 0.5 or diam is None and name[:2] in (
                "DA", "DV", "PM"):
            kinds.add("12m")
        else:
            return None
    if not kinds:
        return None
    if kinds == {"12m"} and all(a["name"].upper().startswith("PM") for a in antennas):
        return "TP"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _merge_scans(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (obs_id, scan, start): the rows of a mosaic scan become one."""
    merged: dict[tuple[int, int, datetime], dict[str, Any]] = {}
    for row in rows:
        key = (row["obs_id"], row["scan"], row["start"])
        if key not in merged:
            merged[key] = {**row, "field_ids": [row["field_id"]], "intents": list(row["intents"]),
                           "spws": list(row["spws"])}
            continue
        scan = merged[key]
        scan["field_ids"].append(row["field_id"])
        scan["nrows"] += row["nrows"]
        if row["field"] not in scan["field"].split(","):
            scan["field"] = f"{scan['field']},{row['field']}"
        scan["intents"] += [i for i in row["intents"] if i not in scan["intents"]]
        scan["spws"] += [s for s in row["spws"] if s not in scan["spws"]]
        scan["end"] = max(scan["end"], row["end"])
    return list(merged.values())


def _on_source(scans: list[dict[str, Any]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for scan in scans:
        seconds = (scan["end"] - scan["start"]).total_seconds()
        for name in dict.fromkeys(intent_parts(i)[0] for i in scan["intents"]
                                  if intent_parts(i)[1] in (None, "ON_SOURCE")):
            totals[name] = totals.get(name, 0.0) + seconds
    return {name: round(value, 1) for name, value in totals.items()}


def _fields_by_intent(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        for intent in row["intents"]:
            name, sub = intent_parts(intent)
            if sub in (None, "ON_SOURCE") and row["field"] not in found.setdefault(name, []):
                found[name].append(row["field"])
    return found


def _spw_set(rows: list[dict[str, Any]], intent: str, candidates: set[int]) -> set[int]:
    return {s for r in rows if _has_intent(r, intent) for s in r["spws"] if s in candidates}


def _bandwidth_switching(rows: list[dict[str, Any]], candidates: set[int]) -> bool | None:
    verdicts = []
    for obs_id in dict.fromkeys(r["obs_id"] for r in rows):
        in_obs = [r for r in rows if r["obs_id"] == obs_id]
        phase = _spw_set(in_obs, "CALIBRATE_PHASE", candidates)
        target = _spw_set(in_obs, "OBSERVE_TARGET", candidates)
        if phase and target:
            verdicts.append(phase != target)
    return any(verdicts) if verdicts else None


class ListobsExtractor(Extractor):
    """Facts from a listobs listfile or from listobs output inside a casa log."""

    name = "listobs"
    patterns = ("*.listobs", "*.listobs.txt", "*.listobs.log", "listobs*.txt",
                "casapy-*.log", "casa-*.log")
    """The listfiles, and the casa logs that may hold listobs output (rank 10)."""

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts of every listobs run found in *path*."""
        path = Path(path)
        reader = self.log_reader(path)
        if reader is not None:
            yield from self.extract_log(path, reader)
            return
        parser = _Parser(self, path)
        try:
            with open(path, encoding="latin-1", newline="") as stream:
                for lineno, raw in enumerate(stream, 1):
                    _feed_line(parser, lineno, raw.rstrip("\r\n"))
        except OSError as err:
            raise ExtractionError(path, None, f"cannot read listobs file: {err}") from err
        if not parser.blocks and "listobs" in path.name.lower():
            self.warn(path.name, None, "no listobs summary found")  # a log without one is fine
        yield from self.parser_facts(parser)

    def log_reader(self, path: Path) -> _SummaryReader | None:
        """For a casa log, the reader of the listobs summaries printed in it."""
        return _SummaryReader(self, Path(path)) if fnmatch(path.name, "casa*.log") else None

    def parser_facts(self, parser: _Parser) -> Iterator[Fact]:
        """The facts of every summary *parser* has read."""
        for block in parser.blocks:
            yield from self._block_facts(parser.path, block)

    def _block_facts(self, path: Path, block: _Block) -> Iterator[Fact]:
        self._check_counts(path, block)
        base = RANK_IN_LOG if block.embedded else RANK_LISTFILE
        split = ".split" in path.name or ".split" in (block.ms_path or "")
        for field_id, value, key in self._values(block):
            if value is None:
                continue
            ev = block.evidence.get(key)
            if ev is None:
                continue
            rank = base + (1 if field_id in CALIBRATION_FACTS else -1) if split else base
            yield make_fact(field_id, value, self.name, path.name, line=ev.line, excerpt=ev.text,
                            end_line=ev.end_line, rank=rank)

    def _check_counts(self, path: Path, block: _Block) -> None:
        found = {"fields": len(block.fields), "spws": len(block.spws),
                 "antennas": len(block.antennas)}
        for kind, (declared, line) in block.declared.items():
            if kind in found and found[kind] != declared:
                self.warn(path.name, line,
                          f"{kind}: the header announces {declared}, {found[kind]} rows were read")

    @staticmethod
    def _values(block: _Block) -> Iterator[tuple[str, Any, str]]:
        """(fact id, value, evidence key) for one block; None values are skipped."""
        yield "ms_name", Path(block.ms_path).name if block.ms_path else None, "ms_name"
        yield "observer", block.observer or None, "observer"
        yield "project_uid", block.project or None, "observer"
        yield "data_records", block.records, "observation"
        scans = _merge_scans(block.scan_rows)
        if block.observed and block.elapsed is not None:
            yield "observation", {
                "start": iso_utc(block.observed[0]), "end": iso_utc(block.observed[1]),
                "total_elapsed_s": block.elapsed, "on_source_s": _on_source(scans),
            }, "observation"
        yield "scans", [{
            "obs_id": s["obs_id"], "scan": s["scan"], "field": s["field"],
            "field_ids": s["field_ids"], "start": iso_utc(s["start"]), "end": iso_utc(s["end"]),
            "intents": s["intents"], "spws": s["spws"], "nrows": s["nrows"],
        } for s in scans] or None, "scans"
        yield "fields_by_intent", _fields_by_intent(block.scan_rows) or None, "scans"
        yield "fields", block.fields or None, "fields"
        candidates = {s["id"] for s in block.spws if _is_candidate(s)}
        target_spws = _spw_set(block.scan_rows, "OBSERVE_TARGET", candidates)
        science = [s for s in block.spws
                   if s["id"] in candidates and (not target_spws or s["id"] in target_spws)]
        yield "all_spws", block.spws or None, "spws"
        yield "spws", science or None, "spws"
        bands = sorted({s["band"] for s in science if s["band"] is not None})
        yield "bands", bands or None, "spws"
        yield "correlator_mode", correlator_mode(science), "spws"
        yield "bandwidth_switching", _bandwidth_switching(block.scan_rows, candidates), "scans"
        yield "antennas", [a["name"] for a in block.antennas] or None, "antennas"
        yield "antenna_count", len(block.antennas) or None, "antennas"
        yield "array", array_kind(block.antennas), "antennas"
