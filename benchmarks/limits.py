"""Time and peak memory of `summarize article` on the inputs that once blew up (README, "Limits").

Builds each input in a temporary folder from the example articles, runs the installed command
once per input in its own process, and prints wall time, peak RSS and what came out:

    python benchmarks/limits.py [--only NAME]

- one-word lines: 100,000 lines of one Spanish word each (Apertium es->en, then TextRank), and the
  same with `--from es --to es` (no translation);
- one unpunctuated line of 5 MB, English and Spanish (transcripts, captions);
- one paragraph of ordinary sentences on one line: 500 KB (article, English and Spanish, and
  translate) and 5 MB (article, and one JSONL row through `batch --task translate`);
- the largest input accepted: just under 20 MiB of English paragraphs, the example's repeated,
  and as many paragraphs no two of which start alike (random words of the example);
- what a small file's content asks for (tests/hostile_files.py builds them; `translate` es->en
  through Apertium): an .odt whose space element counts 300,000,000 spaces, a .docx paragraph of
  40,000 runs alternating plain and bold, an .html of 240 KB of unclosed comments (and 120 KB of
  them through the service's `POST /translate` with `format=html`, timing `/health` meanwhile),
  and a 700 MB Ollama manifest (sparse); an HTML page of 200 KB of unclosed noscript elements
  (`article`), and a sentence holding a run of 100,000 full stops.

The language check's seconds and share of the wall time are printed for `article`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import hostile_files as hostile  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SPANISH = (EXAMPLES / "noticia-valencia.es.txt").read_text(encoding="utf-8")
ENGLISH = (EXAMPLES / "council-budget.en.txt").read_text(encoding="utf-8")
# Peak RSS of one child, measured by a parent that runs nothing else.
_MEASURE = (
    "import json, resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, "
    "text=True); print(json.dumps({'rc': done.returncode, 'out': done.stdout, 'err': done.stderr, "
    "'peak_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
)


def _one_word_lines(count: int) -> str:
    words = SPANISH.split()
    return "\n".join(random.choice(words) for _ in range(count))


def _unpunctuated(text: str, size: int) -> str:
    words = [w.strip(".,;:") for w in text.split()]
    chosen, total = [], 0
    while total < size:
        chosen.append(random.choice(words))
        total += len(chosen[-1]) + 1
    return " ".join(chosen)


def _one_paragraph(sentence: str, size: int) -> str:
    return " ".join([sentence] * (size // (len(sentence) + 1)))


def _jsonl_row(text: str) -> str:
    return json.dumps({"id": "row", "text": text}, ensure_ascii=False) + "\n"


EN_SENTENCE = "The council approved the budget yesterday."
ES_SENTENCE = "El consejo aprobó el presupuesto ayer."


def _largest(text: str, size: int) -> str:
    return "\n\n".join([text.strip()] * (size // (len(text.encode()) + 2)))


def _distinct_paragraphs(text: str, size: int) -> str:
    words = [w.strip(".,;:\"'()").lower() for w in text.split()]
    paragraphs, total = [], 0
    while total < size:
        sentences = [" ".join(random.choices(words, k=random.randint(12, 25))).capitalize() + "." for _ in range(3)]
        paragraphs.append(" ".join(sentences))
        total += len(paragraphs[-1].encode()) + 2
    return "\n\n".join(paragraphs[:-1])


def _sparse_manifest(folder: Path) -> Path:
    """A 700 MB Ollama manifest (sparse), in a store under `folder`, of the model `ollama:big`."""
    manifest = folder / "ollama" / "manifests" / "registry.ollama.ai" / "library" / "big" / "latest"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with manifest.open("wb") as handle:
        handle.truncate(700 * 2**20)
    return manifest


ARTICLE = ["article", "{input}", "--format", "json"]
TRANSLATE = ["translate", "{input}", "--from", "es", "--engine", "apertium", "--format", "json"]
# Name: (the input, the command line; {input} and {out} are paths in a temporary folder, and
# {input} ends as the command's own suffix says: `{input}.odt`).
CASES = {
    "100,000 one-word lines, es->en": (lambda: _one_word_lines(100_000), ARTICLE),
    "100,000 one-word lines, es->es": (lambda: _one_word_lines(100_000), [*ARTICLE, "--from", "es", "--to", "es"]),
    "5 MB unpunctuated line, en": (lambda: _unpunctuated(ENGLISH, 5_000_000), ARTICLE),
    "5 MB unpunctuated line, es->en": (lambda: _unpunctuated(SPANISH, 5_000_000), ARTICLE),
    "500 KB one paragraph of sentences, en": (lambda: _one_paragraph(EN_SENTENCE, 500_000), ARTICLE),
    "500 KB one paragraph of sentences, es->en": (lambda: _one_paragraph(ES_SENTENCE, 500_000), ARTICLE),
    "500 KB one paragraph of sentences, translate es->en": (
        lambda: _one_paragraph(ES_SENTENCE, 500_000),
        ["translate", "{input}", "--format", "json"],
    ),
    "5 MB one paragraph of sentences, en": (lambda: _one_paragraph(EN_SENTENCE, 5_000_000), ARTICLE),
    "5 MB one paragraph in a JSONL row, batch translate es->en": (
        lambda: _jsonl_row(_one_paragraph(ES_SENTENCE, 5_000_000)),
        ["batch", "{input}", "--out", "{out}", "--task", "translate", "--from", "es"],
        ".jsonl",
    ),
    "20 MiB of English paragraphs": (lambda: _largest(ENGLISH, 20 * 1024 * 1024 - 4096), ARTICLE),
    "20 MiB of distinct English paragraphs": (lambda: _distinct_paragraphs(ENGLISH, 20 * 1024 * 1024 - 4096), ARTICLE),
    ".odt counting 300,000,000 spaces": (
        lambda: hostile.odt(f'Hola<text:s text:c="300000000"/>mundo. {hostile.SENTENCE}'),
        [*TRANSLATE, "-o", "{out}.odt"],
        ".odt",
    ),
    ".docx paragraph of 40,000 alternating runs": (lambda: hostile.docx(runs=40_000), [*TRANSLATE, "-o", "{out}.docx"], ".docx"),
    ".html of 240 KB of unclosed comments": (
        lambda: f"<p>{hostile.SENTENCE}</p>" + "<!--" * 60_000,
        [*TRANSLATE, "-o", "{out}.html"],
        ".html",
    ),
    "page of 200 KB of unclosed noscript elements": (
        lambda: f"<html><body><p>{hostile.SENTENCE}</p>{'<noscript>' * 20_000}</body></html>",
        ["article", "{input}", "--from", "es", "--format", "json"],
        ".html",
    ),
    "a run of 100,000 full stops in a sentence": (
        lambda: f"El plan {'.' * 100_000}x. Los vecinos piden más parques.",
        ["translate", "{input}", "--from", "es", "--engine", "apertium", "--format", "json"],
    ),
    "700 MB Ollama manifest": (lambda: "", ["translate", "--text", "Hola.", "--from", "es", "--model", "{manifest}"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="Run only the cases whose name contains this.")
    args = parser.parse_args()
    random.seed(0)
    summarize = Path(sys.executable).with_name("summarize")
    columns = "input, size, exit, wall s, language check s (share), peak RSS MiB, sentences, chunks per level, summary words"
    print("| " + " | ".join(columns.split(", ")) + " |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        manifest = _sparse_manifest(Path(folder))
        environment = {**os.environ, "OLLAMA_MODELS": str(Path(folder) / "ollama")}
        for name, (build, command, *suffix) in CASES.items():
            if args.only and args.only not in name:
                continue
            path = Path(folder) / f"input{suffix[0] if suffix else '.txt'}"
            argv = [part.format(input=path, out=Path(folder) / "out.jsonl", manifest="ollama:big") for part in command]
            sized = manifest if "{manifest}" in command else path
            made = build()
            path.write_bytes(made) if isinstance(made, bytes) else path.write_text(made, encoding="utf-8")
            (Path(folder) / "out.jsonl").unlink(missing_ok=True)
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, str(summarize), *argv], capture_output=True, text=True, env=environment
            )
            seconds = time.perf_counter() - start
            run = json.loads(done.stdout)
            counts, words, check = {}, "-", "-"
            if run["rc"] == 0 and run["out"].strip():
                result = json.loads(run["out"])
                counts = result["metadata"].get("counts", {})
                words = len(result["summary"].split()) if "summary" in result else "-"
                detect = result["metadata"].get("timings_s", {}).get("detect")
                check = f"{detect:.1f} ({detect / seconds:.0%})" if detect is not None else "-"
            elif run["rc"] != 0:
                print(f"  {name}: {run['err'].strip().splitlines()[-1:]}", file=sys.stderr)
            print(
                f"| {name} | {sized.stat().st_size / 1e6:.1f} MB | {run['rc']} | {seconds:.1f} | {check} | "
                f"{run['peak_kib'] / 1024:.0f} | {counts.get('sentences', '-')} | "
                f"{counts.get('chunks_per_level', '-')} | {words} |",
                flush=True,
            )
        if not args.only or args.only in SERVICE_CASE:
            _service_row(summarize)


SERVICE_CASE = "120 KB of unclosed comments, POST /translate format=html"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _service_row(summarize: Path) -> None:
    """`summarize serve` in its own process: the request's seconds and HTTP status, the server's
    peak RSS, and the longest wait for `/health` while the request ran (printed on stderr)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(summarize), "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the service did not start") from None
                time.sleep(0.2)
        page = f"<p>{hostile.SENTENCE}</p>" + "<!--" * 30_000
        body = json.dumps({"q": page, "source": "es", "target": "en", "format": "html"}).encode()
        outcome, waits = {}, []

        def post():
            request = urllib.request.Request(f"{url}/translate", body, {"content-type": "application/json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=600) as response:
                    outcome["status"] = response.status
            except urllib.error.HTTPError as error:
                outcome["status"] = error.code
            outcome["seconds"] = time.perf_counter() - started

        poster = threading.Thread(target=post)
        poster.start()
        while poster.is_alive():
            started = time.perf_counter()
            urllib.request.urlopen(f"{url}/health", timeout=600).close()
            waits.append(time.perf_counter() - started)
            time.sleep(0.05)
        poster.join()
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak_kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"  {SERVICE_CASE}: longest /health wait {max(waits, default=0):.2f} s over {len(waits)} calls", file=sys.stderr)
    print(
        f"| {SERVICE_CASE} | {len(body) / 1e6:.1f} MB | HTTP {outcome['status']} | {outcome['seconds']:.1f} | - | "
        f"{peak_kib / 1024:.0f} (server) | - | - | - |",
        flush=True,
    )


if __name__ == "__main__":
    main()
