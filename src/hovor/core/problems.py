"""Every error leaves the HTTP API as application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute
from starlette.types import Scope

from hovor.core.errors import HovorError, RateLimited
from hovor.core.metrics import count_problem

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
# Added by ``install`` to every operation that takes a body: FastAPI answers 400 for a body
# it cannot read (e.g. JSON that is not UTF-8), and a raw (non-JSON) body has a size limit.
BODY_RESPONSES: dict[str, dict[str, Any]] = {
    "400": {"description": "The body could not be parsed", "content": {PROBLEM: {}}},
}
RAW_BODY_RESPONSES: dict[str, dict[str, Any]] = {
    "413": {
        "description": "The body is larger than the operation accepts",
        "content": {PROBLEM: {}},
    },
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
    count_problem(code)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def document_body_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add ``BODY_RESPONSES`` (and, for raw bodies, ``RAW_BODY_RESPONSES``) to every
    operation of the OpenAPI ``schema`` with a request body; ``schema`` is changed in place."""
    known = "Problem" in schema.get("components", {}).get("schemas", {})
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}} if known else {}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            added = dict(BODY_RESPONSES)
            if any("json" not in kind for kind in body.get("content", {})):
                added.update(RAW_BODY_RESPONSES)
            responses = operation.setdefault("responses", {})
            for status, response in added.items():
                responses.setdefault(status, {**response, "content": {PROBLEM: problem}})
    return schema


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route serves at the request's path (FastAPI has one route per
    method, and its 405 names only the first route's)."""
    methods: set[str] = set()
    for context in iter_route_contexts(routes):
        regex = getattr(context, "path_regex", None)
        if regex is not None and context.methods and regex.match(scope["path"]):
            methods.update(context.methods)
    return sorted(methods)


def install(app: FastAPI) -> None:
    openapi = app.openapi

    def openapi_with_body_errors() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_body_errors(openapi())
        return app.openapi_schema

    app.openapi = openapi_with_body_errors  # type: ignore[method-assign]

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
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app.router.routes, request.scope))
        return problem_response(
            exc.status_code,
            str(exc.detail),
            str(exc.detail),
            code=f"http_{exc.status_code}",
            headers=headers or None,
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
