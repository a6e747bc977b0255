"""The reply reader's cross-validation (``python -m evals.replies.crossval``): whole authors are held out,
every training reply is read once by a model that never saw its author, and dev only calibrates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from agent.replies.training import Case, Fitting, features_of
from evals.replies.crossval import author, cross_validate, folds

REPLIES = [
    ("Yes, let's book a demo next week.", "interested"),
    ("How much is the Team plan per month?", "question"),
    ("Please remove me from your mailing list.", "unsubscribe"),
    ("I am out of the office until Monday.", "out_of_office"),
]


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, authors in (("train.jsonl", "ab"), ("extra.jsonl", "cd"), ("dev.jsonl", "a")):
        rows = [
            {
                "id": f"{who}-{name[0]}{n}",
                "text": text,
                "channel": "email",
                "intent": intent,
                "handoff": intent != "unsubscribe",
                "suppress": intent == "unsubscribe",
            }
            for who in authors
            for n, (text, intent) in enumerate(REPLIES)
        ]
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def test_the_author_is_the_ids_prefix() -> None:
    assert author("g-017") == "g" and author("a-001") == "a"


def test_with_seven_folds_each_of_the_first_six_holds_out_one_author_of_dev_and_test() -> None:
    groups = folds(list("abcdefghijklmnopqrstu"), 7)

    assert [len(g & set("abcdef")) for g in groups] == [1, 1, 1, 1, 1, 1, 0]
    assert set().union(*groups) == set("abcdefghijklmnopqrstu")


def test_every_reply_is_read_once_by_a_model_that_never_learned_from_its_author(tmp_path: Path) -> None:
    fitted_on: list[set[str]] = []

    def featurise(cases: Sequence[Case]) -> list[dict[int, float]]:
        if not all(c.id.endswith(("d0", "d1", "d2", "d3")) for c in cases):  # the training cases
            fitted_on.append({author(c.id) for c in cases})
        return features_of(cases)

    result = cross_validate(Fitting(epochs=30), corpus=_corpus(tmp_path), fold_count=2, featurise=featurise)

    assert result.overall.cases == 16
    assert sorted(o.id for o in result.overall.outcomes) == sorted(
        f"{w}-{f}{n}" for w, f in (("a", "t"), ("b", "t"), ("c", "e"), ("d", "e")) for n in range(4)
    )
    assert fitted_on == [{"b", "d"}, {"a", "c"}]  # fold 1 holds out a and c, fold 2 b and d
    assert result.dev_authors.cases == 16  # a-d are all among the authors of dev and test here
    figures = result.as_dict()
    assert figures["overall"]["cases"] == 16 and "outcomes" not in figures["overall"]
    assert figures["settings"]["epochs"] == 30


def test_the_third_blind_set_joins_the_folds_as_one_more_author(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    rows = [
        {"id": f"w-{n}", "text": text, "channel": "sms", "intent": intent, "handoff": True, "suppress": False}
        for n, (text, intent) in enumerate(REPLIES[:2])
    ]
    (corpus / "dev3.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    result = cross_validate(Fitting(epochs=10), corpus=corpus, fold_count=2)

    assert result.overall.cases == 18
    assert {"w-0", "w-1"} <= {o.id for o in result.overall.outcomes}
