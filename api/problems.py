"""RFC 9457 problem details for every error the API returns, with a message a person can act on."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent.services.errors import DomainError
from api.schemas import TouchPublic

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://touchpoint.invalid/problems/"


class Problem(Exception):
    """Raise for an expected failure; it becomes a problem document with this status."""

    def __init__(
        self, status: int, title: str, detail: str, *, code: str | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code or title.lower().replace(" ", "-")
        self.extra = extra


def problem_response(
    status: int, title: str, detail: str, *, code: str, instance: str | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_BASE + code, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


# Errors about the body as a whole, in words a person sending it can act on, instead of pydantic's.
_BODY_ERRORS = {
    "json_invalid": "the body is not valid JSON",
    "model_attributes_type": "send the body as a JSON object, with content-type: application/json",
    "dict_type": "send the body as a JSON object, with content-type: application/json",
}


def _readable(error: Mapping[str, Any]) -> dict[str, str]:
    """One validation error as ``field`` and ``message``. A body that is not JSON is the ``body``'s
    fault: pydantic puts the character where parsing stopped in its location, which is no field."""
    loc = tuple(error.get("loc", ()))
    kind = str(error.get("type", ""))
    if loc[:1] == ("body",) and kind in _BODY_ERRORS:
        message = _BODY_ERRORS[kind]
        if kind == "json_invalid" and len(loc) > 1:
            message += f" (it stops making sense at character {loc[1]})"
        return {"field": "body", "message": message}
    return {
        "field": _field(loc),
        "message": str(error.get("msg", "is invalid")).removeprefix("Value error, "),
    }


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.detail, code=exc.code, instance=request.url.path, **exc.extra
        )

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        extra: dict[str, Any] = {}
        if exc.current is not None:  # the fresh state of what the caller tried to change
            extra["current"] = TouchPublic.model_validate(exc.current).model_dump(mode="json")
        return problem_response(
            exc.status, exc.title, exc.message, code=exc.code, instance=request.url.path, **extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_readable(error) for error in exc.errors()]
        detail = (
            "; ".join(
                e["message"] if e["field"] == "body" else f"{e['field']}: {e['message']}" for e in errors
            )
            or "the request is invalid"
        )
        return problem_response(
            422, "Invalid request", detail, code="validation", instance=request.url.path, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}.get(
            exc.status_code, "Error"
        )
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}; see /docs for the API"
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = "the body could not be read: send UTF-8 JSON, or the form the operation documents"
        return problem_response(
            exc.status_code, title, detail, code=title.lower().replace(" ", "-"), instance=request.url.path
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("api.unexpected_error", extra={"path": request.url.path})
        return problem_response(
            500,
            "Internal error",
            "something went wrong on our side and nothing was saved; "
            "try again, and tell an admin if it persists",
            code="internal",
            instance=request.url.path,
        )
