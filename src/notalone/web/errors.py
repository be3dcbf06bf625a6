"""One JSON error envelope for every failure: ``{"error": {"code", "message", "fields"}}``.

FastAPI's default 422 echoes the request input; a child's message must never be echoed into
responses or logs, so validation errors keep only the location and the reason.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from notalone.errors import NotAloneError

log = logging.getLogger("notalone.web")


def envelope(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return JSONResponse(body, status_code=status)


# Pydantic names the member of a union it tried ("input.str", "input.list[str].0"): a schema
# detail, not a place in the request.
_UNION_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


def _loc(loc: tuple) -> str:
    parts = (
        str(p)
        for p in loc
        if p != "body" and not (isinstance(p, str) and (p in _UNION_TAGS or "[" in p))
    )
    return ".".join(parts) or "body"


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    fields: dict[str, str] = {}
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return envelope(400, "invalid_json", "the request body is not valid JSON")
        fields[_loc(tuple(err.get("loc", ())))] = str(err.get("msg", "invalid"))
    return envelope(422, "invalid_request", "the request does not match the schema", fields)


async def _domain(request: Request, exc: NotAloneError) -> JSONResponse:
    if exc.http_status >= 500:
        log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
    return envelope(exc.http_status, exc.code, exc.message, exc.fields)


# FastAPI's answer to a JSON body it cannot even decode (bytes that are not UTF-8, nesting
# deep enough to exhaust the parser, a number too long to convert).
_UNPARSABLE_BODY = "There was an error parsing the body"


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        return envelope(400, "invalid_json", "the request body is not valid UTF-8 JSON")
    code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        exc.status_code, "http_error"
    )
    return envelope(exc.status_code, code, str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled %s on %s", type(exc).__name__, request.url.path)
    return envelope(500, "internal_error", "something went wrong on our side; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(NotAloneError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
