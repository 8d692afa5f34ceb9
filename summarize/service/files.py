"""LibreTranslate's `POST /translate_file` and `GET /download_file/NAME`: a document translated in
its own format by the document layer (the CLI's), kept on disk for a while to be downloaded, in a
folder every worker process reads."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from summarize.documents import accepted_suffixes, format_of
from summarize.errors import InputError
from summarize.service.guard import Refused

router = APIRouter(tags=["LibreTranslate"])
#: Translated files kept for download: how many, how many bytes in all, and for how long.
KEPT_FILES = 64
KEPT_BYTES = 512 * 2**20
KEPT_SECONDS = 3600


class KeptFiles:
    """The translated files, in one folder every worker process of the service reads: each
    written whole, the oldest removed beyond the bounds, none served past KEPT_SECONDS."""

    def __init__(self, folder: Path):
        self.folder = folder

    def add(self, name: str, data: bytes) -> None:
        from summarize.output import write_atomically

        write_atomically(self.folder / name, data)
        kept = sorted(self._files(), key=lambda item: item[1].st_mtime, reverse=True)
        total = 0
        for count, (path, stat) in enumerate(kept, 1):
            total += stat.st_size
            if count > KEPT_FILES or total > KEPT_BYTES:
                path.unlink(missing_ok=True)

    def get(self, name: str) -> bytes | None:
        path = self.folder / name
        if name != Path(name).name or name.startswith("."):
            return None
        try:
            if time.time() - path.stat().st_mtime > KEPT_SECONDS:
                path.unlink(missing_ok=True)
                return None
            return path.read_bytes()
        except OSError:  # gone, or removed by another worker meanwhile
            return None

    def _files(self):
        for path in self.folder.iterdir():
            try:
                if not path.name.startswith("."):
                    yield path, path.stat()
            except OSError:
                continue


def stored_name(upload: str, target: str) -> str:
    """The name a translated file is kept under: a random token, then the upload's name (its
    characters that no file name takes replaced, its stem cut to 120 bytes of the 255 a name may
    have), the target and suffix."""
    name = Path(upload)
    stem = "".join(c if c.isprintable() and c not in "/\\" else "_" for c in name.stem)
    stem = stem.encode("utf-8")[:120].decode("utf-8", "ignore")
    return f"{secrets.token_hex(16)}.{stem}.{target}{name.suffix.lower()}"


@router.post("/translate_file", summary="Translate a file in its own format (LibreTranslate)")
async def translate_file(request: Request):
    from summarize.service.libretranslate import _code, admitted, check_languages

    service = request.app.state.service
    params = await admitted(request)
    upload = params.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise Refused(400, "Invalid request: missing file parameter")
    source, target = _code(params, "source"), _code(params, "target")
    name = Path(upload.filename or "file").name
    file_format = format_of(name)
    if file_format is None:
        raise Refused(400, f"Invalid request: file format not supported (supported: {', '.join(accepted_suffixes())})")
    check_languages(service, source, target)
    data = await upload.read()
    if not data:
        raise InputError(f"{name}: the file is empty")
    options = service.options(target, source=source, glossary=params.get("glossary"))
    translated, written, characters = await service.within_timeout(translated_file(service, data, name, file_format, options))
    await service.charge(params.get("api_key"), request, characters)
    stored = stored_name(written, target)
    await asyncio.to_thread(service.files.add, stored, translated)
    return {"translatedFileUrl": f"{str(request.base_url).rstrip('/')}/download_file/{quote(stored)}"}


async def translated_file(service, data: bytes, name: str, file_format, options) -> tuple[bytes, str, int]:
    """A file translated in its own format, or, for a format read for its text alone (PDF), its
    text translated into a .txt file, a paragraph to a line and a blank line between; the name
    the translation is written under, and the characters of text translated."""
    from summarize.documents.plaintext import read_plain_text

    if file_format.read is not None:
        document = await asyncio.to_thread(file_format.read, data, name)
        written, text_format = name, file_format.name
    else:
        text = await asyncio.to_thread(file_format.text_only, data, name)
        document = read_plain_text("\n\n".join(text.paragraphs) + "\n", name)
        written, text_format = f"{Path(name).stem}.txt", "text"
    translated, result = await service.translate_file(document, text_format, options)
    return translated, written, sum(len(row["source"]) for row in result["alignment"])


@router.get("/download_file/{name}", summary="A file translated by /translate_file (LibreTranslate)")
async def download_file(name: str, request: Request):
    data = await asyncio.to_thread(request.app.state.service.files.get, name)
    if data is None:
        raise Refused(404, "Invalid filename: not found, or no longer kept")
    file_format = format_of(name)
    shown = name.split(".", 1)[1] if "." in name else name
    media = file_format.media_type if file_format is not None else "application/octet-stream"
    return Response(data, media_type=media, headers={"Content-Disposition": attachment(shown)})


def attachment(name: str) -> str:
    """Content-Disposition for a file name in any script (RFC 6266): its UTF-8 form, and an ASCII
    one for clients that read only `filename`."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
