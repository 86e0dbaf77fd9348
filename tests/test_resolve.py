"""resolve_facts: one fact per field, disagreements as notes; the chosen value's JSON is made
once per group however many facts it is compared with."""

from __future__ import annotations

import json

from qa2docs.collect import resolve
from qa2docs.collect.resolve import resolve_facts
from qa2docs.models.facts import make_fact


def test_disagreeing_sources_become_a_note_and_agreeing_ones_do_not(monkeypatch) -> None:
    facts = [make_fact("antennas", ["DA41", "DA42"], "listobs", "a.listobs", line=3, rank=20),
             make_fact("antennas", ["DA41", "DA42"], "casalog", "casa.log", line=9, rank=10),
             make_fact("antennas", ["DA41"], "casalog", "b.log", line=5, rank=10),
             make_fact("antennas", ["DA41", "DA42"], "asdm", "X/Antenna.xml", line=7, rank=40),
             make_fact("observation", {"start": "a", "on_source_s": 1.0}, "listobs", "a",
                       rank=20),
             make_fact("observation", {"start": "a", "end": "b"}, "asdm", "X", rank=40),
             make_fact("n", 1, "x", "f", rank=1), make_fact("n", 1.0, "y", "g", rank=2),
             make_fact("n", True, "z", "h", rank=0)]
    dumps = []
    real = json.dumps
    monkeypatch.setattr(resolve.json, "dumps",
                        lambda value, **kw: dumps.append(value) or real(value, **kw))
    chosen = resolve_facts(facts)
    assert chosen["antennas"].value == ["DA41", "DA42"]
    assert chosen["antennas"].note == 'sources disagree: b.log:5 says ["DA41"]'
    assert chosen["observation"].value == {"start": "a", "end": "b", "on_source_s": 1.0}
    assert chosen["observation"].note is None
    assert chosen["n"].value == 1.0
    assert chosen["n"].note == "sources disagree: f says 1; h says true"
    compared = [d for d in dumps if d == ["DA41", "DA42"]]
    assert len(compared) == 3  # the chosen value once, each other source once
