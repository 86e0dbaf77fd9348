"""The per-EB flux table that the flux comparison runs on, from each EB's facts."""

from __future__ import annotations

from typing import Any

from qa2docs.models.common import short_id
from qa2docs.models.facts import Fact


def per_eb_fluxes(ebs: list[tuple[Any, Any]], sb_facts: dict[str, Fact] | None = None
                  ) -> dict[str, dict[str, list]]:
    """``{short id: {"flux_densities": [...], "fitted_spectra": [...]}}`` for fluxcompare.

    An EB's own fluxscale results win; an EB without them takes its rows of the flux
    equalisation table (scriptForFluxCalibration.py comments / allFluxes.txt), which carry
    no errors and no fits.
    """
    out: dict[str, dict[str, list]] = {}
    for eb, fs in ebs:
        facts = fs.facts
        if "flux_densities" in facts or "fitted_spectra" in facts:
            out[eb.short] = {k: list(facts[k].value) if k in facts else []
                             for k in ("flux_densities", "fitted_spectra")}
    table = (sb_facts or {}).get("fluxcal.table")
    from_table: dict[str, dict[str, list]] = {}
    for row in table.value if table is not None else []:
        key = short_id(row["eb"]) if row.get("eb") else str(row.get("vis", "?"))
        if key in out:
            continue
        entry = from_table.setdefault(key, {"flux_densities": [], "fitted_spectra": []})
        entry["flux_densities"].append({"source": row["field"], "spw": row["spw"],
                                        "freq_hz": row.get("freq_hz"),
                                        "flux_jy": row.get("flux_jy"), "error_jy": None,
                                        "snr": None, "n": None})
    out.update(from_table)
    return out
