"""Seconds per page of a 20-page Word file translated in its own format, and the share of the
time spent outside the engine (reading the zip, segmentation, span lookups, writing the file).

    python benchmarks/documents.py [--pages 20] [--runs 5] [--engine apertium]

Each page: a heading, three paragraphs of three Spanish sentences with a bold word inside one,
and a 3x2 table. The engine's own time is measured around its `translate` calls."""

from __future__ import annotations

import argparse
import io
import statistics
import time

from summarize.bench.environment import describe

SENTENCES = [
    "El Ayuntamiento aprobó ayer el presupuesto municipal para el próximo año.",
    "La oposición criticó que el plan no incluye medidas contra las inundaciones.",
    "Los vecinos de los barrios del sur llevan años pidiendo un nuevo centro de salud.",
]


def word_file(pages: int) -> bytes:
    import docx

    made = docx.Document()
    made.sections[0].header.paragraphs[0].text = "Informe anual del Ayuntamiento"
    for page in range(pages):
        made.add_heading(f"Capítulo {page + 1}: las cuentas de la ciudad", 1)
        for _ in range(3):
            paragraph = made.add_paragraph(" ".join(SENTENCES) + " El gasto social crece un ")
            paragraph.add_run("importante").bold = True
            paragraph.add_run(" porcentaje este año.")
        table = made.add_table(rows=3, cols=2)
        for cell, text in zip(table._cells, ["Barrio", "Población", "Centro", "12.000", "Sur", "45.000"]):
            cell.text = text
        made.add_page_break()
    written = io.BytesIO()
    made.save(written)
    return written.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engine", default="apertium")
    args = parser.parse_args()

    from summarize import Pipeline
    from summarize.documents import FORMATS
    from summarize.documents.translation import translate_document

    data = word_file(args.pages)
    pipeline = Pipeline(to="en", source="es", engine=args.engine, notify=lambda message: None)
    engine = pipeline.engines.translator("es", "en").engine
    inside = [0.0]
    translate = engine.translate

    def timed(*a, **k):
        start = time.perf_counter()
        try:
            return translate(*a, **k)
        finally:
            inside[0] += time.perf_counter() - start

    engine.translate = timed
    totals, shares = [], []
    for _ in range(args.runs + 1):
        inside[0] = 0.0
        start = time.perf_counter()
        document = FORMATS[".docx"].read(data, "report.docx")
        written, result = translate_document(document, pipeline, "docx")
        total = time.perf_counter() - start
        totals.append(total)
        shares.append((total - inside[0]) / total)
    totals, shares = totals[1:], shares[1:]  # the first run warms the caches
    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    size = f"{len(data) / 1024:.0f} KiB, {len(document.units)} units"
    print(f"{args.pages}-page .docx ({size}), engine {args.engine}, {args.runs} runs")
    print(
        f"seconds per page: median {statistics.median(totals) / args.pages:.3f} "
        f"(range {min(totals) / args.pages:.3f}-{max(totals) / args.pages:.3f})"
    )
    print(f"share outside the engine: median {statistics.median(shares):.1%} (range {min(shares):.1%}-{max(shares):.1%})")
    counts = result["metadata"]["document"]
    print(f"inline formatting kept {counts['inline_formatting_kept']}, lost {counts['inline_formatting_lost']}")


if __name__ == "__main__":
    main()
