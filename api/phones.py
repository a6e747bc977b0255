"""Phone numbers as people write them, stored in E.164, for every route that takes one from a person."""

from __future__ import annotations

from agent.leads_import import parse_phone
from api.problems import Problem


def e164(written: str | None, region: str) -> str | None:
    """The number as typed ("(713) 555-0142"), in E.164, read in ``region`` when it has no country code:
    a form's or a rep's way of writing a number must not lose the lead. One that cannot be a number is a
    422 naming the field."""
    if written is None:
        return None
    try:
        return parse_phone(written, region)
    except ValueError as exc:
        message = f"{exc}; write it with its country code, e.g. +15035550123"
        raise Problem(
            422,
            "Invalid request",
            f"phone: {message}",
            code="validation",
            errors=[{"field": "phone", "message": message}],
        ) from None
