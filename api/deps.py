"""FastAPI dependencies: the services built at start-up, a unit-of-work session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from agent.container import Services
from agent.users import Principal, authenticate
from api.problems import Problem


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back if it raises.

    ``scope="function"`` commits before the response is sent, so background work started by the
    endpoint (the outbox's send) sees the committed rows and never waits on this transaction's locks.
    """
    with services.session_factory.begin() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def require_principal(request: Request, services: ServicesDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise Problem(
            401,
            "Unauthorized",
            "send an API key as `Authorization: Bearer tp_...` (create one with "
            "`touchpoint users create-key`)",
            code="unauthorized",
        )
    with services.session_factory.begin() as session:
        principal = authenticate(session, key.strip(), services.clock())
    if principal is None:
        raise Problem(401, "Unauthorized", "this API key is unknown or revoked", code="unauthorized")
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]
