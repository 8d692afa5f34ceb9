"""This project's own endpoints: `/summarize` (what `summarize article --format json` prints),
`/translate/aligned` (what `summarize translate --format json` prints), `/models`, `/health`,
`/metrics` and the web page at `/`."""

from __future__ import annotations

import time
from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import AfterValidator, BaseModel, Field, create_model

from summarize.documents.readers import document_from_text
from summarize.errors import InputError

router = APIRouter()


class _Body(BaseModel):
    """A text or an http(s) URL."""

    text: str | None = Field(None, description="The article; or give url")
    url: str | None = Field(None, description="An http(s) page to read instead of text")
    glossary: str | None = Field(
        None, description="Terms as CSV or TSV rows (source, target; an empty target: do not translate), added to the service's"
    )
    api_key: str | None = None


#: The request field's type of an option's annotation (any other is text).
_TYPES = {"bool": bool, "int": int}


def _declared(*names: str) -> dict:
    """Request fields from the jobs' option declarations (summarize/core/options.py): their
    types, choices, defaults, descriptions and checks."""
    from summarize.core.options import check, choices_of, fields

    specs = {spec.name: spec for spec in fields()}

    def checked(spec):
        def validate(value):
            problem = check(spec, value)
            if problem:
                raise ValueError(problem)
            return value.strip() if isinstance(value, str) else value

        return AfterValidator(validate)

    declared = {}
    for name in names:
        spec = specs[name]
        choices = choices_of(spec)
        kind = Literal[choices] if choices else _TYPES.get(str(spec.type), str)
        declared[name] = (Annotated[kind, checked(spec)], Field(spec.default, description=spec.metadata["help"]))
    return declared


def _request_options(task: str) -> tuple[str, ...]:
    """The options a request of `task` may set (the glossary comes as text: `_Body`)."""
    from summarize.core.options import options_for

    return tuple(name for name in options_for(task, "request") if name != "glossary")


TranslationRequest = create_model(
    "TranslationRequest", __base__=_Body, __doc__="What `summarize translate` takes.", **_declared(*_request_options("translate"))
)
SummaryRequest = create_model(
    "SummaryRequest", __base__=_Body, __doc__="What `summarize article` takes.", **_declared(*_request_options("article"))
)


async def _document(service, body: TranslationRequest, request: Request):
    await service.admit(body.api_key, request)
    if (body.text is None) == (body.url is None):
        raise InputError("give text or url, not both and not neither")
    if body.url is not None:
        return await service.read_url(body.url)
    return document_from_text(body.text, "<text>")


@router.post("/summarize", tags=["summarize"], summary="Summarise an article in the target language")
async def summarize(body: SummaryRequest, request: Request) -> dict:
    return await _job("article", body, request)


@router.post("/translate/aligned", tags=["summarize"], summary="Translate, sentence by sentence aligned")
async def translate_aligned(body: TranslationRequest, request: Request) -> dict:
    return await _job("translate", body, request)


async def _job(task: str, body, request: Request) -> dict:
    """The request's document (its text, or its URL read) through the front door with the
    request's options, as its record."""
    service = request.app.state.service
    chosen = {name: getattr(body, name) for name in _request_options(task)}
    options = service.options(glossary=body.glossary, **chosen)

    async def work() -> dict:
        document = await _document(service, body, request)
        return (await service.run(task, document, options)).record()

    return await service.within_timeout(work())


@router.get("/models", tags=["summarize"], summary="Engines loaded, language pairs, batching and notes")
async def models(request: Request) -> dict:
    service = request.app.state.service
    settings = service.settings
    from summarize.service.core import resident_mib

    return {
        "engines": service.loaded,
        "rss_mib": round(resident_mib(), 1),
        "pairs": [{"source": s, "target": t} for s, t in sorted(service.pairs)],
        "notes": service.notes,
        "batching": {"max_batch": settings.max_batch, "max_wait_ms": settings.max_wait_ms},
        "limits": {
            "max_request_bytes": settings.max_request_bytes,
            "request_timeout_s": settings.request_timeout_s,
            "requests_per_minute": settings.requests_per_minute,
            "api_keys": settings.api_keys_file is not None,
        },
    }


@router.get("/health", tags=["summarize"], summary="Whether the service is up, and since when")
async def health(request: Request) -> dict:
    service = request.app.state.service
    return {"status": "ok", "engines": len(service.loaded), "uptime_s": round(time.time() - service.started, 1)}


@router.get("/metrics", tags=["summarize"], summary="Prometheus metrics")
async def metrics(request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(request.app.state.service.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


@router.get("/", include_in_schema=False)
async def page() -> HTMLResponse:
    return HTMLResponse(resources.files("summarize.service").joinpath("page.html").read_text(encoding="utf-8"))
