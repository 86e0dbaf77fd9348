"""The validation rules: stable ids, default severity, what each checks and the usual fix."""

from __future__ import annotations

from dataclasses import dataclass

from qa2docs.validate.report import Finding, Severity


@dataclass(frozen=True)
class Rule:
    """One named check."""

    id: str
    severity: Severity
    family: str
    title: str
    fix: str

    def finding(self, message: str, document: str, line: int | None = None, *,
                eb: str | None = None, severity: Severity | None = None,
                fix: str | None = None) -> Finding:
        """A finding of this rule."""
        return Finding(rule=self.id, severity=severity or self.severity, message=message,
                       document=document, line=line, fix=self.fix if fix is None else fix,
                       eb=eb)


_RULES = (
    # completeness -----------------------------------------------------------------------
    Rule("QA2000", "error", "completeness", "document cannot be parsed",
         "correct the line as the message says (see 'qa2docs template' for the form)"),
    Rule("QA2001", "error", "completeness", "header field or required field empty",
         "fill it in ('qa2docs fill' fills what the files determine)"),
    Rule("QA2002", "error", "completeness", "value is a placeholder (?, TBD, XXX)",
         "replace the placeholder by the real value"),
    Rule("QA2003", "error", "completeness", "Yes/No item with neither box ticked",
         "tick Yes or No"),
    Rule("QA2004", "error", "completeness", "Yes/No item with both boxes ticked",
         "leave only one of Yes and No ticked"),
    Rule("QA2005", "warning", "completeness", "'checked ...?' item not ticked",
         "do the check (the fix names the plots that exist), then tick the box"),
    Rule("QA2006", "warning", "completeness", "section done-box not ticked",
         "tick the section's [ ] once the section is done"),
    Rule("QA2007", "error", "completeness", "document of the SB missing",
         "run 'qa2docs fill SB_ROOT' (or 'qa2docs start') to create it"),
    Rule("QA2008", "error", "completeness", "README.header field required for the Cycle missing or empty",
         "fill in the field (Cycle >= 3 forms also need beam size, QA2 result, member SBs)"),
    Rule("QA2009", "warning", "completeness", "README.header 'Comments from Reducer' empty",
         "describe the calibration and imaging for the PI"),
    Rule("QA2010", "error", "completeness", "a line names an item but its box or value cannot be read",
         "write the line as the template does, e.g. '- label  [x] [ ]' or 'Title ---- [x]' "
         "(see 'qa2docs template')"),
    # consistency ------------------------------------------------------------------------
    Rule("QA2101", "error", "consistency", "project code disagrees between documents",
         "use the project code of qa2docs.yaml everywhere"),
    Rule("QA2102", "error", "consistency", "SB name disagrees between documents and directories",
         "use the SB name of qa2docs.yaml everywhere"),
    Rule("QA2103", "error", "consistency", "ASDM UID disagrees with the EB's files",
         "write the UID of the EB directory's ASDM"),
    Rule("QA2104", "error", "consistency", "Yes/No answer contradicts the files",
         "correct the answer, or say in the item's comment why the files are misleading"),
    Rule("QA2105", "error", "consistency", "REFANT name differs from the script's refant",
         "write the reference antenna the calibration script uses"),
    Rule("QA2106", "error", "consistency", "resolved flux calibrator without fluxscale paste or uvrange",
         "paste the fluxscale lines and give the uvrange used for gaincal"),
    Rule("QA2107", "error", "consistency", "value has the wrong form",
         "write it in the form the message gives"),
    Rule("QA2108", "warning", "consistency", "header value differs from what the files say",
         "check the value against the listobs / ASDM named in the message"),
    Rule("QA2109", "error", "consistency", "README Cycle differs from the project's Cycle",
         "write the Cycle of the project code (or set 'cycle' in qa2docs.yaml)"),
    Rule("QA2110", "info", "consistency", "EB's median PWV above the SB's weather limit",
         "say in the EB checklist whether the high PWV degraded the data (phases, Tsys)"),
    # flux -------------------------------------------------------------------------------
    Rule("QA2201", "error", "flux", "calibrator flux density differs between EBs beyond tolerance",
         "check the flux calibration of the outlying EB; equalise with scriptForFluxCalibration.py"),
    Rule("QA2202", "warning", "flux", "implausible fitted spectral index",
         "check the per-spw flux densities and the flux calibrator model"),
    Rule("QA2203", "warning", "flux", "fluxscale gave INSUFFICIENT DATA",
         "check the flagging of that source and spw; say why in the checklist"),
    Rule("QA2204", "warning", "flux", "low fluxscale SNR",
         "check the flagging and solution interval; consider combining spws"),
    Rule("QA2205", "info", "flux", "flux spread not judged: band unknown",
         "make the listobs or ASDM available so the band is known"),
    # imaging ----------------------------------------------------------------------------
    Rule("QA2301", "error", "imaging", "achieved rms above the QA2 limit for the band",
         "image deeper / check weighting, or justify a SEMIPASS in the README"),
    Rule("QA2302", "error", "imaging", "achieved beam outside the QA2 limit",
         "change weighting or taper, or justify a SEMIPASS in the README"),
    Rule("QA2303", "info", "imaging", "imaging limits not checked: a number is missing",
         "give requested and achieved rms and beam in README.header or the SB checklist"),
    Rule("QA2304", "error", "imaging", "'requested ... reached?' answer contradicts the numbers",
         "correct the answer or the numbers"),
    # inputs -----------------------------------------------------------------------------
    Rule("QA2401", "error", "inputs", "an input's link points nowhere (a moved or deleted ASDM)",
         "point the link at the EB's data again (qa2docs start links the ASDM)"),
    Rule("QA2402", "warning", "inputs", "a FIFO, socket or device bears an input's name: not read",
         "replace it by the file it stands for, or remove it"),
    Rule("QA2403", "warning", "inputs", "an input file cannot be read or understood",
         "restore the file (a fresh listobs, the casa log, the ASDM table); the facts it "
         "held are missing until then"),
    Rule("QA2404", "warning", "inputs", "EB dir without a calibration script",
         "put the EB's scriptForCalibration.py back into its EB dir"),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def rule(rule_id: str) -> Rule:
    """The rule with id *rule_id*."""
    return RULES[rule_id]
