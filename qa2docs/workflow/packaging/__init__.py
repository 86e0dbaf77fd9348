"""The JIRA ticket package, the hard package and the delivery (run_packaging.py, qa2_deliver).

    >>> from qa2docs.workflow.packaging.ticket import package_ticket
    >>> package_ticket("/analysis/me/B6_IRAS12345").written[0]
    PosixPath('/analysis/me/B6_IRAS12345/packaging/ticket/JIRA/2013.1.12345.S.B6_IRAS12345.ticket.zip')

Ticket (``packaging/ticket/JIRA/``, what is uploaded to the JIRA QA2 ticket)::

    <code>.<SB>.ticket.zip     Checklist_SB_*.txt, README.header.txt, project_info.txt,
                               qa2/qa2_report_*.html|pdf, scripts/<each script>
    Checklist_SB_*.txt         copies of the checklists, next to the zip

The zip is deterministic (entries sorted, fixed 1980-01-01 time stamps, fixed permissions):
packaging unchanged files again gives the same bytes. Every file is written atomically.

Hard package (``packaging/hard/``), the ALMA delivery tree as far as the files tell it::

    <code>/science_goal.<sg>/group.<group>/member.<member>/
        README.header.txt
        script/       each <uid>.ms.scriptForCalibration.py, scriptForFluxCalibration.py,
                      scriptForImaging.py, scriptForPI.py (copied)
        qa/           the QA2 reports (copied)
        calibration/  <uid>.ms.split.fluxscale, allFluxes.txt (copied); *.split.cal (linked)
        product/      calibrated/*.fits (linked)
        log/          casapy-*.log / casa-*.log, as <uid>.<log name> (linked)
        raw/          the ASDMs (linked)
    md5sums.txt       ``<md5>  <path>`` for every file below <code>/ (links followed)

The member OUS id is the ASDM's SBSummary ``obsUnitSetUID``; the science goal and group OUS
ids are in no reduction file, so they are ``UNKNOWN`` unless given. Documents are copied;
data (folders, FITS, logs, ASDMs) are symbolic links to the reduction, never copies.
Only ``packaging/hard/<code>/`` and ``md5sums.txt`` are replaced on a new run.

Delivery (``deliver.deliver(path, to)``): every file of the hard package symlinked into
``<to>/<code>.<SB>/`` (same relative paths) with ``md5sum.txt``; an existing, different
delivery there is never overwritten.

Modules: ``files`` (atomic writes, md5 sums, deterministic zips), ``sbfiles`` (what an SB
has to package, the validation gate), ``ticket``, ``hard`` and ``deliver``.
"""
