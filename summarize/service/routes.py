"""This project's own endpoints: `/summarize` (what `summarize article --format json` prints),
`/translate/aligned` (what `summarize translate --format json` prints), `/models`, `/health`,
`/metrics` and the web page at `/`."""

from __future__ import annotations

import time
from importlib import resources
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, field_validator

from summarize.errors import InputError
from summarize.jobs import length_problem
from summarize.text.readers import document_from_text

router = APIRouter()


class TranslationRequest(BaseModel):
    """A text or an http(s) URL, and the languages."""

    text: str | None = Field(None, description="The article; or give url")
    url: str | None = Field(None, description="An http(s) page to read instead of text")
    target: str = Field("en", description="Target language, ISO 639-1")
    source: str = Field("auto", description="Source language, ISO 639-1, or auto to detect it")
    api_key: str | None = None


class SummaryRequest(TranslationRequest):
    """What `summarize article` takes."""

    length: str = Field("medium", description="short, medium, long, a number, or a percentage (extractive)")
    order: Literal["translate-first", "summarize-first", "direct"] = "translate-first"

    @field_validator("length")
    @classmethod
    def _length(cls, value: str) -> str:
        problem = length_problem(value)
        if problem:
            raise ValueError(problem)
        return value.strip()


async def _document(service, body: TranslationRequest, request: Request):
    service.gate.admit(body.api_key, request.client.host if request.client else "")
    if (body.text is None) == (body.url is None):
        raise InputError("give text or url, not both and not neither")
    if body.url is not None:
        return await service.read_url(body.url)
    return document_from_text(body.text, "<text>")


@router.post("/summarize", tags=["summarize"], summary="Summarise an article in the target language")
async def summarize(body: SummaryRequest, request: Request) -> dict:
    service = request.app.state.service

    async def work() -> dict:
        document = await _document(service, body, request)
        return await service.run("article", document, body.target, source=body.source, length=body.length, order=body.order)

    return await service.within_timeout(work())


@router.post("/translate/aligned", tags=["summarize"], summary="Translate, sentence by sentence aligned")
async def translate_aligned(body: TranslationRequest, request: Request) -> dict:
    service = request.app.state.service

    async def work() -> dict:
        document = await _document(service, body, request)
        return await service.run("translate", document, body.target, source=body.source)

    return await service.within_timeout(work())


@router.get("/models", tags=["summarize"], summary="Engines loaded, language pairs, batching and notes")
async def models(request: Request) -> dict:
    service = request.app.state.service
    settings = service.settings
    return {
        "engines": service.engines,
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
    return {"status": "ok", "engines": len(service.engines), "uptime_s": round(time.time() - service.started, 1)}


@router.get("/metrics", tags=["summarize"], summary="Prometheus metrics")
async def metrics(request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(request.app.state.service.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


@router.get("/", include_in_schema=False)
async def page() -> HTMLResponse:
    return HTMLResponse(resources.files("summarize.service").joinpath("page.html").read_text(encoding="utf-8"))
