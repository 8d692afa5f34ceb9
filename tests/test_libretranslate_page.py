"""LibreTranslate's own web page (its 1.9.6 wheel's templates and static files, fetched at test
time, never copied here) served from another origin, as a newsroom would host it, its API
address pointed at `summarize serve`: in headless Chromium it translates typed Spanish and a
Markdown file through the file tab, over CORS."""

from __future__ import annotations

import json
import threading
import urllib.request
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("selenium")
pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from summarize.service.settings import Settings  # noqa: E402
from tests.helpers import (
    browser_test_marks,  # noqa: E402
    libretranslate_wheel,  # noqa: E402
)
from tests.serving import running  # noqa: E402

#: How their app.js finds the API: the page's own origin. A page hosted elsewhere names the API's.
PAGE_ORIGIN = 'window.location.protocol + "//" + window.location.host'

pytestmark = browser_test_marks()


def _rendered(wheel: Path, api: str) -> dict[str, bytes]:
    """Their index.html and app.js rendered as their Flask app renders them (English, no keys),
    and their static files, by the path the page asks for them."""
    import jinja2

    files: dict[str, bytes] = {}
    templates: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("libretranslate/static/"):
                files["/static/" + name.removeprefix("libretranslate/static/")] = archive.read(name)
            elif name.startswith("libretranslate/templates/"):
                templates[Path(name).name] = archive.read(name).decode("utf-8")

    def text(message, **values):
        return message % values if values else message

    environment = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    context = {
        "_h": text,
        "_": text,
        "_e": lambda message, **values: jinja2.utils.markupsafe.Markup(json.dumps(text(message, **values))),
        "url_for": lambda endpoint, filename="": f"/static/{filename}" if endpoint == "static" else "/",
        "url_prefix": "",
        "version": "1.9.6",
        "current_locale": "en",
        "available_locales": [{"code": "en", "name": "English"}],
        "alternate_locales": [],
        "swagger_url": api + "/docs",
        "api_secret": "",
        "bogus_api_secret": "",
    }
    files["/"] = environment.get_template("index.html").render(**context).encode("utf-8")
    script = environment.get_template("app.js.template").render(**context)
    assert PAGE_ORIGIN in script, "their app.js no longer finds the API by the page's origin"
    files["/js/app.js"] = script.replace(PAGE_ORIGIN, json.dumps(api), 1).encode("utf-8")
    return files


@contextmanager
def _page_server(files: dict[str, bytes]):
    """The page on an origin of its own (another port of 127.0.0.1)."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            kind = "text/html" if self.path == "/" else ("text/css" if self.path.endswith(".css") else "")
            kind = kind or ("application/javascript" if ".js" in self.path else "application/octet-stream")
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_libretranslates_own_page_from_another_origin_translates_text_and_a_file(browser, tmp_path_factory, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wheel = libretranslate_wheel(tmp_path_factory.mktemp("libretranslate-wheel"))
    article = tmp_path / "nota.md"
    article.write_text("# El presupuesto\n\nEl niño comió una manzana en el jardín.\n", encoding="utf-8")
    with running(Settings()) as api, _page_server(_rendered(wheel, api)) as page:
        assert page != api
        browser.get(page + "/")
        source = '//select[@aria-labelledby="sourceLangLabel"]/option[@value="es"]'
        WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.XPATH, source))
        Select(browser.find_element(By.CSS_SELECTOR, 'select[aria-labelledby="sourceLangLabel"]')).select_by_value("es")
        Select(browser.find_element(By.CSS_SELECTOR, 'select[aria-labelledby="targetLangLabel"]')).select_by_value("en")
        browser.find_element(By.ID, "textarea1").send_keys("El niño comió una manzana en el jardín.")
        WebDriverWait(browser, 60).until(lambda b: "apple" in b.find_element(By.ID, "textarea2").get_attribute("value"))
        translated = browser.find_element(By.ID, "textarea2").get_attribute("value")

        browser.find_elements(By.CSS_SELECTOR, "#translation-type-btns button")[1].click()
        WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "input[type=file]"))
        browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(article))
        WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.XPATH, '//button[normalize-space()="Translate"]'))
        browser.find_element(By.XPATH, '//button[normalize-space()="Translate"]').click()
        link = WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.XPATH, '//a[normalize-space()="Download"]'))
        download = link[0].get_attribute("href")
        error = browser.execute_script("return document.querySelector('#app').__vue__.error")
        with urllib.request.urlopen(download, timeout=30) as response:
            document = response.read().decode("utf-8")
    assert not error
    assert "apple" in translated and "garden" in translated and "jardín" not in translated
    assert download.startswith(api + "/download_file/")
    assert document.startswith("# ") and "apple" in document and "manzana" not in document
