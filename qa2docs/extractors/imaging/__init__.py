"""SB-level inputs: scriptForImaging.py, scriptForFluxCalibration.py, allFluxes.txt,
scriptForPI.py and README headers.

The scripts are casapy (Python 2) or Python 3, so a file is never parsed whole: the shared
reader :mod:`qa2docs.extractors.pyscript` finds each task call (a task called inside another
task's arguments is part of that call) and parses its arguments alone. Plain literal
assignments seen earlier in the file (``thems = 'x.ms'``, ``v2 = '156.66GHz'``) resolve
variable arguments; a name later bound to anything else (loop variable, expression) is
unresolved, and its expression text is kept under ``unresolved`` instead of guessed.
``T``/``F`` are casapy's True/False. A value "no" (False) is given only for a script read
completely. The script reader is :mod:`~qa2docs.extractors.imaging.script`; one module
per kind of file turns it into facts (``images``, ``fluxcal``, ``readme`` for scriptForPI.py
and README headers), with the fact makers of :mod:`~qa2docs.extractors.imaging.common`.

Fact ids and value shapes (rank 30 for scripts, 20 for allFluxes.txt and READMEs):

scriptForImaging*.py
- ``imaging.script``: True.
- ``imaging.images``: one dict per clean/tclean call, in file order: ``task``, ``imagename``,
  ``vis``, ``field``, ``spw``, ``specmode`` (tclean specmode or clean mode, as written, None
  when not given), ``kind`` ("continuum" for mfs or no mode, the CASA default; "cube" for
  cube/cubedata/cubesource/channel/velocity/frequency; None when unresolved), ``weighting``,
  ``robust``, ``cell``, ``imsize``, ``threshold``, ``niter``, ``mask`` (False for an empty
  mask, True, a str, or a list of str; tclean ``usemask='auto-multithresh'`` gives that str),
  ``nterms``, ``restfreq``, ``width``, ``start``, ``nchan``, ``interactive``, ``line``
  (1-based line of the call), ``unresolved`` ({parameter: expression text}). Keys not given
  in the call are None.
- ``imaging.targets``: [field names]: non-numeric field selections of the clean calls, else
  the names in a ``field = '3~151', # SgrB2`` comment (calibrators imaged as checks included).
- ``imaging.continuum`` / ``imaging.cubes``: bool; ``imaging.cube_spws``: [int] (spw ids
  of the cubes: an image name's ``spw25`` first, else the call's spw selection, traced back
  through a ``split``/``mstransform`` of the script that re-indexed its vis; no fact and a
  warning when that cannot be done; ``spw=''`` names none). See
  :mod:`~qa2docs.extractors.imaging.spws`.
- ``imaging.contsub``: bool (uvcontsub / imcontsub / mstransform(douvcontsub=True)).
- ``imaging.selfcal``: bool (gaincal or applycal in the imaging script).
- ``imaging.mask``: bool (a non-empty mask, automasking or interactive cleaning).
- ``imaging.concat_vis``: str (concat's ``concatvis``).
- ``imaging.rms``: [{``value``, ``unit``, ``jy``, ``image``, ``line``}] from comments such as
  ``#RESULTS: 0.37" x 0.32"  RMS = 35 uJy`` or ``# RMS 0.0283 Jy/beam``; ``image`` is the
  imagename of the clean call above the comment (None when unresolved); a result line that
  names its source first (``## ALESS001.1 -> rms = 50.0 uJy - beam = 2.37 x 2.24``) adds
  ``source`` and takes the image of that source or image name wherever it stands. A clause
  (split at ``;``, ``(``, ``)``) naming a requested/proposed/expected value is skipped.
- ``imaging.beam``: [{``major_arcsec``, ``minor_arcsec``, ``pa_deg`` (or None), ``image``,
  ``line``}] from ``0.37" x 0.32"``, ``# Restoring Beam : 4.685 arcsec, 2.529 arcsec,
  71.9 deg``, ``# Beam 4.098 arcsec x 1.963 arcsec pa= 74.4 deg`` or, unit-less after the
  word beam, ``beam = 2.37 x 2.24`` (arcsec); ``source`` as for the rms.
- ``imaging.casa_version``: str, from the version check (note when it is commented out) or
  ``# You should run this with CASA 4.6``.
scriptForImagingPrep.py: ``imaging.prep_script`` True, and ``imaging.contsub`` /
``imaging.selfcal`` True when it holds such calls (never False: it is not the whole story).

scriptForFluxCalibration*.py
- ``fluxcal.script``: True; ``fluxcal.casa_version``: str as above.
- ``fluxcal.setjy``: [{``vis``, ``eb``, ``field``, ``spw``, ``standard``, ``fluxdensity``
  (list), ``line``}] for setjy calls that set a flux density (``standard='manual'`` or
  ``fluxdensity`` given).
- ``fluxcal.table``: [{``eb``, ``vis``, ``field``, ``spw`` (int), ``freq_hz``, ``flux_jy``
  (this EB's own value, None for ``-``), ``mean_flux_jy`` (the value set), ``error_jy``
  (always None: the table has no error column), ``date``, ``line``}] from the comment table
  ``#   "J2331-1556"  0  212.98  0.27261  0.26730  2013-11-18T23:14:30  <vis>``
  (analysisUtils copies allFluxes.txt into the script as ``# `` + line; freq is in GHz).
- ``fluxcal.concat_vis``: str; ``fluxcal.ebs``: [vis as written] (concat's vis list, else
  the setjy vis in order).

allFluxes.txt: ``fluxcal.table`` (same shape; ``#`` lines are comments there).

*scriptForPI.py: ``pi_script`` True; ``pi_script.revision`` ("1.23" from the ``$Id``);
``pi_script.casa_version`` only when the script itself checks the version (none of the real
ones do: the PI is told to take it from the QA2 report).

README / README.header.txt: ``readme.cycle`` (int), ``readme.project_code``,
``readme.sb_name``, ``readme.pi``, ``readme.project_title``, ``readme.configuration``,
``readme.proposed_rms``, ``readme.proposed_beam``, ``readme.casa_version``,
``readme.qa2_result`` (str), ``readme.n_member_sbs`` (int), ``readme.reducer_comments`` (the
free text, verbatim) and ``readme.achieved`` ([{``what``, ``value``, ``line``}] from
``Achieved ...: value`` lines of the comments). Empty header values give no fact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from qa2docs.errors import ExtractionError
from qa2docs.extractors.imaging.common import SbExtractor
from qa2docs.extractors.imaging.fluxcal import allfluxes, fluxcal
from qa2docs.extractors.imaging.images import imaging, imaging_prep
from qa2docs.extractors.imaging.readme import pi, readme
from qa2docs.extractors.script_text import read_text
from qa2docs.models.facts import Fact

#: The reader of each kind of file.
HANDLERS: dict[str, Callable[[SbExtractor, Path, str], Iterator[Fact]]] = {
    "imaging": imaging, "imaging_prep": imaging_prep, "fluxcal": fluxcal,
    "allfluxes": allfluxes, "pi": pi, "readme": readme,
}


def _kind(name: str) -> str | None:
    if "scriptForImagingPrep" in name:
        return "imaging_prep"
    for marker, kind in (("scriptForImaging", "imaging"),
                         ("scriptForFluxCalibration", "fluxcal"),
                         ("allFluxes", "allfluxes"), ("scriptForPI", "pi"),
                         ("README", "readme")):
        if marker in name:
            return kind
    return None


class ImagingExtractor(SbExtractor):
    """Facts from the SB's imaging, flux-equalisation and PI scripts, allFluxes.txt and README."""

    name = "imaging"
    patterns = ("*scriptForImaging*.py", "*scriptForFluxCalibration*.py", "allFluxes.txt",
                "*scriptForPI.py")
    level = "sb"

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts of one SB-level file, chosen by its name."""
        path = Path(path)
        kind = _kind(path.name)
        if kind is None:
            raise ExtractionError(path, None, "not a scriptForImaging, scriptForFluxCalibration,"
                                  " allFluxes.txt, scriptForPI or README file")
        try:
            text = read_text(path, lambda line, msg: self.warn(path, line, msg))
        except OSError as err:
            raise ExtractionError(path, None, f"cannot read file: {err.strerror or err}") from err
        yield from HANDLERS[kind](self, path, text)
