"""The decisions eval reads a lead's history into a snapshot itself; ``leads import --history`` writes the
same history into the store. Both must lead the policy to the same decision, scenario by scenario, or the
eval measures something the product never does."""

from __future__ import annotations

import pytest

from agent.container import Services
from agent.db.repositories.snapshots import load_snapshot
from agent.history_import import HistoryLine, import_history
from agent.playbook import load_playbook
from agent.policy import next_action
from agent.replies.reader import shipped_reader
from agent.services import leads
from evals.decisions.cases import load_scenarios, split_files
from evals.decisions.runner import decide, reduce

IN_FLIGHT = {"queued", "sending", "awaiting_review", "pending_review"}


@pytest.mark.parametrize("split", ["dev", "test"])
def test_an_imported_history_is_decided_as_the_eval_decides_it(services: Services, split: str) -> None:
    reader = shipped_reader()
    playbooks = {}
    differ = []
    compared = 0
    for scenario in load_scenarios(split_files(split)):
        history = [r for r in scenario.history if r.at <= scenario.now]
        if any(getattr(r, "state", None) in IN_FLIGHT or getattr(r, "type", None) == "draft_pending_review"
               for r in history):  # fmt: skip
            continue  # a draft in flight is not history: the import refuses it
        if scenario.config_dir not in playbooks:
            playbooks[scenario.config_dir] = load_playbook(scenario.config_dir)
        playbook = playbooks[scenario.config_dir]
        session = services.session_factory()
        try:
            lead = leads.add(session, scenario.lead.model_dump(), now=scenario.now)
            session.flush()
            lines = [HistoryLine(n, {"lead": str(lead.id)}, r) for n, r in enumerate(history, 1)]
            import_history(session, lines, reader=reader, now=scenario.now, sequences=playbook.sequences)
            snapshot = load_snapshot(session, lead)
            imported = reduce(
                next_action(snapshot, playbook.sequences, scenario.now, playbook.policy), scenario.now
            )
        finally:
            session.rollback()
            session.close()
        evaluated = decide(scenario, playbook, reader)
        compared += 1
        if (imported.action, imported.purpose, imported.channel) != (
            evaluated.action,
            evaluated.purpose,
            evaluated.channel,
        ):
            differ.append((scenario.id, imported.rules, evaluated.rules))

    assert compared >= 70
    assert differ == []
