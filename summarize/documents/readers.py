"""Read a source (a path, `-` for stdin, or an http(s) URL) into a Document."""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from summarize.documents import format_of, text_of
from summarize.errors import InputError
from summarize.limits import limit, limit_said
from summarize.text.document import Document, split_paragraphs
from summarize.text.files import decode, read_bytes, read_file

# Bytes read from a URL per call, so that the deadline is checked between reads.
_READ_BLOCK = 65536
# How much of the start of a file tells HTML apart.
_HTML_HEAD_CHARS = 512


def read_source(source: str, max_bytes: int | None = None, public_only: bool = False) -> Document:
    """Read `source` whole; refuse what cannot be read as text, never cut it. `public_only`: a
    URL (and every redirect) must lead to a public address, not loopback or a private network."""
    max_bytes = max_bytes or int(limit("max_input_bytes"))
    if source.startswith(("http://", "https://")):
        raw, origin, is_html = _fetch(source, max_bytes, public_only)
    elif source == "-":
        raw, origin, is_html = _read_stdin(max_bytes), "<stdin>", False
    else:
        file_format = format_of(source)
        if file_format is not None and file_format.name not in ("html", "text"):
            return text_of(read_file(Path(source), file_format.binary, max_bytes), source, file_format)
        raw, origin = read_bytes(Path(source), max_bytes), source
        is_html = file_format is not None and file_format.name == "html"
    if len(raw) > max_bytes:
        raise InputError(f"{origin}: larger than {max_bytes / 2**20:g} MiB ({limit_said('max_input_bytes')}); split it first")
    text = decode(raw, origin)
    if is_html or _looks_like_html(text):
        text = extract_main_text(text, origin)
    return document_from_text(text, origin)


def document_from_text(text: str, origin: str) -> Document:
    """The paragraphs of `text`; blank text is refused."""
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise InputError(f"{origin}: no text to read (the input is empty or blank)")
    return Document(tuple(paragraphs), origin)


def _read_stdin(max_bytes: int) -> bytes:
    try:
        return sys.stdin.buffer.read(max_bytes + 1)
    except (AttributeError, OSError, ValueError):
        raise InputError("standard input is closed; pass a file or a URL") from None


def _fetch(url: str, max_bytes: int, public_only: bool) -> tuple[bytes, str, bool]:
    """The body of `url` within one overall deadline (a server that drips bytes is stopped too);
    proxies from the environment are used; a password in the URL is never printed."""
    shown = redact(url)
    deadline = time.monotonic() + limit("url_deadline_s")
    opener = urllib.request.build_opener(*(_public_only_handlers() if public_only else ()))
    try:
        if public_only:
            check_public(url)
        request = urllib.request.Request(url, headers={"User-Agent": "summarize/0.1"})
        with opener.open(request, timeout=limit("network_timeout_s")) as response:
            content_type = response.headers.get("Content-Type", "")
            _refuse_non_text(content_type, shown)
            raw = bytearray()
            while len(raw) <= max_bytes:
                if time.monotonic() > deadline:
                    raise InputError(
                        f"{shown}: not fetched within {limit('url_deadline_s')} s (SUMMARIZE_URL_DEADLINE_S sets the limit)"
                    )
                block = response.read1(_READ_BLOCK)
                if not block:
                    break
                raw += block
    except urllib.error.HTTPError as exc:
        raise InputError(f"{shown}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        raise InputError(f"{shown}: cannot be fetched ({redact(str(reason))})") from None
    return bytes(raw), shown, "html" in content_type


def check_public(url: str) -> None:
    """Refuse a URL whose host is, or resolves to, a loopback, private, link-local or reserved
    address: a service must not be made to fetch from its own network."""
    host = urllib.parse.urlsplit(url).hostname or ""
    _public_addresses(host, None, redact(url))


def _public_addresses(host: str, port: int | None, shown: str) -> list[tuple]:
    """The addresses `host` resolves to (getaddrinfo's entries), refused unless all are public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise InputError(f"{shown}: the host '{host}' cannot be resolved") from None
    for info in infos:
        address = info[4][0]
        if not is_public(address):
            raise InputError(f"{shown}: '{host}' is a loopback or private address ({address}), not fetched here")
    return infos


def is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_global


def _connect_public(address: tuple, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None) -> socket.socket:
    """socket.create_connection to the addresses just resolved and checked, never to a second
    answer of the name server: a name that changes between the check and the connection
    (DNS rebinding) cannot lead inside."""
    host, port = address
    error: OSError | None = None
    for *_, sockaddr in _public_addresses(host, port, host):
        try:
            return socket.create_connection(sockaddr[:2], timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or OSError(f"no address for {host}")


class _PublicAddressesOnly:
    """An HTTP(S) connection that connects through _connect_public."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPConnection(_PublicAddressesOnly, http.client.HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicAddressesOnly, http.client.HTTPSConnection):
    pass


def _proxied(request: urllib.request.Request) -> bool:
    """Sent through a proxy from the environment: the proxy resolves the name, so only the URL's
    name can be checked (check_public, on the URL and on every redirect)."""
    return request.has_proxy() or bool(request._tunnel_host)


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(http.client.HTTPConnection if _proxied(req) else _PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(http.client.HTTPSConnection if _proxied(req) else _PublicHTTPSConnection, req, context=self._context)


class _PublicRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed only to public addresses."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _public_only_handlers() -> tuple:
    """The opener's handlers for `public_only`: every connection and redirect to public addresses."""
    return (_PublicHTTPHandler(), _PublicHTTPSHandler(), _PublicRedirects())


def _refuse_non_text(content_type: str, shown: str) -> None:
    """Pages and plain text are articles; JSON, images, PDFs and archives are not."""
    kind = content_type.split(";")[0].strip().lower()
    if kind and not (kind.startswith("text/") or kind in ("application/xhtml+xml", "application/xml")):
        raise InputError(f"{shown}: the server sent {kind}, not a page or plain text")


def redact(text: str) -> str:
    """`text` with any password in a URL (`https://user:secret@host`) masked."""
    return _USERINFO.sub(r"\1***@", text)


_USERINFO = re.compile(r"(\w+://[^/@\s:]*:)[^/@\s]*@")


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:_HTML_HEAD_CHARS].lower()
    return head.startswith(("<!doctype html", "<html"))


# What a page shows when scripts are off ("Enable JavaScript"): never the article.
_NOSCRIPT_OPEN = re.compile(r"<noscript\b", re.IGNORECASE)
_NOSCRIPT_CLOSE = re.compile(r"</noscript\s*>", re.IGNORECASE)


def _without_noscript(html: str) -> str:
    """`html` less its noscript elements, each up to its first close, in linear time: once no
    close follows an opening, none follows a later one (a regex's lazy `.*?` looked from each
    opening to the end: 200 KB of unclosed ones took 14 s)."""
    kept, at = [], 0
    while (opening := _NOSCRIPT_OPEN.search(html, at)) is not None:
        closing = _NOSCRIPT_CLOSE.search(html, opening.end())
        if closing is None:
            break
        kept += [html[at : opening.start()], " "]
        at = closing.end()
    kept.append(html[at:])
    return "".join(kept)


def extract_main_text(html: str, origin: str) -> str:
    """The article's main text from an HTML page (trafilatura), paragraphs kept."""
    import trafilatura

    html = _without_noscript(html)
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise InputError(f"{origin}: no article text could be found in the page")
    return text.replace("\n", "\n\n")
