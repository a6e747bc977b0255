"""The deterministic composer: good, varied messages from the knowledge base with no LLM at all.

It is the embedded default, the fast path for instant acknowledgments and the fallback when the LLM
is slow, down or writes something a guardrail blocks. Its variety is deterministic (a hash of the
lead, purpose and previous messages picks the variant), so the same inputs give the same draft in
tests and evals, while two leads, or two touches to one lead, read differently.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent.domain import Channel, DrafterKind
from agent.drafting.base import Draft, DraftRequest
from knowledge.retrieval import Source
from prompts.loader import PromptError, PromptFile, load_prompt_file

MAX_NEED_WORDS = 8
ACTION_VERBS = frozenset(
    [
        "cut",
        "reduce",
        "stop",
        "get",
        "find",
        "set",
        "move",
        "switch",
        "replace",
        "automate",
        "take",
        "add",
        "improve",
        "fill",
        "book",
        "manage",
        "track",
        "run",
        "grow",
        "start",
        "build",
        "lower",
        "save",
        "send",
        "collect",
        "accept",
        "offer",
        "sync",
        "connect",
        "migrate",
    ]
)
SUMMARY_WORDS = (40, 75)  # quote this much of a source; the longer limit when the email runs short
MIN_EMAIL_WORDS = 50
_FORMATTER = string.Formatter()


class Composer:
    def __init__(self, phrasebook: PromptFile | None = None) -> None:
        self.book = phrasebook or load_prompt_file("composer")

    def draft(self, request: DraftRequest) -> Draft:
        values = _values(request)
        if request.channel is Channel.SMS:
            body, ask = self._sms(request, {**values, **_source_values(request, SUMMARY_WORDS[0])})
            subject = None
        else:
            subject, body, ask = self._email(request, values)
        return Draft(
            subject=subject,
            body=body,
            call_to_action=ask,
            source_ids=tuple(sorted(body_source_ids(body, request.sources))),
            drafter=DrafterKind.COMPOSER,
            label=str(self.book.data["label"]),
            prompt_version=self.book.version,
        )

    def _email(self, request: DraftRequest, values: Mapping[str, str]) -> tuple[str, str, str]:
        """Quote more of the source, then add the no-source paragraph, until the email is long enough."""
        for summary_words in SUMMARY_WORDS:
            subject, paragraphs, ask = self._email_parts(
                request, {**values, **_source_values(request, summary_words)}
            )
            if _words(paragraphs) >= MIN_EMAIL_WORDS:
                break
        else:
            bank = self.book.data["purposes"][request.purpose.value]
            extra = _pick(bank["value_without_source"], values, _seed(request)) or ""
            if extra not in paragraphs:
                paragraphs.insert(-2, extra)
        return subject, "\n\n".join(p for p in paragraphs if p), ask

    def _email_parts(self, request: DraftRequest, values: Mapping[str, str]) -> tuple[str, list[str], str]:
        bank = self.book.data["purposes"][request.purpose.value]
        seed = _seed(request)
        greeting = _pick(self.book.data["greeting"], values, seed) or _pick(
            self.book.data["greeting_fallback"], values, seed
        )
        opening = _pick(bank["opening"], values, seed + 1) or ""
        value = _pick(bank["value"], values, seed + 2)
        if value is None:
            value = _pick(bank["value_without_source"], values, seed + 2) or ""
        elif "source_url" in values:
            value = f"{value} {values['source_url']}"
        ask = _pick(bank["ask"], values, seed + 3) or "What would be most useful for you right now?"
        signoff = _pick(self.book.data["signoff"], values, seed + 4) or ""
        subject = _pick(bank["subject"], values, seed + 5) or "Following up"
        return subject, [greeting or "", opening, value, ask, signoff], ask

    def _sms(self, request: DraftRequest, values: Mapping[str, str]) -> tuple[str, str]:
        bank = self.book.data["sms"]
        kind = "acknowledgment" if request.purpose.value == "acknowledgment" else "default"
        seed = _seed(request)
        text = _pick(bank[kind], values, seed) or _first_usable(bank[f"{kind}_fallback"], values)
        if text is None:
            raise PromptError(
                f"the composer's sms.{kind}_fallback needs a variant that only uses company values"
            )
        return f"{text} {bank['opt_out']}", text


def body_source_ids(body: str, sources: Sequence[Source]) -> set[str]:
    """The sources a body actually draws on: cited by title or URL, so the record never over-claims."""
    return {s.id for s in sources if (s.title and s.title in body) or (s.url and s.url in body)}


def _pick(variants: Sequence[str], values: Mapping[str, str], seed: int) -> str | None:
    usable = [v for v in variants if all(name in values for name in _placeholders(v))]
    if not usable:
        return None
    return _tidy(usable[seed % len(usable)].format_map(values))


def _first_usable(variants: Sequence[str], values: Mapping[str, str]) -> str | None:
    """For fallback lists, ordered from the most to the least personal."""
    return next((_tidy(v.format_map(values)) for v in variants if _placeholders(v) <= values.keys()), None)


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).replace(" .", ".").strip()


def _seed(request: DraftRequest) -> int:
    material = "|".join([request.lead.id, request.purpose.value, *request.previous_bodies])
    return int.from_bytes(hashlib.sha256(material.encode()).digest()[:4], "big")


def _values(request: DraftRequest) -> dict[str, str]:
    """Only real, non-empty facts become values; a missing one removes the variants that need it."""
    lead = request.lead
    values = {
        "first_name": _first_name(lead.first_name),
        "company": (lead.company or "").strip(),
        "need": _short_need(lead.need),
        "company_name": request.identity.name,
        "sender_first": request.identity.sender_name.split()[0],
    }
    values.update(_slots(request.now, lead.timezone))
    return {key: value for key, value in values.items() if value}


def _words(paragraphs: Sequence[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _first_name(name: str | None) -> str:
    """Capitalise "dana" or "DANA", but leave "DeShawn" and "McKenzie" as their owners wrote them."""
    name = (name or "").strip()
    return name.title() if name.islower() or name.isupper() else name


def _short_need(need: str | None) -> str:
    """The lead's need as a noun phrase ("about how to cut no-shows"), or nothing if it is too long."""
    if not need:
        return ""
    words = need.strip().rstrip(".!?").split()
    if not words or len(words) > MAX_NEED_WORDS:
        return ""
    if words[0].lower() in ACTION_VERBS:
        words = ["how", "to", words[0].lower(), *words[1:]]
    return " ".join(words)


def _source_values(request: DraftRequest, summary_words: int) -> dict[str, str]:
    if not request.sources:
        return {}
    source = request.sources[0]
    values = {
        "source_title": source.title,
        "source_summary": _summary(source, summary_words),
        "source_url": source.url or "",
        "customer": source.customer or "",
        "figure": source.figures[0] if source.figures else "",
    }
    return {key: value for key, value in values.items() if value}


def _summary(source: Source, max_words: int) -> str:
    """The first sentences of the source's own text: quoted, never paraphrased into new claims."""
    lines = source.text.strip().splitlines()
    if lines and lines[0].strip().lstrip("# ").rstrip(".") == source.title.rstrip("."):
        lines = lines[1:]
    text = re.sub(r"^#+\s.*$", "", "\n".join(lines), flags=re.MULTILINE)
    text = re.sub(r"^(Case study|Results?):.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"[*_`>#]", "", text)
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    summary: list[str] = []
    for sentence in sentences:
        if summary and len(" ".join([*summary, sentence]).split()) > max_words:
            break
        summary.append(sentence)
    if summary and len(summary[0].split()) > max_words:
        # One long sentence: quote its opening up to a clause boundary rather than nothing.
        words = summary[0].split()[:max_words]
        cut = max(
            (i for i, word in enumerate(words) if word.endswith((",", ":", ";"))), default=len(words) - 1
        )
        return " ".join(words[: cut + 1]).rstrip(",:;") + " …"
    return " ".join(summary)


def _slots(now: datetime, timezone: str) -> dict[str, str]:
    """Two concrete call times on the next business days, in the lead's own time zone."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    days: list[datetime] = []
    day = local
    while len(days) < 2:
        day = day + timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    first = datetime.combine(days[0].date(), time(10, 0), tzinfo=zone)
    second = datetime.combine(days[1].date(), time(14, 0), tzinfo=zone)
    return {"slot_a": f"{first:%A} at {first:%H:%M}", "slot_b": f"{second:%A} at {second:%H:%M}"}
