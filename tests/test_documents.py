"""Documents translated in their own format: real files built with each format's library,
translated from Spanish through Apertium by the command line, read back with the library."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
import zlib

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from summarize.documents.base import Unit
from summarize.documents.placing import SUBTITLE_LINE, project, split_across, wrapped

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
APERTIUM = ["--to", "en", "--from", "es", "--engine", "apertium"]
SENTENCE = "El Gobierno aprobó ayer un plan "
AFTER_BOLD = " para reducir el riesgo de inundaciones en los barrios del sur."


def _translate(source, output, *extra):
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(output), *APERTIUM, *extra])
    assert result.exit_code == 0, result.output
    return result


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entries(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _untouched_entries_identical(before, after, changed):
    old, new = _entries(before), _entries(after)
    assert list(old) == list(new)
    kept = [name for name in old if name not in changed]
    assert kept and all(old[name] == new[name] for name in kept)


def _english(text: str) -> bool:
    spanish = {"el", "la", "los", "las", "del", "para", "de", "un", "una", "y"}
    words = [w.strip(".,;:").lower() for w in text.split()]
    return bool(words) and not spanish & set(words)


@needs_apertium
def test_word_file_keeps_its_structure_and_the_bold_word(tmp_path):
    import docx

    made = docx.Document()
    made.add_heading("El plan de la ciudad", 1)
    paragraph = made.add_paragraph(SENTENCE)
    paragraph.add_run("importante").bold = True
    paragraph.add_run(AFTER_BOLD)
    made.add_paragraph("Primer punto de la lista", style="List Bullet")
    table = made.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Ciudad", "Población", "Sevilla", "684.234"]):
        cell.text = text
    made.sections[0].header.paragraphs[0].text = "Informe anual del ayuntamiento"
    source, output = tmp_path / "plan.docx", tmp_path / "plan.en.docx"
    made.save(source)
    digest = _digest(source)
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(output), *APERTIUM, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert _digest(source) == digest
    back, before = docx.Document(output), docx.Document(source)
    assert [p.style.name for p in back.paragraphs] == [p.style.name for p in before.paragraphs]
    assert [p.text for p in back.paragraphs][0] == "The plan of the city"
    runs = [(run.text, run.bold) for run in back.paragraphs[1].runs]
    assert ("important", True) in runs and all(_english(text) for text, _ in runs if text.strip())
    assert _english(back.paragraphs[2].text)
    assert [[c.text for c in row.cells] for row in back.tables[0].rows] == [["City", "Population"], ["Seville", "684.234"]]
    assert back.sections[0].header.paragraphs[0].text == "Annual report of the city council"
    _untouched_entries_identical(source, output, {"word/document.xml", "word/header1.xml"})
    counts = __import__("json").loads(result.stdout[result.stdout.index("{") :])["metadata"]["document"]
    assert counts["units"] == {"cell": 4, "header": 1, "heading": 1, "list item": 1, "paragraph": 1}
    assert counts["inline_formatting_kept"] == 1 and counts["inline_formatting_lost"] == 0


@needs_apertium
def test_powerpoint_file_keeps_slides_tables_and_notes(tmp_path):
    import pptx
    from pptx.util import Inches

    made = pptx.Presentation()
    slide = made.slides.add_slide(made.slide_layouts[1])
    slide.shapes.title.text = "Resultados del año"
    frame = slide.placeholders[1].text_frame
    frame.text = "Las ventas crecieron mucho."
    paragraph = frame.add_paragraph()
    for text, bold in (("Un resultado ", False), ("excelente", True), (" para todos.", False)):
        run = paragraph.add_run()
        run.text, run.font.bold = text, bold
    slide.notes_slide.notes_text_frame.text = "Hablar despacio."
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    table.cell(0, 0).text, table.cell(1, 1).text = "Región", "Norte"
    source, output = tmp_path / "deck.pptx", tmp_path / "deck.en.pptx"
    made.save(source)
    _translate(source, output)
    back = pptx.Presentation(output)
    assert len(back.slides) == 1
    shapes = back.slides[0].shapes
    assert shapes.title.text == "Results of the year"
    body = shapes[1].text_frame.paragraphs
    assert body[0].text == "The sales grew a lot."
    assert [(r.text, r.font.bold) for r in body[1].runs] == [("An ", False), ("excellent", True), (" result for all.", False)]
    grid = next(s for s in shapes if s.has_table).table
    assert [[c.text for c in row.cells] for row in grid.rows] == [["Region", ""], ["", "North"]]
    assert back.slides[0].notes_slide.notes_text_frame.text == "Speak slowly."
    slides = {"ppt/slides/slide1.xml", "ppt/notesSlides/notesSlide1.xml"}
    _untouched_entries_identical(source, output, slides)


@needs_apertium
@pytest.mark.parametrize("kind", ["text", "presentation"])
def test_opendocument_files_keep_their_parts(tmp_path, kind):
    import odfdo

    made = odfdo.Document(kind)
    if kind == "text":
        made.body.append(odfdo.Header(1, "Informe de la ciudad"))
        paragraph = odfdo.Paragraph(SENTENCE)
        paragraph.append(odfdo.Span("importante", style="Strong_20_Emphasis"))
        paragraph.append(AFTER_BOLD)
        made.body.append(paragraph)
        table = odfdo.Table("Datos", width=2, height=1)
        table.set_values([["Ciudad", "Norte"]])
        made.body.append(table)
        made.body.append(odfdo.List(["Primer punto", "Segundo punto"]))
    else:
        page = odfdo.DrawPage("page1", name="Uno")
        page.append(odfdo.Frame.text_frame("Las ventas crecieron mucho.", size=("10cm", "3cm"), position=("1cm", "1cm")))
        made.body.append(page)
    suffix = ".odt" if kind == "text" else ".odp"
    source, output = tmp_path / f"a{suffix}", tmp_path / f"a.en{suffix}"
    made.save(source)
    _translate(source, output)
    back = odfdo.Document(output)
    if kind == "text":
        assert [h.text_recursive for h in back.body.get_headers()] == ["Report of the city"]
        sentence = next(p for p in back.body.get_paragraphs() if p.get_spans())
        assert _english(sentence.text_recursive)
        assert [s.text for s in sentence.get_spans()] == ["important"]
        assert [[c.get_value() for c in row.get_cells()] for row in back.body.get_tables()[0].get_rows()] == [["City", "North"]]
        assert [item.text_recursive.strip() for item in back.body.get_lists()[0].get_items()] == ["First point", "Second point"]
    else:
        assert [f.text_recursive.strip() for f in back.body.get_draw_pages()[-1].get_frames()] == ["The sales grew a lot."]
    assert _entries(source)["mimetype"] == _entries(output)["mimetype"]
    with zipfile.ZipFile(output) as archive:
        assert archive.infolist()[0].filename == "mimetype" and archive.infolist()[0].compress_type == zipfile.ZIP_STORED
    _untouched_entries_identical(source, output, {"content.xml", "styles.xml"})


MARKDOWN = """---
title: El plan
---
# El plan de la ciudad

El Gobierno aprobó ayer un plan **importante** para la [ciudad](https://example.org/ciudad).

- Primer punto
- Segundo punto

| Ciudad | Norte |
|---|---|
| Sevilla | Sur |

```python
print("hola")
```
"""


@needs_apertium
def test_markdown_keeps_code_links_and_front_matter(tmp_path):
    source, output = tmp_path / "plan.md", tmp_path / "plan.en.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    _translate(source, output)
    lines = output.read_text(encoding="utf-8").splitlines()
    original = MARKDOWN.splitlines()
    assert len(lines) == len(original)
    assert lines[:3] == original[:3] and lines[-3:] == original[-3:]
    assert lines[3] == "# The plan of the city"
    assert "**important**" in lines[5] and "(https://example.org/ciudad)" in lines[5] and _english(lines[5])
    assert lines[7:9] == ["- First point", "- Second point"]
    assert lines[10:13] == ["| City | North |", "|---|---|", "| Seville | South |"]


@needs_apertium
def test_html_keeps_every_tag_and_the_sentence_whole(tmp_path):
    page = (
        '<html><head><title>El plan</title><script>var a = "hola";</script></head><body>'
        '<h1>El plan</h1><p class="x">El Gobierno aprobó ayer un plan <b>importante</b>\npara la '
        '<a href="/ciudad">ciudad</a>.</p><ul><li>Primer punto</li></ul><table><tr><td>Norte</td></tr></table></body></html>'
    )
    source, output = tmp_path / "plan.html", tmp_path / "plan.en.html"
    source.write_text(page, encoding="utf-8")
    _translate(source, output)
    back = output.read_text(encoding="utf-8")
    tags = re.compile(r"<[^>]*>")
    assert tags.findall(back) == tags.findall(page)
    assert "<b>important</b>" in back and '<a href="/ciudad">city</a>' in back and 'var a = "hola";' in back
    assert "<li>First point</li>" in back and "<td>North</td>" in back


SRT = """1
00:00:01,000 --> 00:00:02,500
El Gobierno aprobó ayer

2
00:00:02,600 --> 00:00:04,000
un plan de cuarenta millones de euros

3
00:00:04,100 --> 00:00:06,000
para reducir el riesgo de inundaciones en la ciudad.
"""


@needs_apertium
def test_a_sentence_across_three_cues_comes_back_across_the_same_three(tmp_path):
    import pysubs2

    source, output = tmp_path / "a.srt", tmp_path / "a.en.srt"
    source.write_text(SRT, encoding="utf-8")
    _translate(source, output)
    before, after = pysubs2.load(str(source)), pysubs2.load(str(output))
    assert [(e.start, e.end) for e in after] == [(e.start, e.end) for e in before]
    texts = [e.plaintext for e in after]
    assert all(texts) and all(len(line) <= SUBTITLE_LINE for t in texts for line in t.split("\n"))
    joined = " ".join(" ".join(t.split()) for t in texts)
    assert joined.startswith("The Government approved") and joined.endswith("the city.") and _english(joined)


@needs_apertium
def test_webvtt_cues_keep_count_and_timings(tmp_path):
    import pysubs2

    source, output = tmp_path / "a.vtt", tmp_path / "a.en.vtt"
    source.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBuenos días.\n\n00:00:03.000 --> 00:00:04.000\nAdiós.\n")
    _translate(source, output)
    after = pysubs2.load(str(output))
    assert [(e.start, e.end) for e in after] == [(1000, 2000), (3000, 4000)]
    assert [e.plaintext for e in after] == ["Good morning.", "Goodbye."]


def _report_pdf(path, pages=3):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    body = [
        "El Ayuntamiento aprobó ayer el presupuesto municipal para el próximo año, con una",
        "inversión récord en transporte público y vivienda social para los barrios del sur.",
        "La oposición criticó que el plan no incluye medidas contra las inundaciones.",
        "",
    ]
    sheet = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        sheet.drawString(72, 800, "Informe anual del Ayuntamiento de Sevilla")
        for row, line in enumerate(body * 3):
            sheet.drawString(72, 760 - 16 * row, line)
        sheet.drawString(290, 40, f"Página {number} de {pages}")
        sheet.showPage()
    sheet.save()


@needs_apertium
def test_a_pdf_is_summarised_without_its_running_header_or_page_numbers(tmp_path):
    from summarize.documents.pdf import read_pdf

    source = tmp_path / "report.pdf"
    _report_pdf(source)
    document = read_pdf(source.read_bytes(), str(source))
    assert not any("Informe anual" in p or "Página" in p for p in document.paragraphs)
    assert any("inversión récord" in p for p in document.paragraphs)
    result = CliRunner().invoke(cli, ["article", str(source), *APERTIUM, "--summarizer", "textrank", "--length", "short"])
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip()
    assert summary and "Annual report" not in summary and "Page" not in summary and _english(summary)


def _docx_bytes() -> bytes:
    import docx

    made = docx.Document()
    made.add_paragraph("Hola a todos.")
    written = io.BytesIO()
    made.save(written)
    return written.getvalue()


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    written = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry, content if entry.filename == name else source.read(entry))
        if name not in source.namelist():
            target.writestr(name, content)
    return written.getvalue()


_ENTITIES = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>'


@pytest.mark.parametrize(
    "name, content, said",
    [
        ("empty.docx", lambda: b"", "the file is empty"),
        ("pdf.docx", lambda: b"%PDF-1.7\n%binary", "is a PDF, not a Word file"),
        ("locked.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "password-protected"),
        ("cut.docx", lambda: _docx_bytes()[:-300], "not a zip, or truncated"),
        ("macros.docx", lambda: _with_entry(_docx_bytes(), "word/vbaProject.bin", b"x"), "holds macros"),
        ("entities.docx", lambda: _with_entry(_docx_bytes(), "word/document.xml", _ENTITIES), "DTD or entities"),
        ("zip.pptx", lambda: _docx_bytes(), "not a PowerPoint file"),
        ("bad.srt", lambda: b"\x00\x01binary", "binary"),
    ],
)
def test_hostile_documents_are_refused_in_one_line(tmp_path, name, content, said):
    source, output = tmp_path / name, tmp_path / f"out{os.path.splitext(name)[1]}"
    source.write_bytes(content())
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(output), *APERTIUM])
    assert result.exit_code == 2, result.output
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not output.exists()


def test_a_binary_document_is_not_written_to_a_terminal_and_the_input_never_replaced(tmp_path):
    source = tmp_path / "a.docx"
    source.write_bytes(_docx_bytes())
    result = CliRunner().invoke(cli, ["translate", str(source), *APERTIUM])
    assert result.exit_code == 8 and "give -o FILE" in result.stderr
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(source), *APERTIUM])
    assert result.exit_code == 8 and "never modified" in result.stderr
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(tmp_path / "a.odt"), *APERTIUM])
    assert result.exit_code == 8 and "translated into docx" in result.stderr


@needs_apertium
def test_an_epub_comes_back_in_english_with_every_other_entry_byte_for_byte(tmp_path):
    from epub_utils import Document as Epub
    from epub_utils.content import XHTMLContent
    from epub_utils.navigation import NCXNavigation

    from summarize.documents.epub import XHTML
    from tests.books import COVER, STYLE, epub

    source, output = tmp_path / "libro.epub", tmp_path / "book.en.epub"
    source.write_bytes(epub())
    _translate(source, output)
    changed = {"OEBPS/content.opf", "OEBPS/toc.ncx", "OEBPS/nav.xhtml", "OEBPS/chapter 0.xhtml", "OEBPS/chapter 1.xhtml"}
    _untouched_entries_identical(source, output, changed)
    with zipfile.ZipFile(output) as archive:
        first = archive.infolist()[0]
        stored_first = (first.filename, first.compress_type, archive.read(first))
        assert stored_first == ("mimetype", zipfile.ZIP_STORED, b"application/epub+zip")
        assert archive.read("OEBPS/cover.png") == COVER and archive.read("OEBPS/style.css") == STYLE
    book = Epub(str(output))  # a reader of its own (epub-utils) finds the package, the tables of contents, the spine
    assert book.package.metadata.title == "The city and his plan" and book.package.metadata.language == "en"
    ncx = NCXNavigation(_entries(output)["OEBPS/toc.ncx"].decode("utf-8"))  # EPUB 2's, which epub-utils reads apart
    assert [point.label for point in ncx.get_toc_items()] == ["Chapter one", "Chapter two"]
    assert [item.label for item in book.nav.get_toc_items()] == ["Chapter one", "Chapter two"]
    spine = [book.package.manifest.find_by_id(ref["idref"])["href"] for ref in book.package.spine.itemrefs]
    assert spine == ["chapter%200.xhtml", "chapter%201.xhtml"]  # epub-utils does not undo the href's percent-encoding
    entries = _entries(output)
    pages = [entries[f"OEBPS/chapter {n}.xhtml"].decode() for n in range(2)]
    chapters = [XHTMLContent(page, XHTML, href).inner_text for page, href in zip(pages, spine)]
    assert all(_english(" ".join(text.split())) for text in chapters), chapters
    first_chapter = entries["OEBPS/chapter 0.xhtml"].decode("utf-8")
    assert "<b>important</b>" in first_chapter and '<img src="cover.png" alt=""/>' in first_chapter


@pytest.mark.parametrize(
    ("made", "says"),
    [
        ({"first_before": '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'}, "declares entities"),
        ({"extra": {"META-INF/encryption.xml": b"<encryption/>"}}, "encrypted (DRM)"),
        ({"extra": {"OEBPS/padding.bin": b" " * 2**20}}, "zip bomb"),
    ],
)
def test_a_hostile_epub_is_refused_in_one_line(tmp_path, monkeypatch, made, says):
    from tests.books import epub

    monkeypatch.setenv("SUMMARIZE_MAX_UNPACKED_BYTES", str(2**20))
    source = tmp_path / "libro.epub"
    source.write_bytes(epub(**made))
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(tmp_path / "out.epub"), *APERTIUM])
    assert result.exit_code == 2 and says in result.stderr and not (tmp_path / "out.epub").exists(), result.output
    assert len(result.stderr.strip().splitlines()) == 1


def _zip_bomb(path, unpacked=2 * 2**30, block=2**20):
    """A .docx whose word/document.xml really unpacks to `unpacked` bytes of spaces: one deflated
    block of `block` spaces, flushed to a byte boundary and repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(b" " * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(unpacked // block):
        crc = zlib.crc32(b" " * block, crc)
    real = _docx_bytes()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != "word/document.xml":
                target.writestr(entry, source.read(entry))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as stream:
            stream._compressor = None  # the deflated bytes below are written as they are
            stream._crc, stream._file_size = crc, unpacked
            raw = stream._fileobj
            for _ in range(unpacked // block):
                raw.write(chunk)
                stream._compress_size += len(chunk)
            final = b"\x03\x00"
            raw.write(final)
            stream._compress_size += len(final)


def test_a_zip_bomb_is_refused_quickly_in_little_memory(tmp_path):
    bomb = tmp_path / "bomb.docx"
    _zip_bomb(bomb)
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2 * 2**30
        with archive.open("word/document.xml") as stream:
            assert stream.read(4096) == b" " * 4096  # a real deflate stream of spaces
    # The child reports its own peak (VmHWM of its memory after exec): a forked child's rusage
    # would count the pages of this pytest process it started from.
    report = "import atexit, sys; atexit.register(lambda: print(open('/proc/self/status').read(), file=sys.stdout))"
    run = f"{report}; from summarize.cli import main; sys.argv = ['summarize'] + sys.argv[1:]; main()"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", run, "translate", str(bomb), "-o", str(tmp_path / "out.docx"), *APERTIUM],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 2, done.stderr
    assert "unpacks to 2,04" in done.stderr and "zip bomb" in done.stderr
    peak_kib = int(re.search(r"VmHWM:\s+(\d+) kB", done.stdout).group(1))
    assert seconds < 5 and peak_kib < 200 * 1024, (seconds, peak_kib)


def test_sentences_split_across_cues_in_proportion_at_words():
    pieces = split_across("The Government approved yesterday a plan of forty million", [10, 10, 20])
    assert len(pieces) == 3 and all(pieces)
    assert " ".join(pieces) == "The Government approved yesterday a plan of forty million"
    assert len(pieces[2]) > len(pieces[0])
    assert split_across("Yes", [5, 5]) == ["Yes", ""]


def test_cue_lines_are_wrapped_balanced():
    text = "The Government approved yesterday a plan of forty million euros"
    lines = wrapped(text).split("\n")
    assert len(lines) == 2 and all(len(line) <= SUBTITLE_LINE for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 12
    assert wrapped("Short.") == "Short."


def test_a_span_the_translation_moves_keeps_its_formatting_or_is_counted_lost():
    bold = ("b",)
    unit = Unit("paragraph", ["la casa ", "roja", " es grande."], ["", bold, ""])
    placed = project(unit, [("la casa roja es grande.", "the red house is big.")], {"roja": "red"})
    assert placed.texts == ["the ", "red", " house is big."] and (placed.kept, placed.lost) == (1, 0)
    lost = project(unit, [("la casa roja es grande.", "the house is big.")], {"roja": "crimson"})
    assert "".join(lost.texts) == "the house is big." and (lost.kept, lost.lost, lost.sentences_lost) == (0, 1, 1)
    ending = Unit("paragraph", ["la casa ", "roja"], ["", bold])
    moved = project(ending, [("la casa roja", "the red house")], {"roja": "red"})
    assert "".join(moved.texts) == "the red house" and moved.lost == 1


@needs_apertium
def test_batch_writes_translated_documents_beside_the_records(tmp_path):
    import docx

    folder, out_dir, out = tmp_path / "in", tmp_path / "out", tmp_path / "records.jsonl"
    folder.mkdir()
    (folder / "subs.srt").write_text(SRT, encoding="utf-8")
    (folder / "note.txt").write_text("Hola a todos. Esto es una prueba.", encoding="utf-8")
    (folder / "plan.docx").write_bytes(_docx_bytes())
    command = ["batch", str(folder), "--task", "translate", "--out", str(out), "--out-dir", str(out_dir), *APERTIUM]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out_dir.iterdir()) == ["note.en.txt", "plan.en.docx", "subs.en.srt"]
    assert docx.Document(out_dir / "plan.en.docx").paragraphs[0].text.lower() == "hello to all."
    rows = [__import__("json").loads(line) for line in out.read_text().splitlines()]
    assert [r["error"] for r in rows] == [None, None, None]
    written = {r["id"]: (r["metadata"].get("document") or {}).get("written") for r in rows}
    assert written[str(folder / "note.txt")] == str(out_dir / "note.en.txt")
    assert written[str(folder / "subs.srt")] == str(out_dir / "subs.en.srt")
    note = next(r for r in rows if r["id"] == str(folder / "note.txt"))
    assert (out_dir / "note.en.txt").read_text(encoding="utf-8") == note["paragraphs"][0]


SOFFICE = shutil.which("soffice")


@needs_apertium
@pytest.mark.slow
@pytest.mark.skipif(not SOFFICE and not os.environ.get("CI"), reason="LibreOffice (libreoffice-writer-nogui) is not installed")
@pytest.mark.parametrize("suffix", [".docx", ".odt", ".pptx", ".odp"])
def test_translated_documents_open_in_libreoffice(tmp_path, suffix):
    """LibreOffice converts each translated file to PDF, and the PDF holds the English text."""
    import docx
    import odfdo
    import pptx
    from pypdf import PdfReader

    source, output = tmp_path / f"a{suffix}", tmp_path / f"a.en{suffix}"
    sentence = "El Gobierno aprobó ayer un plan importante para la ciudad."
    if suffix == ".docx":
        made = docx.Document()
        made.add_heading("El plan de la ciudad", 1)
        made.add_paragraph(sentence)
        made.save(source)
    elif suffix == ".pptx":
        made = pptx.Presentation()
        slide = made.slides.add_slide(made.slide_layouts[1])
        slide.shapes.title.text = "El plan de la ciudad"
        slide.placeholders[1].text_frame.text = sentence
        made.save(source)
    else:
        made = odfdo.Document("text" if suffix == ".odt" else "presentation")
        if suffix == ".odt":
            made.body.append(odfdo.Header(1, "El plan de la ciudad"))
            made.body.append(odfdo.Paragraph(sentence))
        else:
            page = odfdo.DrawPage("page1", name="Uno")
            page.append(odfdo.Frame.text_frame(sentence, size=("20cm", "3cm"), position=("1cm", "1cm")))
            made.body.append(page)
        made.save(source)
    _translate(source, output)
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    converted = subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(output)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert converted.returncode == 0, converted.stderr
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(tmp_path / "pdf" / "a.en.pdf").pages)
    assert "The Government approved yesterday an important plan for the city." in text


def test_a_span_translated_alone_with_a_pronoun_or_another_ending_is_still_found():
    bold = ("b",)
    unit = Unit("paragraph", ["Todos ", "volvieron", " corriendo."], ["", bold, ""])
    placed = project(unit, [("Todos volvieron corriendo.", "All went back running.")], {"volvieron": "They went back"})
    assert placed.texts == ["All ", "went back", " running."] and placed.kept == 1
    unit = Unit("paragraph", ["las tropas ", "estadounidenses", " se retiran."], ["", bold, ""])
    said = [("las tropas estadounidenses se retiran.", "the American troops withdraw.")]
    placed = project(unit, said, {"estadounidenses": "Americans"})
    assert placed.texts == ["the ", "American", " troops withdraw."] and placed.kept == 1
