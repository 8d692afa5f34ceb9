"""Hostile files built for the tests, each as the bytes a file would hold: documents whose content
asks for time or memory, hides a DTD, or says what no reader should take; GGUF headers with
fields of the wrong type; PDFs encrypted, truncated or inflating."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SENTENCE = "El Gobierno aprobó ayer un plan para reducir el riesgo de inundaciones."


def odt(paragraph: str) -> bytes:
    """An OpenDocument text of one paragraph whose inner XML is `paragraph`."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:text><text:p>{paragraph}</text:p></office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return out.getvalue()


def docx(runs: int = 0, document_xml: bytes | None = None) -> bytes:
    """A Word file: a sentence, then `runs` runs alternating plain and bold; or python-docx's
    file with its word/document.xml replaced by `document_xml`."""
    import docx as python_docx

    made = python_docx.Document()
    paragraph = made.add_paragraph(SENTENCE)
    for index in range(runs):
        paragraph.add_run(f" palabra{index % 50}").bold = bool(index % 2)
    saved = io.BytesIO()
    made.save(saved)
    if document_xml is None:
        return saved.getvalue()
    source = zipfile.ZipFile(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry, document_xml if entry.filename == "word/document.xml" else source.read(entry))
    return out.getvalue()


def word_body(text: str, before: str = "") -> str:
    """word/document.xml of one paragraph holding `text`, with `before` ahead of its root."""
    return (
        f'<?xml version="1.0" encoding="{{encoding}}"?>{before}<w:document xmlns:w="{W}"><w:body><w:p><w:r>'
        f"<w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def utf16_with_entity(template: str) -> bytes:
    """`template` ({encoding}, {doctype}, {entity}) in UTF-16, declaring an external entity."""
    return template.format(
        encoding="UTF-16", doctype='<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', entity="&xxe;"
    ).encode("utf-16")


def docx_with_entity() -> bytes:
    body = word_body(f"Hola {{entity}} mundo. {SENTENCE}", "{doctype}")
    return docx(document_xml=utf16_with_entity(body))


def docx_with_late_doctype() -> bytes:
    body = word_body(SENTENCE, "<!--" + "c" * 5000 + '--><!DOCTYPE w:document SYSTEM "word.dtd">')
    return docx(document_xml=body.format(encoding="UTF-8").encode())


def tbx_with_entity() -> bytes:
    tbx = (
        '<?xml version="1.0" encoding="{encoding}"?>{doctype}<martif type="TBX" xml:lang="es"><text><body>'
        '<termEntry><langSet xml:lang="es"><tig><term>Gobierno</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>Cabinet {entity}</term></tig></langSet></termEntry></body></text></martif>'
    )
    return utf16_with_entity(tbx)


def _gguf_string(text: str) -> bytes:
    return struct.pack("<Q", len(text.encode())) + text.encode()


def gguf(*fields: bytes) -> bytes:
    """A GGUF file of the architecture gemma3, these extra metadata fields (key, type and value
    bytes, from `gguf_field`) and one float32 tensor of 4 values."""
    header = b"GGUF" + struct.pack("<IQQ", 3, 1, 1 + len(fields))
    header += _gguf_string("general.architecture") + struct.pack("<I", 8) + _gguf_string("gemma3")
    header += b"".join(fields)
    header += _gguf_string("weight") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<IQ", 0, 0)
    header += b"\0" * (-len(header) % 32)
    return header + struct.pack("<4f", 1, 2, 3, 4)


def gguf_field(key: str, kind: int, value: bytes) -> bytes:
    return _gguf_string(key) + struct.pack("<I", kind) + value


GGUF_FLOAT, GGUF_STRING, GGUF_ARRAY = 6, 8, 9


def gguf_nested_arrays(depth: int) -> bytes:
    """A metadata array of arrays, `depth` deep, the innermost empty."""
    return struct.pack("<IQ", GGUF_ARRAY, 1) * (depth - 1) + struct.pack("<IQ", GGUF_ARRAY, 0)


def pdf_text(text: str = SENTENCE) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def pdf_aes() -> bytes:
    """A PDF protected against edits only (AES-128, an empty password to open), as most writers
    make one."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_text())))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_of(objects: list[bytes]) -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


def pdf_inflating(size: int = 120 * 2**20) -> bytes:
    """A one-page PDF whose content stream inflates to `size` bytes."""
    packed = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hola) Tj ET\n" + b" " * size, 9)
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    return _pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def srt(first_start: str = "00:00:01,000") -> str:
    """Two cues, the first starting at `first_start` as written."""
    second = "2\n00:00:05,000 --> 00:00:08,000\nLos vecinos piden más parques.\n"
    return f"1\n{first_start} --> 00:00:04,000\nEl Gobierno aprobó ayer un plan.\n\n{second}"
