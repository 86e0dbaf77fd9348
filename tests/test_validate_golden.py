"""Golden JSON of ``qa2docs validate`` on the sample SB made by ``qa2docs demo``.

Regenerate with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import json

from conftest import GOLDEN
from helpers import run_cli

GOLDEN_FILE = GOLDEN / "validate_seed.json"


def test_validate_sample_matches_golden(tmp_path, update_golden):
    out = tmp_path / "demo"
    assert "Done. The SB root is" in run_cli("demo", str(out)).stdout
    root = out / "analysis" / "B6_IRAS12345"
    proc = run_cli("validate", str(root), "--format", "json", check=1)
    data = json.loads(proc.stdout)
    assert data["sb_roots"] == [str(root)]
    data["path"] = data["sb_roots"][0] = "<SB root>"
    produced = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if update_golden:
        GOLDEN_FILE.write_text(produced)
    assert produced == GOLDEN_FILE.read_text(), "validate output changed (pytest --update-golden)"
    counts = {s: sum(1 for f in data["findings"] if f["severity"] == s)
              for s in ("error", "warning", "info")}
    # what a reducer still has to do after fill: the judgement items, QA2 result and the
    # README's text (the requested rms and resolution come from the ASDMs' science goal)
    assert counts == {"error": 10, "warning": 47, "info": 2}
