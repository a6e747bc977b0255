"""The labelled guardrail set: drafts with their full context and the violations a correct checker reports.

A case file (``evals/guardrails/cases/*.yaml``) holds the leads and the sources its cases use, written out
in full, then the cases. Each case names its lead and sources by key (or writes one inline), the earlier
messages, the purpose and channel, the live offers, the draft, and ``expect``: the set of violation codes
a careful human labeller finds in it, empty for a draft a rep could send as it is.

The company that sends the drafts is, in order: the ``--company`` profile given to the command, the
company a file names (``company: casa-verde``, a folder of ``evals/companies/`` with its profile and its
knowledge base, whose documents cases cite by id), or the demo company snapshot in ``company.yaml``.
The blind set (``blind/``, see ``GUIDE.md``) is written in the company form.

Everything is validated with pydantic when loaded: a case file with a typo fails with the file, the case
id and the field, never halfway through a run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agent.company import ProfileError, load_profile
from agent.domain import Channel, CompanyIdentity, LeadContext, LeadStatus, TouchPurpose
from agent.drafting.base import DraftRequest, guardrail_context
from agent.guardrails import DraftText, GuardrailContext, PriorMessage
from agent.guardrails.meaning import Meaning
from knowledge.documents import KnowledgeDocument, load_folder, offer_windows
from knowledge.types import DocType, Source

HERE: Final = Path(__file__).parent
DEFAULT_CASES_DIR: Final = HERE / "cases"
DEFAULT_COMPANY: Final = HERE / "company.yaml"
COMPANIES_DIR: Final = HERE.parent / "companies"

# The labeller's vocabulary: every code a guardrail may report (agent/guardrails/*).
CODES: Final = frozenset(
    {
        "length.email",
        "length.sms",
        "subject.missing",
        "subject.length",
        "subject.deceptive",
        "banned_phrase",
        "placeholder",
        "placeholder.subject",
        "sms.opt_out",
        "cta.missing",
        "cta.multiple",
        "value.missing",
        "value.after_ask",
        "value.per_ask",
        "grounded.number",
        "grounded.name",
        "grounded.date",
        "grounded.time",
        "grounded.url",
        "privacy.contact",
        "urgency.unbacked",
        "duplicate.near",
        "spam.phrase",
        "spam.caps",
        "spam.exclamation",
        "reading_grade",
        # The blind set's further rules (GUIDE.md).
        "expired_offer",
        "wrong_lead",
        "advice.unsourced",
        "ask.payment",
        "ask.secret",
        "refund_or_compensation",
        "brand.avoid",
        "language.mismatch",
    }
)


class CaseFileError(ValueError):
    """A case file (or the company file) is malformed; the message names the file, the case and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeadModel(_Strict):
    """What the lead told us and what we know of them: the fields of ``agent.domain.LeadContext``."""

    id: str | None = None  # the key in ``leads:`` when not given
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    role: str | None = None
    industry: str | None = None
    source: str = "web_form"
    need: str | None = None
    inquiry_text: str | None = None
    deal_value: Decimal | None = None
    timezone: str = "America/New_York"
    consent_email: bool = True
    consent_sms: bool = True
    town: str | None = None
    language: str | None = None  # ISO 639-1 of what the lead writes in

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/London)") from exc
        return value

    def context(self, key: str = "lead") -> LeadContext:
        return LeadContext(
            id=self.id or key,
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            phone=self.phone,
            company=self.company,
            role=self.role,
            industry=self.industry,
            source=self.source,
            need=self.need,
            deal_value=self.deal_value,
            timezone=self.timezone,
            consent_email=self.consent_email,
            consent_sms=self.consent_sms,
            status=LeadStatus.ACTIVE,
            inquiry_text=self.inquiry_text,
            town=self.town,
            language=self.language,
        )


class SourceModel(_Strict):
    """A knowledge source exactly as retrieval hands it to the drafter (``knowledge.retrieval.Source``)."""

    id: str
    type: DocType
    title: str
    url: str | None = None
    text: str
    customer: str | None = None
    figures: tuple[str, ...] = ()
    language: str | None = None

    def source(self) -> Source:
        return Source(
            id=self.id,
            type=self.type,
            title=self.title,
            url=self.url,
            text=self.text,
            score=1.0,
            customer=self.customer,
            figures=self.figures,
            language=self.language,
        )


class PriorModel(_Strict):
    """A message this lead already got (or has queued), with the purpose it was sent for."""

    purpose: TouchPurpose
    body: str
    channel: Literal[Channel.EMAIL, Channel.SMS] | None = None
    subject: str | None = None


class CaseModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    # Who wrote the draft: the composer's phrasing, a model's, or a rep's (the blind set does not say).
    style: Literal["composer", "llm", "rep"] | None = None
    channel: Literal[Channel.EMAIL, Channel.SMS]
    purpose: TouchPurpose
    lead: str | LeadModel
    sources: tuple[str | SourceModel, ...] = ()
    previous: tuple[PriorModel, ...] = ()
    live_offers: tuple[str, ...] = ()  # ids of the case's sources that are offers valid on ``now``
    offered_slots: tuple[str, ...] | None = None  # the call times the system offered (default: its own)
    is_reply: bool = False
    now: datetime | None = None
    subject: str | None = None
    body: str
    expect: frozenset[str]
    note: str = ""  # the labeller's reasoning where a rule could be read two ways
    tags: tuple[str, ...] = ()

    @field_validator("expect")
    @classmethod
    def _known_codes(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - CODES)
        if unknown:
            raise ValueError(
                f"unknown violation code(s) {', '.join(unknown)}; known: {', '.join(sorted(CODES))}"
            )
        return value

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return require_time_zone(value)

    @model_validator(mode="after")
    def _shape(self) -> CaseModel:
        if self.channel is Channel.SMS and self.subject is not None:
            raise ValueError("an SMS has no subject")
        return self


class CompanyIdentityModel(_Strict):
    name: str
    sender_name: str
    sender_email: str
    postal_address: str
    reply_to: str | None = None


class CompanyModel(_Strict):
    identity: CompanyIdentityModel
    company_facts: tuple[str, ...] = ()


class Company:
    """Who sends every draft, what is always true about them, and the knowledge base cases cite."""

    def __init__(
        self,
        identity: CompanyIdentity,
        company_facts: tuple[str, ...] = (),
        documents: Mapping[str, KnowledgeDocument] | None = None,
    ) -> None:
        self.identity = identity
        self.documents = dict(documents or {})
        facts = tuple(d.body for d in self.documents.values() if d.type is DocType.COMPANY_FACT)
        self.company_facts = company_facts + facts
        self.offers = offer_windows(self.documents.values())

    def source(self, document_id: str) -> SourceModel | None:
        """A document of the company's knowledge base, as the authors who labelled the cases read it.

        A case study's one-line problem and result (front matter) are part of the document: "Luis, a
        46-year-old kitchen manager" is a fact the document states, so the text carries them too.
        """
        document = self.documents.get(document_id)
        if document is None:
            return None
        summary = [line for line in (document.problem, document.result) if line]
        return SourceModel(
            id=document.id,
            type=document.type,
            title=document.title,
            url=document.url,
            text="\n\n".join([*summary, document.body]),
            customer=document.customer,
            figures=document.figures,
            language=document.language,
        )


class Case:
    """A labelled draft with everything the checks judge it against, references resolved."""

    def __init__(
        self,
        model: CaseModel,
        *,
        file: Path,
        lead: LeadContext,
        sources: tuple[SourceModel, ...],
        now: datetime,
        company: Company,
        other_leads: tuple[LeadContext, ...] = (),
    ) -> None:
        self.model = model
        self.file = file
        self.lead = lead
        self.sources = sources
        self.now = now
        self.company = company
        self.other_leads = other_leads

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def expect(self) -> frozenset[str]:
        return self.model.expect

    @property
    def good(self) -> bool:
        """A draft a rep could send as it is: no violation expected."""
        return not self.model.expect

    @property
    def draft(self) -> DraftText:
        return DraftText(channel=self.model.channel, body=self.model.body, subject=self.model.subject)

    def request(self, meaning: Meaning | None = None) -> DraftRequest:
        company = self.company
        live = {o.id for o in company.offers if o.live_on(self.now.date())}
        return DraftRequest(
            lead=self.lead,
            purpose=self.model.purpose,
            channel=self.model.channel,
            sources=tuple(s.source() for s in self.sources),
            identity=company.identity,
            now=self.now,
            previous=tuple(PriorMessage(p.body, p.purpose.value) for p in self.model.previous),
            company_facts=company.company_facts,
            live_offer_ids=frozenset(self.model.live_offers) | {s.id for s in self.sources if s.id in live},
            offers=company.offers,
            meaning=meaning,
        )

    def context(self, meaning: Meaning | None = None) -> GuardrailContext:
        """Built by the drafting code's own ``guardrail_context``, as for every real draft."""
        context = replace(
            guardrail_context(self.request(meaning)),
            is_reply=self.model.is_reply,
            other_leads=self.other_leads,
        )
        slots = self.model.offered_slots
        return context if slots is None else replace(context, allowed_phrases=slots)


class CaseFile(_Strict):
    company: str | None = None  # a folder of evals/companies/ (its profile and knowledge base)
    now: datetime  # when the drafts are checked, unless a case says otherwise (call slots, offer expiry)
    leads: dict[str, LeadModel] = {}
    sources: dict[str, SourceModel] = {}
    history: dict[str, PriorModel] = {}  # earlier messages the cases reuse through YAML anchors
    cases: list[dict[str, Any]]

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        require_time_zone(value)
        return value


def require_time_zone(value: datetime | None) -> datetime | None:
    """A time without a zone would put the call slots and offer expiry in whatever zone runs the eval."""
    if value is not None and value.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2026-11-23T15:00:00+00:00")
    return value


def load_company(path: Path = DEFAULT_COMPANY) -> Company:
    """A company: a profile file (with the knowledge base in ``knowledge/`` beside it, if there is one),
    or the demo company snapshot (``identity:`` and ``company_facts:``)."""
    data = read_yaml(path)
    if isinstance(data, dict) and "identity" in data:
        try:
            model = CompanyModel.model_validate(data)
        except ValidationError as exc:
            raise CaseFileError(f"{path}: {validation_message(exc)}") from exc
        return Company(CompanyIdentity(**model.identity.model_dump()), model.company_facts)
    try:
        identity = load_profile(path)
    except ProfileError as exc:
        raise CaseFileError(str(exc)) from exc
    folder = path.parent / "knowledge"
    if not folder.is_dir():
        return Company(identity)
    loaded = load_folder(folder)
    if loaded.errors:
        raise CaseFileError(f"{folder}: " + "; ".join(str(e) for e in loaded.errors[:5]))
    return Company(identity, documents={d.id: d for d in loaded.documents})


def load_cases(path: Path = DEFAULT_CASES_DIR, company: Company | None = None) -> list[Case]:
    """Every case of a folder of case files (or of one file, or of the folders under it), in file order;
    ids unique across files. ``company``, when given, sends every case whatever its file names."""
    files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise CaseFileError(f"{path} holds no case files (*.yaml)")
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    companies: dict[str | None, Company] = {}
    for file in files:
        for case in _load_file(file, company, companies):
            if case.id in seen:
                raise CaseFileError(
                    f"{file}: case {case.id!r} is also in {seen[case.id]}; ids must be unique"
                )
            seen[case.id] = file
            cases.append(case)
    return cases


def _company(name: str | None, where: Path, loaded: dict[str | None, Company]) -> Company:
    if name not in loaded:
        profile = DEFAULT_COMPANY if name is None else COMPANIES_DIR / name / "company.yaml"
        if not profile.is_file():
            known = ", ".join(sorted(p.name for p in COMPANIES_DIR.iterdir() if p.is_dir()))
            raise CaseFileError(f"{where}: company {name!r} is not a folder of {COMPANIES_DIR} ({known})")
        loaded[name] = load_company(profile)
    return loaded[name]


def _load_file(path: Path, company: Company | None, companies: dict[str | None, Company]) -> Iterator[Case]:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise CaseFileError(f"{path} must be a mapping with now, leads, sources and cases")
    try:
        header = CaseFile.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(f"{path}: {validation_message(exc)}") from exc
    sender = company or _company(header.company, path, companies)
    for n, raw in enumerate(header.cases, 1):
        where = f"{path}: case {raw.get('id', n)!r}" if isinstance(raw, dict) else f"{path}: case {n}"
        try:
            model = CaseModel.model_validate(raw)
        except ValidationError as exc:
            raise CaseFileError(f"{where}: {validation_message(exc)}") from exc
        yield _resolve(model, header, path, where, sender)


def _resolve(model: CaseModel, header: CaseFile, path: Path, where: str, company: Company) -> Case:
    if isinstance(model.lead, str):
        if model.lead not in header.leads:
            raise CaseFileError(f"{where}: lead {model.lead!r} is not in this file's `leads:`")
        lead = header.leads[model.lead].context(model.lead)
        others = tuple(m.context(k) for k, m in header.leads.items() if k != model.lead)
    else:
        lead, others = model.lead.context(), ()
    sources: list[SourceModel] = []
    for source in model.sources:
        if isinstance(source, str):
            found = header.sources.get(source) or company.source(source)
            if found is None:
                raise CaseFileError(
                    f"{where}: source {source!r} is neither in this file's `sources:` nor a document of "
                    "the company's knowledge base"
                )
            source = found
        sources.append(source)
    by_id = {s.id: s for s in sources}
    for offer in model.live_offers:
        if offer not in by_id or by_id[offer].type is not DocType.OFFER:
            raise CaseFileError(
                f"{where}: live offer {offer!r} must be the id of one of the case's offer sources"
            )
    return Case(
        model,
        file=path,
        lead=lead,
        sources=tuple(sources),
        now=model.now or header.now,
        company=company,
        other_leads=others,
    )


def read_yaml(path: Path) -> object:
    """A YAML file's data, or a ``CaseFileError`` that names the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise CaseFileError(f"{path} is not valid YAML: {exc}") from exc


def validation_message(exc: ValidationError) -> str:
    """Every field error of a pydantic failure on one line: ``field.path: what is wrong; ...``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
    )
