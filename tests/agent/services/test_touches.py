"""The touch's transition table: what may follow what, and the only writer of a state refusing the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.db.models import Touch
from agent.domain import TouchState
from agent.services import touches
from agent.services.touches import CLAIM, RELEASE, InvalidTransition

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
FINAL = {TouchState.SENT, TouchState.FAILED, TouchState.CANCELLED, TouchState.REJECTED, TouchState.SUPERSEDED}


def _touch(state: TouchState) -> Touch:
    return Touch(state=state, updated_at=NOW)


class TestTable:
    def test_the_final_states_lead_nowhere(self) -> None:
        assert all(not touches.ALLOWED[state] for state in FINAL)

    def test_every_state_is_in_the_table(self) -> None:
        assert set(touches.ALLOWED) == set(TouchState)

    def test_the_outbox_moves_are_moves_the_table_allows(self) -> None:
        assert touches.allows(CLAIM.source, CLAIM.target)
        assert touches.allows(RELEASE.source, RELEASE.target)

    @pytest.mark.parametrize(
        ("auto_send", "clean", "state"),
        [
            (True, True, TouchState.QUEUED),
            (True, False, TouchState.PENDING_REVIEW),
            (False, True, TouchState.PENDING_REVIEW),
        ],
    )
    def test_a_new_draft_goes_alone_only_when_its_step_may_and_nothing_objected(
        self, auto_send: bool, clean: bool, state: TouchState
    ) -> None:
        assert touches.initial_state(auto_send=auto_send, clean=clean) is state


class TestMove:
    def test_an_allowed_move_changes_the_state_and_the_time(self) -> None:
        touch = _touch(TouchState.PENDING_REVIEW)
        later = NOW.replace(hour=15)

        touches.move(touch, TouchState.QUEUED, later)

        assert (touch.state, touch.updated_at) == (TouchState.QUEUED, later)

    @pytest.mark.parametrize(
        ("source", "target"),
        [
            (TouchState.SENT, TouchState.QUEUED),  # a sent message is never sent again
            (TouchState.SUPERSEDED, TouchState.QUEUED),  # an out-of-date draft is never approved
            (TouchState.REJECTED, TouchState.QUEUED),
            (TouchState.PENDING_REVIEW, TouchState.SENT),  # nothing skips the outbox
        ],
    )
    def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(
        self, source: TouchState, target: TouchState
    ) -> None:
        touch = _touch(source)

        with pytest.raises(InvalidTransition, match=f"{source.value} message cannot become {target.value}"):
            touches.move(touch, target, NOW)

        assert touch.state == source

    def test_superseding_keeps_why(self) -> None:
        drafts = [_touch(TouchState.PENDING_REVIEW), _touch(TouchState.QUEUED)]

        assert touches.supersede(drafts, "the lead replied", NOW) == 2

        assert {(t.state, t.superseded_reason) for t in drafts} == {
            (TouchState.SUPERSEDED, "the lead replied")
        }
