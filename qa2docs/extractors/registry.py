"""One registry of extractors: the built-ins, then the ``qa2docs.extractors`` entry points."""

from __future__ import annotations

import difflib
from importlib import import_module
from importlib.metadata import entry_points

from qa2docs.errors import Qa2DocsError
from qa2docs.extractors.base import Extractor

# Listed explicitly (not via __subclasses__) so the order and the set are visible here.
BUILTIN_EXTRACTORS = (
    "qa2docs.extractors.calscript:CalScriptExtractor",
    "qa2docs.extractors.listobs:ListobsExtractor",
    "qa2docs.extractors.fluxscale:FluxscaleExtractor",
    "qa2docs.extractors.casalog:CasaLogExtractor",
    "qa2docs.extractors.asdm:AsdmExtractor",
    "qa2docs.extractors.plots:PlotsExtractor",
    "qa2docs.extractors.imaging:ImagingExtractor",
)


def _load(spec: str) -> type[Extractor]:
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)


_PLUGINS: dict[object, tuple] = {}
"""The plug-in entry points, read once per process (reading every installed distribution's
metadata takes ~70 ms; a batch asked for the extractors several times per SB root). Keyed
by the ``entry_points`` function, so a test that replaces it sees its own."""


def _plugin_entry_points() -> tuple:
    if entry_points not in _PLUGINS:
        _PLUGINS[entry_points] = tuple(entry_points(group="qa2docs.extractors"))
    return _PLUGINS[entry_points]


def get_extractors() -> dict[str, type[Extractor]]:
    """All extractor classes by name: built-ins first, then third-party plug-ins (installed
    before the process first asked)."""
    found: dict[str, type[Extractor]] = {}
    for spec in BUILTIN_EXTRACTORS:
        try:
            cls = _load(spec)
        except ModuleNotFoundError as err:  # a built-in not written yet in this checkout
            if err.name and err.name.startswith("qa2docs.extractors."):
                continue
            raise
        found[cls.name] = cls
    for ep in _plugin_entry_points():
        found[ep.name] = ep.load()
    return found


def get_extractor(name: str) -> type[Extractor]:
    """The extractor class called *name*; an unknown name lists the known ones."""
    known = get_extractors()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise Qa2DocsError(f"unknown extractor {name!r}: {hint}known: {', '.join(sorted(known))}")
    return known[name]
