"""The authorisation table on plain data: how a caller stands to a lead, and what that allows."""

from __future__ import annotations

import uuid

import pytest

from agent.domain import UserRole
from agent.services.access import Operation, Relation, authorise, may, relation
from agent.services.errors import Forbidden
from agent.users import Principal

REP = Principal(user_id=str(uuid.uuid4()), email="rep@example.com", role=UserRole.REP)
ADMIN = Principal(user_id=str(uuid.uuid4()), email="admin@example.com", role=UserRole.ADMIN)


class TestRelation:
    def test_how_a_caller_stands_to_a_lead(self) -> None:
        assert relation(REP, REP.id) is Relation.OWNER
        assert relation(REP, None) is Relation.UNOWNED
        assert relation(REP, uuid.uuid4()) is Relation.OTHER_REP
        assert relation(ADMIN, uuid.uuid4()) is Relation.ADMIN


class TestMay:
    @pytest.mark.parametrize("operation", [Operation.UPDATE, Operation.ACT, Operation.ERASE])
    def test_a_rep_changes_their_own_and_unowned_leads_only(self, operation: Operation) -> None:
        assert may(REP, operation, REP.id)
        assert may(REP, operation, None)
        assert not may(REP, operation, uuid.uuid4())
        assert may(ADMIN, operation, uuid.uuid4())

    def test_every_rep_reads_the_whole_pipeline(self) -> None:
        assert may(REP, Operation.READ, uuid.uuid4())

    def test_a_refusal_says_whose_lead_it_is_and_the_system_is_never_refused(self) -> None:
        with pytest.raises(Forbidden, match="belongs to another rep") as refused:
            authorise(REP, Operation.ACT, uuid.uuid4())

        assert refused.value.code == "not-your-lead"
        authorise(None, Operation.ERASE, uuid.uuid4())  # the system itself (a webhook, the worker)
