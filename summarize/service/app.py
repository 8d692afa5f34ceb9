"""The FastAPI app: the routers, the engines loaded at start, the request size limit, metrics
per request, CORS (as LibreTranslate sends it), and every error as one line in `{"error": ...}`
(never a traceback)."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from summarize.errors import EngineUnavailableError, FactCheckError, ModelUnavailableError, SummarizeError, UnexpectedError
from summarize.service import deepl, files, libretranslate, routes
from summarize.service.core import Service, TimedOut, log
from summarize.service.guard import BodyLimit, FiniteNumbers, error_body
from summarize.service.metrics import Measured
from summarize.service.settings import Settings

#: HTTP status of each error class; any other SummarizeError is the caller's (400).
STATUS = {TimedOut: 504, ModelUnavailableError: 503, EngineUnavailableError: 503, FactCheckError: 422, UnexpectedError: 500}


def create_app(settings: Settings) -> FastAPI:
    """The service for `settings`; its engines load when it starts."""
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        start = time.perf_counter()
        await service.batcher.call(service.preload)
        log.warning("engines loaded in %.1f s: %s", time.perf_counter() - start, _loaded(service))
        yield
        await service.batcher.close()

    app = FastAPI(
        title="summarize",
        summary="Translate and summarise news articles; LibreTranslate-compatible",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.service = service
    app.include_router(libretranslate.router)
    app.include_router(files.router)
    app.include_router(routes.router)
    app.include_router(deepl.router)
    app.add_exception_handler(SummarizeError, _summarize_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, lambda request, error: _error(request, error.status_code, str(error.detail)))
    app.add_exception_handler(RecursionError, _too_deep)
    app.add_exception_handler(Exception, _fault)
    # Outermost last: every answer is measured, the body limit's and the JSON check's too.
    app.add_middleware(FiniteNumbers)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(Measured, metrics=service.metrics)
    if settings.cors_origins:
        # Outermost: every answer carries the headers, a refused body's too, and preflights are answered.
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["*"], allow_headers=["*"])
    return app


def app_from_environment() -> FastAPI:
    """The app of a uvicorn worker process (`summarize serve --workers N`)."""
    return create_app(Settings.from_environment())


def _error(request: Request, status: int, message: str, **more) -> JSONResponse:
    """One line, in the shape of the API the route belongs to."""
    return JSONResponse({**error_body(request.url.path, message), **more}, status_code=status)


def _summarize_error(request: Request, error: SummarizeError) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    if isinstance(error, UnexpectedError):  # a fault of ours on this request alone: its traceback logged
        log.error("%s %s failed", request.method, request.url.path, exc_info=error.__cause__)
    return _error(request, status, in_api_terms(str(error)), exit_code=error.exit_code)


#: The command line's words in the shared errors, as a caller of the API says them.
API_TERMS = (("pass --from LANG", "give source"), ("--from LANG", "source"), ("--to LANG", "target"))


def in_api_terms(message: str) -> str:
    for command_line, api in API_TERMS:
        message = message.replace(command_line, api)
    return message


def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    """One line: the first problem, where it is; bad JSON is a 400."""
    first = error.errors()[0] if error.errors() else {"msg": "invalid request", "loc": ()}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = first.get("msg", "invalid request").removeprefix("Value error, ")
    if first.get("type") == "json_invalid":
        return _error(request, 400, f"Invalid request: the body is not valid JSON ({first.get('ctx', {}).get('error', message)})")
    return _error(request, 422, f"Invalid request: {where + ': ' if where else ''}{message}")


def _too_deep(request: Request, error: RecursionError) -> JSONResponse:
    """A JSON body nested past the parser's depth: the caller's fault, said in one line."""
    return _error(request, 400, "Invalid request: the JSON body is nested too deeply")


def _fault(request: Request, error: Exception) -> JSONResponse:
    """A fault of ours: logged with its traceback here, one line to the caller."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return _error(request, 500, f"Internal error ({type(error).__name__}); the server's log has the details")


def _loaded(service: Service) -> str:
    return "; ".join(f"{e['task']} {e['source']}: {e['alias']} ({e['engine']})" for e in service.loaded) or "none"


def _version() -> str:
    from importlib.metadata import version

    return version("summarize")
