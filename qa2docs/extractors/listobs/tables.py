"""listobs: the fields, spectral windows and antennas tables, and what they tell (bands,
correlator mode, array)."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from qa2docs.extractors.listobs.block import Block, Table, Warn

# ALMA receiver RF ranges in GHz. Band 2 is cut at 84 GHz, where Band 3 starts, so that the
# overlap of the new Band 2 receiver (67-116 GHz) reads as Band 3, as in all archival data.
ALMA_BANDS_GHZ = ((1, 35.0, 50.0), (2, 67.0, 84.0), (3, 84.0, 116.0), (4, 125.0, 163.0),
                  (5, 163.0, 211.0), (6, 211.0, 275.0), (7, 275.0, 373.0), (8, 385.0, 500.0),
                  (9, 602.0, 720.0), (10, 787.0, 950.0))
TDM_NCHAN = frozenset({64, 128, 256})
NON_SCIENCE_MARKERS = ("WVR", "SQLD", "CH_AVG")

_FIELD_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+(?P<mid>\S.*?)\s+(?P<ra>[+-]?\d{1,2}:\d\d:\d\d(?:\.\d*)?)"
    r"\s+(?P<dec>[+-]?\d{1,3}\.\d\d\.\d\d(?:\.\d*)?)\s+(?P<epoch>\S+)"
    r"(?:\s+(?P<srcid>\d+))?(?:\s+(?P<nrows>\d+))?(?:\s+(?P<unfl>\d+\.\d*))?\s*$")
"""A field row; ``listobs(listunfl=True)`` adds the ``nUnflRows`` column (a float) at its end."""
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
_WVR_NAME = re.compile(r"(?:^|#)WVR(?:#|$)")
"""The water vapour radiometer windows (``WVR#NOMINAL``, 183 GHz): no receiver band of their
own (the frequency falls inside Band 5)."""
_SOURCE_ROW = re.compile(r"^\s*(?P<id>\d+)\s+(?P<name>\S.*?)\s+(?P<spw>\d+|any)(?:\s|$)")


class FieldTable(Table):
    """The fields table; the column header tells whether a row has a code before its name."""

    def __init__(self, warn: Warn, current: Callable[[], Block]) -> None:
        super().__init__(warn, current)
        self.columns: dict[str, int] = {}
        """Where the Code and Name columns start, once the column header is read."""

    def read(self, lineno: int, raw: str, text: str) -> bool:
        """Read one field row."""
        if "Code" in text and "Name" in text:
            self.columns = {"code": text.index("Code"), "name": text.index("Name")}
            return True
        match = self.row(_FIELD_ROW, "field", lineno, text)
        if match is None:
            return True
        tokens = match["mid"].split()
        code_span = text[self.columns["code"]:self.columns["name"]] if self.columns else None
        has_code = code_span.strip() != "" if code_span is not None else len(tokens) > 1
        name = " ".join(tokens[1:]) if has_code and len(tokens) > 1 else " ".join(tokens)
        self.current().fields.append({
            "id": int(match["id"]), "name": name, "ra": match["ra"], "dec": match["dec"],
            "nrows": int(match["nrows"]) if match["nrows"] else None,
        })
        self.current().note("fields", lineno, raw)
        return True


class SpwTable(Table):
    """The spectral windows table; its column header gives the order of the numbers."""

    def __init__(self, warn: Warn, current: Callable[[], Block]) -> None:
        super().__init__(warn, current)
        self.columns: list[str] = []
        """The keys of the numeric columns after Frame, once the column header is read."""

    def read(self, lineno: int, raw: str, text: str) -> bool:
        """Read one spectral window row."""
        if "SpwID" in text:
            after_frame = text.split("Frame", 1)[-1]
            names = [_SPW_KEYS.get(c) for c in _SPW_COLUMN.findall(after_frame)]
            self.columns = [n for n in names if n]
            return True
        match = self.row(_SPW_ROW, "spw", lineno, text)
        if match is None:
            return True
        columns = self.columns or list(_SPW_DEFAULT_COLUMNS)
        values: dict[str, float] = {}
        for key, token in zip(columns, match["rest"].split()):
            try:
                values[key] = float(token)
            except ValueError:
                break
        if not {"ch0_mhz", "chan_width_khz", "total_bw_khz"} <= values.keys():
            self.warn(lineno, f"incomplete spw row: {text.strip()}")
            return True
        self.current().spws.append(_spw(int(match["id"]), (match["name"] or "").strip(),
                                        int(match["nchan"]), values))
        self.current().note("spws", lineno, raw)
        return True


class SourceTable(Table):
    """The sources table: only the names are kept (see :mod:`.selection`)."""

    def read(self, lineno: int, raw: str, text: str) -> bool:
        """Read one source row."""
        if match := _SOURCE_ROW.match(text):
            self.current().sources.append(match["name"])
        return True


class AntennaTable(Table):
    """The antennas, verbose (one row each) or short (``'DA41'='A004'`` pairs)."""

    def read(self, lineno: int, raw: str, text: str) -> bool:
        """Read one antenna row or line of pairs."""
        if match := _ANTENNA_ROW.match(text):
            self.current().antennas.append({"id": int(match["id"]), "name": match["name"],
                                            "station": match["station"],
                                            "diameter_m": float(match["diam"])})
            self.current().note("antennas", lineno, raw)
        elif "=" in text and (pairs := _ANTENNA_SHORT.findall(text)):
            for name, station in pairs:
                self.current().antennas.append({"id": None, "name": name, "station": station,
                                                "diameter_m": None})
            self.current().note("antennas", lineno, raw)
        return True


def _spw(spw_id: int, name: str, nchan: int, values: dict[str, float]) -> dict[str, Any]:
    """One spectral window in the fact's shape, in Hz."""
    ch0 = values["ch0_mhz"] * 1e6
    width = values["chan_width_khz"] * 1e3
    center = (values["center_mhz"] * 1e6 if "center_mhz" in values
              else ch0 + width * (nchan - 1) / 2)
    match = _BAND_NAME.search(name)
    band = (int(match.group(1)) if match
            else None if _WVR_NAME.search(name) else band_from_frequency(center))
    return {"id": spw_id, "name": name, "nchan": nchan, "chan_width_hz": round(width, 3),
            "total_bw_hz": round(values["total_bw_khz"] * 1e3, 3), "center_hz": round(center, 3),
            "ref_freq_hz": round(ch0, 3), "band": band}


def band_from_frequency(freq_hz: float) -> int | None:
    """The ALMA band whose receiver RF range holds *freq_hz*, or None."""
    ghz = freq_hz / 1e9
    for band, low, high in ALMA_BANDS_GHZ:
        if low <= ghz <= high:
            return band
    return None


def is_candidate(spw: dict[str, Any]) -> bool:
    """Whether *spw* may be a science window (not WVR / SQLD / CH_AVG)."""
    return not any(marker in spw["name"] for marker in NON_SCIENCE_MARKERS)


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
