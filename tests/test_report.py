"""QA2 reports: golden HTML for the sample SB, PDF text, safety (Markdown, URL fetcher),
degraded inputs (no plots, no log, missing image), the CLI, and a Chromium screenshot."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import run_cli, start_sample, worker_pids

from qa2docs import api
from qa2docs.documents.checklist_text import read_document
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change
from qa2docs.discover.layout import discover
from qa2docs.render.filters import markdown
from qa2docs.render.html import ImageResolver, canonical_html
from qa2docs.render.pdf import RefusedURL, allowed_file
from qa2docs.report.build import make_reports

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
NOW = datetime(2024, 8, 1, 12, 0, tzinfo=timezone.utc)
HOSTILE = ("<script>alert('x')</script> <img src=file:///etc/passwd> "
           "![pixel](https://evil.example/pixel.png) [passwd](file:///etc/passwd) "
           "[js](javascript:alert(1)) <iframe src=https://evil.example/></iframe> **kept**")


def build_sample(dest: Path) -> Path:
    """What ``qa2docs demo`` does before validate and report: start, copy outputs, fill."""
    root = start_sample(dest)
    api.fill(root)
    return root


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory) -> tuple[Path, list[Path]]:
    """The sample SB, filled, with its HTML and PDF reports made once for the module."""
    root = build_sample(tmp_path_factory.mktemp("sample") / "seed")
    return root, make_reports(root, now=NOW)


@pytest.fixture
def sample_root(tmp_path) -> Path:
    """A fresh copy of the filled sample SB, to damage."""
    return build_sample(tmp_path / "seed")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def urls_of(html: str) -> list[str]:
    """Every URL an element would load or link."""
    return [a[k] for _, a in tags(html) for k in ("src", "href") if k in a]


# ---------------------------------------------------------------------------- golden HTML


@pytest.mark.parametrize("which", ["eb_X66d", "sb"])
def test_golden_html(sample_reports, which, update_golden):
    root, written = sample_reports
    name = ("qa2_report_uid___A002_Xdd9c61_X66d.html" if which == "eb_X66d"
            else "qa2_report_B6_IRAS12345.html")
    produced = canonical_html((root / "qa2" / name).read_text())
    golden = GOLDEN / f"report_{which}.html"
    if update_golden:
        golden.write_text(produced)
    assert produced == golden.read_text(), f"{name} differs from {golden.name}"


def test_reports_written_for_every_eb_and_the_sb(sample_reports):
    root, written = sample_reports
    assert sorted(p.name for p in written) == sorted([
        "qa2_report_uid___A002_Xdd9c61_X66d.html", "qa2_report_uid___A002_Xdd9c61_X66d.pdf",
        "qa2_report_uid___A002_X4sda4d_Xa12.html", "qa2_report_uid___A002_X4sda4d_Xa12.pdf",
        "qa2_report_B6_IRAS12345.html", "qa2_report_B6_IRAS12345.pdf"])
    assert all(p.parent == root / "qa2" and p.stat().st_size > 10_000 for p in written)


def test_eb_html_content(sample_reports):
    root, _ = sample_reports
    html = (root / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.html").read_text()
    for needle in ("2013.1.12345.S", "B6_IRAS12345", "uid___A002_Xdd9c61_X66d",
                   "2014-07-20 01:12:36.3", "1.20 mm (median)", "37 good (12m)", "FDM",
                   "4.2.2", "1.2413", "J1751+0939", "IRAS12345", "ALMA_RB_06#BB_1#SW-01#FULL_RES",
                   "fixplanets necessary?", "Name of REFANT: DV09", "to check",
                   "Validation findings", "QA2", "Fitted spectra", "checked Tsys tables?",
                   "CASA log: SEVERE and WARN messages"):
        assert needle in html, needle
    # the flux plot and the thumbnails are inlined, the page links back to the SB report
    assert 'src="data:image/svg+xml;base64,' in html
    assert html.count('src="data:image/png;base64,') >= 8
    assert 'href="qa2_report_B6_IRAS12345.html"' in html


def test_html_is_self_contained(sample_reports):
    root, written = sample_reports
    for path in (p for p in written if p.suffix == ".html"):
        html = path.read_text()
        found = tags(html)
        assert not [t for t, _ in found if t in ("script", "link", "iframe", "object", "embed")]
        assert "--ink:" in html  # the stylesheet is inlined
        for tag, attrs in found:
            for key in ("src", "href"):
                url = attrs.get(key)
                if url is None or url.startswith(("data:", "#")):
                    continue
                if tag == "a" and key == "href" and url.startswith(("https://", "mailto:")):
                    continue  # a link the reader may follow; nothing the page loads
                assert not re.match(r"^[a-z]+:", url), (tag, url)  # no file:, http:, https:
                assert (path.parent / url).exists(), url  # relative links resolve on disk


def test_sb_html_content(sample_reports):
    root, _ = sample_reports
    html = (root / "qa2" / "qa2_report_B6_IRAS12345.html").read_text()
    for needle in ("Execution blocks", 'href="qa2_report_uid___A002_Xdd9c61_X66d.html"',
                   'href="qa2_report_uid___A002_X4sda4d_Xa12.html"', "Flux comparison between EBs",
                   "X66d (Jy)", "Xa12 (Jy)", "Imaging", "README.header", "SB checklist",
                   "SB findings", "Jane Doe"):
        assert needle in html, needle


# ---------------------------------------------------------------------------- PDF


def test_pdf_text_has_the_key_fields(sample_reports):
    pypdf = pytest.importorskip("pypdf")
    root, _ = sample_reports
    reader = pypdf.PdfReader(root / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for needle in ("2013.1.12345.S", "B6_IRAS12345", "uid___A002_Xdd9c61_X66d", "4.2.2",
                   "J1751+0939", "fixplanets necessary?", "Validation findings",
                   f"page 1 of {len(reader.pages)}"):
        assert needle in text, needle
    # running header on a later page: project · SB · EB
    assert "2013.1.12345.S · B6_IRAS12345 · uid___A002_Xdd9c61_X66d" in reader.pages[2].extract_text()
    sb = pypdf.PdfReader(root / "qa2" / "qa2_report_B6_IRAS12345.pdf")
    sb_text = "\n".join(page.extract_text() for page in sb.pages)
    for needle in ("X66d", "Xa12", "Flux comparison between EBs", "README.header"):
        assert needle in sb_text, needle


# ---------------------------------------------------------------------------- safety


def test_markdown_filter_shows_nothing_live():
    out = str(markdown(HOSTILE))
    assert "<script" not in out and "<img" not in out and "<iframe" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=file:///etc/passwd&gt;" in out
    assert 'href="file:' not in out and 'href="javascript:' not in out
    assert "[image: pixel — https://evil.example/pixel.png]" in out
    assert "<strong>kept</strong>" in out
    link = str(markdown("[ticket](https://jira.alma.cl/browse/SCOPS-1234)"))
    assert 'href="https://jira.alma.cl/browse/SCOPS-1234"' in link and "noopener" in link


def _comment(path: Path, kind: str, element: str, text: str) -> None:
    doc = read_document(path, kind)  # type: ignore[arg-type]
    new_text, unplaced = apply_changes(doc, [Change(element, "comment", text)])
    assert not unplaced
    path.write_text(new_text)


def test_hostile_markdown_in_comments(sample_root):
    sb = discover(sample_root)
    eb = sb.ebs[0]
    _comment(eb.checklist, "eb", "apriori.fixplanets", HOSTILE)
    _comment(sb.readme, "readme", "comments", HOSTILE)
    written = make_reports(sample_root, html=True, pdf=True, now=NOW)
    shown_in = {f"qa2_report_{eb.uid}.html", f"qa2_report_{sb.name}.html"}
    for path in (p for p in written if p.suffix == ".html"):
        html = path.read_text()
        assert ("&lt;script&gt;alert" in html) == (path.name in shown_in), path.name  # as text
        assert not [t for t, _ in tags(html) if t in ("script", "iframe")]
        for url in urls_of(html):
            assert "evil.example" not in url and "/etc/passwd" not in url, url
            assert not url.startswith(("javascript:", "file:")), url
    pypdf = pytest.importorskip("pypdf")
    pdf = next(p for p in written if p.name == f"qa2_report_{eb.uid}.pdf")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "<script>alert('x')</script>" in text  # printed as text, not run


def test_url_fetcher_serves_only_the_sb_root(tmp_path):
    root = tmp_path / "SB"
    (root / "qa2").mkdir(parents=True)
    inside = root / "plot.png"
    inside.write_bytes(b"x")
    (root / "escape.png").symlink_to("/etc/passwd")
    assert allowed_file(inside.as_uri(), root) == inside.resolve()
    for url in ("file:///etc/passwd", (root / "qa2" / ".." / ".." / "x.png").as_uri(),
                (root / "escape.png").as_uri(), "http://127.0.0.1:9/x.png",
                "https://evil.example/x.png", "ftp://evil.example/x", "file://evil.example/etc/passwd"):
        with pytest.raises(RefusedURL):
            allowed_file(url, root)


def _fetch(fetcher, url: str):
    """Ask a URL fetcher of either WeasyPrint API (class with fetch(), or a function)."""
    return fetcher.fetch(url) if hasattr(fetcher, "fetch") else fetcher(url)


@pytest.fixture
def connects(monkeypatch) -> list:
    """Every socket connection attempted while the test runs (each one refused)."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("the test forbids the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/p.png", "https://evil.example/p.png",
                                 "HTTP://127.0.0.1:9/p.png", "ftp://evil.example/x",
                                 "file:///etc/passwd", "file://evil.example/etc/passwd",
                                 "file://localhost/etc/passwd"])
def test_pdf_url_fetcher_refuses_network_and_outside_files(tmp_path, connects, url):
    pytest.importorskip("weasyprint")
    from qa2docs.render.pdf import make_url_fetcher

    root = tmp_path / "SB"
    root.mkdir()
    with pytest.raises(RefusedURL):
        _fetch(make_url_fetcher(root), url)
    assert connects == []


def test_pdf_url_fetcher_serves_files_inside_the_root_and_data(tmp_path, connects):
    pytest.importorskip("weasyprint")
    from qa2docs.render.pdf import make_url_fetcher

    root = tmp_path / "SB"
    (root / "qa2").mkdir(parents=True)
    (root / "plot.png").write_bytes(b"PNGDATA")
    fetcher = make_url_fetcher(root)
    for url, expected in [((root / "plot.png").as_uri(), b"PNGDATA"),
                          ("data:text/plain;base64,aGk=", b"hi")]:
        got = _fetch(fetcher, url)
        body = got.read() if hasattr(got, "read") else (
            got.get("string") or got["file_obj"].read())
        if hasattr(got, "close"):
            got.close()
        assert body == expected, url
    assert connects == []


def test_pdf_render_opens_no_socket_and_reads_no_outside_file(tmp_path, connects, monkeypatch):
    pytest.importorskip("weasyprint")
    from qa2docs.render import pdf

    opened: list[str] = []
    real_allowed = pdf.allowed_file

    def watched(url, root):
        try:
            return real_allowed(url, root)
        finally:
            opened.append(url)

    monkeypatch.setattr(pdf, "allowed_file", watched)
    root = tmp_path / "SB"
    root.mkdir()
    (root / "ok.png").write_bytes(b"not really a png")
    html = ('<p>hello</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/p.png">'
            '<img src="https://evil.example/p.png"><img src="ok.png">'
            '<link rel="stylesheet" href="https://evil.example/c.css">')
    warnings = pdf.write_pdf(html, root / "x.pdf", root, root)
    assert (root / "x.pdf").read_bytes().startswith(b"%PDF")
    assert connects == [], "the PDF renderer tried the network"
    assert len(opened) == 5, opened  # every resource went through the SB-root check
    refused = [w for w in warnings if "refused" in w]
    assert len(refused) == 4, warnings
    for needle in ("/etc/passwd", "http://127.0.0.1:9/p.png", "https://evil.example/p.png",
                   "https://evil.example/c.css"):
        assert sum(needle in w for w in refused) == 1, (needle, warnings)


# ---------------------------------------------------------------------------- degraded inputs


def test_report_without_plots_and_log(sample_root):
    eb = discover(sample_root).ebs[0]
    for p in list(eb.dir.iterdir()):
        if "plots" in p.name or p.suffix == ".png":
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        elif p.name.startswith(("casapy-", "casa-")):
            p.unlink()
    written = make_reports(eb.dir, pdf=True, now=NOW)
    assert [p.name for p in written] == [f"qa2_report_{eb.uid}.html", f"qa2_report_{eb.uid}.pdf"]
    html = written[0].read_text()
    assert "No diagnostic plot folders found in the EB dir." in html
    assert "No CASA log found for this EB." in html
    assert "Fitted spectra" in html  # the .fluxscale file is still there


def test_missing_and_large_images(tmp_path):
    root = tmp_path / "SB"
    out = root / "qa2"
    plots = root / "SB" / "X1" / "x.ms.tsys.plots"
    plots.mkdir(parents=True)
    small = plots / "small.png"
    _png(small, 60)
    big = plots / "big.png"
    _png(big, 400)
    resolver = ImageResolver(root, out, inline_max=40_000)
    assert small.stat().st_size < 40_000 < big.stat().st_size
    missing = resolver.image(plots / "gone.png")
    assert missing.src is None and missing.missing == "missing: SB/X1/x.ms.tsys.plots/gone.png"
    assert resolver.image(small).src.startswith("data:image/png;base64,")
    large = resolver.image(big)
    assert large.src.startswith("data:image/jpeg;base64,")  # an inlined thumbnail
    assert large.href == "../SB/X1/x.ms.tsys.plots/big.png"  # linked, relative
    (plots / "outside.png").symlink_to("/etc/hostname")
    assert resolver.image(plots / "outside.png").src is None


def _png(path: Path, dpi: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    ax.plot(range(200), [((i * 7919) % 101) / 100 for i in range(200)])
    fig.savefig(path, dpi=dpi)


def test_missing_plot_file_renders_a_note(sample_root, monkeypatch):
    eb = discover(sample_root).ebs[0]
    real = api.eb_facts

    def with_ghost(e):
        fs = real(e)
        fact = fs.facts["plots.apriori.tsys"]
        fs.facts["plots.apriori.tsys"] = fact.model_copy(
            update={"value": [*fact.value, "x.ms.tsys.plots/gone.png"]})
        return fs

    monkeypatch.setattr("qa2docs.report.build.eb_facts", with_ghost)
    html = make_reports(eb.dir, pdf=False, now=NOW)[0].read_text()
    assert '<span class="missing">missing: x.ms.tsys.plots/gone.png</span>' in html


def test_validation_not_available(sample_root, monkeypatch):
    monkeypatch.setitem(sys.modules, "qa2docs.validate.run", None)  # import fails
    eb = discover(sample_root).ebs[0]
    html = make_reports(eb.dir, pdf=False, now=NOW)[0].read_text()
    assert "validation not available" in html


# ---------------------------------------------------------------------------- CLI


def test_cli_report_html_only(sample_root, tmp_path):
    from click.testing import CliRunner

    from qa2docs.cli.main import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", str(sample_root), "--html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "qa2_report_B6_IRAS12345.html", "qa2_report_uid___A002_X4sda4d_Xa12.html",
        "qa2_report_uid___A002_Xdd9c61_X66d.html"]
    # reports outside the SB root still link the plots relatively
    html = (out / "qa2_report_uid___A002_Xdd9c61_X66d.html").read_text()
    for url in urls_of(html):
        if not url.startswith(("data:", "#", "http", "mailto:")):
            assert (out / url).exists(), url


def test_cli_report_prints_pdfs_in_parallel_the_same(sample_reports, tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    root, _ = sample_reports
    out = tmp_path / "out"
    trace = tmp_path / "workers.txt"
    monkeypatch.setenv("QA2DOCS_TRACE_WORKERS", str(trace))
    proc = run_cli("report", str(root), "--pdf", "--jobs", "2", "-o", str(out))
    # The 3 PDFs were printed by 2 worker processes of one parent (the CLI), not by the CLI.
    pids, parents = worker_pids(trace, "pdf:")
    assert len(pids) == 2 and len(parents) == 1 and not pids & parents, trace.read_text()
    names = ["qa2_report_uid___A002_Xdd9c61_X66d.pdf", "qa2_report_uid___A002_X4sda4d_Xa12.pdf",
             "qa2_report_B6_IRAS12345.pdf"]
    assert [line.rsplit("/", 1)[-1] for line in proc.stdout.splitlines()] == names
    for name in names:
        parallel = pypdf.PdfReader(out / name)
        serial = pypdf.PdfReader(root / "qa2" / name)
        assert len(parallel.pages) == len(serial.pages), name
        # the same text but for the time stamp in the footer
        texts = [[re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "T", p.extract_text())
                  for p in reader.pages] for reader in (parallel, serial)]
        assert texts[0] == texts[1], name


def test_help_imports_neither_weasyprint_nor_matplotlib():
    code = ("import sys, qa2docs.cli.main; qa2docs.cli.main.cli.main(['--help'], standalone_mode=False);"
            "print(sorted(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "report" in out.stdout
    assert out.stdout.strip().endswith("[]")


# ---------------------------------------------------------------------------- what people see


def test_chromium_screenshot(sample_reports, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed")
    from PIL import Image

    root, _ = sample_reports
    page = root / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.html"
    shot = tmp_path / "eb.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", f"--screenshot={shot}",
                    "--window-size=1280,2000", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.is_file(), "chromium wrote no screenshot"
    with Image.open(shot) as im:
        im = im.convert("RGB")
        assert im.size == (1280, 2000)
        # the inlined stylesheet applied offline: the dark title bar across the top
        assert im.getpixel((640, 10)) == (0x0E, 0x2A, 0x47)
        # and the page has content below it (not a blank or error page)
        colours = im.crop((0, 200, 1280, 2000)).getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50


# ---------------------------------------------------------------------------- figures


def test_flux_figure_svg_does_not_depend_on_what_was_drawn_before():
    """Each figure sets its SVG settings itself: stable ids and text as text, whatever another
    figure (or a test) changed in matplotlib's settings before it."""
    import matplotlib

    from qa2docs.criteria.fluxcompare import draw_flux_comparison
    from qa2docs.render.figures import svg_bytes

    point = {"source": "J1751+0939", "spw": 0, "freq_hz": 2.2e11, "flux_jy": 2.2,
             "error_jy": 0.01}
    first = svg_bytes(draw_flux_comparison({"X1": {"flux_densities": [point]}}))
    matplotlib.rcParams["svg.fonttype"] = "path"
    matplotlib.rcParams["svg.hashsalt"] = "other"
    again = svg_bytes(draw_flux_comparison({"X1": {"flux_densities": [dict(point)]}}))
    assert again == first and b"<text" in first
    assert svg_bytes(draw_flux_comparison(
        {"X1": {"flux_densities": [dict(point, flux_jy=2.4)]}})) != first


# ---------------------------------------------------------------------------- print layout


def test_pdf_gallery_shows_the_first_plots_as_small_jpegs():
    """The PDF shows the first plots of an item as JPEGs of at most PDF_THUMB_PX and says how
    many more the HTML report has; SVGs, links and missing images pass unchanged."""
    import base64
    import io

    from PIL import Image as PILImage

    from qa2docs.render.html import Image, data_uri
    from qa2docs.report.build import PDF_GALLERY_MAX, PDF_THUMB_PX
    from qa2docs.report.printing import print_gallery

    buf = io.BytesIO()
    PILImage.new("RGBA", (1200, 900), (10, 200, 30, 255)).save(buf, "PNG")
    png = Image("a.png", src=data_uri(buf.getvalue(), "image/png"), href="a.png")
    others = [Image("b.svg", src="data:image/svg+xml;base64,PHN2Zy8+"),
              Image("c.png", src="c.png", href="c.png"), Image("d.png", missing="missing: d")]
    item = {"id": "x", "label": "X", "images": [png, *others, png, png],
            "more": [Image("e.png", href="e.png")]}
    [out] = print_gallery([item], PDF_GALLERY_MAX, PDF_THUMB_PX)
    assert out["hidden"] == 2 + 1 and out["images"][1:] == others
    assert item["images"][0] is png  # the HTML report's gallery is left as it was
    thumb = out["images"][0]
    assert thumb.src.startswith("data:image/jpeg;base64,") and thumb.href == "a.png"
    with PILImage.open(io.BytesIO(base64.b64decode(thumb.src.split(",", 1)[1]))) as im:
        assert im.size == (PDF_THUMB_PX, PDF_THUMB_PX * 3 // 4)


def test_pdf_gives_sources_as_references_without_excerpts(sample_reports):
    """The PDF keeps each answer's sources as file:line references; the excerpts are in the
    HTML report only."""
    pypdf = pytest.importorskip("pypdf")
    root, _ = sample_reports
    html = (root / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.html").read_text()
    reader = pypdf.PdfReader(root / "qa2" / "qa2_report_uid___A002_Xdd9c61_X66d.pdf")
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "scriptForCalibration.py:" in text and "· calscript" in text
    assert "contact_scientist: John Smith" in html
    assert "contact_scientist: John Smith" not in text
