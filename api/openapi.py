"""The OpenAPI document, made to tell the truth about what the API answers.

FastAPI documents what a route declares; the rest of what a client can get back comes from machinery
around the routes (the error handlers, authentication, the body-size limit), and is added here by rule
from what each operation takes, so a new route is documented truthfully without repeating it:

- every error is an RFC 9457 problem document (``application/problem+json``, ``api/problems.py``),
  the 422 of request validation included (FastAPI would call it ``application/json``);
- a route that takes an API key (``api.deps.require_principal``, whose ``API_KEY`` FastAPI declares as
  the bearer scheme, so Swagger UI's "Authorize" works) may answer 401; the public ones (the inquiry
  form, the links in emails, the signed webhooks, health) declare no security at all;
- a path with a parameter names something that may not exist: 404; a body may be unreadable (400) or
  over the size limit (``api/limits.py``): 413; any route may fail unexpectedly: 500, with a problem
  document that says so.

The routes' own ``responses=`` say what only they know (409 on a conflict, 403 for another rep's lead).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BODY_METHODS = frozenset({"post", "put", "patch"})

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document: what went wrong and what to do about it.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI whose last part is a stable code to match on"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, and what to do about it"},
        "instance": {"type": "string", "description": "The path that was asked for"},
        "errors": {
            "type": "array",
            "description": "Each invalid field with its message (a document: each problem by line)",
            "items": {"type": "object", "additionalProperties": True},
        },
        "current": {
            "type": "object",
            "description": "The fresh state of what you tried to change, when someone changed it first",
            "additionalProperties": True,
        },
    },
    "additionalProperties": True,
}

STANDARD: dict[int, str] = {
    400: "The body cannot be read at all (not UTF-8, a broken form); nothing was stored",
    401: "No API key, or one that is unknown or revoked (`Authorization: Bearer tp_...`)",
    404: "Nothing by that id or token (a link cut short, a lead that was erased)",
    413: "The request body is over the size limit (`TOUCHPOINT_MAX_REQUEST_BYTES`)",
    422: "The request is invalid: `errors` names each field with what to fix",
    500: "Something failed on our side; nothing was saved",
}


def install_openapi(app: FastAPI) -> None:
    """Serve the truthful document at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = truthful(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


def truthful(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to FastAPI's document what the machinery around the routes answers (see the module's doc)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            _document(operation, method)
    return schema


def _document(operation: dict[str, Any], method: str) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    # FastAPI declares the bearer scheme on the operations whose dependencies use ``api.deps.API_KEY``
    # (``require_principal``); every other operation is public and says so.
    authenticated = bool(operation.get("security"))
    operation["security"] = operation["security"] if authenticated else []
    codes = [500]
    if authenticated:
        codes.append(401)
    if any(parameter.get("in") == "path" for parameter in parameters):
        codes.append(404)
    if "requestBody" in operation:
        codes.append(400)
    if method in BODY_METHODS:
        codes.append(413)
    if parameters or "requestBody" in operation:
        codes.append(422)
    for added in codes:
        responses.setdefault(str(added), {"description": STANDARD[added]})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            _as_problem(response)


def _as_problem(response: dict[str, Any]) -> None:
    """Errors are problem documents: FastAPI's ``application/json`` validation error becomes one, and so
    does a response documented without content. An HTML page a route declares stays beside it (a page's
    own refusal is a page; a request the framework refuses first is a problem document)."""
    content: dict[str, Any] = response.setdefault("content", {})
    generated = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    if generated.endswith("/HTTPValidationError"):
        del content["application/json"]
    if "application/json" not in content:  # a JSON body of its own (readiness) is not a problem
        content[PROBLEM_JSON] = {"schema": PROBLEM_REF}
