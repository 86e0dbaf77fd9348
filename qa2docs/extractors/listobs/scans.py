"""listobs: the scans table, and what the scans tell (on-source time, fields by intent,
target and phase-calibrator windows)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Callable

from qa2docs.extractors.listobs.block import Block, Table, Warn, clock, intent_parts, listobs_date

_TIME = r"\d\d:\d\d:\d\d(?:\.\d+)?"
_SCAN_ROW = re.compile(
    rf"^\s*(?:(?P<date>\d{{1,2}}-[A-Za-z]{{3}}-\d{{4}})/)?(?P<t0>{_TIME})\s*-\s*(?P<t1>{_TIME})"
    r"\s+(?P<scan>\d+)\s+(?P<fid>\d+)\s+(?P<name>\S.*?)\s+(?P<nrows>\d+)"
    r"(?:\s+[\d.]+)?\s+\[(?P<spws>[\d,\s]*)\]"
    r"(?:\s+\[(?P<intervals>[-\d.,\s]*)\])?(?:\s+\[(?P<intents>[^\]]*)\]?)?\s*$")
_SCAN_LIKE = re.compile(rf"^\s*(?:\S+/)?{_TIME}\s*-")
TSYS_INTENT = "CALIBRATE_ATMOSPHERE"


class ScanTable(Table):
    """The scan rows of one ObservationID; a row without a date is on the last row's day
    (the next one when the times go back by more than 12 hours)."""

    def __init__(self, warn: Warn, current: Callable[[], Block], obs_id: int) -> None:
        super().__init__(warn, current)
        self.obs_id = obs_id
        self.day: date | None = None
        self.last_start: datetime | None = None

    def read(self, lineno: int, raw: str, text: str) -> bool:
        """Read one scan row; the ``(nRows = Total`` line ends the table."""
        match = _SCAN_ROW.match(text)
        if match is None:
            if "(nRows = Total" in text:
                return False
            if _SCAN_LIKE.match(text):
                self.warn(lineno, f"unreadable scan row: {text.strip()}")
            return True
        if match["date"]:
            self.day = listobs_date(match["date"])
        if self.day is None:
            self.warn(lineno, "scan row before any date")
            return True
        start = datetime.combine(self.day, clock(match["t0"]))
        if self.last_start is not None and start < self.last_start - timedelta(hours=12):
            self.day += timedelta(days=1)  # the listing crossed midnight without a date
            start += timedelta(days=1)
        end = datetime.combine(start.date(), clock(match["t1"]))
        if end < start:
            end += timedelta(days=1)
        self.last_start = start
        intents = [i.strip() for i in (match["intents"] or "").split(",") if i.strip()]
        self.current().scan_rows.append({
            "obs_id": self.obs_id, "scan": int(match["scan"]), "field_id": int(match["fid"]),
            "field": match["name"].strip(), "start": start, "end": end, "intents": intents,
            "spws": [int(v) for v in _numbers(match["spws"])], "nrows": int(match["nrows"]),
        })
        self.current().note("scans", lineno, raw)
        return True


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.split(r"[,\s]+", text.strip()) if v]


def _has_intent(row: dict[str, Any], wanted: str) -> bool:
    return wanted in on_source_intents(row["intents"])


def on_source_intents(intents: list[str]) -> list[str]:
    """The intents a scan observes on source, without their sub-intents, each once: those
    with ``#ON_SOURCE`` or no sub-intent, and CALIBRATE_ATMOSPHERE with any sub-intent
    (Cycle 4+ Tsys scans carry only ``#AMBIENT``, ``#HOT`` and ``#OFF_SOURCE``)."""
    found: dict[str, None] = {}
    for intent in intents:
        name, sub = intent_parts(intent)
        if sub in (None, "ON_SOURCE") or name == TSYS_INTENT:
            found[name] = None
    return list(found)


def merge_scans(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def on_source(scans: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds per on-source intent (:func:`on_source_intents`), summed over the scans."""
    totals: dict[str, float] = {}
    for scan in scans:
        seconds = (scan["end"] - scan["start"]).total_seconds()
        for name in on_source_intents(scan["intents"]):
            totals[name] = totals.get(name, 0.0) + seconds
    return {name: round(value, 1) for name, value in totals.items()}


def fields_by_intent(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The field names of each on-source intent (:func:`on_source_intents`), in scan order."""
    found: dict[str, list[str]] = {}
    for row in rows:
        for name in on_source_intents(row["intents"]):
            if row["field"] not in found.setdefault(name, []):
                found[name].append(row["field"])
    return found


def spw_set(rows: list[dict[str, Any]], intent: str, candidates: set[int]) -> set[int]:
    """The *candidates* spws used by the rows with *intent* on source."""
    return {s for r in rows if _has_intent(r, intent) for s in r["spws"] if s in candidates}


def bandwidth_switching(rows: list[dict[str, Any]], candidates: set[int]) -> bool | None:
    """Whether the phase-calibrator scans of an ObservationID use other *candidates* spws
    than its target scans; None without both kinds of scans."""
    verdicts = []
    for obs_id in dict.fromkeys(r["obs_id"] for r in rows):
        in_obs = [r for r in rows if r["obs_id"] == obs_id]
        phase = spw_set(in_obs, "CALIBRATE_PHASE", candidates)
        target = spw_set(in_obs, "OBSERVE_TARGET", candidates)
        if phase and target:
            verdicts.append(phase != target)
    return any(verdicts) if verdicts else None
