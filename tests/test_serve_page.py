"""The web page at `/`, in a real browser: Debian's headless Chromium, driven by selenium through
Debian's chromedriver, submits the Spanish example and finds the English summary, its brief
(points with their cited sentences on hover, quotes, names) and the sentence-aligned translation.
SUMMARIZE_SCREENSHOT=PATH keeps the screenshot (docs/serve-page.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("selenium")
pytest.importorskip("fastapi")

from summarize.core.pipeline import Pipeline  # noqa: E402
from summarize.service.settings import Settings  # noqa: E402
from tests.helpers import browser_test_marks  # noqa: E402
from tests.serving import running  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"

pytestmark = browser_test_marks()


def test_the_page_summarises_the_spanish_example_in_english(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    text = EXAMPLE.read_text(encoding="utf-8")
    expected = Pipeline(to="en", length="short", brief=True).article(text)
    with running(Settings()) as url:
        browser.get(url + "/")
        WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#target option[value=en]"))
        # Pasting: the value set as a paste would set it (send_keys types one key at a time).
        browser.execute_script("document.getElementById('text').value = arguments[0];", text)
        browser.find_element(By.CSS_SELECTOR, "#length option[value=short]").click()
        browser.find_element(By.ID, "run").click()
        WebDriverWait(browser, 60).until(
            lambda b: b.find_element(By.ID, "status").text in ("done", "") and b.find_element(By.ID, "summary").text
        )
        summary = browser.find_element(By.ID, "summary")
        rows = browser.find_elements(By.CSS_SELECTOR, "#alignment tbody tr")
        points = browser.find_elements(By.CSS_SELECTOR, "#points li")
        cited = [point.get_attribute("title") for point in points]
        quotes = [quote.text for quote in browser.find_elements(By.CSS_SELECTOR, "#quotes li")]
        names = [name.text for name in browser.find_elements(By.CSS_SELECTOR, "#names li")]
        engines = browser.find_element(By.ID, "engines").text
        notes = browser.find_element(By.ID, "notes").text
        shot = tmp_path / "serve-page.png"
        browser.save_screenshot(str(shot))
    assert not browser.find_element(By.ID, "error").is_displayed()
    assert summary.is_displayed() and summary.text == expected["summary"]
    assert browser.find_element(By.ID, "headline").text == expected["headline"]
    assert len(rows) == expected["metadata"]["counts"]["sentences"]
    brief = expected["brief"]
    assert [point.text.rsplit("¶", 1)[0].strip() for point in points] == [point["text"] for point in brief["points"]]
    assert all(
        f"¶{c['paragraph']}.{c['sentence']} {c['source']}" in title
        for point, title in zip(brief["points"], cited)
        for c in point["cites"]
    )
    assert quotes == [f"“{q['translation']}” — {q['speaker']}" for q in brief["quotes"]] and "La alcaldesa" in quotes[0]
    assert [name.split(" (")[0] for name in names] == [name["name"] for name in brief["names"]]
    assert "Ayuntamiento de Valencia (1)" in names
    assert rows[1].find_elements(By.TAG_NAME, "td")[1].text.strip()
    assert "translated with apertium" in engines and "summarised with textrank" in engines
    assert "using Apertium es->en instead" in notes
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("SUMMARIZE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["SUMMARIZE_SCREENSHOT"])


def test_the_page_translates_a_word_file_into_a_word_file(browser, tmp_path):
    import io
    import urllib.request

    import docx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    made = docx.Document()
    made.add_paragraph("El Gobierno aprobó ayer un plan importante para la ciudad.")
    source = tmp_path / "plan.docx"
    made.save(source)
    with running(Settings()) as url:
        browser.get(url + "/")
        WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#target option[value=en]"))
        browser.find_element(By.ID, "file").send_keys(str(source))
        browser.find_element(By.ID, "translate-file").click()
        WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "download").is_displayed())
        link = browser.find_element(By.ID, "download")
        name, href = link.get_attribute("download"), link.get_attribute("href")
        with urllib.request.urlopen(href) as response:
            data = response.read()
    assert not browser.find_element(By.ID, "error").is_displayed()
    assert name == "plan.en.docx" and link.text == "Download plan.en.docx"
    assert [p.text for p in docx.Document(io.BytesIO(data)).paragraphs] == [
        "The Government approved yesterday an important plan for the city."
    ]
