"""qa2docs: fill, validate and render ALMA QA2 checklists and reports.

The pipeline, one package per stage, dependencies pointing one way (down this list):

- :mod:`qa2docs.cli` — the ``qa2docs`` command, thin over :mod:`qa2docs.api` (the facade)
- :mod:`qa2docs.workflow` — the seed's helpers: start, clear, lock, package, download, batch
- :mod:`qa2docs.report` — HTML/PDF QA2 reports
- :mod:`qa2docs.validate` — the QA2xxx rules
- :mod:`qa2docs.answers` — facts to answers, the three-way merge, fill, explain
- :mod:`qa2docs.criteria` — tolerances, flux comparison, rms/beam judgement
- :mod:`qa2docs.collect` — run the extractors, resolve one fact per field, cache
- :mod:`qa2docs.extractors` — one extractor per input kind
- :mod:`qa2docs.discover` — the SB root, its EB dirs and documents
- :mod:`qa2docs.documents` — the text checklists and qa2docs.yaml, read and edited in place
- :mod:`qa2docs.render` — Jinja2 environment, text/HTML/PDF writers
- :mod:`qa2docs.models` — the data: facts, checklists, README header, project

``qa2docs.errors`` and ``qa2docs.fileio`` serve every stage.
"""

from __future__ import annotations

__version__ = "0.1.0"
