"""asdm: facts from the XML tables of a raw ASDM folder (``uid___A002_X..._X...``).

The folder (or its ``ASDM.xml``) is passed to :meth:`AsdmExtractor.extract`; a match of the
pattern that holds no ``ASDM.xml`` (an ``.ms`` folder, a script) is not an ASDM and gives
nothing. Tables are read with ``pyexpat`` set up as ``defusedxml`` sets it up (no DTD
entities, no external references; :mod:`qa2docs.extractors.asdm_xml`), which also gives line
numbers. A table whose rows are in binary only (a
``<Name>.bin`` / ``<Name>/Table.bin`` without XML rows, or an XML header with
``BulkStoreRef``) is warned about and gives no fact.

Fact ids and value shapes (all rank 40; times ISO 8601 UTC with tenths, like listobs):

- ``asdm_uid`` str: ``uid___A002_Xfb2c11_X3b4`` (from ASDM.xml's Entity).
- ``observation`` {``start``, ``end``, ``total_elapsed_s``}: ExecBlock start/end times
  (ArrayTime: nanoseconds since MJD 0 = 1858-11-17T00:00 UTC).
- ``observer`` str, ``project_uid`` str, ``configuration`` str (ExecBlock ``configName``;
  the ``t.b.d.`` placeholder gives no fact).
- ``antennas`` [names], ``antenna_count`` int, ``array`` "12m" | "7m" | "TP" | "mixed"
  (Antenna table, dish diameters).
- ``bands`` list[int]: ``ALMA_RB_NN`` in the spectral window names, else the
  ``frequencyBand`` of the Receiver / SBSummary tables.
- ``pwv`` {``median_mm``}: median of the CalWVR ``water`` column (metres) over its rows with
  a positive value, in mm; only when the table has such rows.
- ``sb_name`` str: only when the SBSummary row carries a name element (CASA's exportasdm
  writes none).
- ``science_goal`` {``goals`` {key: text}, and when given ``representative_frequency_hz``,
  ``sensitivity_goal_jy``, ``representative_bandwidth_hz``, ``min_resolution_arcsec``,
  ``max_resolution_arcsec``, ``max_pwv_mm``}: the SBSummary ``scienceGoal`` strings
  (``"sensitivityGoal = 2.0 mJy"``) and the ``maxPWVC`` weather constraint, as the OT wrote
  them into the SB; the requested sensitivity and resolution of the SB. The ``t.b.d.``
  placeholders of a simulated ASDM give no fact.
- ``scan_intents`` [{``scan``, ``intents``, ``start``, ``end``}] (Scan table).
- ``field_names`` [str] (Field table, extra id).
"""

from __future__ import annotations

import re
import statistics
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
import defusedxml

from qa2docs.extractors.asdm_xml import MalformedXml, TableReader
from qa2docs.extractors.base import Extractor
from qa2docs.models.facts import Fact, make_fact

RANK_ASDM = 40
MJD_EPOCH = datetime(1858, 11, 17, tzinfo=timezone.utc)
_BAND = re.compile(r"ALMA_RB_(\d\d)")
_SB_NAME_KEYS = ("sbName", "schedBlockName", "name")
_PLACEHOLDER = "t.b.d."
_GOAL = re.compile(r"^\s*(?P<key>[A-Za-z]\w*)\s*=\s*(?P<value>.*?)\s*$")
_QUANTITY = re.compile(r"^(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>\S*)$")
_UNITS = {
    "frequency": {"hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9, "thz": 1e12},
    "flux": {"ujy": 1e-6, "µjy": 1e-6, "mjy": 1e-3, "jy": 1.0},
    "angle": {"arcsec": 1.0, "mas": 1e-3, "arcmin": 60.0, "deg": 3600.0},
    "length": {"m": 1e3, "mm": 1.0, "um": 1e-3},
}
# scienceGoal / weatherConstraint key -> (value key, unit kind)
_GOAL_QUANTITIES = {
    "representativeFrequency": ("representative_frequency_hz", "frequency"),
    "sensitivityGoal": ("sensitivity_goal_jy", "flux"),
    "representativeBandwidth": ("representative_bandwidth_hz", "frequency"),
    "minAcceptableAngResolution": ("min_resolution_arcsec", "angle"),
    "maxAcceptableAngResolution": ("max_resolution_arcsec", "angle"),
    "maxPWVC": ("max_pwv_mm", "length"),
}


def array_time_iso(ns: int) -> str:
    """An ASDM ArrayTime (ns since MJD 0, UTC) as ``YYYY-MM-DDTHH:MM:SS.sZ``."""
    tenths = (ns + 50_000_000) // 100_000_000
    moment = MJD_EPOCH + timedelta(seconds=tenths // 10)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{tenths % 10}Z"


def asdm_array(text: str) -> list[str]:
    """The values of an ASDM array cell ``NDIM DIM... V1 V2 ...`` (``1 2 A B`` -> [A, B])."""
    tokens = text.split()
    if not tokens or not tokens[0].isdigit():
        return tokens
    ndim = int(tokens[0])
    return tokens[1 + ndim:]


def asdm_strings(text: str) -> list[str]:
    """The quoted values of an ASDM string-array cell (``1 2 "a = 1" "b = 2"``)."""
    return re.findall(r'"([^"]*)"', text)


def quantity(text: str, kind: str) -> float | None:
    """``"230.505 GHz"`` -> 230505000000.0 for *kind* ``frequency`` (None: not that kind)."""
    m = _QUANTITY.match(text.strip())
    if not m:
        return None
    scale = _UNITS[kind].get(m["unit"].lower())
    return None if scale is None else float(m["number"]) * scale


def uid_to_name(uid: str) -> str:
    """``uid://A002/Xfb2c11/X3b4`` -> ``uid___A002_Xfb2c11_X3b4``."""
    return uid.replace("uid://", "uid___").replace("/", "_")


class AsdmExtractor(Extractor):
    """Facts from the ExecBlock, Antenna, SpectralWindow, Scan, Field, SBSummary and CalWVR
    tables of an ASDM folder."""

    name = "asdm"
    patterns = ("uid___*",)

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts of the ASDM folder *path* (or of the folder of *path* = ASDM.xml)."""
        folder = path.parent if path.name == "ASDM.xml" else path
        if not (folder / "ASDM.xml").is_file():
            return
        self._folder = folder
        self._listed_rows: dict[str, str] = {}
        asdm = self._table("ASDM", required=True, row_tag="Table")
        self._listed_rows = {t.get("Name", ""): t.get("NumberRows", "0")
                             for t in (asdm.rows if asdm else [])}
        if asdm is not None and asdm.entity_id:
            yield self._fact("asdm_uid", uid_to_name(asdm.entity_id), "ASDM", 1,
                             f'Entity entityId="{asdm.entity_id}"')
        yield from self._exec_block()
        yield from self._antennas()
        yield from self._bands()
        yield from self._scans()
        yield from self._fields()
        yield from self._sb_summary()
        yield from self._pwv()

    # --- reading --------------------------------------------------------------------------

    def _table(self, name: str, required: bool = False, row_tag: str = "row",
               columns: frozenset[str] | None = None) -> TableReader | None:
        """Parse ``<name>.xml``; warn and return None when it is missing, binary or broken."""
        xml = self._folder / f"{name}.xml"
        binary = [p for p in (self._folder / f"{name}.bin", self._folder / name / "Table.bin")
                  if p.is_file()]
        if xml.exists() and not xml.is_file():
            self.warn(self._where(xml.name), None, "not a regular file; not read")
            return None
        if not xml.is_file():
            listed = self._listed_rows.get(name, "0")
            if binary:
                self.warn(self._where(str(binary[0].relative_to(self._folder))), None,
                          f"{name} table stored in binary only; not read")
            elif required or listed not in ("0", ""):
                self.warn(self._where(f"{name}.xml"), None,
                          f"{name}.xml missing" + (f" (ASDM.xml lists {listed} rows)"
                                                   if listed not in ("0", "") else ""))
            return None
        handler = TableReader(row_tag, columns)
        try:
            with open(xml, "rb") as stream:
                handler.read(stream)
        except MalformedXml as err:
            self.warn(self._where(xml.name), err.line, f"malformed XML: {err.message}")
            return None
        except defusedxml.DefusedXmlException as err:
            self.warn(self._where(xml.name), getattr(err, "line", None),
                      f"refused unsafe XML: {_refused(err)}")
            return None
        except (LookupError, ValueError) as err:   # an encoding= the parser cannot use
            self.warn(self._where(xml.name), 1, f"cannot decode the table: {err}")
            return None
        except OSError as err:   # this table only: the others' facts are kept
            self.warn(self._where(xml.name), None,
                      f"cannot read the table: {err.strerror or err}")
            return None
        if handler.bulk_store and not handler.rows:
            self.warn(self._where(xml.name), None,
                      f"{name} rows stored in binary (BulkStoreRef); not read")
            return None
        return handler

    def _rows(self, name: str, columns: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """The rows of table *name* (with only *columns*' values, when given); empty when it
        is missing, binary or broken."""
        table = self._table(name, columns=columns)
        return table.rows if table is not None else []

    def _where(self, file_name: str) -> str:
        return f"{self._folder.name}/{file_name}"

    def _fact(self, field_id: str, value: Any, table: str, line: int | None, excerpt: str,
              note: str | None = None) -> Fact:
        return make_fact(field_id, value, self.name, self._where(f"{table}.xml"), line=line,
                         excerpt=excerpt, rank=RANK_ASDM, note=note)

    @staticmethod
    def _line(row: dict[str, Any], column: str) -> int | None:
        return row["_lines"].get(column)

    # --- facts ----------------------------------------------------------------------------

    def _exec_block(self) -> Iterator[Fact]:
        table = self._table("ExecBlock", required=True)
        if table is None or not table.rows:
            return
        if len(table.rows) > 1:
            self.warn(self._where("ExecBlock.xml"), None,
                      f"{len(table.rows)} ExecBlock rows; the first is used")
        row = table.rows[0]
        try:
            start, end = int(row["startTime"]), int(row["endTime"])
        except (KeyError, ValueError):
            self.warn(self._where("ExecBlock.xml"), self._line(row, "startTime"),
                      "ExecBlock row without readable startTime/endTime")
        else:
            yield self._fact("observation", {
                "start": array_time_iso(start), "end": array_time_iso(end),
                "total_elapsed_s": round((end - start) / 1e9, 3),
            }, "ExecBlock", self._line(row, "startTime"),
                f"startTime={start} endTime={end} (ns since MJD 0)")
        for column, field_id in (("observerName", "observer"), ("projectUID", "project_uid"),
                                 ("configName", "configuration")):
            value = row.get(column, "")
            if value and _PLACEHOLDER not in value:
                yield self._fact(field_id, value, "ExecBlock", self._line(row, column),
                                 f"{column}: {value}")

    def _antennas(self) -> Iterator[Fact]:
        rows = self._rows("Antenna")
        if not rows:
            return
        names = [r.get("name", "") for r in rows]
        line = self._line(rows[0], "name")
        excerpt = "; ".join(f"{r.get('name')} {r.get('dishDiameter')} m" for r in rows)
        yield self._fact("antennas", names, "Antenna", line, excerpt)
        yield self._fact("antenna_count", len(names), "Antenna", line, excerpt)
        kinds = set()
        for row in rows:
            try:
                diameter = float(row.get("dishDiameter", ""))
            except ValueError:
                return
            kinds.add("7m" if abs(diameter - 7) < 0.5 else "12m" if abs(diameter - 12) < 0.5
                      else None)
        if None in kinds:
            return
        if kinds == {"12m"} and all(n.upper().startswith("PM") for n in names):
            value = "TP"
        else:
            value = kinds.pop() if len(kinds) == 1 else "mixed"
        yield self._fact("array", value, "Antenna", line, excerpt)

    def _bands(self) -> Iterator[Fact]:
        for table_name, column in (("SpectralWindow", "name"), ("Receiver", "frequencyBand"),
                                   ("SBSummary", "frequencyBand")):
            found = [(r, m) for r in self._rows(table_name, frozenset({column}))
                     if (m := _BAND.search(r.get(column, "")))]
            if found:
                bands = sorted({int(m.group(1)) for _, m in found})
                row = found[0][0]
                yield self._fact("bands", bands, table_name, self._line(row, column),
                                 f"{column}: {row.get(column)}")
                return

    def _scans(self) -> Iterator[Fact]:
        rows = self._rows("Scan")
        scans = []
        for row in rows:
            try:
                scans.append({"scan": int(row["scanNumber"]),
                              "intents": asdm_array(row.get("scanIntent", "")),
                              "start": array_time_iso(int(row["startTime"])),
                              "end": array_time_iso(int(row["endTime"]))})
            except (KeyError, ValueError):
                self.warn(self._where("Scan.xml"), self._line(row, "scanNumber"),
                          "unreadable Scan row")
        if scans:
            first = rows[0]
            yield self._fact("scan_intents", scans, "Scan", self._line(first, "scanNumber"),
                             f"scan {first.get('scanNumber')}: {first.get('scanIntent')}")

    def _fields(self) -> Iterator[Fact]:
        rows = self._rows("Field")
        if rows:
            names = [r.get("fieldName", "") for r in rows]
            yield self._fact("field_names", names, "Field", self._line(rows[0], "fieldName"),
                             ", ".join(names))

    def _sb_summary(self) -> Iterator[Fact]:
        rows = self._rows("SBSummary")
        for row, column in ((r, c) for r in rows[:1] for c in _SB_NAME_KEYS):
            if row.get(column):
                yield self._fact("sb_name", row[column], "SBSummary", self._line(row, column),
                                 f"{column}: {row[column]}")
                break
        if rows:
            yield from self._science_goal(rows[0])

    def _science_goal(self, row: dict[str, Any]) -> Iterator[Fact]:
        goals: dict[str, str] = {}
        value: dict[str, Any] = {"goals": goals}
        excerpts = []
        for column in ("scienceGoal", "weatherConstraint"):
            for text in asdm_strings(row.get(column, "")):
                m = _GOAL.match(text)
                if m is None or _PLACEHOLDER in text:
                    continue
                key, raw = m["key"], m["value"]
                goals[key] = raw
                excerpts.append(f'"{text}"')
                if key in _GOAL_QUANTITIES:
                    name, kind = _GOAL_QUANTITIES[key]
                    number = quantity(raw, kind)
                    if number is None:
                        self.warn(self._where("SBSummary.xml"), self._line(row, column),
                                  f"{key}: cannot read {raw!r} as a {kind}")
                    else:
                        value[name] = number
        if len(value) > 1:
            line = self._line(row, "scienceGoal") or self._line(row, "weatherConstraint")
            yield self._fact("science_goal", value, "SBSummary", line, " ".join(excerpts))

    def _pwv(self) -> Iterator[Fact]:
        rows = self._rows("CalWVR", frozenset({"water"}))
        if not rows:
            return
        water = []
        for row in rows:
            try:
                value = float(row.get("water", ""))
            except ValueError:
                continue
            if value > 0:
                water.append(value)
        if not water:
            self.warn(self._where("CalWVR.xml"), None, "CalWVR rows hold no positive water value")
            return
        median_mm = round(statistics.median(water) * 1000, 3)
        yield self._fact("pwv", {"median_mm": median_mm}, "CalWVR", self._line(rows[0], "water"),
                         f"water: {rows[0].get('water')} m (first of {len(rows)} rows)",
                         note=f"median of {len(water)} CalWVR water values")


def _refused(err: defusedxml.DefusedXmlException) -> str:
    """What defusedxml refused, in words (its repr lists every empty argument)."""
    if isinstance(err, defusedxml.EntitiesForbidden):
        return f"entity declaration '{err.name}' (entities are never expanded)"
    if isinstance(err, defusedxml.ExternalReferenceForbidden):
        return f"external reference '{err.sysid}'"
    return type(err).__name__
