"""Import existing leads from a CRM export (CSV): a report of what was created, updated and rejected.

Each row is validated on its own and rejected with its reason, so one bad row never blocks the rest;
the good rows land in one transaction. Phone numbers are read by ``phonenumbers`` in any common format
("+1 (559) 555-0117", "559.555.0117") and stored in E.164; a number without its country code is read as
one of ``TOUCHPOINT_PHONE_REGION``. A lead's past (touches sent, replies, events) comes from a history
file beside the CSV: ``agent/history_import.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import phonenumbers
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.domain import Channel, ContactFrequency, LeadStatus, normalise_email
from agent.services import leads

REQUIRED_COLUMNS = {"email", "phone"}
# Columns whose blank means "the lead's own default" (new, the first sequence, normal frequency).
OPTIONAL_SETTINGS = {"status", "sequence", "contact_frequency"}
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


def parse_phone(value: str, region: str) -> str:
    """``value`` in E.164 ("+15595550117"), read in ``region`` when it has no country code."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{value!r} is not a phone number ({exc._msg})") from None
    # Possible, not "valid": a number of the right length for its country is accepted even when its
    # range is not (yet) allocated, or reserved for fiction (+44 7700 900xxx), as carriers decide.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        # "555-0199": dialled within its area only; as "+15550199" no text or call would reach anyone.
        raise ValueError(f"{value!r} has no area code")
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError(f"{value!r} is not a possible phone number (read as one of region {region})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool, BeforeValidator(_boolean)]


class LeadRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    email: Annotated[EmailStr | None, BeforeValidator(_blank_to_none)] = None
    phone: Text = None
    first_name: Text = None
    last_name: Text = None
    company: Text = None
    role: Text = None
    industry: Text = None
    source: Text = None
    need: Text = None
    deal_value: Annotated[Annotated[Decimal, Field(ge=0)] | None, BeforeValidator(_blank_to_none)] = None
    timezone: Text = None  # blank: the import's default (TOUCHPOINT_DEFAULT_TIMEZONE, or the company's)
    consent_email: Flag = True
    consent_sms: Flag = False
    status: Annotated[LeadStatus | None, BeforeValidator(_blank_to_none)] = None
    sequence: Annotated[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")] | None, BeforeValidator(_blank_to_none)
    ] = None
    preferred_channel: Annotated[Channel | None, BeforeValidator(_blank_to_none)] = None
    contact_frequency: Annotated[ContactFrequency | None, BeforeValidator(_blank_to_none)] = None
    language: Annotated[
        Annotated[str, Field(pattern=r"^[a-z]{2}$")] | None,
        BeforeValidator(lambda v: _blank_to_none(v.lower() if isinstance(v, str) else v)),
    ] = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        region = (info.context or {}).get("region", "US")
        return parse_phone(value, region)

    @field_validator("sequence")
    @classmethod
    def _known_sequence(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = (info.context or {}).get("sequences")
        if value is not None and known is not None and value not in known:
            raise ValueError(f"no sequence {value!r} (known: {', '.join(sorted(known))})")
        return value

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
    session: Session,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    now: datetime,
    valid_timezones: set[str],
    region: str = "US",
    sequences: set[str] | None = None,
    default_timezone: str = "UTC",
) -> ImportReport:
    """Each row created, updated or rejected (``region``: of phone numbers without a country code;
    ``sequences``: the names a ``sequence`` column may give, None for any; ``default_timezone``: of
    a row that gives none)."""
    report = ImportReport()
    context = {"region": region, "sequences": sequences}
    for line, raw in rows:
        try:
            row = LeadRow.model_validate(raw, context=context)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'row'}: "
                f"{str(e['msg']).removeprefix('Value error, ')}"
                for e in exc.errors()
            )
            report.rows.append(RowResult(line, "rejected", problems))
            continue
        if row.timezone is None:
            row = row.model_copy(update={"timezone": default_timezone})
        elif row.timezone not in valid_timezones:
            report.rows.append(RowResult(line, "rejected", f"timezone: unknown time zone {row.timezone!r}"))
            continue
        fields = {
            name: value
            for name, value in row.model_dump().items()
            if value is not None or name not in OPTIONAL_SETTINGS
        }
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
