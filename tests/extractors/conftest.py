"""Fixtures of the extractor tests: the two marker searches of a log scan."""

from __future__ import annotations

import pytest

from qa2docs.extractors import logscan_hs


@pytest.fixture(params=["hyperscan", "re"])
def marker_search(request, monkeypatch) -> str:
    """Run the test with each marker search: Hyperscan (skipped when not installed) and the
    ``re`` fallback (``QA2DOCS_NO_HYPERSCAN=1``, also in the subprocesses a test starts)."""
    if request.param == "hyperscan":
        if logscan_hs.hyperscan is None:
            pytest.skip("the hyperscan package is not installed")
        monkeypatch.delenv("QA2DOCS_NO_HYPERSCAN", raising=False)
    else:
        monkeypatch.setenv("QA2DOCS_NO_HYPERSCAN", "1")
    return request.param
