"""`summarize serve`: LibreTranslate's client works unchanged, our endpoints give what the CLI's
JSON gives, requests are batched together, and every limit answers its status in one line."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from summarize.core.pipeline import Pipeline  # noqa: E402
from summarize.service.app import create_app  # noqa: E402
from summarize.service.settings import Settings  # noqa: E402
from tests.helpers import without_timings  # noqa: E402
from tests.serving import running  # noqa: E402

pytestmark = pytest.mark.skipif(not __import__("shutil").which("apertium"), reason="the service's default engines need Apertium")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
SPANISH = "El Ayuntamiento aprobó ayer el presupuesto. Los vecinos piden más parques."


def client(**settings) -> TestClient:
    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


def one_line_error(response) -> str:
    """The body of an error response: `{"error": one line}`, never a traceback."""
    body = response.json()
    assert set(body) <= {"error", "exit_code"}, body
    assert "\n" not in body["error"] and "Traceback" not in response.text
    return body["error"]


def test_libretranslatepy_client_works_unchanged():
    from libretranslatepy import LibreTranslateAPI

    expected = Pipeline(to="en", source="es").translate(SPANISH)
    with running(Settings()) as url:
        api = LibreTranslateAPI(url)
        assert api.translate(SPANISH, "es", "en") == "\n\n".join(expected["paragraphs"])
        assert api.translate(SPANISH, "auto", "en") == "\n\n".join(expected["paragraphs"])
        detected = api.detect(SPANISH)
        assert detected[0]["language"] == "es" and 50 < detected[0]["confidence"] <= 100
        languages = {entry["code"]: entry for entry in api.languages()}
        assert "en" in languages["es"]["targets"] and languages["es"]["name"] == "Spanish"


def test_translate_takes_form_and_json_lists_and_reports_the_detected_language():
    with client() as http:
        form = http.post("/translate", data={"q": SPANISH, "source": "auto", "target": "en"}).json()
        body = http.post("/translate", json={"q": [SPANISH, "Hola mundo."], "source": "auto", "target": "en"}).json()
        fixed = http.post("/translate", json={"q": SPANISH, "source": "es", "target": "en"}).json()
    assert form["translatedText"] == body["translatedText"][0] == fixed["translatedText"]
    assert body["translatedText"][1] == Pipeline(to="en", source="es").translate("Hola mundo.")["paragraphs"][0]
    assert form["detectedLanguage"]["language"] == "es" and form["detectedLanguage"]["confidence"] > 90
    # A short text: its most likely served language, as LibreTranslate does, with its confidence said.
    assert body["detectedLanguage"][1]["language"] == "es" and 0 < body["detectedLanguage"][1]["confidence"] < 100
    assert "detectedLanguage" not in fixed


def test_alternatives_and_frontend_settings_answer_as_libretranslate_does(tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("alpha\n")
    with client(api_keys_file=str(keys), char_limit=5000) as http:
        answer = http.post(
            "/translate", json={"q": ["Hola.", "Adiós."], "source": "es", "target": "en", "alternatives": 3, "api_key": "alpha"}
        ).json()
        settings = http.get("/frontend/settings").json()
    assert answer["alternatives"] == [[], []] and len(answer["translatedText"]) == 2
    assert settings["keyRequired"] is settings["apiKeys"] is True and settings["charLimit"] == 5000
    assert settings["frontendTimeout"] == 500
    assert settings["language"]["target"] == {"code": "en", "name": "English"}


def test_html_format_keeps_the_tags_and_translates_each_sentence_whole():
    markup = (
        '<p class="lead">El Gobierno aprobó ayer un plan <b>importante</b>\npara la <a href="/c">ciudad</a>.</p>'
        "<script>var hola = 1;</script><p>Buenos <i>días</i> a todos</p>"
    )
    with client() as http:
        answer = http.post("/translate", json={"q": markup, "source": "es", "target": "en", "format": "html"}).json()
    # The sentence is translated whole (not "The Government approved yesterday a plan" and
    # "important" apart), the bold word and the link carried onto their translations; "días"
    # alone is "days", which Apertium's "Good morning To all" does not hold: the <i> is kept, empty.
    assert answer["translatedText"] == (
        '<p class="lead">The Government approved yesterday an <b>important</b> plan for the <a href="/c">city</a>.</p>'
        "<script>var hola = 1;</script><p>Good morning To all<i></i></p>"
    )


def test_summarize_and_aligned_translation_give_what_the_cli_json_gives():
    text = EXAMPLE.read_text(encoding="utf-8")
    pipeline = Pipeline(to="en", length="short")
    with client() as http:
        summary = http.post("/summarize", json={"text": text, "length": "short"})
        aligned = http.post("/translate/aligned", json={"text": text, "target": "en"})
    assert summary.status_code == 200 and aligned.status_code == 200
    assert without_timings(summary.json()) == without_timings(pipeline.article(text))
    assert without_timings(aligned.json()) == without_timings(pipeline.translate(text))


class _Article(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"<html><head><title>Noticia</title></head><body><article><p>{SPANISH}</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_urls_are_fetched_only_over_http_and_only_from_private_addresses_when_allowed():
    site = ThreadingHTTPServer(("127.0.0.1", 0), _Article)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{site.server_address[1]}/noticia"
    try:
        with client() as http:
            refused = http.post("/summarize", json={"url": url})
            local_file = http.post("/summarize", json={"url": "file:///etc/passwd"})
        with client(allow_private_urls=True) as http:
            fetched = http.post("/summarize", json={"url": url, "length": "1"})
    finally:
        site.shutdown()
    assert refused.status_code == 400 and "loopback or private" in one_line_error(refused)
    assert local_file.status_code == 400 and "only http and https" in one_line_error(local_file)
    assert fetched.status_code == 200 and fetched.json()["metadata"]["languages"]["source"] == "es"


def test_bodies_over_the_limit_get_413_declared_or_streamed():
    with client(max_request_bytes=200) as http:
        declared = http.post("/translate", json={"q": "hola " * 100, "target": "en"})
        streamed = http.post(
            "/summarize",
            content=iter([b'{"text": "', b"hola " * 100, b'"}']),
            headers={"content-type": "application/json"},
        )
        small = http.post("/translate", json={"q": "Hola mundo.", "source": "es", "target": "en"})
    assert declared.status_code == 413 and "larger than 200 bytes" in one_line_error(declared)
    assert streamed.status_code == 413 and "larger than 200 bytes" in one_line_error(streamed)
    assert small.status_code == 200


def test_api_keys_are_required_and_rate_limited_per_key(tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("# desk keys\nalpha\nbeta  # the night desk\n")
    with client(api_keys_file=str(keys), requests_per_minute=2) as http:
        ask = lambda **extra: http.post("/translate", data={"q": "Hola.", "source": "es", "target": "en", **extra})  # noqa: E731
        missing, wrong = ask(), ask(api_key="gamma")
        first, second, third = ask(api_key="alpha"), ask(api_key="alpha"), ask(api_key="alpha")
        other_key = ask(api_key="beta")
        summary = http.post("/summarize", json={"text": SPANISH, "api_key": "beta"})
    # LibreTranslate's answers: 400 for a missing key, 403 for a wrong one.
    assert missing.status_code == 400 and one_line_error(missing) == "Please contact the server operator to get an API key"
    assert wrong.status_code == 403 and one_line_error(wrong) == "Invalid API key"
    assert first.status_code == second.status_code == 200
    assert third.status_code == 429 and "more than 2 requests per minute" in one_line_error(third)
    assert other_key.status_code == 200 and summary.status_code == 200


def test_a_request_over_the_timeout_gets_504_and_the_service_goes_on(monkeypatch):
    from summarize.core import jobs

    real_run = jobs.run

    def slow_run(documents, *rest):
        if any("despacio" in " ".join(d.paragraphs) for d in documents):
            time.sleep(2.5)
        return real_run(documents, *rest)

    monkeypatch.setattr(jobs, "run", slow_run)
    # Margins for a loaded machine: the quick request has a whole second for Apertium, and starts
    # half a second after the model thread has finished the abandoned call (2.5 s after it began).
    with client(request_timeout_s=1.0, max_batch=1) as http:
        slow = http.post("/translate", json={"q": "Hable despacio.", "source": "es", "target": "en"})
        time.sleep(2.0)  # the model thread finishes the abandoned call (a model call is not interruptible)
        quick = http.post("/translate", json={"q": "Hola mundo.", "source": "es", "target": "en"})
    assert slow.status_code == 504 and "Not done within 1 s" in one_line_error(slow)
    assert quick.status_code == 200


class _SlowArticle(_Article):
    def do_GET(self):
        time.sleep(2)
        super().do_GET()


def test_the_timeout_covers_the_whole_request_a_slow_url_included():
    site = ThreadingHTTPServer(("127.0.0.1", 0), _SlowArticle)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with client(allow_private_urls=True, request_timeout_s=0.5) as http:
            answer = http.post("/summarize", json={"url": f"http://127.0.0.1:{site.server_address[1]}/lenta"})
    finally:
        site.shutdown()
    assert answer.status_code == 504 and "Not done within 0.5 s" in one_line_error(answer)


def test_bad_requests_get_one_line_400_or_422():
    deep = b"[" * 100_000 + b"]" * 100_000
    with client() as http:
        answers = {
            "bad json": http.post("/translate", content=b'{"q": ', headers={"content-type": "application/json"}),
            "bad json ours": http.post("/summarize", content=b"{oops", headers={"content-type": "application/json"}),
            "no q": http.post("/translate", data={"target": "en"}),
            "unknown target": http.post("/translate", data={"q": "Hola", "target": "xx"}),
            "unknown source": http.post("/translate", data={"q": "Hola", "source": "zz", "target": "en"}),
            "bad length": http.post("/summarize", json={"text": SPANISH, "length": "huge"}),
            "bad order": http.post("/summarize", json={"text": SPANISH, "order": "backwards"}),
            "text and url": http.post("/summarize", json={"text": SPANISH, "url": "https://example.org/"}),
            "blank": http.post("/summarize", json={"text": "   "}),
            "unserved language": http.post("/summarize", json={"text": "Dzisiaj rada miasta przyjęła budżet na rok."}),
            "nested 100,000 deep": http.post("/translate", content=deep, headers={"content-type": "application/json"}),
            "nested 100,000 deep ours": http.post("/summarize", content=deep, headers={"content-type": "application/json"}),
            "api_key a list": http.post("/translate", json={"q": "Hola", "target": "en", "api_key": ["a", "b"]}),
            "api_key a list ours": http.post("/summarize", json={"text": SPANISH, "api_key": ["a"]}),
        }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "bad json": 400,
        "bad json ours": 400,
        "no q": 400,
        "unknown target": 400,
        "unknown source": 400,
        "bad length": 422,
        "bad order": 422,
        "text and url": 400,
        "blank": 400,
        "unserved language": 400,
        "nested 100,000 deep": 400,
        "nested 100,000 deep ours": 400,
        "api_key a list": 400,
        "api_key a list ours": 422,
    }
    for answer in answers.values():
        one_line_error(answer)
    assert one_line_error(answers["no q"]) == "Invalid request: missing q parameter"
    assert "Polish" in one_line_error(answers["unserved language"])


def test_a_fault_of_ours_is_a_500_in_one_line_without_a_traceback(monkeypatch):
    from summarize.core import jobs

    def broken(documents, *rest):
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr(jobs, "run", broken)
    with client() as http:
        answer = http.post("/translate", json={"q": "Hola.", "source": "es", "target": "en"})
    assert answer.status_code == 500
    assert one_line_error(answer) == "Internal error (RuntimeError); the server's log has the details"


def test_concurrent_requests_are_batched_together_and_each_gets_its_own_result(monkeypatch):
    from summarize.core import jobs
    from summarize.core.engines import Engines
    from summarize.core.records import Job
    from summarize.documents.readers import document_from_text
    from summarize.service.batcher import Batcher
    from summarize.service.metrics import Metrics

    sizes = []
    real_run = jobs.run

    def recorded(documents, *rest):
        sizes.append(len(documents))
        return real_run(documents, *rest)

    monkeypatch.setattr(jobs, "run", recorded)
    settings = Settings()
    texts = [f"El concejal {i} aprobó el presupuesto número {i}." for i in range(8)]

    async def all_at_once(max_batch: int) -> list[dict]:
        batcher = Batcher(max_batch, 500, Metrics(), Engines())
        options = settings.options("en", source="es")
        asked = [batcher.run(Job("translate", document_from_text(t, "q"), options)) for t in texts]
        results = await asyncio.gather(*asked)
        await batcher.close()
        return results

    together = asyncio.run(all_at_once(8))
    assert sizes == [8]
    alone = asyncio.run(all_at_once(1))
    assert sizes == [8] + [1] * 8
    expected = [Pipeline(to="en", source="es").translate(t)["paragraphs"] for t in texts]
    assert [r.paragraphs for r in together] == [r.paragraphs for r in alone] == expected
    assert all(str(i) in r.paragraphs[0] for i, r in enumerate(together))


def test_metrics_docs_models_and_health():
    with client() as http:
        http.post("/translate", json={"q": "Hola mundo.", "source": "es", "target": "en"})
        metrics = http.get("/metrics").text
        models = http.get("/models").json()
        health = http.get("/health").json()
        docs, schema = http.get("/docs"), http.get("/openapi.json").json()
    assert 'summarize_requests_total{route="/translate",status="200"} 1.0' in metrics
    assert "summarize_request_seconds_bucket" in metrics and "summarize_batch_documents_count 1.0" in metrics
    # Apertium's load is counted under the first source it serves (Catalan where its pair is installed).
    loaded = r'summarize_model_load_seconds\{alias="apertium",engine="apertium",source="[a-z]+",target="en",task="translation"\}'
    assert re.search(loaded, metrics)
    assert {e["alias"] for e in models["engines"]} == {"apertium", "textrank"}
    apertium = next(e for e in models["engines"] if e["alias"] == "apertium")
    assert apertium["calls"] == ["batches", "one sentence"] and apertium["rss_growth_mib"] >= 0
    assert models["rss_mib"] > 10
    assert any("using Apertium es->en instead" in note for note in models["notes"])
    assert health["status"] == "ok" and health["engines"] == 2
    assert docs.status_code == 200 and {"/translate", "/detect", "/languages", "/summarize"} <= set(schema["paths"])


def test_public_address_check():
    from summarize.documents.readers import check_public
    from summarize.errors import InputError

    for url in ("http://localhost/", "http://10.1.2.3/a", "http://[::1]:8080/", "http://169.254.169.254/latest"):
        with pytest.raises(InputError, match="loopback or private"):
            check_public(url)


def test_the_serve_command_starts_worker_processes_with_the_chosen_settings(tmp_path):
    """Two workers with the settings chosen; a file translated by one is downloaded from either
    (20 downloads, each on a new connection: every one 200), either's /metrics counts them all,
    and the rate limit counts the requests of both."""
    import socket
    import subprocess
    import sys
    import urllib.request

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "summarize", "serve", "--port", str(port), "--workers", "2", "--max-batch", "4"]
    command += ["--requests-per-minute", "6", "--runtimes", "ctranslate2,openvino"]  # no installed GGUF model ranked
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                models = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/models", timeout=5))
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        urls = [
            httpx.post(
                f"{base}/translate_file",
                data={"source": "es", "target": "en"},
                files={"file": (f"nota-{i}.md", f"# Nota {i}\n\n{SPANISH}\n".encode())},
                timeout=60,
            ).json()["translatedFileUrl"]
            for i in range(4)
        ]
        downloads = [httpx.get(urls[i % 4], timeout=60) for i in range(20)]
        metrics = [httpx.get(f"{base}/metrics", timeout=60).text for _ in range(4)]
        asked = [httpx.post(f"{base}/translate", json={"q": "Hola.", "source": "es", "target": "en"}) for _ in range(4)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert models["batching"]["max_batch"] == 4 and {e["alias"] for e in models["engines"]} == {"apertium", "textrank"}
    assert [d.status_code for d in downloads] == [200] * 20
    # Either worker answers /metrics with both workers' counts.
    counted = 'summarize_requests_total{route="/download_file/{name}",status="200"} 20.0'
    assert all(counted in page for page in metrics), metrics[0]
    # One rate limit across the workers: 4 uploads and 2 translations make the 6 a minute.
    assert [answer.status_code for answer in asked] == [200, 200, 429, 429]
    assert all(d.text == downloads[i % 4].text and "The City council approved" in d.text for i, d in enumerate(downloads))


def test_serve_on_a_busy_port_says_so_in_one_line_before_loading_anything():
    import socket

    from click.testing import CliRunner

    from summarize.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = CliRunner().invoke(cli, ["serve", "--port", str(taken.getsockname()[1])])
    assert result.exit_code == 1 and "cannot listen on 127.0.0.1:" in result.output
    assert "Traceback" not in result.output and "engines loaded" not in result.output


ACCENTED = "El niño comió una manzana en el jardín."


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (f"q={ACCENTED}&source=es&target=en".encode(), "application/x-www-form-urlencoded"),
        (f"q={ACCENTED}&source=es&target=en".encode("latin-1"), "application/x-www-form-urlencoded; charset=ISO-8859-1"),
        (b"q=El+ni%C3%B1o+comi%C3%B3+una+manzana+en+el+jard%C3%ADn.&source=es&target=en", "application/x-www-form-urlencoded"),
    ],
    ids=["raw-utf-8", "latin-1-declared", "percent-encoded"],
)
def test_a_form_body_keeps_its_accents_raw_declared_or_percent_encoded(body, content_type):
    """curl's `-d q=niño` sends the UTF-8 bytes unencoded; a declared charset is honoured."""
    expected = Pipeline(to="en", source="es").translate(ACCENTED)["paragraphs"][0]
    with client() as http:
        answer = http.post("/translate", content=body, headers={"content-type": content_type})
        detected = http.post("/detect", content=f"q={ACCENTED}".encode(), headers={"content-type": content_type.split(";")[0]})
    assert answer.status_code == 200 and answer.json()["translatedText"] == expected, answer.text
    assert "Ã" not in expected and detected.json()[0]["language"] == "es"


def test_a_form_body_that_is_not_its_charset_is_one_line_400():
    with client() as http:
        answer = http.post(
            "/translate", content=b"q=ni\xf1o&source=es&target=en", headers={"content-type": "application/x-www-form-urlencoded"}
        )
    assert answer.status_code == 400 and "not valid utf-8" in one_line_error(answer)


@pytest.mark.skipif(not __import__("shutil").which("curl"), reason="needs curl")
def test_the_documented_curl_form_example_gives_the_accented_text_back():
    import subprocess

    with running(Settings()) as url:
        done = subprocess.run(
            ["curl", "-s", f"{url}/translate", "-d", f"q={ACCENTED}", "-d", "source=es", "-d", "target=en"],
            capture_output=True,
            check=True,
        )
    expected = Pipeline(to="en", source="es").translate(ACCENTED)["paragraphs"][0]
    assert json.loads(done.stdout.decode("utf-8"))["translatedText"] == expected


def test_cors_headers_on_every_answer_and_preflights_answered_as_libretranslate():
    preflight = {
        "origin": "https://cms.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    with client() as http:
        asked = http.options("/translate", headers=preflight)
        answered = http.get("/languages", headers={"origin": "https://cms.example"})
        refused = http.post("/translate", json={"q": "x"}, headers={"origin": "https://cms.example"})
    assert asked.status_code == 200 and asked.headers["access-control-allow-origin"] == "*"
    assert (
        "POST" in asked.headers["access-control-allow-methods"]
        and "content-type" in asked.headers["access-control-allow-headers"].lower()
    )
    assert answered.headers["access-control-allow-origin"] == "*"
    assert refused.status_code == 400 and refused.headers["access-control-allow-origin"] == "*"
    with client(cors_origins=("https://cms.example",)) as http:
        mine = http.get("/languages", headers={"origin": "https://cms.example"})
        other = http.get("/languages", headers={"origin": "https://elsewhere.example"})
    assert mine.headers["access-control-allow-origin"] == "https://cms.example"
    assert "access-control-allow-origin" not in other.headers


def test_auto_detects_among_the_languages_served_into_the_target():
    """LibreTranslate detects among the languages it serves: a short text is not read as the
    target it is sent to; a text plainly in a language nothing serves is 400 naming it, in the
    API's words, and one in a language whose card has no weights here is 503 naming the download,
    as the CLI's exit 4; a text with no letters comes back as it is; /detect ranks served codes only."""
    with client() as http:
        hello = http.post("/translate", json={"q": "Hello world", "source": "auto", "target": "es"}).json()
        german = http.post(
            "/translate", json={"q": "Guten Morgen allerseits, wie geht es Ihnen heute?", "source": "auto", "target": "en"}
        )
        dutch = http.post(
            "/translate", json={"q": "Goedemorgen allemaal, hoe gaat het vandaag met jullie?", "source": "auto", "target": "en"}
        )
        emoji = http.post("/translate", json={"q": "😀 👍", "source": "auto", "target": "en"}).json()
        ranked = http.post("/detect", data={"q": "Bonjour à tous, comment allez-vous aujourd'hui ?"}).json()
        served = {entry["code"] for entry in http.get("/languages").json()}
    assert hello["detectedLanguage"]["language"] == "en"
    assert hello["translatedText"] == Pipeline(to="es", source="en").translate("Hello world")["paragraphs"][0]
    assert german.status_code == 503 and "summarize models download opus-mt-de-en" in one_line_error(german)
    message = one_line_error(dutch)
    assert dutch.status_code == 400 and "Dutch ('nl')" in message and "--from" not in message and "give source" in message
    assert emoji == {"translatedText": "😀 👍", "detectedLanguage": {"confidence": 0.0, "language": "en"}}
    assert ranked and {entry["language"] for entry in ranked} <= served


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"q": "Hola", "target": "en"}, 400, "Invalid request: missing source parameter"),
        ({"q": "Hola", "source": "es"}, 400, "Invalid request: missing target parameter"),
        ({"q": "Hola", "source": "es", "target": "zz"}, 400, "zz is not supported"),
        ({"q": "Hola", "source": "xx", "target": "en"}, 400, "xx is not supported"),
        # A language a card serves whose weights are not here: the command line's answer (exit 4), a 503.
        (
            {"q": "Hallo", "source": "de", "target": "en"},
            503,
            "'opus-mt-de-en' is not in the local cache and Apertium has no de->en pair; "
            "run 'summarize models download opus-mt-de-en' or install Apertium",
        ),
        ({"q": "Hola", "source": ["es"], "target": "en"}, 400, "Invalid request: source must be a string"),
        (
            {"q": "Hola", "source": "es", "target": "en", "alternatives": "abc"},
            400,
            "Invalid request: alternatives parameter is not a number",
        ),
        ({"q": "Hola", "source": "es", "target": "en", "format": "pdf"}, 400, "pdf format is not supported"),
        ({"q": "x" * 11, "source": "es", "target": "en"}, 400, "Invalid request: request (11) exceeds text limit (10)"),
        (
            {"q": ["Hola", "Adiós", "Sí"], "source": "es", "target": "en"},
            400,
            "Invalid request: request (3) exceeds text limit (2)",
        ),
        ({"q": "Hola", "source": "ES", "target": "EN"}, 200, None),
    ],
)
def test_libretranslates_parameters_and_limits_answer_as_it_does(body, status, error):
    with client(char_limit=10, batch_limit=2) as http:
        answer = http.post("/translate", json=body)
    assert answer.status_code == status, answer.text
    if error is not None:
        assert one_line_error(answer) == error
    else:
        assert answer.json()["translatedText"] == "Hello"


def test_the_spec_is_served_where_libretranslate_serves_it():
    with client() as http:
        spec, posted = http.get("/spec"), http.post("/spec")
    assert spec.status_code == 200 and "/translate" in spec.json()["paths"]
    assert posted.status_code == 405


def test_line_breaks_and_surrounding_spaces_come_back_as_sent():
    text = "  Hola mundo.\nAdiós.\n\n\tGracias.  "
    lines = Pipeline(to="en", source="es").translate("Hola mundo.\n\nAdiós.\n\nGracias.")["paragraphs"]
    with client() as http:
        answer = http.post("/translate", json={"q": text, "source": "es", "target": "en"}).json()
    assert answer["translatedText"] == f"  {lines[0]}\n{lines[1]}\n\n\t{lines[2]}  "


def test_suggestions_are_kept_in_their_file_when_on_and_refused_when_off(tmp_path):
    import sqlite3

    store = tmp_path / "suggestions.db"
    asked = {"q": "Hola mundo.", "s": "Hello, world.", "source": "es", "target": "en"}
    with client() as http:
        off = http.post("/suggest", data=asked)
    with client(suggestions_file=str(store)) as http:
        kept = http.post("/suggest", data=asked)
        missing = http.post("/suggest", data={**asked, "s": ""})
        settings = http.get("/frontend/settings").json()
    assert off.status_code == 403 and one_line_error(off) == "Suggestions are disabled on this server."
    assert kept.json() == {"success": True} and settings["suggestions"] is True
    assert missing.status_code == 400 and one_line_error(missing) == "Invalid request: missing s parameter"
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT q, s, source, target, received FROM suggestions").fetchall()
    assert [row[:4] for row in rows] == [("Hola mundo.", "Hello, world.", "es", "en")] and rows[0][4] > 0


def test_deep_translator_and_libretranslate_aio_clients_work_unchanged(tmp_path):
    import urllib.request

    from deep_translator import LibreTranslator
    from libretranslate_aio import LibreTranslate

    expected = "\n\n".join(Pipeline(to="en", source="es").translate(SPANISH)["paragraphs"])
    with running(Settings(suggestions_file=str(tmp_path / "suggestions.db"))) as url:
        # deep-translator sends its parameters in the query string, and insists on some key.
        assert LibreTranslator(source="es", target="en", custom_url=url + "/", api_key="unused").translate(SPANISH) == expected
        with LibreTranslate(url) as api:
            assert api.translate(SPANISH, "es", "en").translated_text == expected
            assert api.translate(SPANISH, "auto", "en").detected_language.language == "es"
            assert api.detect(SPANISH)[0].language == "es"
            assert "es" in {language.code for language in api.languages()}
            settings = api.frontend_settings()
            assert settings.suggestions is True and settings.frontend_timeout == 500 and settings.char_limit == -1
            assert api.suggest("Hola.", "Hello.", "es", "en") is True
            assert api.health() is True
            subtitles = tmp_path / "a.srt"
            subtitles.write_text("1\n00:00:01,000 --> 00:00:02,000\nBuenos días.\n", encoding="utf-8")
            translated = api.translate_file(subtitles, "es", "en")
            with urllib.request.urlopen(translated.translated_file_url) as response:
                assert response.read().decode("utf-8") == "1\n00:00:01,000 --> 00:00:02,000\nGood morning.\n\n"


def test_translate_file_gives_a_url_to_the_document_translated_in_its_format(tmp_path):
    import io

    import docx

    made = docx.Document()
    made.add_heading("El plan de la ciudad", 1)
    made.add_paragraph("El Gobierno aprobó ayer un plan importante para la ciudad.")
    written = io.BytesIO()
    made.save(written)
    with client() as http:
        settings = http.get("/frontend/settings").json()
        answer = http.post(
            "/translate_file",
            data={"source": "es", "target": "en"},
            files={"file": ("plan.docx", written.getvalue(), "application/octet-stream")},
        )
        assert answer.status_code == 200, answer.text
        url = answer.json()["translatedFileUrl"]
        download = http.get(url)
        unknown = http.post("/translate_file", data={"source": "es", "target": "en"}, files={"file": ("a.exe", b"MZ")})
        bomb = http.post("/translate_file", data={"source": "es", "target": "en"}, files={"file": ("a.docx", b"%PDF-1.7")})
        missing = http.get("/download_file/nothing.docx")
    assert settings["filesTranslation"] is True and ".docx" in settings["supportedFilesFormat"]
    assert url.endswith(".plan.en.docx") and download.status_code == 200
    assert 'filename="plan.en.docx"' in download.headers["content-disposition"]
    back = docx.Document(io.BytesIO(download.content))
    english = ["The plan of the city", "The Government approved yesterday an important plan for the city."]
    assert [p.text for p in back.paragraphs] == english
    assert unknown.status_code == 400 and "file format not supported" in unknown.json()["error"]
    assert bomb.status_code == 400 and "is a PDF" in bomb.json()["error"]
    assert missing.status_code == 404


def test_translate_file_takes_plain_text_with_its_lines_an_epub_and_a_pdf_as_text(tmp_path):
    import io
    import urllib.request
    import zipfile

    from libretranslate_aio import LibreTranslate

    from tests.books import epub
    from tests.hostile_files import pdf_text

    lines = "El Ayuntamiento aprobó ayer\nel presupuesto.\n\n  Los vecinos piden más parques.\n"
    expected = Pipeline(to="en", source="es").translate(SPANISH)["paragraphs"][0].split(". ")
    with running(Settings()) as url, LibreTranslate(url) as api:
        supported = api.frontend_settings().supported_files_format
        note = tmp_path / "nota.txt"
        note.write_text(lines, encoding="utf-8")
        with urllib.request.urlopen(api.translate_file(note, "es", "en").translated_file_url) as response:
            text, text_name = response.read().decode("utf-8"), response.headers["content-disposition"]
        report = tmp_path / "informe.pdf"
        report.write_bytes(pdf_text(SPANISH))
        with urllib.request.urlopen(api.translate_file(report, "es", "en").translated_file_url) as response:
            pdf, pdf_name = response.read().decode("utf-8"), response.headers["content-disposition"]
        book = tmp_path / "libro.epub"
        book.write_bytes(epub())
        with urllib.request.urlopen(api.translate_file(book, "es", "en").translated_file_url) as response:
            translated_book = response.read()
    assert {".txt", ".pdf", ".docx", ".epub"} <= set(supported)
    first, second = text.split("\n\n  ")
    assert first.count("\n") == 1 and " ".join(first.split()) == expected[0] + "." and second == expected[1] + "\n"
    assert 'filename="nota.en.txt"' in text_name
    assert pdf == " ".join(expected[0:1]) + ". " + expected[1] + "\n" and 'filename="informe.en.txt"' in pdf_name
    with zipfile.ZipFile(io.BytesIO(translated_book)) as archive:
        assert "<h1>Chapter two</h1>" in archive.read("OEBPS/chapter 1.xhtml").decode("utf-8")


def test_alternatives_are_the_beam_search_s_next_best(tiny_models):
    from summarize.core.options import Options

    job = Options(translator=str(tiny_models["marian"]))
    with client(job=job) as http:
        answer = http.post(
            "/translate", json={"q": [SPANISH, "Hola mundo."], "source": "es", "target": "en", "alternatives": 2}
        ).json()
    assert len(answer["alternatives"]) == 2
    for translated, alternatives in zip(answer["translatedText"], answer["alternatives"]):
        assert len(alternatives) <= 2 and translated not in alternatives and len(set(alternatives)) == len(alternatives)
    assert any(answer["alternatives"])
    with client(job=job) as http:
        many = http.post("/translate", json={"q": "Hola mundo.", "source": "es", "target": "en", "alternatives": 10**9}).json()
    assert len(many["alternatives"]) <= 10  # the beam stays bounded


def test_the_workers_settings_name_the_glossary_by_its_path(tmp_path, monkeypatch):
    """5,000 terms: the settings handed to the workers stay far under the 128 KiB an environment
    variable holds, and each worker reads the same terms back from the file."""
    from summarize.core.options import Options
    from summarize.service.settings import ENVIRONMENT

    glossary = tmp_path / "terms.csv"
    glossary.write_text("".join(f"término{i},term{i}\n" for i in range(5000)), encoding="utf-8")
    settings = Settings(job=Options(glossary=str(glossary)), max_batch=4)
    handed = settings.to_environment()
    monkeypatch.setenv(ENVIRONMENT, handed)
    assert len(handed) < 4096 and Settings.from_environment() == settings


@pytest.mark.parametrize(
    ("text", "paragraphs_read"),
    [
        ("El Ayuntamiento de Valencia aprobó ayer por la tarde\nel presupuesto municipal para el año que viene.", 1),
        (
            "El Ayuntamiento de Valencia aprobó ayer el presupuesto municipal para el año que viene.\n"
            "The opposition voted against the budget because it cuts public transport spending in the city.",
            2,
        ),
    ],
    ids=["a sentence across a line break", "a Spanish line, then an English one"],
)
def test_translate_reads_lines_as_the_command_line_does_and_keeps_them(text, paragraphs_read):
    """A sentence across a line break is one sentence, its translation split back across its
    lines; a line in another language than the text's is read in its own: the command line's
    translations, in the text's lines."""
    from click.testing import CliRunner

    from summarize.cli import cli

    ours = CliRunner().invoke(cli, ["translate", "--text", text, "--format", "json"])
    paragraphs = json.loads(ours.stdout)["paragraphs"]
    assert len(paragraphs) == paragraphs_read
    with client() as http:
        answer = http.post("/translate", json={"q": text, "source": "auto", "target": "en"}).json()
    lines = answer["translatedText"].split("\n")
    assert len(lines) == text.count("\n") + 1 and all(lines)
    assert " ".join(lines) == " ".join(paragraphs) and "Ayuntamiento" not in answer["translatedText"]
