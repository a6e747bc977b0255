"""Score the personal response on the blind answer set: ``touchpoint eval answers``.

Each inquiry goes through the product's own path: the company's knowledge base, the lead built from
the case, ``AgentLoop.draft_request`` for the personal response (retrieval, the lead's questions, the
sentences answering them) and the drafting pipeline with the composer and every guardrail. Then:

- an answerable question is **answered** when the text sent contains one of its labelled sentences,
  compared after ``knowledge.sentences.normalise`` (Markdown emphasis, curly quotes and dashes, spacing
  and case ignored), or that sentence with its subject restored from its document's title exactly as
  the product restores it (``knowledge.sentences.stand_alone``: "Ours is..." -> "Our warranty is...").
  Labelled sentences under three words ("Yes.") are not matched on their own: any text contains them.
- an unanswerable question is **sent** when the touch would go out without a person (clean and
  automatic); the target is none, and the review must name the question.

The set was written blind (``GUIDE.md``); the test split is frozen and its cases are not listed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.domain import Channel, CompanyIdentity, LeadContext, LeadSnapshot, LeadStatus, TouchPurpose
from agent.drafting.pipeline import QUESTION_FOR_A_PERSON, DraftingPipeline
from agent.loop import AgentLoop
from agent.policy import DraftTouch
from knowledge.documents import KnowledgeDocument
from knowledge.sentences import normalise, stand_alone

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SPLITS = ("dev", "test")
TARGETS = {"answered": 0.90, "unanswerable_sent": 0}
MIN_MATCH_WORDS = 3
# Every inquiry is answered as if it arrived then (the offers' windows are judged on this day).
EVAL_NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
COMPANIES: Mapping[str, tuple[Path, Path]] = {
    "northstar": (REPO / "knowledge" / "content", REPO / "evals" / "guardrails" / "company.yaml"),
    # Every company written for the blind sets (evals/companies/<name>/): a new one needs no code here.
    **{
        folder.name: (folder / "knowledge", folder / "company.yaml")
        for folder in sorted((REPO / "evals" / "companies").iterdir())
        if (folder / "company.yaml").is_file()
    },
}
CHANNELS = ("email", "sms", "web_form")
LEAD_FIELDS = ("first_name", "company", "role", "industry", "town", "need")


class CaseFileError(ValueError):
    """A case file that cannot be read; the message names the file, the line and the field."""


@dataclass(frozen=True, slots=True)
class LabelledAnswer:
    document: str
    sentence: str


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    answerable: bool
    answers: tuple[LabelledAnswer, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    company: str
    channel: str  # how the lead wrote: email, sms or web_form (answered by email)
    language: str
    lead: Mapping[str, str]
    inquiry: str
    questions: tuple[Question, ...]


@dataclass
class QuestionOutcome:
    text: str
    answerable: bool
    answered: bool  # the text sent contains a labelled sentence (answerable questions only)
    matched: str | None  # the labelled sentence found in it


@dataclass
class CaseOutcome:
    id: str
    company: str
    channel: str
    language: str
    sent_without_review: bool
    review: list[str]  # the violation codes and messages that hold it for a person
    subject: str | None
    body: str
    questions: list[QuestionOutcome]
    found_questions: list[str]
    answers: list[dict[str, Any]]
    unanswered: list[str]


@dataclass
class Report:
    split: str
    cases: int
    answerable: int
    answered: int
    unanswerable: int
    unanswerable_sent: int
    sent_without_review: int
    by_group: dict[str, dict[str, float | int]]
    outcomes: list[CaseOutcome] = field(default_factory=list)

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.answerable if self.answerable else None

    @property
    def misses(self) -> list[str]:
        found = []
        share = self.answered_share
        if share is not None and share < TARGETS["answered"]:
            found.append(f"answered {share:.3f} < {TARGETS['answered']:.2f}")
        if self.unanswerable_sent > TARGETS["unanswerable_sent"]:
            found.append(f"{self.unanswerable_sent} unanswerable question(s) sent without review")
        return found

    @property
    def passed(self) -> bool:
        return not self.misses

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["answered_share"] = self.answered_share
        data["targets"] = TARGETS
        data["passed"] = self.passed
        data["misses"] = self.misses
        return data

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def split_path(split: str) -> Path:
    if split not in SPLITS:
        raise CaseFileError(f"--split {split!r}: use one of {', '.join(SPLITS)}")
    return HERE / f"{split}.jsonl"


def load_cases(path: Path) -> list[Case]:
    """The cases of a JSON-lines file in the format of GUIDE.md; any problem names its line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CaseFileError(f"cannot read {path}: {exc.strerror}") from None
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaseFileError(f"{path}:{number}: not JSON: {exc.msg}") from None
        try:
            case = _case(raw)
        except _FieldError as exc:
            raise CaseFileError(f"{path}:{number}: `{exc.field}`: {exc.problem}") from None
        if case.id in seen:
            raise CaseFileError(f"{path}:{number}: `id`: {case.id!r} is used twice")
        seen.add(case.id)
        cases.append(case)
    return cases


class _FieldError(Exception):
    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field = field_name
        self.problem = problem


def _text(raw: Mapping[str, Any], key: str, where: str = "") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _FieldError(f"{where}{key}", "a non-empty string is required")
    return value


def _case(raw: object) -> Case:
    if not isinstance(raw, dict):
        raise _FieldError("line", "each line must be a JSON object")
    company = _text(raw, "company")
    if company not in COMPANIES:
        raise _FieldError("company", f"{company!r} is not one of {', '.join(COMPANIES)}")
    channel = _text(raw, "channel")
    if channel not in CHANNELS:
        raise _FieldError("channel", f"{channel!r}: use email, sms or web_form")
    lead = raw.get("lead", {})
    if not isinstance(lead, dict) or any(k not in LEAD_FIELDS for k in lead):
        raise _FieldError("lead", f"an object with any of {', '.join(LEAD_FIELDS)}")
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        raise _FieldError("questions", "a non-empty list is required")
    return Case(
        id=_text(raw, "id"),
        company=company,
        channel=channel,
        language=_text(raw, "language"),
        lead={k: str(v) for k, v in lead.items() if v},
        inquiry=_text(raw, "inquiry"),
        questions=tuple(_question(q, i) for i, q in enumerate(questions)),
    )


def _question(raw: object, index: int) -> Question:
    where = f"questions[{index}]."
    if not isinstance(raw, dict):
        raise _FieldError(f"questions[{index}]", "each question must be an object")
    answerable = raw.get("answerable")
    if not isinstance(answerable, bool):
        raise _FieldError(f"{where}answerable", "true or false is required")
    answers = raw.get("answers", [])
    if not isinstance(answers, list) or (answerable and not answers):
        raise _FieldError(f"{where}answers", "an answerable question needs its answering sentences")
    labelled = []
    for j, answer in enumerate(answers):
        if not isinstance(answer, dict):
            raise _FieldError(f"{where}answers[{j}]", "an object with `document` and `sentence`")
        labelled.append(
            LabelledAnswer(
                _text(answer, "document", f"{where}answers[{j}]."),
                _text(answer, "sentence", f"{where}answers[{j}]."),
            )
        )
    return Question(_text(raw, "text", where), answerable, tuple(labelled))


def answering_sentence(
    body: str, question: Question, documents: Mapping[str, KnowledgeDocument]
) -> str | None:
    """The labelled sentence ``body`` contains, as labelled or with its subject restored (None: none)."""
    text = normalise(body)
    for answer in question.answers:
        if len(answer.sentence.split()) < MIN_MATCH_WORDS:
            continue
        forms = {normalise(answer.sentence)}
        document = documents.get(answer.document)
        if document is not None:
            restored = stand_alone(answer.sentence, document.title)
            if restored:
                forms.add(normalise(restored))
        if any(form in text for form in forms):
            return answer.sentence
    return None


@dataclass(frozen=True, slots=True)
class CompanySetup:
    """One company as the product runs it: who sends, and its knowledge base."""

    identity: CompanyIdentity
    knowledge: Any  # a KnowledgeBase: retrieval, facts, offers and find_answers


def lead_for(case: Case) -> LeadContext:
    lead = case.lead
    return LeadContext(
        id=f"answers-{case.id}",
        first_name=lead.get("first_name"),
        last_name=None,
        email=f"{case.id}@leads.example" if case.channel != "sms" else None,
        phone="+15555550100" if case.channel == "sms" else None,
        company=lead.get("company"),
        role=lead.get("role"),
        industry=lead.get("industry"),
        source=case.channel,
        need=lead.get("need"),
        deal_value=None,
        timezone="America/Chicago",
        consent_email=True,
        consent_sms=True,
        status=LeadStatus.NEW,
        inquiry_text=case.inquiry,
        created_at=EVAL_NOW,
        town=lead.get("town"),
    )


def run_case(case: Case, setup: CompanySetup, drafting: DraftingPipeline) -> CaseOutcome:
    """The personal response the product would send this lead, and how it fares on each question."""
    loop = AgentLoop(knowledge=setup.knowledge, drafting=drafting, sequences={}, identity=setup.identity)
    channel = Channel.SMS if case.channel == "sms" else Channel.EMAIL
    action = DraftTouch(
        step=1, purpose=TouchPurpose.PERSONAL_RESPONSE, channel=channel, auto_send=True, rules=()
    )
    request = loop.draft_request(LeadSnapshot(lead=lead_for(case), events=(), touches=()), action, EVAL_NOW)
    outcome = drafting.produce(request)
    text = "\n".join(filter(None, [outcome.draft.subject, outcome.draft.body]))
    documents = setup.knowledge.documents
    questions = []
    for question in case.questions:
        matched = answering_sentence(text, question, documents) if question.answerable else None
        questions.append(QuestionOutcome(question.text, question.answerable, matched is not None, matched))
    return CaseOutcome(
        id=case.id,
        company=case.company,
        channel=case.channel,
        language=case.language,
        sent_without_review=outcome.clean,
        review=[f"{v.code}: {v.message}" for v in outcome.violations],
        subject=outcome.draft.subject,
        body=outcome.draft.body,
        questions=questions,
        found_questions=[a.question for a in request.answers] + list(request.unanswered),
        answers=[
            {
                "question": a.question,
                "document": a.document_id,
                "quoted": list(a.quoted),
                "score": a.score,
                "sure": a.sure,
            }
            for a in request.answers
        ],
        unanswered=list(request.unanswered),
    )


def evaluate(
    cases: Sequence[Case],
    setups: Mapping[str, CompanySetup],
    drafting: DraftingPipeline,
    *,
    split: str = "cases",
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    outcomes = []
    for done, case in enumerate(cases, start=1):
        outcomes.append(run_case(case, setups[case.company], drafting))
        if on_progress is not None:
            on_progress(done, len(cases))
    return report(outcomes, split)


def report(outcomes: Sequence[CaseOutcome], split: str) -> Report:
    groups: dict[str, list[CaseOutcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.company].append(outcome)
        groups[f"language {outcome.language}"].append(outcome)
        groups[f"channel {outcome.channel}"].append(outcome)
    by_group = {name: _totals(members) for name, members in sorted(groups.items())}
    totals = _totals(outcomes)
    return Report(
        split=split,
        cases=len(outcomes),
        answerable=int(totals["answerable"]),
        answered=int(totals["answered"]),
        unanswerable=int(totals["unanswerable"]),
        unanswerable_sent=int(totals["unanswerable_sent"]),
        sent_without_review=int(totals["sent_without_review"]),
        by_group=by_group,
        outcomes=list(outcomes),
    )


def _totals(outcomes: Sequence[CaseOutcome]) -> dict[str, float | int]:
    answerable = [q for o in outcomes for q in o.questions if q.answerable]
    unanswerable = [(o, q) for o in outcomes for q in o.questions if not q.answerable]
    answered = sum(q.answered for q in answerable)
    return {
        "cases": len(outcomes),
        "answerable": len(answerable),
        "answered": answered,
        "answered_share": round(answered / len(answerable), 3) if answerable else 0.0,
        "unanswerable": len(unanswerable),
        "unanswerable_sent": sum(o.sent_without_review for o, _ in unanswerable),
        "sent_without_review": sum(o.sent_without_review for o in outcomes),
    }


def names_the_question(outcome: CaseOutcome) -> bool:
    """Whether a touch held for review says which question a person must answer."""
    return any(line.startswith(QUESTION_FOR_A_PERSON) for line in outcome.review)


def open_companies(
    names: Sequence[str], cache: Path, *, on_progress: Callable[[str], None] | None = None
) -> dict[str, CompanySetup]:
    """Each company's identity and knowledge base on the shipped model, embedded into its own store
    under ``cache`` (two companies' ``faqs/pricing`` must never share a collection)."""
    from agent.company import load_profile
    from evals.guardrails.cases import load_company
    from knowledge.chroma_store import ChromaVectorStore, chroma_client
    from knowledge.embeddings import LocalMiniLMEmbedder
    from knowledge.retrieval import open_knowledge_base

    embedder = LocalMiniLMEmbedder()
    setups = {}
    for name in sorted(set(names)):
        root, profile = COMPANIES[name]
        if on_progress is not None:
            on_progress(name)
        identity = load_company(profile).identity if name == "northstar" else load_profile(profile)
        store = ChromaVectorStore(chroma_client(url=None, path=cache / name / "chroma"), embedder)
        knowledge = open_knowledge_base(root, store)
        knowledge.answer_cache = cache / name
        setups[name] = CompanySetup(identity, knowledge)
    return setups
