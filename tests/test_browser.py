"""End to end in a real headless Chromium: ask in Japanese and English, open a citation, export.

Chromium comes from Debian (scripts/test.sh installs it); Playwright only drives it.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/test.sh installs it)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(engine):
    from rag.ui import CSS, build_app

    engine.index()
    engine.retrieve("warm-up")
    engine.generator  # noqa: B018 - load before the browser starts waiting
    port = _free_port()
    app = build_app(engine)
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


FINAL_ANSWER_SHOWN = """n => {
    const bots = document.querySelectorAll('[data-testid="bot"]');
    if (bots.length < n) return false;
    const last = bots[bots.length - 1];
    const sources = document.querySelector('#sources').innerText;
    const busy = /^\\s*[0-9.]+s/.test(sources) || /processing|queue/i.test(sources);
    return !busy && (last.querySelector('a.cite') !== null || last.innerText.includes('⚠'));
}"""


def _ask(page, question: str, number: int) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")
    # Partial text streams into the chat first; only the final, verified answer carries citation
    # links (or the warning sign of a refusal), and the sources panel then stops showing progress.
    page.wait_for_function(FINAL_ANSWER_SHOWN, arg=number, timeout=300_000)


def test_ask_open_citation_and_export(page, tmp_path):
    _ask(page, "韓国の「K-バッテリー発展戦略」はいつ策定されたか？", 1)
    sources = page.inner_text("#sources")
    assert "CRDS-FY2024-FR-04" in sources and "p." in sources
    first_ja = page.locator("a.cite").first
    assert "§" in first_ja.get_attribute("title") and "p." in first_ja.get_attribute("title")

    _ask(page, "When did Korea adopt the K-Battery development strategy?", 2)
    english = page.locator('[data-testid="bot"]').last.inner_text()
    assert "2021" in english and "［" not in english  # an English answer with [n] markers
    assert "p." in page.inner_text("#sources")

    page.locator("a.cite").last.click()  # opens the cited source: the quote is highlighted there
    mark = page.locator("#sources mark").first
    mark.wait_for(state="visible", timeout=10_000)
    assert len(mark.inner_text()) > 5

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-answer.png"), full_page=True)

    page.click("#export-last")
    link = page.locator('#downloads a[href*="answer.md"]').first
    link.wait_for(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "answer.md"
    info.value.save_as(saved)
    markdown = saved.read_text(encoding="utf-8")
    assert "CRDS-FY2024-FR-04 §" in markdown and "Reference:" in markdown
