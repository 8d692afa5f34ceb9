"""DeepL's API v2 (`/v2/translate`, `/v2/languages`, `/v2/usage`, `/v2/document`, `/v2/glossaries`,
`/v2/glossary-language-pairs`), so that DeepL's clients (its `deepl` package with `server_url=`,
CAT tools, Weblate, Zotero, subtitle editors) work unchanged: each route an adapter onto the jobs
the LibreTranslate routes run, DeepL's language codes, its `Authorization: DeepL-Auth-Key`
header mapped onto the service's keys, its errors as `{"message": ...}` (app.py)."""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from summarize.documents import format_of
from summarize.errors import InputError, SummarizeError
from summarize.service.core import log
from summarize.service.guard import Refused
from summarize.text.langdetect import language_name

router = APIRouter(prefix="/v2", tags=["DeepL"])

#: DeepL's target codes with a variant: the language served, and DeepL's name for it. The
#: variants are not told apart here (one English, one Portuguese).
VARIANTS = {
    "EN-GB": ("en", "English (British)"),
    "EN-US": ("en", "English (American)"),
    "PT-PT": ("pt", "Portuguese (European)"),
    "PT-BR": ("pt", "Portuguese (Brazilian)"),
}
#: Parameters DeepL takes whose meaning is not served here: refused rather than ignored, since
#: ignoring them would give a result other than the one asked for.
UNSERVED = ("ignore_tags", "splitting_tags", "non_splitting_tags", "custom_instructions", "style_id", "glossary_ids")
#: How long an upload waits for its document before it answers: a short one is then done at
#: the client's first status call (DeepL's client polls every 5 s after it).
UPLOAD_WAIT_S = 2.0
#: The characters a key without a quota may translate, as `/v2/usage` says it (clients read a
#: limit; none is kept).
NO_LIMIT = 10**12


async def _admitted(request: Request, translates: bool = True) -> tuple[dict, str]:
    """The request's parameters, once its caller is admitted, and whom its usage is counted for
    (and its glossaries and documents kept for): the key from `Authorization: DeepL-Auth-Key
    KEY` (or the old `auth_key` parameter), or without keys the client's address."""
    from summarize.service.libretranslate import parameters

    service = request.app.state.service
    params = await parameters(request)
    said = request.headers.get("authorization", "")
    key = said.split(None, 1)[1].strip() if said.lower().startswith("deepl-auth-key ") else params.get("auth_key")
    if service.gate.keys is not None and not key:
        raise Refused(403, "Authorization failure: give Authorization: DeepL-Auth-Key KEY")
    await service.admit(key, request, translates)
    return params, service.gate.caller(key, request.client.host if request.client else "")


def _source(params: dict, service) -> str:
    """DeepL's `source_lang` as a code served here ("auto" when none is given)."""
    value = params.get("source_lang")
    if value in (None, ""):
        return "auto"
    code = str(value).strip().lower()
    if code not in service.known_languages:
        raise Refused(400, "Value for 'source_lang' not supported.")
    return code


def _target(params: dict, service) -> str:
    value = params.get("target_lang")
    if value in (None, ""):
        raise Refused(400, "Parameter 'target_lang' not specified.")
    upper = str(value).strip().upper()
    code = VARIANTS[upper][0] if upper in VARIANTS else upper.lower()
    if code not in service.known_languages:
        raise Refused(400, "Value for 'target_lang' not supported.")
    return code


def _choice(params: dict, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = params.get(name)
    value = default if value in (None, "") else str(value).strip().lower()
    if value not in allowed:
        raise Refused(400, f"Value for '{name}' not supported.")
    return value


#: DeepL's `model_type` values, and what each asks of `--optimize-for` (prefer_quality_optimized is
#: DeepL's legacy name of quality_optimized).
MODEL_TYPES = {"quality_optimized": "quality", "prefer_quality_optimized": "quality", "latency_optimized": "latency"}


def _request_options(params: dict, service, source: str, target: str, owner: str):
    """The job's options: its target, formality, model type (where none is given, the service's
    `--optimize-for`) and stored glossary (which needs `source_lang` and must be for the pair, as
    DeepL has it)."""
    from summarize.core.options import FORMALITIES

    formality = _choice(params, "formality", FORMALITIES, "default")
    model_type = _choice(params, "model_type", (*MODEL_TYPES, ""), "")
    optimize_for = MODEL_TYPES[model_type] if model_type else service.settings.job.optimize_for
    glossary = None
    if params.get("glossary_id"):
        if source == "auto":
            raise Refused(400, "Use of a glossary requires the source_lang parameter to be set.")
        stored = service.glossaries.get(owner, str(params["glossary_id"]))
        if stored is None:
            raise Refused(404, "Glossary not found.")
        if (stored.source, stored.target) != (source, target):
            raise Refused(400, "The glossary's language pair does not match source_lang and target_lang.")
        glossary = stored.glossary()
    return service.options(target, glossary=glossary, formality=formality, optimize_for=optimize_for)


@router.post("/translate", summary="Translate texts (DeepL API v2)")
async def translate(request: Request):
    from summarize.service.libretranslate import check_languages, translate_one

    service = request.app.state.service
    params, owner = await _admitted(request)
    texts = params.get("text")
    texts = [texts] if isinstance(texts, str) else texts
    if not texts or not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise Refused(400, "Parameter 'text' not specified.")
    for name in UNSERVED:
        if params.get(name) not in (None, "", []):
            raise Refused(400, f"'{name}' is not supported by this server (docs/service.md).")
    source, target = _source(params, service), _target(params, service)
    tags = _choice(params, "tag_handling", ("", "html", "xml"), "")
    splitting = _choice(params, "split_sentences", ("0", "1", "nonewlines"), "nonewlines" if tags else "1")
    _choice(params, "preserve_formatting", ("0", "1", "true", "false"), "0")
    check_languages(service, source, target)
    options = _request_options(params, service, source, target, owner)
    if splitting == "nonewlines" and not tags:
        texts = [" ".join(text.split()) for text in texts]
    answers = await service.within_timeout(
        asyncio.gather(*(translate_one(service, text, source, options, "html" if tags else "text") for text in texts))
    )
    billed = [len(text) for text in texts]
    await asyncio.to_thread(service.gate.charge, owner, sum(billed))
    used = {"model_type_used": f"{options.optimize_for}_optimized"} if params.get("model_type") else {}
    return {
        "translations": [
            {"detected_source_language": detected["language"].upper(), "text": text, "billed_characters": count} | used
            for (text, detected, _), count in zip(answers, billed)
        ]
    }


@router.api_route("/languages", methods=["GET", "POST"], summary="Languages served here (DeepL API v2)")
async def languages(request: Request):
    """Source languages, or with `type=target` the targets in DeepL's codes (English and
    Portuguese as their variants), each saying whether a formality can be asked."""
    service = request.app.state.service
    params, _ = await _admitted(request, translates=False)
    kind = _choice(params, "type", ("source", "target"), "source")
    pairs = service.pairs
    if kind == "source":
        return [{"language": code.upper(), "name": language_name(code)} for code in sorted({s for s, _ in pairs})]
    found = []
    for code in sorted({t for _, t in pairs}):
        formal = await service.batcher.call(service.formality_served, code)  # loads engines: the model thread
        variants = [(deepl, name) for deepl, (served, name) in VARIANTS.items() if served == code]
        for deepl_code, name in variants or [(code.upper(), language_name(code))]:
            found.append({"language": deepl_code, "name": name, "supports_formality": formal})
    return found


@router.api_route("/usage", methods=["GET", "POST"], summary="Characters translated for this key (DeepL API v2)")
async def usage(request: Request):
    service = request.app.state.service
    _, owner = await _admitted(request, translates=False)
    quota = service.gate.keys.get(owner) if service.gate.keys is not None else None
    used = await asyncio.to_thread(service.gate.used, owner)
    return {"character_count": used, "character_limit": quota if quota is not None else NO_LIMIT}


@router.api_route("/glossary-language-pairs", methods=["GET"], summary="Pairs a glossary may have (DeepL API v2)")
async def glossary_pairs(request: Request):
    await _admitted(request)
    pairs = sorted(request.app.state.service.pairs)
    return {"supported_languages": [{"source_lang": s, "target_lang": t} for s, t in pairs]}


@router.post("/glossaries", summary="Store a glossary (DeepL API v2)")
async def create_glossary(request: Request):
    service = request.app.state.service
    params, owner = await _admitted(request)
    name = params.get("name")
    if not name or not isinstance(name, str):
        raise Refused(400, "Parameter 'name' not specified.")
    source, target = (str(params.get(f"{end}_lang") or "").strip().lower() for end in ("source", "target"))
    if (source, target) not in service.pairs:
        raise Refused(400, "Unsupported glossary source and target language pair.")
    entries = params.get("entries")
    if not entries or not isinstance(entries, str):
        raise Refused(400, "Parameter 'entries' not specified.")
    entries_format = _choice(params, "entries_format", ("tsv", "csv"), "tsv")
    rows = await asyncio.to_thread(_entries, entries, entries_format)
    stored = await asyncio.to_thread(service.glossaries.add, owner, name, source, target, rows)
    if stored is None:
        raise Refused(456, "Too many glossaries: delete some first.")
    return Response(json.dumps(stored.describe()), status_code=201, media_type="application/json")


def _entries(text: str, entries_format: str) -> str:
    """DeepL's entries (TSV, or CSV with optional language columns) as TSV rows, each read by the
    glossary's own parser (one line for what it refuses)."""
    from summarize.service.glossaries import MOST_ENTRY_BYTES
    from summarize.text.glossary import parse_table

    if len(text.encode("utf-8")) > MOST_ENTRY_BYTES:
        raise Refused(413, f"Glossary entries over {MOST_ENTRY_BYTES // 2**20} MB.")
    try:
        terms = parse_table(text, "entries", delimiter="\t" if entries_format == "tsv" else ",").terms
    except InputError as error:
        raise Refused(400, f"Invalid glossary entries: {error}") from None
    if not terms:
        raise Refused(400, "Invalid glossary entries: none given.")
    return "\n".join(f"{term.source}\t{term.target}" for term in terms)


@router.get("/glossaries", summary="The glossaries of this key (DeepL API v2)")
async def list_glossaries(request: Request):
    _, owner = await _admitted(request)
    stored = await asyncio.to_thread(request.app.state.service.glossaries.list, owner)
    return {"glossaries": [glossary.describe() for glossary in stored]}


async def _glossary(request: Request, glossary_id: str):
    _, owner = await _admitted(request)
    stored = await asyncio.to_thread(request.app.state.service.glossaries.get, owner, glossary_id)
    if stored is None:
        raise Refused(404, "Glossary not found.")
    return stored


@router.get("/glossaries/{glossary_id}", summary="One glossary (DeepL API v2)")
async def get_glossary(glossary_id: str, request: Request):
    return (await _glossary(request, glossary_id)).describe()


@router.get("/glossaries/{glossary_id}/entries", summary="One glossary's terms, as TSV (DeepL API v2)")
async def glossary_entries(glossary_id: str, request: Request):
    stored = await _glossary(request, glossary_id)
    return Response(stored.entries, media_type="text/tab-separated-values; charset=utf-8")


@router.delete("/glossaries/{glossary_id}", summary="Delete a glossary (DeepL API v2)")
async def delete_glossary(glossary_id: str, request: Request):
    _, owner = await _admitted(request)
    if not await asyncio.to_thread(request.app.state.service.glossaries.delete, owner, glossary_id):
        raise Refused(404, "Glossary not found.")
    return Response(status_code=204)


@router.post("/document", summary="Upload a document to translate (DeepL API v2)")
async def upload_document(request: Request):
    """The document is translated in the background, in its own format (a PDF into text, asked
    with `output_format=txt`); its status and result are read with the id and key answered."""
    from summarize.service.files import translated_file
    from summarize.service.libretranslate import check_languages

    service = request.app.state.service
    params, owner = await _admitted(request)
    upload = params.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise Refused(400, "Parameter 'file' not specified.")
    name = Path(upload.filename or "file").name
    file_format = format_of(name)
    if file_format is None:
        raise Refused(400, f"Invalid file data: {Path(name).suffix or 'no suffix'} files are not translated here.")
    wanted = str(params.get("output_format") or "").strip().lower().lstrip(".")
    if file_format.read is None and wanted != "txt":
        raise Refused(400, f"A {file_format.name} is translated into text only: ask output_format=txt.")
    if file_format.read is not None and wanted not in ("", Path(name).suffix.lower().lstrip(".")):
        raise Refused(400, f"Value for 'output_format' not supported: a {file_format.name} is translated into its own format.")
    source, target = _source(params, service), _target(params, service)
    check_languages(service, source, target)
    options = _request_options(params, service, source, target, owner)
    data = await upload.read()
    if not data:
        raise Refused(400, "Invalid file data: the file is empty.")
    document_id, document_key = secrets.token_hex(16).upper(), secrets.token_hex(32).upper()
    state = {"key": document_key, "owner": owner, "status": "translating", "billed_characters": None}
    await asyncio.to_thread(_keep_state, service, document_id, state)

    async def work() -> None:
        try:
            translated, written, characters = await service.within_timeout(
                translated_file(service, data, name, file_format, options)
            )
            stored = f"{document_id}.{Path(written).name}"
            await asyncio.to_thread(service.files.add, stored, translated)
            await asyncio.to_thread(service.gate.charge, owner, characters)
            state.update(status="done", stored=stored, billed_characters=characters)
        except (SummarizeError, Refused) as error:  # the document's own failure, said by its status
            state.update(status="error", error_message=str(getattr(error, "detail", error)))
        except Exception as error:  # a fault of ours on this document alone: logged with its traceback
            log.error("document %s failed", document_id, exc_info=error)
            said = f"Internal error ({type(error).__name__}); the server's log has the details"
            state.update(status="error", error_message=said)
        await asyncio.to_thread(_keep_state, service, document_id, state)

    task = asyncio.get_running_loop().create_task(work())
    service.background.add(task)
    task.add_done_callback(service.background.discard)
    await asyncio.wait({task}, timeout=UPLOAD_WAIT_S)
    return {"document_id": document_id, "document_key": document_key}


def _keep_state(service, document_id: str, state: dict) -> None:
    service.document_states.add(f"{document_id}.json", json.dumps(state).encode())


async def _document_state(request: Request, document_id: str) -> tuple:
    service = request.app.state.service
    params, owner = await _admitted(request)
    kept = await asyncio.to_thread(service.document_states.get, f"{document_id}.json")
    state = json.loads(kept) if kept else None
    given = params.get("document_key")
    if state is None or state["owner"] != owner or not isinstance(given, str) or not secrets.compare_digest(given, state["key"]):
        raise Refused(404, "Document not found.")
    return service, state


@router.post("/document/{document_id}", summary="A document's status (DeepL API v2)")
async def document_status(document_id: str, request: Request):
    _, state = await _document_state(request, document_id)
    answer = {"document_id": document_id, "status": state["status"], "billed_characters": state["billed_characters"]}
    if state["status"] == "error":
        answer["error_message"] = state["error_message"]
    elif state["status"] == "translating":
        answer["seconds_remaining"] = None
    return answer


@router.post("/document/{document_id}/result", summary="A translated document (DeepL API v2)")
async def document_result(document_id: str, request: Request):
    from summarize.service.files import attachment

    service, state = await _document_state(request, document_id)
    if state["status"] != "done":
        raise Refused(503, "Document not ready.")
    data = await asyncio.to_thread(service.files.get, state["stored"])
    if data is None:
        raise Refused(404, "Document not found: no longer kept.")
    file_format = format_of(state["stored"])
    media = file_format.media_type if file_format is not None else "application/octet-stream"
    shown = state["stored"].split(".", 1)[1]
    return Response(data, media_type=media, headers={"Content-Disposition": attachment(shown)})
