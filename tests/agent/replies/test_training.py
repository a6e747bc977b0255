"""Training the reader (``touchpoint replies train``) on a small corpus: a model that loads, reads, says its
version, and holds a silencing reading to a threshold its dev split justified."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from agent.domain import ReplyIntent
from agent.replies.message import InboundReply
from agent.replies.model import load_model
from agent.replies.reader import LearnedReader
from agent.replies.training import CorpusError, train
from tests.evals.commands import TOUCHPOINT

TRAIN = [
    ("Yes, let's book a demo next week.", "interested"),
    ("Sounds great, send me the proposal.", "interested"),
    ("Sí, me interesa, mándame la propuesta.", "interested"),
    ("How much is the Team plan per month?", "question"),
    ("Does it work with Google Calendar?", "question"),
    ("¿Cuánto cuesta el plan básico?", "question"),
    ("Please remove me from your mailing list.", "unsubscribe"),
    ("Unsubscribe me, thanks.", "unsubscribe"),
    ("Dejen de escribirme, por favor. Baja.", "unsubscribe"),
    ("I am out of the office until Monday with limited access to email.", "out_of_office"),
    ("Automatic reply: I'm on vacation and will be back on the 14th.", "out_of_office"),
    ("Estoy fuera de la oficina hasta el lunes.", "out_of_office"),
]
DEV = [
    ("Yes please, Tuesday works.", "interested"),
    ("What does onboarding cost?", "question"),
    ("Take me off your list.", "unsubscribe"),
    ("Out of office until next week.", "out_of_office"),
]


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    lines = [
        json.dumps(
            {
                "id": f"{path.stem}-{n}",
                "text": text,
                "channel": "email",
                "received_at": "2026-11-23",
                "intent": intent,
                "handoff": intent in {"interested", "question"},
                "suppress": intent == "unsubscribe",
            }
        )
        for n, (text, intent) in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write(folder / "train.jsonl", TRAIN)
    _write(folder / "dev.jsonl", DEV)
    return folder


class TestTrain:
    def test_the_trained_model_loads_reads_and_records_its_version(
        self, corpus: Path, tmp_path: Path
    ) -> None:
        model = train(corpus, tmp_path / "model")

        reader = LearnedReader(load_model(tmp_path / "model"))
        reading = reader.classify(InboundReply("How much does the plan cost?"), today=date(2026, 11, 23))

        assert reading.intent is ReplyIntent.QUESTION
        assert reading.classifier == f"learned:{model.version}"
        assert model.meta["training_cases"] == len(TRAIN) and model.meta["dev_cases"] == len(DEV)
        assert set(model.meta["thresholds"]) >= {"unsubscribe", "out_of_office"}

    def test_one_corpus_always_gives_one_model(self, corpus: Path, tmp_path: Path) -> None:
        first = train(corpus, tmp_path / "a")
        second = train(corpus, tmp_path / "b")

        assert first.version == second.version

    def test_a_bad_line_is_named_by_file_and_line(self, corpus: Path, tmp_path: Path) -> None:
        (corpus / "train.jsonl").write_text(
            '{"id": "x", "text": "hi", "intent": "maybe"}\n', encoding="utf-8"
        )

        with pytest.raises(CorpusError, match=r"train\.jsonl:1"):
            train(corpus, tmp_path / "model")

    def test_the_command_trains_and_says_where_the_model_went(self, corpus: Path, tmp_path: Path) -> None:
        result = subprocess.run(
            [TOUCHPOINT, "replies", "train", "--corpus", str(corpus), "--out", str(tmp_path / "model")],
            capture_output=True,
            text=True,
            check=False,
        )

        assert result.returncode == 0, result.stderr
        assert "reply reader" in result.stdout and (tmp_path / "model" / "reader.npz").is_file()
