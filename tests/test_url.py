"""`summarize article URL` against a page served on 127.0.0.1 by the test itself."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from tests.corpus import ENGLISH

PAGE = (
    "<!doctype html><html><head><title>Council budget</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Council approves budget</h1>"
    + "".join(f"<p>{ENGLISH[i]} {ENGLISH[i + 1]}</p>" for i in range(0, 10, 2))
    + "</article><footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/missing":
            self.send_error(404, "Not Found")
            return
        body = PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_article_from_a_url_summarises_the_main_text(server):
    result = CliRunner().invoke(cli, ["article", f"{server}/news/budget", "--format", "json", "--length", "long"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metadata"]["source"].endswith("/news/budget")
    assert data["metadata"]["counts"]["paragraphs"] >= 5
    assert "Copyright" not in data["summary"] and "Home" not in data["summary"]
    assert any(sentence in data["summary"] for sentence in ENGLISH)


def test_http_error_is_one_line(server):
    result = CliRunner().invoke(cli, ["article", f"{server}/missing"])
    assert result.exit_code == 2
    assert "404" in result.output and result.output.count("\n") == 1


def test_unreachable_url_is_one_line():
    result = CliRunner().invoke(cli, ["article", "http://127.0.0.1:9/nothing"])
    assert result.exit_code == 2 and "cannot be fetched" in result.output
