"""One scenario, run: its decision, its reply reading, its drafts, its retrieval, each measured.

For each scenario the lead's snapshot at the scenario's moment goes to the product's own code:
``agent.policy.next_action`` decides, the configured reply classifier reads a reply,
``AgentLoop.draft_request`` retrieves and gathers what the drafter needs exactly as the loop does, and
the drafting pipeline (``DraftingPipeline.produce``: draft, check, repair, fall back) writes. Nothing
is re-implemented here; a case only measures.

Two texts are kept per touch: the *draft* (the first one the drafter under test wrote: what a prompt or
model change shows in) and the *final* (what the pipeline would route after repairs and the composer's
fallback: what a lead could get). Draft metrics measure the first; ``pipeline.*`` the second.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from agent.domain import (
    Channel,
    EventRecord,
    LeadSnapshot,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.drafting.base import Draft, DraftRequest
from agent.drafting.pipeline import DraftingPipeline, DraftOutcome
from agent.drafting.tone import tone_for
from agent.loop import AgentLoop
from agent.policy import Action, DraftTouch, HandOff, Stop, Wait, action_kind, describe, next_action
from agent.replies.message import InboundReply
from agent.timing import zone
from evals.quality.environment import Environment, RecordingDrafter
from evals.quality.judge import JudgeInput, Judgement
from evals.quality.metrics import Tally, add, duplicate_pairs, measure_draft
from evals.quality.scenarios import Scenario, Suite, SuiteError
from evals.retrieval.runner import Case as RetrievalCase
from evals.retrieval.runner import LeadSituation
from evals.retrieval.runner import evaluate as evaluate_retrieval
from knowledge.types import Source

# A sequence step that must wait (quiet hours, a weekend) is retried when the policy says, this often at most.
MAX_WAKE_UPS = 6


class CaseRunner:
    def __init__(
        self,
        suite: Suite,
        env: Environment,
        loop: AgentLoop,
        drafting: DraftingPipeline,
        recorder: RecordingDrafter | None,
    ) -> None:
        self.suite = suite
        self.env = env
        self.loop = loop
        self.drafting = drafting
        self.recorder = recorder
        self.start = suite.model.start

    def run(self, scenario: Scenario) -> dict[str, Any]:
        case = case_header(scenario, self.start)
        metrics: dict[str, list[float]] = {}
        case["metrics"] = metrics
        try:
            if scenario.kind == "sequence":
                self._sequence(scenario, case, metrics)
            else:
                self._single(scenario, case, metrics)
            self._retrieval(scenario, case, metrics)
        except SuiteError:
            raise
        except Exception as exc:  # a bug or a broken edge: the case says so, the run goes on
            case["errors"].append(f"the case could not run: {type(exc).__name__}: {exc}")
        return case

    # --- one moment: a touch, a reply, or a decision ------------------------------------------------
    def _single(self, scenario: Scenario, case: dict[str, Any], metrics: dict[str, list[float]]) -> None:
        model = scenario.model
        reply_event, (suppressed, unreachable) = self._read_reply(scenario, case, metrics)
        snapshot = scenario.snapshot(
            self.start,
            self.env.sequences,
            reply=reply_event,
            suppressed=suppressed,
            unreachable=unreachable,
        )
        now = scenario.now(self.start)
        action = next_action(snapshot, self.env.sequences, now, self.env.config)
        case["decisions"].append(self._decision(action, now, metrics, case, model.expect.decision))
        if model.touch is not None:
            draft = self._draft(
                snapshot, action, model.touch.purpose, model.touch.channel, now, scenario, case
            )
            case["drafts"].append(draft)
            add(metrics, draft.pop("tallies"))

    def _read_reply(
        self, scenario: Scenario, case: dict[str, Any], metrics: dict[str, list[float]]
    ) -> tuple[EventRecord | None, tuple[frozenset[Channel], frozenset[Channel]]]:
        """The reply classified as the loop classifies it, and what its reading suppresses."""
        reply = scenario.model.reply
        if reply is None:
            return None, (frozenset(), frozenset())
        arrived = self.start + timedelta(days=reply.day)
        reading = self.env.classifier.classify(
            InboundReply(reply.message, reply.subject, reply.sender, reply.channel),
            today=arrived.astimezone(zone(scenario.lead_model.timezone)).date(),
        )
        case["reply"] = {"message": reply.message, "subject": reply.subject, "reading": reading.as_dict()}
        if reading.fallback_reason and not reading.fallback_reason.startswith("the model said"):
            case["model_calls"] += 1
            case["model_errors"].append(f"reply classifier: {reading.fallback_reason}")
        elif reading.classifier == "llm":
            case["model_calls"] += 1
        expected = scenario.model.expect.intent
        if expected is not None:
            right = reading.intent is expected
            case["reply"]["expected"] = expected.value
            add(metrics, {"reply.intent_accuracy": (float(right), 1.0)})
            if not right:
                case["failures"].append(f"reply read as {reading.intent.value}, expected {expected.value}")
        return scenario.reply_event(self.start, reading), reading.silences(reply.channel)

    # --- a whole sequence, step by step ----------------------------------------------------------------
    def _sequence(self, scenario: Scenario, case: dict[str, Any], metrics: dict[str, list[float]]) -> None:
        task = scenario.model.sequence
        assert task is not None
        sequence = self.env.sequences.get(task.name)
        if sequence is None:
            raise SuiteError(f"{scenario.id}: no sequence named {task.name!r}")
        sent: list[TouchRecord] = []
        bodies: list[str] = []
        for index, step in enumerate(sequence.steps[: task.steps]):
            now = self.start + timedelta(days=step.day, minutes=1)
            snapshot = self._enrolled(scenario, task.name, tuple(sent))
            action = next_action(snapshot, self.env.sequences, now, self.env.config)
            for _ in range(MAX_WAKE_UPS):  # the worker wakes when the policy said to (quiet hours, weekends)
                if not (isinstance(action, Wait) and action.until is not None and action.until > now):
                    break
                now = action.until
                action = next_action(snapshot, self.env.sequences, now, self.env.config)
            expected = {"action": "draft_touch", "purpose": step.purpose.value}
            case["decisions"].append(self._decision(action, now, metrics, case, None, expected))
            draft = self._draft(snapshot, action, step.purpose, step.channel, now, scenario, case)
            draft["step"] = index
            final = draft["final"]
            bodies.append(draft["body"] or final["body"])
            sent.append(
                TouchRecord(
                    purpose=step.purpose,
                    channel=step.channel,
                    state=TouchState.SENT,
                    step=index,
                    created_at=now,
                    sent_at=now,
                    body=final["body"],
                    source_ids=tuple(final["source_ids"]),
                    id=f"{scenario.id}-step-{index}",
                    sequence=task.name,
                    subject=final["subject"],
                )
            )
            case["drafts"].append(draft)
            add(metrics, draft.pop("tallies"))
        duplicates, pairs, worst = duplicate_pairs(bodies)
        if pairs:
            add(metrics, {"near_duplicate_rate": (float(duplicates), float(pairs))})
            case["sequence"] = {
                "pairs": pairs,
                "near_duplicates": duplicates,
                "max_repeated_share": round(worst, 3),
            }
            if duplicates:
                case["failures"].append(
                    f"{duplicates} near-duplicate pair(s) in the sequence ({worst:.0%} repeated)"
                )

    def _enrolled(self, scenario: Scenario, name: str, sent: tuple[TouchRecord, ...]) -> LeadSnapshot:
        snapshot = scenario.snapshot(self.start, self.env.sequences, extra_touches=sent)
        if name == snapshot.lead.sequence:
            return snapshot
        lead = replace(snapshot.lead, sequence=name, sequence_started_at=self.start, sequence_step_base=0)
        return replace(snapshot, lead=lead)

    # --- decisions --------------------------------------------------------------------------------------
    def _decision(
        self,
        action: Action,
        now: datetime,
        metrics: dict[str, list[float]],
        case: dict[str, Any],
        expectation: Any,
        expected: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        got = _action_record(action, now)
        if expectation is not None:
            expected = expectation.model_dump(mode="json", exclude_none=True)
        if expected is None:
            return {"got": got, "expected": None}
        wanted_handoff = expected["action"] == "hand_off"
        handed_off = isinstance(action, HandOff)
        mismatches = [
            f"{key} {got.get(key)!r}, expected {value!r}"
            for key, value in expected.items()
            if key != "action" and got.get(key) != value
        ]
        if got["action"] != expected["action"]:
            mismatches.insert(
                0, f"action {got['action']} ({describe(action)}), expected {expected['action']}"
            )
        tallies: dict[str, Tally] = {
            "decision.accuracy": (float(not mismatches), 1.0),
            "handoff.precision": (float(handed_off and wanted_handoff), float(handed_off)),
            "handoff.recall": (float(handed_off and wanted_handoff), float(wanted_handoff)),
        }
        if expected["action"] == "draft_touch" and "purpose" in expected:
            right = isinstance(action, DraftTouch) and action.purpose.value == expected["purpose"]
            tallies["decision.purpose"] = (float(right), 1.0)
        add(metrics, tallies)
        if mismatches:
            case["failures"].append("decision: " + "; ".join(mismatches))
        return {"got": got, "expected": expected, "correct": not mismatches}

    # --- drafting ---------------------------------------------------------------------------------------
    def _draft(
        self,
        snapshot: LeadSnapshot,
        action: Action,
        purpose: TouchPurpose,
        channel: Channel,
        now: datetime,
        scenario: Scenario,
        case: dict[str, Any],
    ) -> dict[str, Any]:
        if isinstance(action, DraftTouch) and action.purpose is purpose and action.channel is channel:
            touch = action
        else:  # the scenario asks for a touch the policy would not take now: draft it all the same
            signals = action.signals if isinstance(action, DraftTouch) else ()
            touch = DraftTouch(
                step=-1,
                purpose=purpose,
                channel=channel,
                auto_send=False,
                rules=("eval.scenario",),
                signals=signals,
            )
        request = self.loop.draft_request(snapshot, touch, now)
        if self.recorder is not None:
            self.recorder.begin()
        outcome = self.drafting.produce(request)
        drafted = list(self.recorder.drafts) if self.recorder is not None else [outcome.draft]
        record = _outcome_record(outcome, request)
        under_test = [
            a for a in outcome.attempts if self.recorder is None or a.drafter == self.recorder.kind.value
        ]
        if self.recorder is not None:
            case["model_calls"] += len(under_test)
            case["model_errors"] += [f"drafter: {a.error}" for a in under_test if a.error]
        tallies: dict[str, Tally] = {"pipeline.final_clean": (float(outcome.clean), 1.0)}
        if self.recorder is not None:
            kept = outcome.draft.drafter is self.recorder.kind
            tallies["pipeline.drafter_kept"] = (float(kept), 1.0)
            tallies["pipeline.model_error_rate"] = (
                float(sum(1 for a in under_test if a.error)),
                float(len(under_test)),
            )
        if not drafted:
            case["failures"].append(f"{purpose.value}: the drafter under test produced no draft")
            record.update(body=None, subject=None, measures=None, judge=None, tallies=tallies)
            return record
        first = drafted[0]
        measures = measure_draft(request, first.body, first.subject, scenario.model.expect.never_say)
        tallies.update(measures.tallies(channel))
        tallies["pipeline.first_clean"] = (float(measures.clean), 1.0)
        if scenario.model.expect.never_say:
            tallies["safety.never_say"] = (float(not measures.forbidden), 1.0)
            if measures.forbidden:
                case["failures"].append(f"{purpose.value}: the draft says {', '.join(measures.forbidden)!r}")
        record.update(
            subject=first.subject,
            body=first.body,
            call_to_action=first.call_to_action,
            drafter=first.drafter.value,
            label=first.label,
            prompt_version=first.prompt_version,
            model=first.model,
            cited=list(first.source_ids),
            measures=measures.as_dict(),
        )
        if measures.violations:
            codes = sorted({v.code for v in measures.violations})
            case["failures"].append(f"{purpose.value}: guardrails: {', '.join(codes)}")
        record["judge"] = self._judge(request, first, case, tallies)
        record["tallies"] = tallies
        return record

    def _judge(
        self, request: DraftRequest, draft: Draft, case: dict[str, Any], tallies: dict[str, Tally]
    ) -> dict[str, Any] | None:
        judge = self.env.judge
        if judge is None:
            return None
        judgement = judge.judge(
            JudgeInput(
                request.lead, request.purpose, request.channel, request.sources, draft.subject, draft.body
            )
        )
        case["model_calls"] += len(judgement.samples)
        case["model_errors"] += [f"judge: {e}" for e in judgement.errors]
        if judgement.judged:
            for criterion, score in judgement.majority.items():
                tallies[f"judge.{criterion}"] = (float(score), 1.0)
            values = list(judgement.spread.values())
            tallies["judge.spread"] = (sum(values) / len(values), 1.0)
        return judgement.as_dict()

    def judge_label(self, item: Any) -> Judgement:
        judge = self.env.judge
        assert judge is not None
        scenario = self.suite.catalogue[item.scenario]
        sources = []
        for document_id in item.sources:
            document = self.env.knowledge.get(document_id)
            if document is None:
                raise SuiteError(
                    f"labelled item {item.id!r} cites {document_id!r}, not in the knowledge folder"
                )
            sources.append(
                Source(
                    document.id,
                    document.type,
                    document.title,
                    document.url,
                    document.body,
                    1.0,
                    document.customer,
                    document.figures,
                )
            )
        lead = scenario.lead(self.start, touched=True)
        return judge.judge(JudgeInput(lead, item.purpose, item.channel, sources, item.subject, item.body))

    # --- retrieval ----------------------------------------------------------------------------------------
    def _retrieval(self, scenario: Scenario, case: dict[str, Any], metrics: dict[str, list[float]]) -> None:
        labelled = retrieval_case(scenario, self.suite)
        if labelled is None:
            return
        result = evaluate_retrieval(self.env.knowledge, [labelled]).results[0]
        case["retrieval"] = {
            "purpose": labelled.purpose,
            "expected": list(labelled.expected),
            "retrieved": list(result.top),
            "missing": list(result.missing),
            "recall_at_3": result.recall,
            "first_rank": result.first_rank,
        }
        add(
            metrics,
            {"retrieval.recall_at_3": (result.recall, 1.0), "retrieval.mrr": (result.reciprocal_rank, 1.0)},
        )
        if result.missing:
            case["failures"].append(f"retrieval: {', '.join(result.missing)} not in the top 3")


def retrieval_case(scenario: Scenario, suite: Suite) -> RetrievalCase | None:
    model = scenario.model
    if not model.expect.sources or model.touch is None:
        return None
    lead = scenario.lead_model
    return RetrievalCase(
        id=scenario.id,
        purpose=model.touch.purpose.value,
        lead=LeadSituation(industry=lead.industry, need=lead.need, inquiry=lead.inquiry_text),
        expected=model.expect.sources,
        today=scenario.now(suite.model.start).date(),
        already_sent=scenario.already_sent(),
    )


def case_header(scenario: Scenario, start: datetime) -> dict[str, Any]:
    model = scenario.model
    lead = scenario.lead(start, touched=False)
    tone = tone_for(lead)
    channels = sorted(
        {
            c.value
            for c in (
                model.touch.channel if model.touch else None,
                model.reply.channel if model.reply else None,
                Channel.EMAIL if model.sequence else None,
            )
            if c is not None
        }
    )
    return {
        "id": scenario.id,
        "title": model.title,
        "file": scenario.file.name,
        "kind": scenario.kind,
        "stage": model.stage,
        "tags": list(model.tags),
        "industry": lead.industry or "unknown",
        "tone": tone.formality.value,
        "channels": channels,
        "lead": {
            "name": lead.display_name,
            "company": lead.company,
            "role": lead.role,
            "industry": lead.industry,
            "need": lead.need,
            "inquiry": lead.inquiry_text,
            "deal_value": str(lead.deal_value) if lead.deal_value is not None else None,
            "timezone": lead.timezone,
            "consent": {"email": lead.consent_email, "sms": lead.consent_sms},
            "tone": {
                "formality": tone.formality.value,
                "length": tone.length.value,
                "emphasis": tone.emphasis.value,
                "reasons": list(tone.reasons),
            },
        },
        "history": [_history_line(item) for item in model.history],
        "now_day": scenario.default_now() if model.sequence is None else None,
        "task": _task_line(scenario),
        "expect": model.expect.model_dump(mode="json", exclude_defaults=True),
        "decisions": [],
        "reply": None,
        "drafts": [],
        "retrieval": None,
        "sequence": None,
        "failures": [],
        "errors": [],
        "model_calls": 0,
        "model_errors": [],
    }


def _history_line(item: Any) -> str:
    if item.sent is not None:
        what = f"we sent {item.sent.value.replace('_', ' ')} by {(item.channel or Channel.EMAIL).value}"
    else:
        what = item.event.replace("_", " ")
        detail = item.title or item.url or item.message
        if item.touch:
            what += f" of message {item.touch}"
        if detail:
            what += f": {detail[:120]}"
        if item.user_agent:
            what += f" (user agent {item.user_agent[:40]})"
    return f"day {item.day:g}: {what}"


def _task_line(scenario: Scenario) -> str:
    model = scenario.model
    if model.touch is not None:
        return f"write the {model.touch.purpose.value.replace('_', ' ')} touch by {model.touch.channel.value}"
    if model.sequence is not None:
        return f"write the first {model.sequence.steps} steps of the {model.sequence.name} sequence"
    if model.reply is not None:
        return f"handle the reply that arrived on day {model.reply.day:g}"
    return "decide what happens next"


def _action_record(action: Action, now: datetime) -> dict[str, Any]:
    record: dict[str, Any] = {
        "action": action_kind(action),
        "describe": describe(action),
        "rules": list(action.rules),
        "at": now.isoformat(),
    }
    if isinstance(action, DraftTouch):
        record.update(purpose=action.purpose.value, channel=action.channel.value)
    elif isinstance(action, HandOff | Stop):
        record["reason"] = action.reason
    elif isinstance(action, Wait):
        record["until"] = action.until.isoformat() if action.until else None
    return record


def _outcome_record(outcome: DraftOutcome, request: DraftRequest) -> dict[str, Any]:
    final = outcome.draft
    cited = set(final.source_ids)
    return {
        "purpose": request.purpose.value,
        "channel": request.channel.value,
        "tone": request.tone_profile.describe(),
        "signals": list(request.signals),
        "sources": [
            {
                "id": s.id,
                "type": s.type.value,
                "title": s.title,
                "url": s.url,
                "cited_by_final": s.id in cited,
            }
            for s in request.sources
        ],
        "final": {
            "drafter": final.drafter.value,
            "label": final.label,
            "subject": final.subject,
            "body": final.body,
            "source_ids": list(final.source_ids),
            "clean": outcome.clean,
            "violations": [v.as_dict() for v in outcome.violations],
            "fallback_reason": outcome.fallback_reason,
        },
        "attempts": [a.as_dict() for a in outcome.attempts],
    }
