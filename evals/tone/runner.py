"""Draft the same situations for contrasting leads with the composer, and measure how the drafts differ.

Each situation (a purpose and the sources given to the drafter) is drafted once per lead, by email, with
``agent.drafting.composer.Composer``: the deterministic drafter, so the figures are the same on every run.
The contrast pair (the terse CFO and the chatty salon owner) is then compared purpose by purpose in the
three directions their tone profiles intend: more formal, shorter, and figures before the story.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import mean
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from agent.domain import Channel, CompanyIdentity, TouchPurpose
from agent.drafting.base import Drafter, DraftRequest
from agent.drafting.composer import Composer
from agent.drafting.tone import ToneProfile
from agent.guardrails import PriorMessage
from evals.guardrails.cases import (
    CaseFileError,
    CompanyIdentityModel,
    LeadModel,
    SourceModel,
    read_yaml,
    require_time_zone,
    validation_message,
)
from evals.tone.measures import ToneMeasures, has_figures, measure

DEFAULT_SITUATIONS: Final = Path(__file__).with_name("situations.yaml")

ProgressCallback = Callable[[int, int], None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SituationModel(_Strict):
    purpose: TouchPurpose
    sources: tuple[str, ...]
    previous: tuple[TouchPurpose, ...] = ()  # purposes of the messages already sent, oldest first


class ToneFile(_Strict):
    now: datetime
    identity: CompanyIdentityModel
    contrast: tuple[str, str]
    leads: dict[str, LeadModel]
    sources: dict[str, SourceModel]
    situations: tuple[SituationModel, ...]

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        require_time_zone(value)
        return value


@dataclass(frozen=True, slots=True)
class ToneDraft:
    lead: str
    purpose: TouchPurpose
    profile: ToneProfile
    subject: str | None
    body: str
    measures: ToneMeasures
    source_has_figures: bool  # whether the sources carry any figure a data-first draft could lead with


@dataclass(frozen=True, slots=True)
class Contrast:
    """The contrast pair on one purpose: does the first read more formal, shorter and data first?"""

    purpose: TouchPurpose
    first: ToneMeasures
    second: ToneMeasures
    source_has_figures: bool

    @property
    def more_formal(self) -> bool:
        return self.first.formality > self.second.formality

    @property
    def shorter(self) -> bool:
        return self.first.words < self.second.words

    @property
    def data_first(self) -> bool | None:
        """Figures earlier in the first draft than in the second; None when neither quotes a figure."""
        a, b = self.first.first_figure, self.second.first_figure
        if a is None and b is None:
            return None
        return a is not None and (b is None or a < b)


@dataclass(frozen=True, slots=True)
class ToneReport:
    drafts: tuple[ToneDraft, ...]
    contrast: tuple[str, str]

    def by_lead(self) -> dict[str, list[ToneDraft]]:
        grouped: dict[str, list[ToneDraft]] = {}
        for draft in self.drafts:
            grouped.setdefault(draft.lead, []).append(draft)
        return grouped

    def contrasts(self) -> list[Contrast]:
        first, second = self.contrast
        drafts = {(d.lead, d.purpose): d for d in self.drafts}
        return [
            Contrast(
                purpose,
                drafts[first, purpose].measures,
                drafts[second, purpose].measures,
                drafts[first, purpose].source_has_figures,
            )
            for purpose in dict.fromkeys(d.purpose for d in self.drafts)
        ]

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per lead: the profile and the mean of each measure over the purposes."""
        rows: dict[str, dict[str, Any]] = {}
        for lead, drafts in self.by_lead().items():
            measures = [d.measures for d in drafts]
            figures = [m.first_figure for m in measures if m.first_figure is not None]
            grades = [m.grade for m in measures if m.grade is not None]
            profile = drafts[0].profile
            rows[lead] = {
                "formality_profile": profile.formality.value,
                "length_profile": profile.length.value,
                "emphasis_profile": profile.emphasis.value,
                "words": mean(m.words for m in measures),
                "formality": mean(m.formality for m in measures),
                "contractions_per_100": mean(m.contractions_per_100 for m in measures),
                "first_figure": mean(figures) if figures else None,
                "grade": mean(grades) if grades else None,
            }
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "contrast": list(self.contrast),
            "summary": self.summary(),
            "contrasts": [
                {
                    "purpose": c.purpose.value,
                    "more_formal": c.more_formal,
                    "shorter": c.shorter,
                    "data_first": c.data_first,
                    "source_has_figures": c.source_has_figures,
                    self.contrast[0]: c.first.as_dict(),
                    self.contrast[1]: c.second.as_dict(),
                }
                for c in self.contrasts()
            ],
            "drafts": [
                {
                    "lead": d.lead,
                    "purpose": d.purpose.value,
                    "profile": {
                        "formality": d.profile.formality.value,
                        "length": d.profile.length.value,
                        "emphasis": d.profile.emphasis.value,
                        "reasons": list(d.profile.reasons),
                    },
                    "measures": d.measures.as_dict(),
                    "subject": d.subject,
                    "body": d.body,
                }
                for d in self.drafts
            ],
        }

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_situations(path: Path = DEFAULT_SITUATIONS) -> ToneFile:
    try:
        tone_file = ToneFile.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise CaseFileError(f"{path}: {validation_message(exc)}") from exc
    for name in tone_file.contrast:
        if name not in tone_file.leads:
            raise CaseFileError(f"{path}: contrast lead {name!r} is not in `leads:`")
    for n, situation in enumerate(tone_file.situations, 1):
        missing = [s for s in situation.sources if s not in tone_file.sources]
        if missing:
            raise CaseFileError(
                f"{path}: situation {n} ({situation.purpose.value}): unknown source(s) {missing}"
            )
    return tone_file


def evaluate(
    tone_file: ToneFile, drafter: Drafter | None = None, *, on_progress: ProgressCallback | None = None
) -> ToneReport:
    drafter = drafter or Composer()
    identity = CompanyIdentity(**tone_file.identity.model_dump())
    pairs = [(name, situation) for situation in tone_file.situations for name in tone_file.leads]
    drafts: list[ToneDraft] = []
    for done, (name, situation) in enumerate(pairs, 1):
        sources = tuple(tone_file.sources[s] for s in situation.sources)
        request = DraftRequest(
            lead=tone_file.leads[name].context(),
            purpose=situation.purpose,
            channel=Channel.EMAIL,
            sources=tuple(s.source() for s in sources),
            identity=identity,
            now=tone_file.now,
            previous=_previous(situation.previous),
        )
        draft = drafter.draft(request)
        source_text = "\n".join(s.text for s in sources)
        drafts.append(
            ToneDraft(
                lead=name,
                purpose=situation.purpose,
                profile=request.tone_profile,
                subject=draft.subject,
                body=draft.body,
                measures=measure(draft.body, source_text),
                source_has_figures=has_figures(source_text),
            )
        )
        if on_progress:
            on_progress(done, len(pairs))
    return ToneReport(tuple(drafts), tone_file.contrast)


def _previous(purposes: Sequence[TouchPurpose]) -> tuple[PriorMessage, ...]:
    """Stand-ins for the earlier messages: only their purposes matter to the drafter here."""
    return tuple(
        PriorMessage(f"Message {n} of the sequence ({p.value}).", p.value) for n, p in enumerate(purposes, 1)
    )
