"""Domain errors. Each maps to one HTTP problem response (RFC 9457) and one WebSocket error frame."""

from __future__ import annotations

from typing import Any

from hovor.core.metrics import count_problem


class HovorError(Exception):
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    def problem(self) -> dict[str, Any]:
        count_problem(self.code)  # rendered once per answer (core.problems)
        body: dict[str, Any] = {
            "type": f"https://hovor.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


class InvalidInput(HovorError):
    status = 422
    code = "invalid_input"
    title = "Invalid input"


def field_error(loc: list[str | int], msg: str) -> InvalidInput:
    """422 naming one field: ``loc`` as in the problem's ``errors`` and in its detail."""
    return InvalidInput(f"{'.'.join(map(str, loc))}: {msg}", errors=[{"loc": loc, "msg": msg}])


class Unauthorized(HovorError):
    status = 401
    code = "unauthorized"
    title = "Not authenticated"


class Forbidden(HovorError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(HovorError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(HovorError):
    status = 409
    code = "conflict"
    title = "Conflict"


class RateLimited(HovorError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ServiceUnavailable(HovorError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"
