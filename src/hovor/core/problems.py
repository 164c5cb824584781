"""Every error leaves the HTTP API as application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hovor.core.errors import HovorError, RateLimited

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


class ProblemError(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """The body of every error response."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = None


def _described(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description, "content": {PROBLEM: {}}}


# Declared on every router so the OpenAPI schema (and the generated client) knows the errors.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _described("Not authenticated"),
    403: _described("Forbidden (wrong CSRF token, role, site key or origin)"),
    404: _described("Not found, or in another workspace"),
    422: _described("Invalid input, with the offending fields in errors"),
    409: _described("A concurrent request changed the same data; safe to retry"),
    429: _described("Rate limited; see Retry-After"),
}


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    code: str = "error",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://hovor.dev/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(HovorError)
    async def hovor_error(_request: Request, exc: HovorError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return JSONResponse(
            exc.problem(), status_code=exc.status, media_type=PROBLEM, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in err["loc"]], "msg": err["msg"]} for err in exc.errors()[:20]
        ]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:3])
        return problem_response(422, "Invalid input", detail, errors=errors, code="invalid_input")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code,
            str(exc.detail),
            str(exc.detail),
            code=f"http_{exc.status_code}",
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(IntegrityError)
    async def conflict(_request: Request, _exc: IntegrityError) -> JSONResponse:
        # A concurrent request stored the same thing first (e.g. a double-submitted message
        # with one client id); nothing was written by this one, and a retry is safe.
        return problem_response(
            409, "Conflict", "a concurrent request changed the same data; retry", code="conflict"
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem_response(
            500, "Internal error", "the server failed; it is logged", code="internal"
        )
