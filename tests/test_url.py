"""`summarize article URL` against a page served on 127.0.0.1 by the test itself."""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from tests.corpus import ENGLISH
from tests.helpers import http_site

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
    with http_site(_Handler) as url:
        yield url


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


def _resolver(answers: list[str], calls: list[str]):
    """A getaddrinfo that answers each name with the next of `answers` (the last one again
    after that), as a name server changing its answer would."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host.replace(".", "").isdigit():  # an address: no name server involved
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (host, port or 0))]
        calls.append(host)
        address = answers[min(len(calls), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    return getaddrinfo


def test_a_name_that_turns_private_after_the_check_is_not_fetched(server, monkeypatch):
    """DNS rebinding: the URL check sees a public address, the connection would see loopback."""
    from summarize.documents.readers import read_source
    from summarize.errors import InputError

    port = server.rsplit(":", 1)[1]
    calls: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", _resolver(["93.184.216.34", "127.0.0.1"], calls))
    with pytest.raises(InputError, match=r"'news.example' is a loopback or private address \(127.0.0.1\)"):
        read_source(f"http://news.example:{port}/news/budget", public_only=True)
    assert calls == ["news.example", "news.example"]


def test_the_connection_goes_to_the_address_that_was_checked(server, monkeypatch):
    """The name is resolved once per connection and the socket opened to that very address
    (here loopback, counted as public for the test): no second lookup in between."""
    from summarize.documents import readers

    port = server.rsplit(":", 1)[1]
    calls: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", _resolver(["127.0.0.1"], calls))
    monkeypatch.setattr(readers, "is_public", lambda address: True)
    document = readers.read_source(f"http://news.example:{port}/news/budget", public_only=True)
    assert "Council" in " ".join(document.paragraphs)
    assert calls == ["news.example", "news.example"]  # the URL check, then the connection's own
