"""Draft, check, repair, fall back: never hand bad text to the outbox.

The primary drafter (the LLM when one is configured) writes; the guardrails judge; on violations the
drafter gets them back as feedback and tries again, a bounded number of times; then the composer
writes (in up to ``COMPOSER_WORDINGS`` wordings); and if even that breaks a rule, the cleanest attempt
goes to the review queue with its violations shown. Every attempt is recorded (drafter, model,
violation codes, error, tokens, time) so a rep, an eval or an engineer can see how the final text came
to be.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from typing import Any

from agent import deadline
from agent.domain import DrafterKind
from agent.drafting.base import Draft, Drafter, DraftingError, DraftRequest, Usage, guardrail_context
from agent.drafting.language import name, source_language, writing_language, written_for
from agent.guardrails import Check, DraftText, Violation, run_checks

logger = logging.getLogger(__name__)

DEFAULT_REPAIRS = 2
# The composer's wordings to try before a draft goes to review: the same facts with another opening,
# ask and sign-off can pass where the first wording breaks a rule (a reading grade just over the
# lead's limit, say). Each try costs about a millisecond.
COMPOSER_WORDINGS = 4


@dataclass(frozen=True, slots=True)
class Attempt:
    drafter: str
    model: str | None
    violations: tuple[str, ...]  # codes
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    elapsed_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafter": self.drafter,
            "model": self.model,
            "violations": list(self.violations),
            "error": self.error,
            "input_tokens": self.usage.input_tokens,
            "output_tokens": self.usage.output_tokens,
            "cost_usd": self.usage.cost_usd,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


@dataclass(frozen=True, slots=True)
class DraftOutcome:
    draft: Draft
    violations: tuple[Violation, ...]
    attempts: tuple[Attempt, ...]
    fallback_reason: str | None = None  # why the composer wrote it although an LLM is configured
    deadline_missed: bool = False  # the composer answered because the model was not done in time

    @property
    def clean(self) -> bool:
        return not self.violations

    @property
    def usage(self) -> Usage:
        total = Usage()
        for attempt in self.attempts:
            total = total + attempt.usage
        return total

    def record(self) -> dict[str, Any]:
        """What the touch stores about how its text was made."""
        usage = self.usage
        return {
            "attempts": [attempt.as_dict() for attempt in self.attempts],
            "fallback_reason": self.fallback_reason,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cost_usd": usage.cost_usd,
        }


class DraftingPipeline:
    def __init__(
        self,
        primary: Drafter,
        fallback: Drafter,
        *,
        repairs: int = DEFAULT_REPAIRS,
        checks: tuple[Check, ...] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.repairs = repairs
        self.checks = checks
        self.clock = clock
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="draft-deadline")

    @property
    def has_llm(self) -> bool:
        return self.primary is not self.fallback

    def produce(self, request: DraftRequest) -> DraftOutcome:
        """The best draft for ``request``, held for a person when a question in it needs one, or when it
        cannot be written in the lead's language."""
        return self._held(request, self._produce(request))

    def _held(self, request: DraftRequest, outcome: DraftOutcome) -> DraftOutcome:
        return with_language_to_check(request, with_questions_to_check(request, outcome), self.fallback)

    def _produce(self, request: DraftRequest) -> DraftOutcome:
        attempts: list[Attempt] = []
        best: tuple[Draft, list[Violation]] | None = None
        reason = None
        if self.has_llm and not written_for(request.identity, request.lead):
            # The company does not write in the lead's language: the touch goes to a person whatever is
            # drafted, so the model's time is not spent on it.
            reason = f"the company does not write in {name(request.lead.language or '')}"
        elif self.has_llm:
            attempt_request = request
            for _ in range(1 + self.repairs):
                result = self._attempt(self.primary, attempt_request, attempts)
                if result is None and deadline.passed():
                    # Cut at the deadline of the work (``produce_within``): the composer's draft is the
                    # one the deadline promised, and the outcome says so as if the wait had run out.
                    reason = "the model missed its deadline: " + (attempts[-1].error or "no draft")
                    return replace(self._fall_back(request, attempts, best, reason), deadline_missed=True)
                if result is None:
                    reason = "the model failed: " + (attempts[-1].error or "no draft")
                    break
                draft, violations = result
                if not violations:
                    return DraftOutcome(draft, (), tuple(attempts))
                best = _cleaner((draft, violations), best)
                attempt_request = replace(request, feedback=tuple(violations), rejected_body=draft.body)
            else:
                reason = f"the model's drafts still broke rules after {self.repairs} repair(s)"
        return self._fall_back(request, attempts, best, reason)

    def produce_within(
        self, request: DraftRequest, seconds: float
    ) -> tuple[DraftOutcome, Future[DraftOutcome] | None]:
        """``produce``, but the composer answers if the model has not finished in ``seconds``.

        For the instant acknowledgment: the lead hears back within the deadline whatever the model does.
        The drafting runs under the same deadline (``agent.deadline.within``), so a model call still
        running when it passes is cut then (its HTTP request closed, no retry, no repair) instead of
        holding the model for an answer nobody will use; the drafting's future is returned, done or
        about to be (the composer finishing the work the model left).
        """
        if not self.has_llm:
            return self.produce(request), None
        started = self.clock()
        at = time.monotonic() + seconds
        future: Future[DraftOutcome] = self._pool.submit(self._produce_by, request, at)
        try:
            return future.result(timeout=seconds), None
        except FutureTimeout:
            attempt = Attempt(
                drafter=self.primary.kind.value,
                model=getattr(self.primary, "model_name", None),
                violations=(),
                error=f"no draft within the {seconds:g} s deadline",
                elapsed_ms=(self.clock() - started) * 1000,
            )
            reason = f"the model missed the {seconds:g} s deadline"
            outcome = self._held(request, self._fall_back(request, [attempt], None, reason))
            return replace(outcome, deadline_missed=True), future

    def _produce_by(self, request: DraftRequest, at: float) -> DraftOutcome:
        """``produce`` with every model call in it ending by ``at`` (monotonic seconds)."""
        with deadline.within(at):
            return self.produce(request)

    def _fall_back(
        self,
        request: DraftRequest,
        attempts: list[Attempt],
        best: tuple[Draft, list[Violation]] | None,
        reason: str | None,
    ) -> DraftOutcome:
        composed: tuple[Draft, list[Violation]] | None = None
        for variant in range(COMPOSER_WORDINGS):
            fallback_request = replace(request, feedback=(), rejected_body=None, variant=variant)
            result = self._attempt(self.fallback, fallback_request, attempts)
            if result is None:  # the composer does not fail on valid input; if it did, say so loudly
                raise DraftingError(attempts[-1].error or "the composer produced no draft")
            composed = _cleaner(composed, result) if composed is not None else result
            if not result[1]:
                break
        assert composed is not None
        chosen = _cleaner(composed, best) if best is not None else composed
        draft, violations = chosen
        if violations:
            logger.info(
                "drafting.needs_review",
                extra={"lead_id": request.lead.id, "violations": [v.code for v in violations]},
            )
        return DraftOutcome(draft, tuple(violations), tuple(attempts), reason)

    def _attempt(
        self, drafter: Drafter, request: DraftRequest, attempts: list[Attempt]
    ) -> tuple[Draft, list[Violation]] | None:
        started = self.clock()
        try:
            draft = drafter.draft(request)
        except DraftingError as exc:
            attempts.append(
                Attempt(
                    drafter=drafter.kind.value,
                    model=getattr(drafter, "model_name", None),
                    violations=(),
                    error=str(exc),
                    usage=exc.usage,
                    elapsed_ms=(self.clock() - started) * 1000,
                )
            )
            logger.warning(
                "drafting.attempt_failed", extra={"drafter": drafter.kind.value, "error": str(exc)}
            )
            return None
        violations = self.check(draft, request)
        attempts.append(
            Attempt(
                drafter=draft.drafter.value,
                model=draft.model,
                violations=tuple(v.code for v in violations),
                usage=draft.usage,
                elapsed_ms=(self.clock() - started) * 1000,
            )
        )
        return draft, violations

    def check(self, draft: Draft, request: DraftRequest) -> list[Violation]:
        text = DraftText(request.channel, draft.body, draft.subject)
        context = guardrail_context(request)
        return run_checks(text, context) if self.checks is None else run_checks(text, context, self.checks)


QUESTION_FOR_A_PERSON = "answer.person_needed"


def with_questions_to_check(request: DraftRequest, outcome: DraftOutcome) -> DraftOutcome:
    """A question the knowledge base does not answer (or answers unsurely) sends the touch to review,
    naming the question, whoever drafted it and however clean the text is.

    Added once to the final outcome, never to an attempt: no drafter can write its way past it, so
    repairing or rewording for it would only waste the model's time.
    """
    left_out = (
        tuple(
            a.question
            for a in request.answers
            if a.sure and not any(quoted in outcome.draft.body for quoted in a.quoted)
        )
        if outcome.draft.drafter is DrafterKind.COMPOSER
        else ()
    )
    to_check = (*request.to_check, *left_out)
    if not to_check:
        return outcome
    unanswered = {*request.unanswered, *left_out}
    flags = tuple(
        Violation(
            code=QUESTION_FOR_A_PERSON,
            message=(
                f'The lead asked "{question}" and no source answers it: answer it yourself before sending.'
                if question in unanswered
                else f'The lead asked "{question}": check that the quoted sentence answers it before sending.'
            ),
        )
        for question in to_check
    )
    return replace(outcome, violations=(*outcome.violations, *flags))


LANGUAGE_NOT_WRITTEN = "language.not_written"
LANGUAGE_NO_SOURCE = "language.no_source"


def with_language_to_check(request: DraftRequest, outcome: DraftOutcome, composer: object) -> DraftOutcome:
    """A touch that cannot be written in the lead's language goes to review with the reason, never out
    in another language: the company does not write in it (its profile's ``languages``), the composer
    has no phrase bank in it, or an answer is quoted from a document in another language.
    """
    lead = request.lead
    if not lead.language:
        return outcome
    wanted = name(lead.language)
    flags: list[Violation] = []
    if not written_for(request.identity, lead):
        listed = ", ".join(request.identity.languages)
        flags.append(
            Violation(
                LANGUAGE_NOT_WRITTEN,
                f"The lead writes in {wanted}, and the company profile's languages ({listed}) do not "
                f"include it: reply to them yourself in {wanted}, or add `{lead.language}` to `languages`.",
            )
        )
    elif outcome.draft.drafter is DrafterKind.COMPOSER and not _writes(composer, lead.language):
        flags.append(
            Violation(
                LANGUAGE_NOT_WRITTEN,
                f"The lead writes in {wanted}, and the composer has no templates in it "
                f"(prompts/composer.{lead.language}.yaml): write this one yourself in {wanted}.",
            )
        )
    else:
        language = writing_language(request.identity, lead)
        other = [
            a.question
            for a in request.answers
            if source_language(request.identity, a.language) != language
            and any(q in outcome.draft.body for q in a.quoted)
        ]
        flags.extend(
            Violation(
                LANGUAGE_NO_SOURCE,
                f'The lead writes in {wanted}, and the knowledge base answers "{question}" only in another '
                f"language: answer it yourself in {wanted}, or add a document in it (`language: "
                f"{lead.language}`).",
            )
            for question in other
        )
    if not flags:
        return outcome
    return replace(outcome, violations=(*outcome.violations, *flags))


def _writes(composer: object, language: str) -> bool:
    writes = getattr(composer, "writes", None)
    return bool(writes(language)) if callable(writes) else language == "en"


def _cleaner(
    first: tuple[Draft, list[Violation]], second: tuple[Draft, list[Violation]] | None
) -> tuple[Draft, list[Violation]]:
    """The attempt with fewer violations; on a tie the first (callers pass the safer one first)."""
    if second is None or len(first[1]) <= len(second[1]):
        return first
    return second
