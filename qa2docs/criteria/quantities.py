"""Numbers as reducers write them: rms (``35 uJy``, ``0.071 mJy/beam``) and beams
(``0.57"x0.53"``, ``0.781 x 0.617 arcsec``, ``4.685 arcsec, 2.529 arcsec, 71.9 deg``)."""

from __future__ import annotations

import math
import re

_FLUX_UNITS = {"ujy": 1e-6, "µjy": 1e-6, "μjy": 1e-6, "mjy": 1e-3, "jy": 1.0}
_FLUX = re.compile(r"(?<![\d.])(\d+(?:\.\d*)?|\.\d+)(?:[eE]([-+]?\d+))?\s*(uJy|µJy|μJy|mJy|Jy)\b",
                   re.IGNORECASE)
# a number with an optional angle unit right after it; degrees are position angles
_ANGLE = re.compile(r"(?<![\d.])(\d+(?:\.\d*)?|\.\d+)\s*(arcsec|asec|mas|\"|''|deg\b|°)?",
                    re.IGNORECASE)
_ANGLE_SCALE = {"arcsec": 1.0, "asec": 1.0, '"': 1.0, "''": 1.0, "mas": 1e-3}
_RANGE = re.compile(r"(\d+(?:\.\d*)?)\s*(?:arcsec|\"|'')?\s*(?:-|–|to)\s*(\d+(?:\.\d*)?)\s*"
                    r"(arcsec|\"|''|mas)", re.IGNORECASE)


def parse_flux(text: str) -> float | None:
    """The first flux density in *text*, in Jy (``3.5 mJy in 477.982 m/s`` -> 0.0035)."""
    m = _FLUX.search(text or "")
    if not m:
        return None
    value = float(m.group(1)) * (10 ** int(m.group(2)) if m.group(2) else 1)
    return value * _FLUX_UNITS[m.group(3).lower()]


def _angles(text: str) -> list[float]:
    """The angles (arcsec) in *text*: unit-less numbers take the next unit given."""
    found: list[tuple[float, str | None]] = []
    for m in _ANGLE.finditer(text):
        unit = (m.group(2) or "").lower() or None
        if unit in ("deg", "°"):
            continue
        found.append((float(m.group(1)), unit))
    out: list[float] = []
    for i, (value, unit) in enumerate(found):
        if unit is None:
            unit = next((u for _, u in found[i + 1:] if u), None)
        if unit is None:
            continue
        out.append(value * _ANGLE_SCALE[unit])
    return out


def parse_beam(text: str) -> tuple[float, float] | None:
    """(major, minor) in arcsec from a beam as written; one value is a circular beam."""
    text = re.split(r"\bpa\s*=|\bPA\b", text or "", maxsplit=1)[0]
    angles = _angles(text)
    if not angles:
        return None
    if len(angles) == 1:
        return angles[0], angles[0]
    major, minor = angles[0], angles[1]
    return (major, minor) if major >= minor else (minor, major)


def parse_resolution(text: str) -> tuple[float | None, float] | None:
    """A requested resolution: ``(min, max)`` arcsec from a range, ``(None, value)`` from one."""
    m = _RANGE.search(text or "")
    if m:
        scale = _ANGLE_SCALE.get(m.group(3).lower(), 1.0)
        lo, hi = sorted((float(m.group(1)) * scale, float(m.group(2)) * scale))
        return lo, hi
    beam = parse_beam(text)
    if beam is None:
        return None
    return None, math.sqrt(beam[0] * beam[1])


def format_jy(jy: float) -> str:
    """A flux density in the unit that reads best (``0.071 mJy``)."""
    if jy < 1e-3:
        return f"{jy * 1e6:.3g} uJy"
    if jy < 1:
        return f"{jy * 1e3:.3g} mJy"
    return f"{jy:.3g} Jy"
