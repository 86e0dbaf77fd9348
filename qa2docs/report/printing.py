"""The PDF's tighter content: what the printed report summarises (the HTML report has it all).

WeasyPrint's time grows with the text it lays out (about 0.1 s per page of tables), so the
PDF gives the scans as one row per field and intents, the info findings as counts, and the
plots as one flow of small thumbnails; errors, warnings, checklist items and their sources
are printed in full.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from qa2docs.render.html import print_image


def ranges(numbers: Iterable[int]) -> str:
    """``0, 1, 2, 3, 5, 7, 8`` as ``0–3, 5, 7–8`` (sorted, duplicates dropped)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _seconds(start: Any, end: Any) -> float | None:
    try:
        return (datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))).total_seconds()
    except ValueError:
        return None


def _intents(intents: Iterable[str]) -> tuple[str, ...]:
    """The scan intents without their ``#ON_SOURCE``/``#OFF_SOURCE`` part, sorted."""
    return tuple(sorted({str(i).split("#", 1)[0] for i in intents}))


def scan_groups(scans: list[dict]) -> list[dict]:
    """One row per field and intents, in the order of their first scan: the scan numbers and
    spws as ranges, the number of scans and their summed duration (None when a time is
    missing)."""
    groups: dict[tuple, dict] = {}
    for s in scans:
        key = (s.get("field"), _intents(s.get("intents") or []))
        g = groups.setdefault(key, {"field": key[0], "intents": key[1], "scans": [],
                                    "spws": set(), "seconds": 0.0})
        g["scans"].append(s.get("scan"))
        g["spws"].update(s.get("spws") or [])
        took = _seconds(s.get("start"), s.get("end"))
        g["seconds"] = None if took is None or g["seconds"] is None else g["seconds"] + took
    return [{**g, "n": len(g["scans"]), "scans": ranges(n for n in g["scans"] if n is not None),
             "spws": ranges(g["spws"])} for g in groups.values()]


def print_findings(findings: list[Any]) -> dict[str, Any]:
    """The findings for the PDF: errors and warnings in full (``listed``), infos as counts
    per rule (``infos``: rule, count, lines)."""
    listed = [f for f in findings if str(f.severity) != "info"]
    infos: dict[str, list] = {}
    for f in findings:
        if str(f.severity) == "info":
            infos.setdefault(f.rule, []).append(f.line)
    return {"listed": listed,
            "infos": [{"rule": rule, "count": len(lines), "where": _lines(lines)}
                      for rule, lines in sorted(infos.items())]}


def _lines(lines: list[int | None]) -> str:
    """``line 7``, ``lines 7, 9–11``, or nothing when no finding has a line."""
    numbers = [n for n in lines if n is not None]
    if not numbers:
        return ""
    return f"line {numbers[0]}" if len(set(numbers)) == 1 else f"lines {ranges(numbers)}"


def print_gallery(gallery: list[dict], shown: int, px: int) -> list[dict]:
    """*gallery* for the PDF: the first *shown* plots per item as small JPEGs, and how many
    more the HTML report has (``hidden``)."""
    return [{**item, "images": [print_image(img, px) for img in item["images"][:shown]],
             "hidden": max(0, len(item["images"]) - shown) + len(item["more"])}
            for item in gallery]


def print_context(ctx: dict[str, Any], gallery_max: int, thumb_px: int) -> dict[str, Any]:
    """*ctx* for the PDF template (a copy; the HTML report's context is left as it was): the
    gallery cut to *gallery_max* JPEGs of *thumb_px* per item, the scans grouped, the
    findings split into listed ones and info counts."""
    out = dict(ctx, print_findings=print_findings(ctx["validation"]["findings"]))
    if "gallery" in ctx:
        out["gallery"] = print_gallery(ctx["gallery"], gallery_max, thumb_px)
    if "scans" in ctx:
        out["scan_groups"] = scan_groups(ctx["scans"])
    return out
