"""Shared fixtures: the shared corpus (skipped when absent), golden-file updating."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOLDEN = REPO / "tests" / "golden"
CORPUS = Path(os.environ.get("QA2DOCS_CORPUS", REPO.parent / "shared" / "corpus"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return CORPUS


@pytest.fixture(params=["hyperscan", "re"])
def marker_search(request, monkeypatch) -> str:
    """Run the test with each marker search of a log scan: Hyperscan (skipped when not
    installed) and the ``re`` fallback (``QA2DOCS_NO_HYPERSCAN=1``, also in the subprocesses a
    test starts)."""
    from qa2docs.extractors import logscan_hs

    if request.param == "hyperscan":
        if logscan_hs.hyperscan is None:
            pytest.skip("the hyperscan package is not installed")
        monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    else:
        monkeypatch.setenv("QA2DOCS_NO_HYPERSCAN", "1")
    return request.param
