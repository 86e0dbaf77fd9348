"""The layout of the ESO text checklists: one list of elements per document.

The same layout drives rendering (templates iterate over it), parsing (labels are matched
against it) and the models (one field per answer). Element ids are the field ids of
DESIGN 4.2; ``attr`` is the Python attribute name in the model (dots become ``_``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["header", "blank", "section", "colhead", "yesno", "check", "field", "paste"]

#: Column (0-based) where the boxes of an item start.
BOX_COLUMN = 46
#: Column where a comment after the boxes starts (under "Comments:").
COMMENT_COLUMN = 55
#: Width of a section line, done-box included.
SECTION_WIDTH = 68
#: Width the short header labels are padded to (the colon stands at column 18).
HEADER_PAD = 17
#: Indentation of a continuation line: header values, and item comments / pasted blocks.
HEADER_CONT_INDENT = 4
ITEM_CONT_INDENT = 6


@dataclass(frozen=True)
class Element:
    """One line (or block) of a checklist form."""

    kind: Kind
    id: str = ""
    label: str = ""
    indent: int = 0
    padded: bool = False
    """header: label padded to HEADER_PAD before the colon."""
    block: bool = False
    """header: the value starts on the next line (multi-line facts)."""
    suffix: str = ""
    """item: literal text right after the boxes, e.g. ``(ACA)``."""
    inline: str = ""
    """item: a label after the boxes whose value follows it, e.g. ``Name of REFANT:``."""
    bullet: bool = False
    """field: the label starts with ``- ``."""

    @property
    def attr(self) -> str:
        """Attribute name in the model."""
        return self.id.replace(".", "_")

    @property
    def answers(self) -> bool:
        """Whether the element holds an answer (everything but blanks and column heads)."""
        return self.kind not in ("blank", "colhead")


def _h(id: str, label: str, padded: bool = True, block: bool = False) -> Element:
    return Element("header", id, label, padded=padded, block=block)


def _s(id: str, title: str, indent: int = 0) -> Element:
    return Element("section", id, title, indent=indent)


def _y(id: str, label: str, indent: int = 2, **kw) -> Element:
    return Element("yesno", id, label, indent=indent, **kw)


def _c(id: str, label: str, indent: int = 2, **kw) -> Element:
    return Element("check", id, label, indent=indent, **kw)


def _f(id: str, label: str, indent: int = 4, bullet: bool = False) -> Element:
    return Element("field", id, label, indent=indent, bullet=bullet)


BLANK = Element("blank")
COLHEAD = Element("colhead", label="Comments:")
COLHEAD_SPACED = Element("colhead", label="Comments :")

EB_LAYOUT: tuple[Element, ...] = (
    _h("project_code", "Project code"),
    _h("contact_scientist", "Contact Scientist"),
    _h("pi", "PI"),
    _h("sb_name", "SB Name"),
    _h("asdm_uid", "ASDM UID"),
    _h("observation", "Observation Dates and Total Integration Time (from listobs)",
       padded=False, block=True),
    _h("pwv", "PWV"),
    _h("good_antennas", "Number of good antennas", padded=False),
    _h("bands", "Band(s)"),
    _h("correlator_mode", "TDM/FDM/both"),
    _h("bandwidth_switching",
       "bandwidth switching (different spectral setup for phasecal and target)", padded=False),
    _h("fields_by_intent", "Fields by intent (paste from reduc script)", padded=False,
       block=True),
    BLANK,
    _s("data_import", "DATA IMPORT"),
    COLHEAD,
    _y("import.asis", "asis='Antenna Station CalAtmosphere Receiver Source'"),
    BLANK,
    _s("calibration", "A) INTERFEROMETRIC CALIBRATION"),
    BLANK,
    _s("apriori", "1) Apriori calibration", 2),
    COLHEAD,
    _y("apriori.fixplanets", "fixplanets necessary?"),
    _y("apriori.syscal_fix", "fix of SYSCAL table time necessary?"),
    _y("apriori.other_es_fix", "other es.fix necessary? name:"),
    _y("apriori.wvr", "checked WVR tables?", suffix="(ACA)"),
    _c("apriori.tsys", "checked Tsys tables?"),
    _y("apriori.antpos", "Antenna position table necessary?"),
    _c("apriori.weights", "checked Weights?"),
    BLANK,
    _s("flagging", "2) Other flagging and set cal models", 2),
    COLHEAD,
    _y("flagging.edge_channels", "flagged edge channels (TDM mode)?"),
    _y("flagging.atm_lines", "flagged atmospheric lines?", inline="SPW and channel ranges:"),
    _y("flagging.resolved_fluxcal", "spatially resolved flux calibrator"),
    _y("flagging.calibrator_lines", "flagged channels with spectral features of the calibrator?"
       " (if not in Butler-JPL-Horizons 2012)"),
    _c("flagging.model_amp_uvdist", "checked model amp vs uvdist?"),
    _f("flagging.uvrange_gaincal", "uvrange (m) for later gaincal"),
    _y("flagging.quasar_fluxcal", "Quasar flux calibrator"),
    _c("flagging.quasar_ref_asdm", "reference value from ASDM Source tbl?", indent=4),
    _c("flagging.quasar_ref_other", "other reference:", indent=4),
    BLANK,
    _s("bandpass", "3) bandpass", 2),
    COLHEAD_SPACED,
    _y("bandpass.refant", "Is REFANT chosen by script gen. good?", inline="Name of REFANT:"),
    _c("bandpass.ap_pre_bandpass", "checked .ap_pre_bandpass table?"),
    _c("bandpass.mixed_solint", "mixed: used solint = 'inf,XMhz'?"),
    _c("bandpass.bandpass", "TDM and mixed: checked .bandpass table?"),
    _c("bandpass.smooth", "FDM: checked .bandpass_smooth20ch table?"),
    BLANK,
    _s("gaincal", "4) amp cal of all calibrators (gaincal)", 2),
    COLHEAD,
    _y("gaincal.limited_uvrange", "For resolved flux cal: limited uvrange?"),
    Element("paste", "gaincal.fluxscale_paste", "For resolved flux cal: paste .fluxscale file here",
            indent=2),
    _c("gaincal.phase_int", "checked .phase_int table?"),
    _c("gaincal.ampli_inf", "checked .ampli_inf table?"),
    _c("gaincal.phase_inf", "checked .phase_inf table?"),
    _c("gaincal.uvdata", "checked uv data on calibrators?"),
    BLANK,
    _s("applycal_split", "5) applycal and split out of .split.cal dataset", 2),
    BLANK,
    _s("qa2_report", "6) generated qa2 report", 2),
    BLANK,
    _s("flux_upload", "7) In case of good flux calibration: upload of flux info", 2),
)

SB_LAYOUT: tuple[Element, ...] = (
    _h("project_code", "Project code"),
    _h("contact_scientist", "Contact Scientist"),
    _h("pi", "PI"),
    _h("sb_name", "SB Name"),
    _h("execution_blocks", "Execution blocks (ASDM UIDs, QA0 status)", padded=False, block=True),
    _h("bands", "Band(s)"),
    _h("requested_sensitivity",
       "Requested sensitivity (rms, bandwidth, representative frequency)", padded=False),
    _h("requested_resolution", "Requested angular resolution", padded=False),
    _h("casa_version", "CASA version used for reduction", padded=False),
    BLANK,
    _s("eb_calibration", "A) EB CALIBRATION"),
    COLHEAD,
    _y("ebcal.all_complete", "all EB checklists complete?"),
    _f("ebcal.left_out", "EBs left out of the combination", indent=2, bullet=True),
    BLANK,
    _s("flux_equalization", "B) FLUX EQUALIZATION"),
    COLHEAD,
    _y("fluxeq.script", "scriptForFluxCalibration.py generated?"),
    _c("fluxeq.compared", "fluxscale results of all EBs compared?"),
    _y("fluxeq.consistent", "flux density scales consistent between EBs?"),
    _y("fluxeq.setjy_manual", "calibrator fluxes set per EB (setjy manual)?"),
    _y("fluxeq.concat", "EBs concatenated?", inline="name of combined MS:"),
    BLANK,
    _s("imaging", "C) IMAGING"),
    COLHEAD,
    _y("imaging.script", "scriptForImaging.py generated?"),
    _y("imaging.continuum", "continuum image made?"),
    _y("imaging.cubes", "line cubes made?", inline="spws / lines:"),
    _y("imaging.contsub", "continuum subtraction done?"),
    _y("imaging.selfcal", "self-calibration done?"),
    _y("imaging.mask", "clean mask used?"),
    _c("imaging.artefacts", "checked images for artefacts?"),
    _f("imaging.achieved_rms", "achieved rms"),
    _f("imaging.achieved_beam", "achieved beam"),
    _y("imaging.sensitivity_reached", "requested sensitivity reached?"),
    _y("imaging.resolution_reached", "requested resolution reached?"),
    BLANK,
    _s("delivery", "D) DELIVERY"),
    COLHEAD,
    _y("delivery.readme", "README.header.txt filled?"),
    _c("delivery.script_for_pi", "scriptForPI.py tested?"),
    _f("delivery.qa2_result", "QA2 result (PASS / SEMIPASS / FAIL)"),
    _c("delivery.ticket", "ticket package generated?"),
)

#: README.header fields in order: (id, label, first Cycle form that has it).
README_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("cycle", "Cycle", 2),
    ("project_code", "Project code", 2),
    ("sb_name", "SB name", 2),
    ("pi_name", "PI name", 2),
    ("project_title", "Project title", 2),
    ("configuration", "Configuration", 2),
    ("proposed_rms", "Proposed rms", 2),
    ("proposed_beam_size", "Proposed beam size", 3),
    ("casa_version", "CASA version used for reduction", 2),
    ("qa2_result", "QA2 Result", 3),
    ("total_member_sbs", "Total Number of Member SBs in this OUS Group", 3),
)
README_TITLE = "Atacama Large Millimeter/submillimeter Array (ALMA)"
README_RULE = "#####"
README_COMMENTS = "Comments from Reducer"


def answer_elements(layout: tuple[Element, ...]) -> list[Element]:
    """The elements of *layout* that hold answers, in order."""
    return [el for el in layout if el.answers]
