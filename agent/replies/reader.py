"""The learned reply reader: the model's reading, held to asymmetric safety.

Reading a reply wrongly is not symmetric. Handing a reply to a person that needed none costs a rep a
minute; silencing a lead who did not ask for it (suppressing them, pausing them for an away notice that
was a person, calling them the wrong person) loses them for good, and nobody ever sees it. So:

- every reply goes to a person unless the reader is sure it needs none;
- an action that silences (unsubscribe, a dead address, an away notice, a wrong person) is taken only
  when the model is confident (a threshold per intent, set on the dev split so that it silenced nobody
  there) and a cue of the lexicon that must be certain agrees, not negated ("please don't unsubscribe
  me" is no request to stop). Otherwise the reading keeps the model's suggestion, and a person decides;
- text addressed to a model is set aside before anything reads the reply (``message.py``); a reply that
  carried some goes to a person, whatever else it says, so that someone sees the attempt. No reading
  can touch another lead, send anything, or name an address to write to: the reading is data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

from agent.domain import MACHINE_INTENTS, ReplyIntent, ReplyReading
from agent.replies import dates
from agent.replies.contacts import mentioned_contact
from agent.replies.emergency import emergency_evidence
from agent.replies.features import MACHINE_SENDER, vectorise
from agent.replies.language import detect
from agent.replies.lexicon import Lexicon, load_lexicon
from agent.replies.message import SENTENCE, InboundReply, ReplyParts, parse
from agent.replies.model import MODEL_DIR, ReplyModel, load_model
from agent.replies.person import call_request
from agent.replies.pitch import pitch_evidence
from agent.replies.protocol import ReplyClassifier

I = ReplyIntent  # noqa: E741 - the table below reads better with a short name
# The cue that must agree before an intent acts without a person.
CERTAIN_CUES: Mapping[ReplyIntent, str] = {
    I.UNSUBSCRIBE: "unsubscribe",
    I.BOUNCE_LIKE: "bounce",
    I.OUT_OF_OFFICE: "ooo",
    I.WRONG_PERSON: "wrong",
    I.AUTO_REPLY: "auto_reply",
}
# Where each intent's words are shown from, as the evidence a rep reads.
EVIDENCE_CUES: Mapping[ReplyIntent, tuple[str, ...]] = {
    I.INTERESTED: ("agreement",),
    I.QUESTION: ("question",),
    I.OBJECTION: ("price", "competitor", "trust", "authority", "timing"),
    I.NOT_NOW: ("not_now",),
    I.ASKS_FOR_PERSON: ("person",),
    I.FRUSTRATED: ("frustrated",),
    I.COMPLAINT: ("complaint",),
    I.WRONG_PERSON: ("wrong",),
    I.UNSUBSCRIBE: ("unsubscribe",),
    I.OUT_OF_OFFICE: ("ooo",),
    I.BOUNCE_LIKE: ("bounce",),
    I.AUTO_REPLY: ("auto_reply",),
    I.OTHER: ("thanks",),
}
OBJECTION_KINDS = ("price", "timing", "competitor", "trust", "authority")
# Beside a request to stop, these still want an answer from a person. An angry opt-out ("TAKE ME OFF
# YOUR LIST. I HAVE TOLD YOU BEFORE", "wrong number AGAIN") is honoured at once, and a person is told:
# someone kept writing after being asked not to, and that is for the business to find out.
NEEDS_ANSWER = frozenset({I.QUESTION, I.COMPLAINT, I.ASKS_FOR_PERSON, I.INTERESTED, I.FRUSTRATED})
# Cues that, beside a request to stop or a "wrong person", mean the sender has a grievance a person
# should read: a complaint about the service ("after the way your receptionist spoke to me") or anger.
GRIEVANCE_CUES = ("complaint", "frustrated")
ALSO_PRESENT = 0.25  # another intent this likely is listed beside the primary one
DEFAULT_THRESHOLDS: Mapping[ReplyIntent, float] = {
    I.UNSUBSCRIBE: 0.6,
    I.BOUNCE_LIKE: 0.6,
    I.OUT_OF_OFFICE: 0.6,
    I.WRONG_PERSON: 0.6,
    I.AUTO_REPLY: 0.6,
}
# Carrier opt-out keywords, a whole text message by themselves: certain whatever the model says.
SMS_KEYWORDS = re.compile(
    r"^\W*(stop|stopall|stop all|unsubscribe|cancel|end|quit|opt[- ]?out|revoke|baja|alto)\W*$", re.IGNORECASE
)


class LearnedReader:
    """Reads replies with the shipped model (``agent/replies/model/``); ``uses_model`` is False: it is
    local, instant and needs no transaction kept open."""

    uses_model = False

    def __init__(self, model: ReplyModel, lexicon: Lexicon | None = None) -> None:
        self.model = model
        self.lexicon = lexicon or load_lexicon()
        thresholds = model.meta.get("thresholds") or {}
        self.thresholds = {
            intent: float(thresholds.get(intent.value, default))
            for intent, default in DEFAULT_THRESHOLDS.items()
        }
        self.name = f"learned:{model.version}"

    def classify(self, reply: InboundReply, *, today: date) -> ReplyReading:
        parts = parse(reply)
        language = detect(parts.own) or (detect(parts.subject) if parts.subject else None)
        probabilities = self.model.probabilities(vectorise(parts, self.lexicon, language))
        primary = max(probabilities, key=lambda intent: probabilities[intent])
        if reply.channel is not None and reply.channel.value == "sms" and SMS_KEYWORDS.match(parts.own):
            primary, probabilities = I.UNSUBSCRIBE, {**probabilities, I.UNSUBSCRIBE: 1.0}
        others = tuple(
            intent
            for intent, p in sorted(probabilities.items(), key=lambda item: -item[1])
            if intent is not primary and p >= ALSO_PRESENT
        )
        acts = self._sure(primary, probabilities[primary], parts)
        injection = bool(parts.injected)
        day_first = language not in (None, "en")
        reading = ReplyReading(
            intent=primary,
            confidence=round(probabilities[primary], 4),
            classifier=self.name,
            evidence=self._evidence(primary, parts),
            other_intents=others,
            language=language,
            injection=injection,
            handoff=True,
            suppress=False,
            objection_kind=self._objection_kind(parts) if primary is I.OBJECTION else None,
        )
        if primary is I.NOT_NOW:
            text = f"{parts.subject}\n{parts.own}"
            return replace(reading, return_date=dates.follow_up_date(text, today, day_first=day_first))
        if not acts:
            return reading  # the model's suggestion, shown to the person who now reads it
        if primary is I.OUT_OF_OFFICE:
            text = f"{parts.subject}\n{parts.own}"
            return replace(
                reading,
                handoff=False,  # a machine wrote it; text injected into it changes nothing
                return_date=dates.return_date(text, today, day_first=day_first),
                alternate_contact=mentioned_contact(parts.own),
            )
        if primary in (I.AUTO_REPLY, I.BOUNCE_LIKE):
            # A delay warning is a machine's note, not a failure: the address is not known to be dead.
            dead = primary is I.BOUNCE_LIKE and not self.lexicon.cues["delay"].search(parts.whole)
            return replace(reading, intent=primary if dead else I.AUTO_REPLY, handoff=False, suppress=dead)
        if primary is I.UNSUBSCRIBE:
            referral = mentioned_contact(parts.own)
            wants_answer = (
                any(intent in NEEDS_ANSWER for intent in others)
                or self._asks_beside("unsubscribe", parts)
                or self._aggrieved(parts)
            )
            return replace(
                reading,
                handoff=wants_answer or injection or referral is not None,
                suppress=True,
                referral=referral,
            )
        if primary is I.WRONG_PERSON:
            referral = mentioned_contact(parts.own)
            asks = (
                self._asks_beside("wrong", parts)
                or any(intent in NEEDS_ANSWER for intent in others)
                or self._aggrieved(parts)
            )
            return replace(
                reading, handoff=referral is not None or injection or asks, suppress=True, referral=referral
            )
        return reading

    def _sure(self, intent: ReplyIntent, probability: float, parts: ReplyParts) -> bool:
        """May this reading act without a person: confident, and a certain cue agrees, not negated."""
        cue = CERTAIN_CUES.get(intent)
        if cue is None:
            return False
        if probability < self.thresholds[intent]:
            return False
        text = f"{parts.subject}\n{parts.own}"
        if intent in MACHINE_INTENTS:
            if intent is I.BOUNCE_LIKE and MACHINE_SENDER.search(parts.sender):
                return True
            return (
                self.lexicon.first(cue, text) is not None or self.lexicon.first(cue, parts.quoted) is not None
            )
        plain, denied = self.lexicon.count(text)
        if intent is I.UNSUBSCRIBE and plain["contact_me"]:
            return False  # "stop texting me, just call me": a channel asked for, not a request to stop
        if intent is I.WRONG_PERSON:
            # "Wrong number? No, right number, call after 6": a cue asked back is no statement.
            stated = "\n".join(s for s in SENTENCE.split(text) if not s.rstrip().endswith("?"))
            plain, _ = self.lexicon.count(stated)
        return plain[cue] > 0 and denied[cue] == 0

    def _asks_beside(self, cue: str, parts: ReplyParts) -> bool:
        """Does the reply ask something besides the request the cue names ("Remove me. Where did you get
        my address?", "confirm in writing", a threat to report us): a person must answer it, and see
        it, before the address is silenced."""
        if self.lexicon.cues["demand"].search(parts.own):
            return True  # negated or not: "I never gave you my number, who sold it?" still asks
        return any(
            "?" in sentence and self.lexicon.first(cue, sentence) is None
            for sentence in SENTENCE.split(parts.own)
        )

    def _aggrieved(self, parts: ReplyParts) -> bool:
        """Does the sender complain about the service or show anger (not negated): a request to stop
        is still honoured, and a person reads why."""
        plain, _ = self.lexicon.count(parts.own)
        words = [w for w in parts.own.split() if any(c.isalpha() for c in w)]
        shouted = len(words) >= 3 and sum(w.isupper() for w in words) / len(words) >= 0.6
        return shouted or any(plain[cue] for cue in GRIEVANCE_CUES)

    def _evidence(self, intent: ReplyIntent, parts: ReplyParts) -> str:
        for cue in EVIDENCE_CUES[intent]:
            found = self.lexicon.first(cue, parts.own) or self.lexicon.first(cue, parts.subject)
            if found:
                return found[:200]
        first_line = next((line.strip() for line in parts.own.splitlines() if line.strip()), "")
        return first_line[:200]

    def _objection_kind(self, parts: ReplyParts) -> str:
        plain, _ = self.lexicon.count(parts.own)
        kind = max(OBJECTION_KINDS, key=lambda name: plain[name])
        return kind if plain[kind] else "none"


@cache
def shipped_reader(folder: Path = MODEL_DIR) -> LearnedReader:
    """The reader with the model shipped in the package, loaded once per process."""
    return LearnedReader(load_model(folder))


CALL_REQUEST_CONFIDENCE = 0.9  # an explicit request for a call: as sure as a rule is


def read_inquiry(reader: ReplyClassifier, inquiry: InboundReply, today: date) -> ReplyReading:
    """An inquiry's words read as a reply is (its intent), and for what only an inquiry can be: a vendor's
    pitch (``pitch.py``) or an emergency (``emergency.py``). The policy decides from these who answers."""
    reading = reader.classify(inquiry, today=today)
    asked = call_request(inquiry.message)
    if asked is not None:
        # The words leave no doubt ("¿Me puede llamar?"): the model's reading stays as a second intent.
        reading = replace(
            reading,
            intent=ReplyIntent.ASKS_FOR_PERSON,
            confidence=max(reading.confidence, CALL_REQUEST_CONFIDENCE),
            evidence=asked,
            other_intents=tuple(
                dict.fromkeys(
                    i
                    for i in (reading.intent, *reading.other_intents)
                    if i is not ReplyIntent.ASKS_FOR_PERSON
                )
            ),
        )
    return replace(
        reading, pitch=pitch_evidence(inquiry.message), emergency=emergency_evidence(inquiry.message)
    )
