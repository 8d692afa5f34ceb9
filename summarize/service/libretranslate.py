"""LibreTranslate's API (`POST /translate`, `POST /detect`, `GET /languages`), so that its clients,
editor plug-ins and scripts work unchanged: form or JSON bodies, `q` a string or a list, `source`
`auto`, `format` text or html, `api_key`; the same response shapes, errors as `{"error": ...}`."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request

from summarize.documents import accepted_suffixes
from summarize.documents.plaintext import read_plain_text
from summarize.documents.readers import document_from_text
from summarize.errors import InputError, LanguageError
from summarize.service.guard import Refused
from summarize.text.document import Document
from summarize.text.langdetect import language_name

router = APIRouter(tags=["LibreTranslate"])
#: How long LibreTranslate's page waits after a keystroke before it translates (its default).
FRONTEND_TIMEOUT_MS = 500


def _documented_body(properties: dict, required: list[str]) -> dict:
    """OpenAPI for a body read by hand (JSON or form), for /docs."""
    schema = {"type": "object", "properties": properties, "required": required}
    media = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
    return {"requestBody": {"required": True, "content": {m: {"schema": schema} for m in media}}}


_TEXT = {"type": "string"}
_TRANSLATE_BODY = _documented_body(
    {
        "q": {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]},
        "source": {**_TEXT, "description": "a code, or auto to detect it"},
        "target": _TEXT,
        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
        "api_key": _TEXT,
        "alternatives": {"type": "integer", "default": 0},
    },
    ["q", "source", "target"],
)
_DETECT_BODY = _documented_body({"q": _TEXT, "api_key": _TEXT}, ["q"])
_SUGGEST_BODY = _documented_body(
    {"q": _TEXT, "s": _TEXT, "source": _TEXT, "target": _TEXT, "api_key": _TEXT}, ["q", "s", "source", "target"]
)


async def parameters(request: Request) -> dict:
    """The request's parameters from a JSON object, a form, and the query string, as
    LibreTranslate reads them; a repeated form field becomes a list."""
    found: dict = dict(request.query_params)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if kind == "application/json" or (not kind and body.lstrip().startswith((b"{", b"["))):
        try:
            data = await request.json()
        except ValueError:
            raise Refused(400, "Invalid request: the body is not valid JSON") from None
        except RecursionError:
            raise Refused(400, "Invalid request: the JSON body is nested too deeply") from None
        if not isinstance(data, dict):
            raise Refused(400, "Invalid request: the JSON body must be an object")
        found.update(data)
    elif kind == "multipart/form-data":
        form = await request.form()
        for name in form:
            _add(found, name, form.getlist(name))
    elif body:
        for name, values in _url_encoded(body, request.headers.get("content-type", "")).items():
            _add(found, name, values)
    return found


def _add(found: dict, name: str, values: list) -> None:
    found[name] = values if len(values) > 1 else values[0]


def _url_encoded(body: bytes, content_type: str) -> dict[str, list[str]]:
    """A URL-encoded form in its charset (UTF-8 unless the content type names another), as
    LibreTranslate (and curl's `-d q=niño`, which sends the bytes unencoded) has it: Starlette's
    own parser reads the unencoded bytes as Latin-1."""
    from email.message import Message
    from urllib.parse import parse_qs

    header = Message()
    header["content-type"] = content_type or "application/x-www-form-urlencoded"
    charset = header.get_param("charset") or "utf-8"
    try:
        text = body.decode(str(charset))
    except LookupError:
        raise Refused(400, f"Invalid request: unknown charset {charset!r}") from None
    except UnicodeDecodeError:
        raise Refused(400, f"Invalid request: the form body is not valid {charset}") from None
    try:
        return parse_qs(text, keep_blank_values=True, encoding=str(charset), errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, f"Invalid request: a percent-encoded form value is not valid {charset}") from None


def _required(params: dict, name: str) -> str | list:
    value = params.get(name)
    if value is None or value == "" or value == []:
        raise Refused(400, f"Invalid request: missing {name} parameter")
    return value


async def admitted(request: Request) -> dict:
    """The request's parameters, once its caller is admitted (API key, rate limit)."""
    params = await parameters(request)
    await request.app.state.service.admit(params.get("api_key"), request)
    return params


def _texts(params: dict) -> tuple[list[str], bool]:
    q = _required(params, "q")
    texts = q if isinstance(q, list) else [q]
    if not all(isinstance(t, str) for t in texts):
        raise Refused(400, "Invalid request: q must be a string or a list of strings")
    return texts, isinstance(q, list)


#: The other names LibreTranslate takes for codes (its `language.aliases`, in lower case), as
#: the codes they mean here.
CODE_ALIASES = {"pb": "pt", "pt-br": "pt", "zh-hans": "zh", "zt": "zh-hant"}


def _code(params: dict, name: str) -> str:
    """A language code as LibreTranslate reads it: required, any case, its aliases taken."""
    value = _required(params, name)
    if not isinstance(value, str):
        raise Refused(400, f"Invalid request: {name} must be a string")
    code = value.strip().lower()
    return CODE_ALIASES.get(code, code)


def _alternatives(params: dict) -> int:
    """LibreTranslate's `alternatives`, up to the most a job makes."""
    from summarize.core.options import MAX_ALTERNATIVES

    try:
        return min(MAX_ALTERNATIVES, max(0, int(params.get("alternatives") or 0)))
    except (TypeError, ValueError, OverflowError):
        raise Refused(400, "Invalid request: alternatives parameter is not a number") from None


def _check_limits(settings, texts: list[str], many: bool) -> None:
    """LibreTranslate's --batch-limit (texts in one `q` list) and --char-limit (characters per text)."""
    if many and settings.batch_limit != -1 and len(texts) > settings.batch_limit:
        raise Refused(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({settings.batch_limit})")
    longest = max((len(text) for text in texts), default=0)
    if settings.char_limit != -1 and longest > settings.char_limit:
        raise Refused(400, f"Invalid request: request ({longest}) exceeds text limit ({settings.char_limit})")


@router.post("/translate", openapi_extra=_TRANSLATE_BODY, summary="Translate text (LibreTranslate)")
async def translate(request: Request):
    service = request.app.state.service
    params = await admitted(request)
    texts, many = _texts(params)
    source, target = _code(params, "source"), _code(params, "target")
    alternatives = _alternatives(params)
    _check_limits(service.settings, texts, many)
    fmt = params.get("format") or "text"
    if fmt not in ("text", "html"):
        raise Refused(400, f"{fmt} format is not supported")
    check_languages(service, source, target)
    # Alternatives of a text only: a page's are not placed back into its markup.
    options = service.options(target, glossary=params.get("glossary"), alternatives=alternatives if fmt == "text" else 0)
    every = asyncio.gather(*(translate_one(service, text, source, options, fmt) for text in texts))
    answers = await service.within_timeout(every)
    await service.charge(params.get("api_key"), request, sum(len(text) for text in texts))
    translated = [a[0] for a in answers]
    response: dict = {"translatedText": translated if many else translated[0]}
    if source == "auto":
        detected = [a[1] for a in answers]
        response["detectedLanguage"] = detected if many else detected[0]
    if alternatives:
        found = [a[2] for a in answers]
        response["alternatives"] = found if many else found[0]
    return response


async def translate_one(service, text: str, source: str, options, fmt: str) -> tuple[str, dict, list[str]]:
    """One `q`: its translation, the language it was read in, and its alternatives (from the
    engines' beam search, through the same job: none from an engine that makes one translation,
    as Apertium). A text with no letters (emoji, numbers) comes back as it is, as LibreTranslate
    gives it. HTML is a document file of its own: the text between block tags is translated whole
    (never cut at an inline tag), every tag kept, the inline ones around a span carried onto its
    translation."""
    from summarize.documents.html import read_html
    from summarize.documents.placing import sent_text
    from summarize.text.document import has_letters

    target = options.target

    def read() -> tuple:  # off the event loop: a page's parse takes time in proportion to it
        page = read_html(text, "q") if fmt == "html" else None
        return page, [sent_text(unit) for unit in page.units] if page is not None else [text]

    page, plain = await asyncio.to_thread(read)
    if not any(has_letters(piece) for piece in plain):
        return text, {"confidence": 0.0, "language": source if source != "auto" else target}, []
    each_line = source == "auto"
    if source == "auto":
        served = (*service.sources_into(target), target)
        detected = await asyncio.to_thread(_detected, "\n\n".join(plain), target, served, service.known_languages)
        source = detected["language"]
    else:
        detected = {"confidence": 100.0, "language": source}
    if page is None:
        translated, alternatives = await _keeping_layout(service, text, source, each_line, options)
        return translated, detected, alternatives
    # A page of several blocks, its language detected, is read a block at a time, as a text's lines.
    source = "auto" if each_line and len(plain) > 1 else source
    translated, _ = await service.translate_file(page, "html", options.replace(source=source))
    return translated.decode("utf-8"), detected, []


async def _keeping_layout(service, text: str, source: str, each_line: bool, options) -> tuple[str, list[str]]:
    """`text` translated a line at a time (each a paragraph of one document, as the command line
    reads a text without blank lines: a sentence across a line break is one, and its translation
    is split back across its lines in proportion), its line breaks and the spaces around them
    kept as sent, as LibreTranslate keeps them; and its alternatives, laid out the same way.
    `each_line`: `source` was detected, so each paragraph of several is read in its own
    language, as on the command line."""
    document = read_plain_text(text, "q")
    paragraphs = Document(tuple(unit.text for unit in document.units), "q")
    source = "auto" if each_line and len(document.units) > 1 else source
    result = await service.run("translate", paragraphs, options.replace(source=source))
    return document.laid_out(result.paragraphs), [document.laid_out(paragraphs) for paragraphs in result.alternatives]


def _detected(text: str, target: str, served: tuple[str, ...], known: frozenset[str]) -> dict:
    """LibreTranslate's `detectedLanguage`, among the languages `served` into the target: the
    language and the confidence, in percent. As LibreTranslate does, a short text's most likely
    language is taken even when unsure (its confidence says so); a text plainly in a language
    served nowhere is refused, naming it, and one in a language `known` to a card whose weights
    are not here is that language (its job answers 503, naming the download, as the CLI's exit 4).
    An unsure answer is not the target: a text sent to be translated into Spanish is read as
    Spanish only when that is sure."""
    from summarize.core.steps import detect_languages
    from summarize.text.langdetect import SHORT_TEXT_CHARS, UnsureLanguage, ranked_languages

    document = document_from_text(text, "q")
    try:
        languages = detect_languages(document, "auto", target, served)
        language, confidence = languages.source, languages.confidence or 1.0
        unsure = bool(languages.notes) or len(text.strip()) < SHORT_TEXT_CHARS
    except UnsureLanguage:
        language, confidence, unsure = target, 0.0, True
    except LanguageError as refusal:
        try:
            languages = detect_languages(document, "auto", target, tuple(known))
        except LanguageError:
            raise refusal from None
        return {"confidence": round((languages.confidence or 1.0) * 100, 1), "language": languages.source}
    if unsure and (language == target or confidence == 0.0):
        ranked = ranked_languages(text, tuple(sorted(served)), top=len(served))
        best = next((d for d in ranked if d.language != target), ranked[0])
        language, confidence = best.language, best.confidence
    return {"confidence": round(confidence * 100, 1), "language": language}


def check_languages(service, source: str, target: str) -> None:
    """LibreTranslate's answers: a code nothing here knows, and a pair not served. A pair a model
    card serves whose weights are not here is the job's to answer, as on the command line (503,
    naming the download)."""
    from summarize.core.engines import default_card

    served = service.pairs
    codes = {code for pair in served for code in pair}
    for code in (source, target):
        if code not in codes and code not in service.known_languages and not (code == source == "auto"):
            raise LanguageError(f"{code} is not supported")
    if source in ("auto", target) or (source, target) in served or default_card("translation", source, target):
        return
    raise LanguageError(
        f"{language_name(target)} ({target}) is not available as a target language from {language_name(source)} ({source})"
    )


@router.post("/detect", openapi_extra=_DETECT_BODY, summary="Detect the language of a text (LibreTranslate)")
async def detect(request: Request):
    """The most likely of the languages served here, as LibreTranslate ranks among its own."""
    from summarize.text.langdetect import ranked_languages

    texts, _ = _texts(await admitted(request))
    text = "\n".join(texts)
    if not text.strip():
        raise InputError("Invalid request: q is blank")
    served = tuple(sorted({code for pair in request.app.state.service.pairs for code in pair}))
    ranked = await asyncio.to_thread(ranked_languages, text, served)
    return [{"confidence": round(d.confidence * 100, 1), "language": d.language} for d in ranked]


@router.get("/languages", summary="Languages served here, with their targets (LibreTranslate)")
async def languages(request: Request):
    pairs = request.app.state.service.pairs
    codes = sorted({code for pair in pairs for code in pair})
    return [{"code": code, "name": language_name(code), "targets": sorted(t for s, t in pairs if s == code)} for code in codes]


@router.get("/frontend/settings", summary="What LibreTranslate's web page and plug-ins read first")
async def frontend_settings(request: Request):
    settings = request.app.state.service.settings
    return {
        "charLimit": settings.char_limit,
        "frontendTimeout": FRONTEND_TIMEOUT_MS,
        "apiKeys": settings.api_keys_file is not None,
        "keyRequired": settings.api_keys_file is not None,
        "suggestions": settings.suggestions_file is not None,
        "filesTranslation": True,
        "supportedFilesFormat": accepted_suffixes(),
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": settings.job.target, "name": language_name(settings.job.target)},
        },
    }


@router.get("/spec", summary="The OpenAPI document, where LibreTranslate serves its spec")
async def spec(request: Request):
    return request.app.openapi()


@router.post("/suggest", openapi_extra=_SUGGEST_BODY, summary="Suggest a better translation (LibreTranslate)")
async def suggest(request: Request):
    """Kept when the service stores suggestions (`--suggestions FILE`), else 403, as LibreTranslate."""
    from summarize.service import suggestions

    params = await admitted(request)
    path = request.app.state.service.settings.suggestions_file
    if path is None:
        raise Refused(403, "Suggestions are disabled on this server.")
    text, suggestion = (_required(params, name) for name in ("q", "s"))
    if not isinstance(text, str) or not isinstance(suggestion, str):
        raise Refused(400, "Invalid request: q and s must be strings")
    source, target = _code(params, "source"), _code(params, "target")
    await asyncio.to_thread(suggestions.add, path, text, suggestion, source, target)
    return {"success": True}
