"""EPUB books for the tests, written as an EPUB 3 writer writes one: the stored `mimetype` first,
the container, the package document (OPF) with its title, an EPUB 3 navigation document and an
EPUB 2 table of contents (NCX), chapters in XHTML, a style sheet and a cover image."""

from __future__ import annotations

import io
import zipfile

CHAPTERS = (
    ("Capítulo uno", ["El Gobierno aprobó ayer un plan <b>importante</b> para la ciudad.", "Los vecinos piden más parques."]),
    ("Capítulo dos", ["El tren sale de Sevilla a las ocho."]),
)
TITLE = "La ciudad y su plan"
#: Bytes that must come back unchanged: a PNG's signature and some of its data, and a style.
COVER = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
STYLE = b"body { font-family: serif; }\n"


def chapter(title: str, paragraphs: list[str], before: str = "") -> str:
    body = "".join(f"<p>{text}</p>\n" for text in paragraphs)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{before}<html xmlns="http://www.w3.org/1999/xhtml" lang="es">\n'
        f'<head><title>{title}</title><link rel="stylesheet" href="style.css"/></head>\n'
        f'<body>\n<h1>{title}</h1>\n{body}<img src="cover.png" alt=""/>\n</body>\n</html>\n'
    )


def epub(chapters=CHAPTERS, title: str = TITLE, first_before: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """The book; `first_before` goes before the first chapter's root element (a DOCTYPE)."""
    items = "".join(
        f'<item id="c{n}" href="chapter%20{n}.xhtml" media-type="application/xhtml+xml"/>' for n in range(len(chapters))
    )
    spine = "".join(f'<itemref idref="c{n}"/>' for n in range(len(chapters)))
    package = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>{title}</dc:title><dc:language>es</dc:language>'
        "</metadata><manifest>"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        '<item id="css" href="style.css" media-type="text/css"/>'
        '<item id="cover" href="cover.png" media-type="image/png" properties="cover-image"/>'
        f'{items}</manifest><spine toc="ncx">{spine}</spine></package>\n'
    )
    links = "".join(f'<li><a href="chapter%20{n}.xhtml">{name}</a></li>' for n, (name, _) in enumerate(chapters))
    nav = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Índice</title>'
        f'</head><body><nav epub:type="toc"><h1>Índice</h1><ol>{links}</ol></nav></body></html>\n'
    )
    points = "".join(
        f'<navPoint id="p{n}" playOrder="{n + 1}"><navLabel><text>{name}</text></navLabel>'
        f'<content src="chapter%20{n}.xhtml"/></navPoint>'
        for n, (name, _) in enumerate(chapters)
    )
    ncx = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><head/>'
        f"<docTitle><text>{title}</text></docTitle><navMap>{points}</navMap></ncx>\n"
    )
    container = (
        '<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
        "</container>\n"
    )
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", container)
        book.writestr("OEBPS/content.opf", package)
        book.writestr("OEBPS/nav.xhtml", nav)
        book.writestr("OEBPS/toc.ncx", ncx)
        book.writestr("OEBPS/style.css", STYLE)
        book.writestr("OEBPS/cover.png", COVER, compress_type=zipfile.ZIP_STORED)
        for n, (name, paragraphs) in enumerate(chapters):
            book.writestr(f"OEBPS/chapter {n}.xhtml", chapter(name, paragraphs, first_before if n == 0 else ""))
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return written.getvalue()
