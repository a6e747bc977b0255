"""Form: length per channel, filler phrases, placeholders, spam tells, reading grade, the subject line."""

from __future__ import annotations

import re

from agent.domain import Channel
from agent.guardrails.base import NO_CONTEXT, DraftText, GuardrailContext, Violation
from agent.guardrails.lexicon import ACRONYMS, BANNED_PHRASES, SPAM_PHRASES
from agent.guardrails.text import OPT_OUT, body_sentences, corpus_for, reading_grade

EMAIL_WORDS = (50, 150)
SMS_MAX_CHARS = 320
SUBJECT_MAX_CHARS = 78
PLACEHOLDER = re.compile(
    r"\[[A-Z][A-Za-z _.-]*\]|\[(?:insert|your|name|company|first|link|date)[^\]]*\]"  # [Name] [insert link]
    r"|\{\{?\s*[\w.]+\s*\}?\}"  # {company} {{first_name}} {{ lead.company }}
    r"|<<?\s*[A-Za-z_][A-Za-z_ ]{0,30}>?>"  # <company> <Company Name> <<name>>
    r"|%[A-Z_]{3,}%|\bXX+\b|\bTBD\b|_{3,}",  # %FIRST_NAME% XX% TBD ____
)
ALL_CAPS = re.compile(r"\b[A-Z]{3,}\b")
FAKE_REPLY = re.compile(r"^\s*(re|fwd?|fw)\s*:", re.IGNORECASE)


def check_length(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    if draft.channel is Channel.SMS:
        if len(draft.body) > SMS_MAX_CHARS:
            return [
                Violation("length.sms", f"SMS is {len(draft.body)} characters; keep it to {SMS_MAX_CHARS}")
            ]
        return []
    if draft.channel is Channel.EMAIL:
        count = len(draft.body.split())
        low, high = EMAIL_WORDS
        if not low <= count <= high:
            return [Violation("length.email", f"email body is {count} words; write {low}-{high}")]
    return []


def check_banned_phrases(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    """Every occurrence in the body gets its span; the subject's are reported without one."""
    violations = []
    for phrase in BANNED_PHRASES:
        pattern = re.compile(r"\b" + re.escape(phrase).replace("'", "['’]") + r"\b", re.IGNORECASE)
        message = f'"{phrase}" reads as filler; give value instead'
        violations += [
            Violation("banned_phrase", message, m.start(), m.end()) for m in pattern.finditer(draft.body)
        ]
        violations += [
            Violation("banned_phrase", f"in the subject: {message}")
            for _ in pattern.finditer(draft.subject or "")
        ]
    return violations


def check_placeholders(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    return [
        Violation("placeholder", f'unfilled placeholder "{match.group()}"', match.start(), match.end())
        for match in PLACEHOLDER.finditer(draft.body)
    ] + [
        Violation("placeholder.subject", f'unfilled placeholder "{match.group()}" in the subject')
        for match in PLACEHOLDER.finditer(draft.subject or "")
    ]


def check_sms_opt_out(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    if draft.channel is Channel.SMS and not OPT_OUT.search(draft.body):
        return [
            Violation("sms.opt_out", 'an SMS must tell the lead how to opt out ("Reply STOP to opt out.")')
        ]
    return []


def check_spam_signals(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    """Words spam filters and people both distrust, shouting in capitals, and stacked exclamation marks."""
    found: list[Violation] = []
    lowered = draft.body.lower()
    for phrase in SPAM_PHRASES:
        for match in re.finditer(re.escape(phrase), lowered):
            found.append(
                Violation(
                    "spam.phrase", f'"{phrase}" reads like spam; say it plainly', match.start(), match.end()
                )
            )
    corpus = corpus_for(context)
    for text, offset in ((draft.body, 0), (draft.subject or "", None)):
        for match in ALL_CAPS.finditer(text):
            word = match.group()
            if word in ACRONYMS or word in corpus.raw or _in_opt_out(text, match):
                continue
            found.append(
                Violation(
                    "spam.caps",
                    f'"{word}" in capitals reads as shouting; write it in lower case',
                    None if offset is None else match.start(),
                    None if offset is None else match.end(),
                )
            )
    for text, where in ((draft.body, "body"), (draft.subject or "", "subject")):
        stacked = re.search(r"!{2,}|\?!|!\?", text)
        if stacked or text.count("!") > 2:
            found.append(
                Violation(
                    "spam.exclamation",
                    f"too many exclamation marks in the {where}; one at most",
                    stacked.start() if stacked and where == "body" else None,
                    stacked.end() if stacked and where == "body" else None,
                )
            )
    return found


def _in_opt_out(text: str, match: re.Match[str]) -> bool:
    """The keyword of "Reply STOP" (or "Reply \"STOP\"") is an instruction, not shouting."""
    return OPT_OUT.search(text[max(0, match.start() - 7) : match.end() + 1]) is not None


def check_reading_grade(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    limit = context.max_reading_grade
    grade = reading_grade([s.text for s in body_sentences(draft.body)])
    if grade is None or grade <= limit:
        return []
    return [
        Violation(
            "reading_grade",
            f"reads at grade {grade:.1f}; this lead's limit is {limit:.0f}: use shorter sentences and "
            "plainer words",
        )
    ]


def check_subject(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    if draft.channel is not Channel.EMAIL:
        return []
    subject = (draft.subject or "").strip()
    if not subject:
        return [Violation("subject.missing", "an email needs a subject that says what is inside")]
    found = []
    if len(subject) > SUBJECT_MAX_CHARS:
        found.append(Violation("subject.length", f"subject is {len(subject)} characters; keep it under 78"))
    if FAKE_REPLY.match(subject) and not context.is_reply:
        found.append(
            Violation(
                "subject.deceptive",
                '"Re:"/"Fwd:" pretends to continue a conversation that did not happen; drop it',
            )
        )
    return found
