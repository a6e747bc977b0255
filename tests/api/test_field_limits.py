"""Issue 17, finding 6: input the API accepted and the database refused (a 500, the inquiry lost).

Field limits have one source (agent/fields.py): the first test walks every body the API takes and holds
each field stored in a column to that column's length. The others go over HTTP, on SQLite and on
PostgreSQL (the ``client`` fixture runs each test on both): a name over its column, a NUL byte, a lone
surrogate, anywhere a client can put one, is a 422 problem document that names the field, and nothing
is stored.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import InstrumentedAttribute

import api.routes
import api.web
from agent.container import Services
from agent.db.models import Base, Event, Lead, Touch
from api.schemas import EditIn, EventIn, InquiryIn, LeadCreate, LeadUpdate
from tests.api.web.pages import login_form_token, make_rep, sign_in
from tests.conftest import Caller
from tests.factories import add_touch, inquiry_payload, submit

# The bodies whose fields are a row's columns, by name; a key is stored with its prefix.
STORED_IN: dict[type[BaseModel], type[Base]] = {
    InquiryIn: Lead,
    LeadCreate: Lead,
    LeadUpdate: Lead,
    EventIn: Event,
    EditIn: Touch,
}
PREFIXED: dict[tuple[type[BaseModel], str], tuple[InstrumentedAttribute[Any], str]] = {
    (InquiryIn, "idempotency_key"): (Event.idempotency_key, "inquiry:"),
    (EventIn, "idempotency_key"): (Event.idempotency_key, "event:"),
}
NOT_A_COLUMN = {(InquiryIn, "message")}  # the inquiry event's payload (JSON)
# Bodies whose text lands in unbounded columns (Text, JSON: a reason, a note, an outcome) or is only
# looked up (a rep's email to assign a lead to): no column length to agree with.
NO_BOUNDED_COLUMN = {
    "AssignIn",
    "PauseIn",
    "ResumeIn",
    "ReviewIn",
    "RejectIn",
    "RegenerateIn",
    "BulkIn",
    "BulkItem",
    "ReplyIn",
    "CloseIn",
    "CorrectionIn",
    "TaskDone",
}


def _body_models() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for package in (api.routes, api.web):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for route in getattr(getattr(module, "router", None), "routes", []):
                if isinstance(route, APIRoute):
                    for param in route.dependant.body_params:
                        annotation = param.field_info.annotation
                        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                            found.add(annotation)
    return found


def _string_schemas(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """Each field that takes a string, with its JSON schema (what a client is told)."""
    schema = model.model_json_schema(mode="validation")
    out: dict[str, dict[str, Any]] = {}
    for name, spec in schema["properties"].items():
        for option in spec.get("anyOf", [spec]):
            if "$ref" in option:
                option = schema["$defs"][option["$ref"].rsplit("/", 1)[1]]
            if option.get("type") == "string":
                out[name] = option
    return out


def _longest(spec: dict[str, Any]) -> int | None:
    if "enum" in spec:
        return max(len(value) for value in spec["enum"])
    return spec.get("maxLength")


def test_every_api_field_stored_in_a_column_has_the_columns_length() -> None:
    models = _body_models()
    unclassified = sorted(
        m.__name__ for m in models if m not in STORED_IN and m.__name__ not in NO_BOUNDED_COLUMN
    )
    assert unclassified == [], "say where each new body's fields are stored (STORED_IN or NO_BOUNDED_COLUMN)"
    assert set(STORED_IN) <= models

    checked = 0
    for model, table in STORED_IN.items():
        for name, spec in _string_schemas(model).items():
            if (model, name) in NOT_A_COLUMN:
                continue
            column, prefix = PREFIXED.get((model, name), (getattr(table, name, None), ""))
            assert column is not None, f"{model.__name__}.{name} is stored in no column of {table.__name__}"
            kind = column.property.columns[0].type
            longest = _longest(spec)
            if isinstance(kind, Text | JSON) or not isinstance(kind, String) or kind.length is None:
                continue  # unbounded in the database
            assert longest is not None, f"{model.__name__}.{name} has no limit; {column} holds {kind.length}"
            if prefix:
                assert longest + len(prefix) <= kind.length, f"{model.__name__}.{name} with {prefix!r}"
            elif "enum" in spec:
                assert longest <= kind.length, f"{model.__name__}.{name}: a value longer than {column}"
            else:
                assert longest == kind.length, (
                    f"{model.__name__}.{name} allows {longest}, {column} {kind.length}"
                )
            checked += 1
    assert checked >= 25  # the walk saw the fields (names, company, role, email, phone, keys, subject...)


def _counts(services: Services) -> tuple[int, int]:
    with services.session_factory() as session:
        return (
            session.scalar(select(func.count()).select_from(Lead)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
        )


def _post_json(client: TestClient, path: str, body: Any, **headers: str) -> Any:
    """As a client's JSON encoder writes it: a lone surrogate as its ``\\udXXX`` escape."""
    return client.post(
        path, content=json.dumps(body).encode(), headers={"content-type": "application/json", **headers}
    )


def _refused(response: Any, field: str, words: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert words in errors[0]["message"]


class TestLengths:
    def test_a_150_character_first_name_is_refused_not_a_500(
        self, client: TestClient, services: Services
    ) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(first_name="A" * 150))

        _refused(response, "first_name", "at most 100 characters")
        assert _counts(services) == (0, 0)

    def test_a_first_name_as_long_as_its_column_is_stored(self, client: TestClient) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(first_name="A" * 100, role="R" * 120))

        assert response.status_code == 201, response.text

    def test_a_130_character_role_is_refused_not_a_500(self, client: TestClient, services: Services) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(role="R" * 130))

        _refused(response, "role", "at most 120 characters")
        assert _counts(services) == (0, 0)


UNSTORABLE = {"nul": ("Dana\x00", "NUL character (U+0000)"), "surrogate": ("Dana\ud800", "lone surrogate")}


@pytest.mark.parametrize("kind", sorted(UNSTORABLE))
class TestCharactersNoDatabaseStores:
    @pytest.mark.parametrize("field", ["first_name", "last_name", "company", "role", "need", "message"])
    def test_a_nul_or_lone_surrogate_in_an_inquiry_is_a_422_naming_the_field(
        self, client: TestClient, services: Services, kind: str, field: str
    ) -> None:
        text, words = UNSTORABLE[kind]

        response = _post_json(client, "/v1/inquiries", inquiry_payload(**{field: text}))

        _refused(response, field, words)
        assert _counts(services) == (0, 0)

    def test_a_nul_or_lone_surrogate_in_a_patch_is_a_422_and_the_lead_is_unchanged(
        self, client: TestClient, services: Services, rep: Caller, kind: str
    ) -> None:
        lead_id = submit(services).lead_id
        text, words = UNSTORABLE[kind]

        response = client.patch(
            f"/v1/leads/{lead_id}",
            content=json.dumps({"company": text}).encode(),
            headers={"content-type": "application/json", **rep.headers},
        )

        _refused(response, "company", words)
        with services.session_factory() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None and lead.company == "Luna Hair Studio"

    def test_a_nul_or_lone_surrogate_nested_in_an_event_payload_is_a_422_naming_where(
        self, client: TestClient, services: Services, rep: Caller, kind: str
    ) -> None:
        lead_id = submit(services).lead_id
        before = _counts(services)
        text, words = UNSTORABLE[kind]

        response = _post_json(
            client,
            f"/v1/leads/{lead_id}/events",
            {"type": "note", "payload": {"call": {"notes": ["fine", text]}}},
            **rep.headers,
        )

        _refused(response, "payload", words)
        assert "at call.notes[1]" in response.json()["detail"]
        assert _counts(services) == before

    def test_a_nul_or_lone_surrogate_in_a_new_leads_name_is_a_422(
        self, client: TestClient, services: Services, rep: Caller, kind: str
    ) -> None:
        text, words = UNSTORABLE[kind]

        response = _post_json(
            client, "/v1/leads", {"email": "ines@example.com", "last_name": text}, **rep.headers
        )

        _refused(response, "last_name", words)
        assert _counts(services) == (0, 0)


def test_a_nul_in_the_login_email_is_a_422_not_a_500(client: TestClient, services: Services) -> None:
    """A form cannot carry a lone surrogate (its bytes decode to U+FFFD); a NUL it can (``%00``)."""
    make_rep(services)

    response = client.post(
        "/login",
        data={
            "email": "ana\x00@example.com",
            "password": "whatever it is",
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )

    _refused(response, "email", "NUL character (U+0000)")


def test_a_nul_in_a_review_page_form_is_a_422_not_a_500(client: TestClient, services: Services) -> None:
    csrf = sign_in(client, make_rep(services))
    touch_id = add_touch(services, lead_id=submit(services).lead_id)

    response = client.post(
        f"/queue/{touch_id}/reject", data={"version": "1", "reason": "not\x00 right", "csrf_token": csrf}
    )

    _refused(response, "reason", "NUL character (U+0000)")
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None and touch.state == "pending_review"
