"""scriptForImaging.py and scriptForImagingPrep.py: the clean/tclean calls (image list,
targets, continuum/cubes, masks), contsub and selfcal calls, achieved rms and beam comments."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from qa2docs.extractors.imaging.common import NUMBER, RANK_SCRIPT, SbExtractor
from qa2docs.extractors.imaging.script import (
    CLEAN_TASKS,
    CONTSUB_TASKS,
    SELFCAL_TASKS,
    Call,
    Script,
)
from qa2docs.extractors.imaging.spws import SPLIT_TASKS, cube_spws
from qa2docs.models.facts import Fact, Provenance

IMAGE_KEYS = ("imagename", "vis", "field", "spw", "specmode", "weighting", "robust", "cell",
              "imsize", "threshold", "niter", "mask", "nterms", "restfreq", "width", "start",
              "nchan", "interactive")
CUBE_MODES = frozenset({"cube", "cubedata", "cubesource", "channel", "velocity", "frequency"})

RMS = re.compile(rf"\brms\b\s*[:=]?\s*(?P<value>{NUMBER})\s*"
                 r"(?P<unit>(?:u|µ|micro\s?|m)?Jy(?:/beam)?)", re.IGNORECASE)
BEAM = re.compile(
    r"(?P<maj>\d+(?:\.\d+)?)\s*(?:\"|arcsec)\s*(?:x|,|\*)\s*(?P<min>\d+(?:\.\d+)?)\s*"
    r"(?:\"|arcsec)(?:\s*,?\s*(?:pa\s*=?\s*)?(?P<pa>-?\d+(?:\.\d+)?)\s*deg)?", re.IGNORECASE)
# "beam = 2.37 x 2.24": a beam with no unit, named as one (arcsec, ALMA's unit for beams)
BEAM_NAMED = re.compile(
    r"\bbeam\s*(?:size)?\s*[:=]?\s*(?P<maj>\d+(?:\.\d+)?)\s*(?:\"|arcsec)?\s*(?:x|\*|by)\s*"
    r"(?P<min>\d+(?:\.\d+)?)(?![\d.])(?!\s*(?:mas|milliarcsec|arcmin|'))\s*(?:\"|arcsec)?"
    r"(?:\s*,?\s*(?:pa\s*=?\s*)?(?P<pa>-?\d+(?:\.\d+)?)\s*deg)?", re.IGNORECASE)
# "## ALESS001.1 -> rms = ...": a result line that names its source or image first
NAMED_RESULT = re.compile(r"^#+\s*(?P<name>[\w.+\-*]+)\s*(?:->|=>)\s*(?=.*\b(?:rms|beam)\b)",
                          re.IGNORECASE)
NOT_ACHIEVED = re.compile(r"request|propos|goal|expect|theoretic|target rms", re.IGNORECASE)
JY_SCALE = {"": Decimal(1), "m": Decimal("1e-3"), "u": Decimal("1e-6"), "µ": Decimal("1e-6"),
            "micro": Decimal("1e-6")}


def imaging(ex: SbExtractor, path: Path, text: str) -> Iterator[Fact]:
    """The facts of a scriptForImaging.py (see the package docstring)."""
    script = ex.read_script(path, text)
    yield ex.fact("imaging.script", True, path, 1, script.lines[0] if script.lines else "")
    yield from ex.casa_version("imaging.casa_version", script.lines, path)
    cleans = script.calls_of(CLEAN_TASKS)
    images = [_image(c) for c in cleans]
    complete = script.complete
    if images or complete:  # an empty list is a claim only for a script read whole
        yield ex.calls_fact("imaging.images", images, cleans, path)

    targets, target_calls = _targets(cleans)
    if targets:
        yield ex.calls_fact("imaging.targets", targets, target_calls, path)

    for field_id, kind in (("imaging.continuum", "continuum"), ("imaging.cubes", "cube")):
        matching = [c for c, im in zip(cleans, images) if im["kind"] == kind]
        if matching:
            yield ex.calls_fact(field_id, True, matching, path)
        elif complete and all(im["kind"] for im in images):
            yield ex.absent(field_id, script, path, f"{kind} clean/tclean")
    cube_calls = [c for c, im in zip(cleans, images) if im["kind"] == "cube"]
    spws, why = cube_spws(cube_calls, script.calls_of(SPLIT_TASKS))
    if spws:
        yield ex.calls_fact("imaging.cube_spws", spws, cube_calls, path)
    elif why:
        ex.warn(path, None, f"cube spw ids not given: {why}")

    yield from _presence(ex, "imaging.contsub", _contsub_calls(script), script, path,
                         "uvcontsub/imcontsub", complete)
    yield from _presence(ex, "imaging.selfcal", script.calls_of(SELFCAL_TASKS), script,
                         path, "gaincal/applycal", complete)

    masked = [c for c, im in zip(cleans, images) if im["mask"] or im["interactive"]]
    if masked:
        yield ex.calls_fact("imaging.mask", True, masked, path)
    elif complete and all(c.known("mask", "usemask", "interactive") for c in cleans):
        yield ex.absent("imaging.mask", script, path, "masked or interactive clean")

    concats = [c for c in script.calls_of({"concat"}) if "concatvis" in c.args]
    if concats:
        yield ex.calls_fact("imaging.concat_vis", concats[-1].args["concatvis"],
                            concats[-1:], path)
    yield from _achieved(ex, script, cleans, path)


def _presence(ex: SbExtractor, field_id: str, calls: list[Call], script: Script, path: Path,
              what: str, complete: bool) -> Iterator[Fact]:
    if calls:
        yield ex.calls_fact(field_id, True, calls, path)
    elif complete:
        yield ex.absent(field_id, script, path, what)


def _achieved(ex: SbExtractor, script: Script, cleans: list[Call], path: Path) -> Iterator[Fact]:
    found: dict[str, list[dict[str, Any]]] = {"imaging.rms": [], "imaging.beam": []}
    evidence: dict[str, list[Provenance]] = {"imaging.rms": [], "imaging.beam": []}
    blocks = _CommentBlocks(script.lines)
    requested = False  # in a comment block headed "# Science Goal requirements:"
    for number, line in enumerate(script.lines, 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            requested = False
            continue
        measures = list(_measures(stripped))
        if not measures and stripped.endswith(":") and NOT_ACHIEVED.search(stripped):
            requested = True
        if requested:
            continue
        image = _image_of_comment(blocks, cleans, number)
        source = None
        if named := NAMED_RESULT.match(stripped):  # its image wherever the line stands
            image, source = _named_image(cleans, named["name"], image), named["name"]
        for field_id, entry in measures:
            entry.update(image=image if isinstance(image, str) else None, line=number)
            if source is not None:
                entry["source"] = source
            found[field_id].append(entry)
            evidence[field_id].append(Provenance(extractor=ex.name, file=path.name,
                                                 line=number, excerpt=stripped))
    for field_id, entries in found.items():
        if entries:
            yield Fact(field=field_id, value=entries, provenance=tuple(evidence[field_id]),
                       rank=RANK_SCRIPT)


class _CommentBlocks:
    """Where each run of comment lines starts and ends: the lines just outside it (1-based;
    0 or len+1 past the file's ends), a blank line or code ending a run."""

    def __init__(self, lines: list[str]):
        comment = [line.strip().startswith("#") for line in lines]
        self.before = [0] * (len(lines) + 2)
        self.after = [len(lines) + 1] * (len(lines) + 2)
        for number in range(1, len(lines) + 1):
            self.before[number] = (self.before[number - 1] if number > 1 and comment[number - 2]
                                   else number - 1)
        for number in range(len(lines), 0, -1):
            self.after[number] = (self.after[number + 1] if number < len(lines) and comment[number]
                                  else number + 1)


def _image_of_comment(blocks: _CommentBlocks, cleans: list[Call], number: int) -> Any:
    """The imagename a result comment at line *number* speaks of: the clean call its comment
    block stands right on top of (``# RMS: 1.09 mJy/beam`` then ``tclean(...)``, no blank line
    between), else the clean call above it; None when the block touches both calls."""
    above = [c for c in cleans if c.end_line < number]
    below = next((c for c in cleans if c.line > number), None)
    if below is not None and blocks.after[number] == below.line:
        if above and blocks.before[number] == above[-1].end_line:
            return None  # between two calls with no blank line: either could be meant
        return below.args.get("imagename")
    return above[-1].args.get("imagename") if above else None


def _named_image(cleans: list[Call], name: str, above: Any) -> str | None:
    """The imagename of the clean call whose field or imagename is *name* (the image name may
    add a prefix or suffix, ``ALESS001.1_cont``); of several, the one just *above* the line;
    None when none or unclear."""
    found = []
    for call in cleans:
        image, field = call.args.get("imagename"), call.args.get("field")
        if not isinstance(image, str):
            continue
        if field == name or image == name or re.search(
                rf"(?:^|[/_.\-]){re.escape(name)}(?:$|[_.\-])", image):
            found.append(image)
    if len(set(found)) == 1:
        return found[0]
    return above if above in found else None


def imaging_prep(ex: SbExtractor, path: Path, text: str) -> Iterator[Fact]:
    """The facts of a scriptForImagingPrep.py: only what it holds."""
    script = ex.read_script(path, text)
    yield ex.fact("imaging.prep_script", True, path, 1,
                  script.lines[0] if script.lines else "")
    for field_id, calls in (("imaging.contsub", _contsub_calls(script)),
                            ("imaging.selfcal", script.calls_of(SELFCAL_TASKS))):
        if calls:
            yield ex.calls_fact(field_id, True, calls, path)


def _image(call: Call) -> dict[str, Any]:
    """The ``imaging.images`` entry of one clean/tclean call."""
    args = call.args
    image: dict[str, Any] = {"task": call.task}
    for key in IMAGE_KEYS:
        image[key] = args.get(key)
    mode_key = "specmode" if call.task == "tclean" else "mode"
    image["specmode"] = args.get(mode_key)
    if mode_key in call.unresolved:
        image["kind"] = None
    elif image["specmode"] is None or image["specmode"] in ("mfs", "cont"):
        image["kind"] = "continuum"  # CASA's default mode is mfs
    else:
        image["kind"] = "cube" if str(image["specmode"]).lower() in CUBE_MODES else None
    mask = args.get("mask")
    if mask in ([], "", None, False):
        mask = False if "mask" in args else None
    usemask = args.get("usemask")
    if not mask and isinstance(usemask, str) and usemask not in ("user", ""):
        mask = usemask
    image["mask"] = mask
    image["line"] = call.line
    image["unresolved"] = dict(call.unresolved)
    return image


def _measures(comment: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Achieved rms and beam values stated in one comment line (requested ones skipped)."""
    for clause in re.split(r"[;()]", comment):
        if NOT_ACHIEVED.search(clause):
            continue
        for match in RMS.finditer(clause):
            unit, value = match.group("unit"), Decimal(match.group("value"))
            scale = JY_SCALE[unit[: unit.index("Jy")].strip()]
            yield "imaging.rms", {"value": float(value), "unit": unit, "jy": float(value * scale)}
        beams = list(BEAM.finditer(clause)) or list(BEAM_NAMED.finditer(clause))
        for match in beams:
            pa = match.group("pa")
            yield "imaging.beam", {"major_arcsec": float(match.group("maj")),
                                   "minor_arcsec": float(match.group("min")),
                                   "pa_deg": float(pa) if pa is not None else None}


def _targets(cleans: list[Call]) -> tuple[list[str], list[Call]]:
    names: dict[str, None] = {}
    used: list[Call] = []
    for call in cleans:
        value = call.args.get("field")
        found: list[str] = []
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"[\d~,\s]+", value):
            found = [v.strip() for v in value.split(",") if v.strip()]
        else:
            comment = re.search(r"(?:^|[\s,(])field\s*=\s*(['\"])[\d~,\s]+\1\s*,?\s*#\s*(.+?)\s*$",
                                call.text, re.MULTILINE)
            if comment and isinstance(value, str):  # '# J1744-3116,SgrB2', '# IRAS1 (note)'
                words = (part.split()[0] for part in comment.group(2).split(",") if part.split())
                found = [w for w in words if re.fullmatch(r"[\w+\-.*]+", w)]
        if found:
            used.append(call)
            names.update(dict.fromkeys(found))
    return list(names), used


def _contsub_calls(script: Script) -> list[Call]:
    return [c for c in script.calls
            if c.task in CONTSUB_TASKS or (c.task == "mstransform" and c.args.get("douvcontsub"))]
