"""``qa2docs review`` end to end in a real headless Chromium (Debian's chromium-driver).

Skipped only when Chromium is not installed (``apt-get install chromium chromium-driver``);
with ``QA2DOCS_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets it) a missing browser fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
_HAVE_BROWSER = os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)
if not _HAVE_BROWSER and os.environ.get("QA2DOCS_REQUIRE_BROWSER") == "1":
    raise RuntimeError("QA2DOCS_REQUIRE_BROWSER=1 but chromium/chromedriver are not installed")
pytestmark = pytest.mark.skipif(not _HAVE_BROWSER,
                                reason="chromium and chromium-driver are not installed")

from helpers import run_cli  # noqa: E402
from review_support import EB_SHORT, demo_copy, eb_checklist  # noqa: E402

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,1000")
#: Rules that say an item still waits for a person's tick.
OPEN_RULES = ("QA2003", "QA2005", "QA2006")


@pytest.fixture
def root(tmp_path_factory, tmp_path) -> Path:
    return demo_copy(tmp_path_factory, tmp_path)


@pytest.fixture
def served(root):
    """``qa2docs review ROOT --no-browser`` running; yields the URL it printed."""
    proc = subprocess.Popen([sys.executable, "-m", "qa2docs", "review", str(root), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
        yield m.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def _open_eb(browser, url: str) -> None:
    browser.get(url)                                   # the token becomes a cookie
    browser.get(url.split("?")[0] + f"doc/eb-{EB_SHORT}")
    assert "checked Tsys tables?" in browser.page_source


def _keys(browser, *keys: str, ctrl_enter: bool = False) -> None:
    """Type *keys* into the focused element (then Ctrl+Enter, when asked)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    chain = ActionChains(browser)
    for key in keys:
        chain.send_keys(key)
    if ctrl_enter:
        chain.key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL)
    chain.perform()


def _wait_saved(browser, element: str) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    selector = f'article.item[data-element="{element}"] .msg'
    return WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(
            "const m = document.querySelector(arguments[0]);"
            "return m && m.textContent && m.textContent !== 'saving…' ? m.textContent : null;",
            selector))


def _open_findings(root: Path) -> list[str]:
    path = eb_checklist(root)
    out = run_cli("validate", str(root / root.name / EB_SHORT), check=None).stdout
    return [line for line in out.splitlines()
            if path.name in line and line.split()[1] in OPEN_RULES]


def test_tick_comment_save_with_the_keyboard(root, served, browser):
    path = eb_checklist(root)
    before = path.read_text().splitlines()
    assert any("'checked Tsys tables?' is not ticked" in f for f in _open_findings(root))
    _open_eb(browser, served)
    browser.execute_script("document.getElementById('item-apriori-tsys').focus()")
    _keys(browser, "x", "c", "Tsys looks *fine*", ctrl_enter=True)
    assert _wait_saved(browser, "apriori.tsys") == "saved"
    after = path.read_text().splitlines()
    diff = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after)
    assert diff == [("  - checked Tsys tables?                      [ ]",
                     "  - checked Tsys tables?                      [x]      Tsys looks *fine*")]
    assert not any("Tsys" in f for f in _open_findings(root))
    html = browser.find_element("id", "item-apriori-tsys").get_attribute("innerHTML")
    assert "<em>fine</em>" in html and "set by a person" in html


def test_every_open_item_of_an_eb_answered_in_the_browser(root, served, browser, tmp_path):
    assert _open_findings(root)
    _open_eb(browser, served)
    browser.save_screenshot(str(tmp_path / "eb_page.png"))
    for _ in range(60):
        item = browser.execute_script(
            "const it = document.querySelector('article.item.state-open');"
            "if (it) { it.focus(); } return it && [it.dataset.element, it.dataset.kind];")
        if not item:
            break
        element, kind = item
        _keys(browser, "y" if kind == "yesno" else "x", "\n")
        assert _wait_saved(browser, element) == "saved", element
    else:
        pytest.fail("items stayed open")
    assert _open_findings(root) == []
    # the plot viewer: thumbnails open full size, arrow keys step through the folder
    browser.execute_script("document.getElementById('item-apriori-tsys').focus()")
    _keys(browser, "p")
    name = browser.find_element("css selector", "#viewer .viewer-name").text
    _keys(browser, "\ue014")                            # ArrowRight
    assert browser.find_element("css selector", "#viewer .viewer-name").text != name
    assert "2 of 2" in browser.find_element("css selector", "#viewer .viewer-pos").text
    browser.save_screenshot(str(tmp_path / "plot_view.png"))
