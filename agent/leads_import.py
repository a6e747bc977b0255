"""Import existing leads from a CRM export (CSV): a report of what was created, updated and rejected.

Each row is validated on its own and rejected with its reason, so one bad row never blocks the rest;
the good rows land in one transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, ValidationError, model_validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.domain import normalise_email
from agent.services import leads

REQUIRED_COLUMNS = {"email", "phone"}
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0", ""}


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _boolean(value: object) -> object:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool, BeforeValidator(_boolean)]


class LeadRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    email: Annotated[EmailStr | None, BeforeValidator(_blank_to_none)] = None
    phone: Annotated[
        Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")] | None, BeforeValidator(_blank_to_none)
    ] = None
    first_name: Text = None
    last_name: Text = None
    company: Text = None
    role: Text = None
    industry: Text = None
    source: Text = None
    need: Text = None
    deal_value: Annotated[Annotated[Decimal, Field(ge=0)] | None, BeforeValidator(_blank_to_none)] = None
    timezone: Annotated[str, BeforeValidator(lambda v: _blank_to_none(v) or "UTC")] = "UTC"
    consent_email: Flag = True
    consent_sms: Flag = False

    @model_validator(mode="after")
    def _reachable(self) -> LeadRow:
        if not self.email and not self.phone:
            raise ValueError("needs an email or a phone number")
        return self


@dataclass
class RowResult:
    line: int
    outcome: str  # created | updated | rejected
    detail: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


class ImportFileError(Exception):
    pass


def read_rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"cannot open {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            columns = {name.strip().lower() for name in reader.fieldnames or []}
            if not columns & REQUIRED_COLUMNS:
                raise ImportFileError(
                    f"{path}: the header needs an `email` or a `phone` column; it has {sorted(columns)}"
                )
            for row in reader:
                yield reader.line_num, {k.strip().lower(): (v or "") for k, v in row.items() if k}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(f"{path}:{reader.line_num + 1}: not a readable UTF-8 CSV ({exc})") from None


def import_leads(
    session: Session, rows: Iterable[tuple[int, dict[str, str]]], *, now: datetime, valid_timezones: set[str]
) -> ImportReport:
    report = ImportReport()
    for line, raw in rows:
        try:
            row = LeadRow.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'row'}: "
                f"{str(e['msg']).removeprefix('Value error, ')}"
                for e in exc.errors()
            )
            report.rows.append(RowResult(line, "rejected", problems))
            continue
        if row.timezone not in valid_timezones:
            report.rows.append(RowResult(line, "rejected", f"timezone: unknown time zone {row.timezone!r}"))
            continue
        fields = row.model_dump()
        fields["email"] = normalise_email(fields["email"])
        try:
            with session.begin_nested():
                report.rows.append(
                    _upsert(session, line, fields, given={k for k, v in raw.items() if v.strip()}, now=now)
                )
        except IntegrityError:
            report.rows.append(
                RowResult(line, "rejected", "its email and phone belong to two different existing leads")
            )
    return report


def _upsert(
    session: Session, line: int, fields: dict[str, Any], *, given: set[str], now: datetime
) -> RowResult:
    existing = leads.find_by_contact(session, email=fields["email"], phone=fields["phone"])
    if existing is None:
        leads.add(session, fields, now=now)
        return RowResult(line, "created")
    # Only columns the file actually filled in change an existing lead: a missing consent column must
    # never turn a lead's "no" back into the default "yes".
    changed = [name for name in fields if name in given and getattr(existing, name) != fields[name]]
    for name in changed:
        setattr(existing, name, fields[name])
    existing.updated_at = now
    session.flush()
    return RowResult(line, "updated", ", ".join(changed) or "no changes")
