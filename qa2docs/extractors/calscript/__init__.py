"""The ``calscript`` extractor: facts from an ALMA ``*.ms.scriptForCalibration.py``.

Calibration scripts are Python 2 (casapy 4.x, ``print 'x'``) or Python 3 (CASA 5/6); the
shared reader :mod:`qa2docs.extractors.pyscript` finds the calls (indentation ignored) and
parses each call's arguments alone: literal values are kept, other values keep their source
text (:class:`~qa2docs.extractors.calscript.script.Expr`). ``step_title = {...}`` is read with
``ast.literal_eval`` and every call is mapped to its ``mystep = N`` block
(:mod:`~qa2docs.extractors.calscript.script`). One module per checklist section turns the
script into facts: ``header``, ``apriori``, ``flagging``, ``bandpass_gaincal``, ``applycal``,
each a set of functions of a :class:`~qa2docs.extractors.calscript.builder.FactBuilder`. Commented-out calls do not count; comments are read
only as the explanation written above a ``flagdata`` call and after a ``field`` selection.

Fact ids produced (all rank 30; yes/no items are bool):

- ``asdm_uid`` str; ``fields_by_intent`` {intent without ``#ON_SOURCE``: [field names]} (an
  intent line with no field gives ``[]``); ``casa_version_required`` str (the version gate;
  a note says when the gate is commented out); ``script_generator`` str (the ``$Id`` text).
- ``import.asis`` bool, ``import.asis_tables`` list[str].
- ``apriori.fixplanets``, ``apriori.syscal_fix``, ``apriori.other_es_fix`` bool,
  ``apriori.other_es_fix_names`` list[str]; ``apriori.antpos`` bool,
  ``apriori.antpos_antennas`` list[str] (antennas with a non-zero offset; only when True).
- ``flagging.edge_channels``, ``flagging.atm_lines`` bool, ``flagging.atm_lines_ranges``
  list[str] (the ``spw:channel`` selections); ``flagged_antennas`` list[str] (flagged in full);
  ``flagging.resolved_fluxcal`` bool; ``flagging.calibrator_lines`` bool (True only);
  ``flagging.uvrange_gaincal`` str; ``flagging.quasar_fluxcal`` bool,
  ``flagging.quasar_fluxcal_values`` list[{field, spw, fluxdensity, spix, reffreq}].
- ``bandpass.refant`` {ok: None, name}; ``bandpass.solint`` str (of the applied bandpass
  table); ``bandpass.tables`` list[str]; ``bandpass.mixed_solint`` bool (True only).
- ``gaincal.limited_uvrange`` bool; ``gaincal.tables`` list[str].
- ``applycal_split.steps`` list[{number, title}]; ``applycal_split.split_output`` str;
  ``applycal_split.calibration_tables`` list[str] (every table given to ``applycal``).
- extra: ``calscript.empty_steps`` list[int] (steps whose body holds only comments and the
  step banner; emitted only when there is one).

"No" from absence: a complete script (``step_title`` parsed, a block found for every step, the
file read to its end, every relevant call parsed) is evidence for False when a call is absent,
with the step list as provenance; an incomplete script gives nothing for absent calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from qa2docs.errors import ExtractionError
from qa2docs.extractors.base import Extractor
from qa2docs.extractors.calscript.applycal import applycal_split
from qa2docs.extractors.calscript.apriori import apriori
from qa2docs.extractors.calscript.bandpass_gaincal import bandpass, gaincal
from qa2docs.extractors.calscript.builder import FactBuilder
from qa2docs.extractors.calscript.flagging import flagging, fluxcal
from qa2docs.extractors.calscript.header import header, import_asis
from qa2docs.extractors.calscript.script import read_script
from qa2docs.extractors.script_text import read_text
from qa2docs.models.facts import Fact

#: The sections in the order their facts are yielded.
SECTIONS = (header, import_asis, apriori, flagging, fluxcal, bandpass, gaincal, applycal_split)


class CalScriptExtractor(Extractor):
    """Facts from an EB's ``*.ms.scriptForCalibration.py``."""

    name = "calscript"
    patterns = ("*.scriptForCalibration.py",)
    level = "eb"

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the calibration facts of one script (see the module docstring)."""
        try:
            text = read_text(path, lambda line, msg: self.warn(path, line, msg))
        except OSError as err:
            raise ExtractionError(path, None, f"cannot read calibration script: {err}") from err
        if not text.strip():
            self.warn(path, None, "calibration script is empty")
            return
        script = read_script(text, lambda line, msg: self.warn(path, line, msg))
        builder = FactBuilder(script, self.name, Path(path).name)
        for section in SECTIONS:
            yield from (f for f in section(builder) if f is not None)
