"""Every file of ../shared/corpus goes through every extractor that claims it, without an exception."""

from __future__ import annotations

import fnmatch

import pytest

from conftest import CORPUS
from qa2docs.extractors.registry import get_extractors

FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []


def _claimants(path):
    for cls in get_extractors().values():
        if any(fnmatch.fnmatch(path.name, pat) for pat in cls.patterns):
            yield cls


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_corpus_file_reads_without_exception(path, corpus_dir):
    for cls in _claimants(path):
        facts = list(cls().extract(path))  # an ExtractionError fails the test too
        for fact in facts:
            assert fact.provenance, (cls.name, fact.field)


def test_every_kind_of_corpus_file_is_claimed(corpus_dir):
    kinds = {"calibration_scripts", "listobs", "fluxscale", "casa_logs", "casa6",
             "imaging_scripts", "other"}
    unclaimed = [p for p in FILES if p.parent.name in kinds and p.suffix not in (".md", ".json")
                 and p.name != "make_public.py" and not list(_claimants(p))]
    assert unclaimed == []


def test_corpus_asdm_reads(corpus_dir):
    cls = get_extractors()["asdm"]
    facts = {f.field: f for f in cls().extract(corpus_dir / "asdm" / "uid___A002_Xfb2c11_X3b4")}
    assert facts["asdm_uid"].value == "uid___A002_Xfb2c11_X3b4"
    assert facts["antenna_count"].value == 8
