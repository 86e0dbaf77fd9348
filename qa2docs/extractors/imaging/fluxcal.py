"""scriptForFluxCalibration.py (setjy calls, the flux table in its comments, concat) and
allFluxes.txt (the flux table)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from qa2docs.extractors.imaging.common import NUMBER, RANK_SCRIPT, RANK_TABLE_FILE, SbExtractor
from qa2docs.models.facts import Fact, make_fact

UID = re.compile(r"uid___[0-9A-Za-z]+_[0-9A-Za-z]+_[0-9A-Za-z]+")
FLUX_ROW = re.compile(
    rf'^\s*"(?P<field>[^"]+)"\s+(?P<spw>\d+)\s+(?P<freq>{NUMBER})\s+(?P<flux>-|{NUMBER})\s+'
    rf"(?P<mean>-|{NUMBER})\s+(?P<date>\d{{4}}-\d\d-\d\dT[\d:.]+)\s+(?P<vis>\S+)\s*$")


def fluxcal(ex: SbExtractor, path: Path, text: str) -> Iterator[Fact]:
    """The facts of a scriptForFluxCalibration.py."""
    script = ex.read_script(path, text)
    yield ex.fact("fluxcal.script", True, path, 1, script.lines[0] if script.lines else "")
    yield from ex.casa_version("fluxcal.casa_version", script.lines, path)
    setjys = [c for c in script.calls_of({"setjy"})
              if c.args.get("standard") == "manual" or "fluxdensity" in c.args]
    if setjys:
        entries = [{"vis": c.args.get("vis"), "eb": _eb(c.args.get("vis")),
                    "field": c.args.get("field"), "spw": c.args.get("spw"),
                    "standard": c.args.get("standard"),
                    "fluxdensity": c.args.get("fluxdensity"), "line": c.line}
                   for c in setjys]
        yield ex.calls_fact("fluxcal.setjy", entries, setjys, path)
    rows = [(n, line[line.index("#") + 1:]) for n, line in enumerate(script.lines, 1)
            if line.lstrip().startswith("#") and line.lstrip()[1:].lstrip().startswith('"')]
    yield from _table(ex, path, rows, RANK_SCRIPT)
    concats = [c for c in script.calls_of({"concat"}) if "concatvis" in c.args]
    if concats:
        last = concats[-1]
        yield ex.calls_fact("fluxcal.concat_vis", last.args["concatvis"], [last], path)
        if isinstance(last.args.get("vis"), list):
            yield ex.calls_fact("fluxcal.ebs", last.args["vis"], [last], path)
    elif setjys:
        ebs = list(dict.fromkeys(c.args["vis"] for c in setjys
                                 if isinstance(c.args.get("vis"), str)))
        if ebs:
            yield ex.calls_fact("fluxcal.ebs", ebs, setjys, path)


def allfluxes(ex: SbExtractor, path: Path, text: str) -> Iterator[Fact]:
    """The flux table of an allFluxes.txt."""
    rows = [(n, line) for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]
    yield from _table(ex, path, rows, RANK_TABLE_FILE)


def _table(ex: SbExtractor, path: Path, rows: list[tuple[int, str]], rank: int) -> Iterator[Fact]:
    table: list[dict[str, Any]] = []
    evidence: list[tuple[int, str]] = []
    for number, row in rows:
        match = FLUX_ROW.match(row)
        if not match:
            ex.warn(path.name, number, f"unrecognised flux table line: {row.strip()!r}")
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
        yield make_fact("fluxcal.table", table, ex.name, path.name, line=evidence[0][0],
                        end_line=evidence[-1][0], excerpt="\n".join(t for _, t in evidence),
                        rank=rank)


def _eb(vis: Any) -> str | None:
    match = UID.search(vis) if isinstance(vis, str) else None
    return match.group() if match else None


def _number(text: str) -> float | None:
    return None if text == "-" else float(text)
