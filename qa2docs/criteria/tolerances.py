"""The validation tolerances: one versioned data file (package data), keyed by ALMA Cycle."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from qa2docs.errors import Qa2DocsError

TOLERANCES_FILE = "tolerances.yaml"


@dataclass(frozen=True)
class Limit:
    """An upper limit on achieved / requested, with the looser one a reducer may argue for."""

    factor: float
    relaxed: float | None
    source: str


@dataclass(frozen=True)
class BeamLimit:
    """How the achieved beam is judged: by area ratio, or the geometric mean within a range."""

    kind: str
    factor: float | None
    relaxed: float | None
    source: str


@dataclass(frozen=True)
class Tolerances:
    """The numbers for one Cycle, and where they come from."""

    version: str
    cycle_key: str
    entry: dict[str, Any]
    sources: dict[str, dict[str, Any]]

    def flux_spread(self, bands: list[int]) -> tuple[float, str] | None:
        """Largest allowed |S_EB / S_mean - 1| for *bands* (the loosest of them), and its source."""
        spread = self.entry["flux_spread"]
        values = [float(spread["bands"][b]) for b in bands if b in spread["bands"]]
        if not values:
            return None
        source = spread["source"]
        if bands == [7] and "band7_source" in spread:
            source = spread["band7_source"]
        return max(values), source

    @property
    def min_snr(self) -> float:
        """Below this fluxscale SNR a per-spw flux density is flagged."""
        return float(self.entry["fluxscale"]["min_snr"])

    @property
    def spidx_range(self) -> tuple[float, float]:
        """Plausible fitted spectral indices of a quasar calibrator."""
        lo, hi = self.entry["fluxscale"]["spidx_range"]
        return float(lo), float(hi)

    @property
    def fluxscale_source(self) -> str:
        """Source key of the SNR and spectral-index numbers."""
        return self.entry["fluxscale"]["source"]

    def sensitivity(self, bands: list[int]) -> Limit | None:
        """Achieved rms / requested rms limit for *bands* (the loosest), if the Cycle has one."""
        sens = self.entry.get("sensitivity") or {}
        passes = [float(sens["pass"][b]) for b in bands if b in sens.get("pass", {})]
        if not passes:
            return None
        relaxed = [float(sens["relaxed"][b]) for b in bands if b in sens.get("relaxed", {})]
        return Limit(max(passes), max(relaxed) if relaxed else None, sens["source"])

    def beam(self) -> BeamLimit | None:
        """How the achieved beam is judged in this Cycle."""
        beam = self.entry.get("beam")
        if not beam:
            return None
        return BeamLimit(beam["kind"], beam.get("pass"), beam.get("relaxed"), beam["source"])

    def cite(self, source: str) -> str:
        """A short citation of a source key (its ``cite`` text, else its title)."""
        info = self.sources.get(source, {})
        text = info.get("cite") or info.get("title", source)
        return text if info.get("verified", True) else f"{text}, not verified"


def _cycle_range(key: str) -> tuple[int, int]:
    lo, _, hi = key.partition("-")
    return int(lo), int(hi) if hi else 10**6


def _default_path() -> Path:
    return Path(str(files("qa2docs.criteria") / TOLERANCES_FILE))


@lru_cache(maxsize=8)
def _load(path: Path) -> dict[str, Any]:
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as err:
        raise Qa2DocsError(f"{path}: cannot read the tolerance file: {err}") from err
    if not isinstance(data, dict) or "cycles" not in data:
        raise Qa2DocsError(f"{path}: not a tolerance file (no 'cycles' key)")
    return data


def load_tolerances(cycle: int | None, path: Path | None = None) -> Tolerances:
    """The tolerances of *cycle* (the latest Cycle's when unknown)."""
    data = _load(path or _default_path())
    keys = sorted(data["cycles"], key=_cycle_range)
    chosen = keys[-1]
    if cycle is not None:
        for key in keys:
            lo, hi = _cycle_range(key)
            if lo <= cycle <= hi:
                chosen = key
                break
    return Tolerances(str(data.get("version", "")), chosen, data["cycles"][chosen],
                      data.get("sources", {}))
