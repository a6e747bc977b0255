"""Does a person take this inquiry now? Score the product's answer on the labelled inquiries.

Each inquiry is read as the product reads one (``agent.replies.reader.read_inquiry``: the shipped
learned reader, no model, and the evidence of a pitch, an emergency or a request for a call) and decided
by the policy's own rule (``agent.policy.inquiry_needs_a_person``): handed to a person right after its
acknowledgment, or kept on the automated sequence. Scored against the label ``needs_person``: recall
(every inquiry a person should take, taken: a missed one is a customer's complaint or an emergency
answered by a sales sequence), precision (a lead taken from the sequence for nothing costs a rep's
time), by category and language. Targets: recall 0.90, precision 0.80.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from agent.domain import Channel
from agent.policy import inquiry_needs_a_person
from agent.replies.message import InboundReply
from agent.replies.protocol import ReplyClassifier
from agent.replies.reader import read_inquiry

HERE: Final = Path(__file__).resolve().parent
TARGET_RECALL: Final = 0.90
TARGET_PRECISION: Final = 0.80
TODAY: Final = date(2026, 12, 8)


@dataclass(frozen=True, slots=True)
class Inquiry:
    id: str
    text: str
    channel: str
    language: str
    needs_person: bool
    why: str


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    why: str
    language: str
    needs_person: bool
    handed_off: bool
    intent: str
    confidence: float


@dataclass
class Report:
    split: str
    outcomes: list[Outcome] = field(default_factory=list)

    def _count(self, keep: Callable[[Outcome], bool]) -> int:
        return sum(1 for o in self.outcomes if keep(o))

    @property
    def recall(self) -> float:
        wanted = self._count(lambda o: o.needs_person)
        return self._count(lambda o: o.needs_person and o.handed_off) / wanted if wanted else 1.0

    @property
    def precision(self) -> float:
        taken = self._count(lambda o: o.handed_off)
        return self._count(lambda o: o.needs_person and o.handed_off) / taken if taken else 1.0

    @property
    def accuracy(self) -> float:
        return (
            self._count(lambda o: o.needs_person == o.handed_off) / len(self.outcomes)
            if self.outcomes
            else 0.0
        )

    def by(self, key: Callable[[Outcome], str]) -> dict[str, tuple[int, int]]:
        """Per group: (right, total)."""
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for outcome in self.outcomes:
            total[key(outcome)] += 1
            right[key(outcome)] += outcome.needs_person == outcome.handed_off
        return {name: (right[name], total[name]) for name in sorted(total)}

    @property
    def passed(self) -> bool:
        return self.recall >= TARGET_RECALL and self.precision >= TARGET_PRECISION

    def totals(self) -> dict[str, object]:
        return {
            "split": self.split,
            "inquiries": len(self.outcomes),
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "accuracy": round(self.accuracy, 4),
            "by_category": self.by(lambda o: o.why),
            "by_language": self.by(lambda o: o.language if o.language in ("en", "es") else "other"),
            "targets": {"recall": TARGET_RECALL, "precision": TARGET_PRECISION},
            "passed": self.passed,
        }

    def write_json(self, path: Path) -> None:
        data = {**self.totals(), "cases": [asdict(o) for o in self.outcomes]}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> list[Inquiry]:
    """The labelled inquiries of a JSON-lines file; a line without its fields names the line."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            found.append(
                Inquiry(
                    id=str(raw["id"]),
                    text=str(raw["text"]),
                    channel=str(raw.get("channel") or "web_form"),
                    language=str(raw.get("language") or "en"),
                    needs_person=bool(raw["needs_person"]),
                    why=str(raw.get("why") or ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a labelled inquiry ({exc})") from None
    return found


def split_file(split: str) -> Path:
    path = HERE / f"{split}.jsonl"
    if not path.exists():
        raise ValueError(
            f"no split {split!r}: the splits are {', '.join(p.stem for p in HERE.glob('*.jsonl'))}"
        )
    return path


def evaluate(
    inquiries: Sequence[Inquiry],
    reader: ReplyClassifier,
    *,
    split: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    report = Report(split=split)
    for done, inquiry in enumerate(inquiries, 1):
        channel = Channel.SMS if inquiry.channel == "sms" else Channel.EMAIL
        reading = read_inquiry(reader, InboundReply(message=inquiry.text, channel=channel), TODAY)
        report.outcomes.append(
            Outcome(
                id=inquiry.id,
                why=inquiry.why,
                language=inquiry.language,
                needs_person=inquiry.needs_person,
                handed_off=inquiry_needs_a_person(reading),
                intent=reading.intent.value,
                confidence=round(reading.confidence, 4),
            )
        )
        if on_progress is not None:
            on_progress(done, len(inquiries))
    return report
