"""The PDF's tighter layout: what it summarises, what it keeps in full, how it is printed."""

from __future__ import annotations

import gc
import html
import re
from pathlib import Path

import pytest

from test_report import NOW, build_sample

from qa2docs.discover.layout import discover, load_project_of
from qa2docs.errors import PdfBackendError
from qa2docs.report.build import make_reports
from qa2docs.report.printing import print_findings, ranges, scan_groups
from qa2docs.report.rows import eb_report_name, run_validation, sb_report_name
from qa2docs.validate.report import Finding

#: Pages of the sample's reports (11 and 7 before the tighter layout, 8 and 6 before the
#: checklist followed the scans); a layout change that spills onto more pages costs
#: WeasyPrint time and should be looked at.
EB_PAGES_MAX = 7
SB_PAGES_MAX = 5


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """The sample SB, filled, with its HTML and PDF reports."""
    root = build_sample(tmp_path_factory.mktemp("print") / "seed")
    make_reports(root, now=NOW)
    return root


def _squashed(text: str) -> str:
    return "".join(text.split())


def _pdf_text(path: Path) -> tuple[str, int]:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(path)
    return _squashed("".join(page.extract_text() for page in reader.pages)), len(reader.pages)


def test_pdf_keeps_every_checklist_item_and_every_error_and_warning(printed):
    """Every checklist item (its id, from the HTML report) and every error and warning
    finding is printed in full; infos are counted per rule. The page count stays small."""
    sb = discover(printed)
    validation = run_validation(sb, load_project_of(sb))
    reports = {eb_report_name(eb, "pdf"): (validation.for_eb(eb), EB_PAGES_MAX) for eb in sb.ebs}
    reports[sb_report_name(sb, "pdf")] = (validation.for_sb(sb), SB_PAGES_MAX)
    assert len(reports) == 3
    for name, (findings, pages_max) in reports.items():
        pdf = printed / "qa2" / name
        text, pages = _pdf_text(pdf)
        assert pages <= pages_max, (name, pages)
        page = pdf.with_suffix(".html").read_text()
        ids = [html.unescape(m).split(" · ")[0]
               for m in re.findall(r'<span class="id">(.*?)</span>', page)]
        sections = [html.unescape(m) for m in
                    re.findall(r'<tr class="section" id="[^"]*"><td colspan="3">(.*?)</td>', page)]
        assert len(ids) >= 30 and len(sections) >= 4, name
        assert [i for i in ids + sections if _squashed(i) not in text] == [], name
        listed = [f for f in findings if f.severity != "info"]
        assert listed, name
        for f in listed:
            assert _squashed(f"{f.rule}") in text and _squashed(f.message) in text, (name, f)
        for rule in {f.rule for f in findings if f.severity == "info"}:
            count = sum(1 for f in findings if f.rule == rule and f.severity == "info")
            assert _squashed(f"{rule} × {count}") in text, (name, rule)


def test_pdf_summarises_the_scans_and_the_html_keeps_them(printed):
    """The PDF gives one row per field and intents; the HTML report has every scan."""
    eb_html = printed / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.html"
    page = eb_html.read_text()
    assert page.count('<td class="mono intents">') == 16 and "01:14:32.4" in page  # scan 2
    text, _ = _pdf_text(eb_html.with_suffix(".pdf"))
    assert _squashed("16 scans, one row per field and intents") in text
    assert _squashed("IRAS12345 OBSERVE_TARGET 8, 10, 13, 15 4") in text  # the target's row
    assert "01:14:32.4" not in text


def test_ranges():
    assert ranges([3, 0, 1, 2, 5, 7, 8, 8]) == "0–3, 5, 7–8"
    assert ranges([]) == ""
    assert ranges([4]) == "4"


def test_scan_groups_by_field_and_intents():
    scans = [
        {"scan": 1, "field": "A", "intents": ["CALIBRATE_BANDPASS#ON_SOURCE", "CALIBRATE_WVR#ON_SOURCE"],
         "start": "2014-07-20T01:00:00Z", "end": "2014-07-20T01:01:00Z", "spws": [0, 1, 2]},
        {"scan": 2, "field": "B", "intents": ["OBSERVE_TARGET#ON_SOURCE"],
         "start": "2014-07-20T01:02:00Z", "end": "2014-07-20T01:07:00Z", "spws": [3, 4]},
        {"scan": 3, "field": "A", "intents": ["CALIBRATE_WVR#OFF_SOURCE", "CALIBRATE_BANDPASS#ON_SOURCE",
                                              "CALIBRATE_WVR#ON_SOURCE"],
         "start": "2014-07-20T01:08:00Z", "end": "2014-07-20T01:08:30Z", "spws": [0, 1, 2]},
        {"scan": 4, "field": "B", "intents": ["OBSERVE_TARGET#ON_SOURCE"],
         "start": "2014-07-20T01:09:00Z", "end": "", "spws": [3, 5]},
        {"scan": 5, "field": "B", "intents": ["OBSERVE_TARGET#ON_SOURCE"],
         "start": "2014-07-20T01:10:00Z", "end": "2014-07-20T01:11:00Z", "spws": [3]},
    ]
    a, b = scan_groups(scans)
    assert (a["field"], a["intents"], a["scans"], a["n"], a["seconds"], a["spws"]) == (
        "A", ("CALIBRATE_BANDPASS", "CALIBRATE_WVR"), "1, 3", 2, 90.0, "0–2")
    # one scan without an end time: the group's time is unknown, not short
    assert (b["scans"], b["n"], b["seconds"], b["spws"]) == ("2, 4–5", 3, None, "3–5")


def test_print_findings_lists_errors_and_warnings_and_counts_infos():
    def finding(severity, rule, line):
        return Finding(rule=rule, severity=severity, message=f"{rule} at {line}", document="C.txt",
                       line=line)

    found = [finding("error", "QA2003", 45), finding("warning", "QA2005", 3),
             finding("info", "QA2301", 37), finding("info", "QA2301", 40),
             finding("info", "QA2301", 41), finding("info", "QA2302", None)]
    out = print_findings(found)
    assert out["listed"] == found[:2]
    assert out["infos"] == [{"rule": "QA2301", "count": 3, "where": "lines 37, 40–41"},
                            {"rule": "QA2302", "count": 1, "where": ""}]


def test_write_pdf_parses_the_stylesheet_once_and_restores_the_collector(tmp_path, monkeypatch):
    """The stylesheet is parsed and the fonts configured once per process, the collector's
    threshold is raised while WeasyPrint runs and put back after it (also when it fails)."""
    from qa2docs.render import pdf

    weasyprint = pdf.load_weasyprint()
    parsed, seen = [], []
    real_css, real_html = weasyprint.CSS, weasyprint.HTML
    monkeypatch.setattr(weasyprint, "CSS", lambda **kw: parsed.append(kw) or real_css(**kw))

    def html(**kw):
        seen.append(gc.get_threshold()[0])
        return real_html(**kw)

    monkeypatch.setattr(weasyprint, "HTML", html)
    pdf._stylesheet.cache_clear()
    pdf._font_config.cache_clear()
    before = gc.get_threshold()
    css = "@page { size: A6; } p { color: #123456; }"
    for name in ("a.pdf", "b.pdf"):
        pdf.write_pdf("<p>x</p>", tmp_path / name, tmp_path, tmp_path, css)
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    assert len(parsed) == 1 and seen == [pdf.PRINT_GC_THRESHOLD] * 2
    fonts = pdf._font_config.cache_info()  # made for the first PDF, reused for the second
    assert (fonts.misses, fonts.hits) == (1, 1)
    assert gc.get_threshold() == before

    def broken(**kw):
        raise ValueError("boom")

    monkeypatch.setattr(weasyprint, "HTML", broken)
    with pytest.raises(PdfBackendError, match="boom"):
        pdf.write_pdf("<p>x</p>", tmp_path / "c.pdf", tmp_path, tmp_path, css)
    assert gc.get_threshold() == before
    pdf._stylesheet.cache_clear()


def test_inline_root_variables_only_where_root_alone_declares_them():
    from qa2docs.render.pdf import inline_root_variables

    css = (":root { --ink: #123; --rule: #ddd; --w: 1px; }\n"
           "p { color: var(--ink); border: var(--w) solid var(--rule); }\n"
           ".x { --w: 2px; } .y { margin: var(--gap); }")
    assert inline_root_variables(css) == (
        ":root { --ink: #123; --rule: #ddd; --w: 1px; }\n"
        "p { color: #123; border: var(--w) solid #ddd; }\n"
        ".x { --w: 2px; } .y { margin: var(--gap); }")


def test_pdf_prints_status_words_and_ids_without_badges(printed):
    """The PDF gives the checklist's status as its cell's text and each item's id and line in
    the small line under the answer, not as badges and blocks of their own."""
    from qa2docs.render.html import render_html

    assert ".badge { display: inline;" in render_html("pdf/styles.css.j2")
    eb_pdf = printed / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.pdf"
    text, _ = _pdf_text(eb_pdf)
    assert _squashed("project_code · line 1 — qa2docs.yaml · project") in text
    assert _squashed("answered · files") in text
