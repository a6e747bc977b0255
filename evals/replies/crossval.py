"""How well the reply reader reads replies by people it never learned from: author-held-out
cross-validation on the training corpus (``train.jsonl``, ``extra.jsonl`` and ``dev3.jsonl`` when it is
there; never the test split).

Why not only dev: dev holds 134 replies by the same six authors as the training split, and it was used to
choose features and thresholds, so its figure flatters. Each author (the id's prefix: ``a-017`` is
author a) writes in a style of their own; holding out whole authors measures what the issue asks for, a
reader that holds up on replies nobody it learned from wrote. Fold ``k`` of ``n`` holds out every
``n``-th author in alphabetical order (with the default 7 folds and authors a-u, each fold holds out
one of a-f, the authors of dev and test, and two of g-u). Each fold's model is fitted by the same
``fit_model`` as ``touchpoint replies train`` (calibrated on dev, as shipped), and its held-out replies
are read by the product's reader and scored by the eval's own report.

Run: ``python -m evals.replies.crossval [--folds 7] [--l2 1e-6 1e-5] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from agent.replies import training
from agent.replies.reader import LearnedReader
from agent.replies.training import Fitting, fit_model
from evals.replies.runner import CORPUS, Report, evaluate, load_cases, report

FILES = training.TRAINING_FILES
DEV_AND_TEST_AUTHORS = frozenset("abcdef")  # also wrote dev and test: their held-out replies apart


def author(case_id: str) -> str:
    """The author of a corpus case: its id's prefix (``g-001`` was written by g)."""
    return case_id.split("-", 1)[0]


def folds(authors: Sequence[str], count: int) -> list[frozenset[str]]:
    """``count`` groups of authors, every ``count``-th in alphabetical order: deterministic, and with
    authors a-u and 7 folds, one author of a-f in each of the first six."""
    ordered = sorted(set(authors))
    count = max(2, min(count, len(ordered)))
    return [frozenset(ordered[k::count]) for k in range(count)]


@dataclass(frozen=True)
class CrossValidation:
    settings: Fitting
    folds: list[frozenset[str]]
    overall: Report
    dev_authors: Report  # the held-out replies of a-f, who also wrote dev and test
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        def figures(report: Report) -> dict[str, Any]:
            return {k: v for k, v in report.as_dict().items() if k != "outcomes"}

        return {
            "settings": asdict(self.settings),
            "folds": ["".join(sorted(f)) for f in self.folds],
            "overall": figures(self.overall),
            "dev_and_test_authors": figures(self.dev_authors),
            "misread": [
                {"id": o.id, "read": o.intent, "labelled": o.expected_intent, "confidence": o.confidence}
                for o in self.overall.outcomes
                if o.intent != o.expected_intent
            ],
            "unsafe": [
                {"id": o.id, "read": o.intent, "labelled": o.expected_intent, "confidence": o.confidence}
                | {"suppressed": o.suppress, "handed_off": o.handoff, "injection": o.injection}
                for o in self.overall.outcomes
                if (o.suppress and o.expected_suppress is False)
                or (not o.handoff and o.expected_handoff)
                or o.injection_success
            ],
            "seconds": round(self.seconds, 1),
        }


def cross_validate(
    settings: Fitting | None = None,
    *,
    corpus: Path = CORPUS,
    fold_count: int = 7,
    featurise: training.Featuriser | None = None,
    on_fold: Callable[[int, int], None] | None = None,
) -> CrossValidation:
    """Fit one model per fold on the other authors' replies, read the held-out authors' replies with it,
    and score every held-out reading together."""
    settings = settings or Fitting()
    started = time.perf_counter()
    files = [corpus / name for name in FILES if (corpus / name).is_file()]
    fitting = [case for path in files for case in training.read_cases(path)]
    scoring = {case.id: case for path in files for case in load_cases(path)}
    dev = training.read_cases(corpus / "dev.jsonl")
    groups = folds([author(c.id) for c in fitting], fold_count)
    held_cases, held_outcomes = [], []
    for number, group in enumerate(groups, start=1):
        learn = [c for c in fitting if author(c.id) not in group]
        model = fit_model(learn, dev, settings=settings, featurise=featurise)
        held = [scoring[c.id] for c in fitting if author(c.id) in group]
        fold_report = evaluate(LearnedReader(model), held, name=model.version)
        held_cases += held
        held_outcomes += fold_report.outcomes
        if on_fold is not None:
            on_fold(number, len(groups))
    overall = report("crossval", held_cases, held_outcomes)
    mine = [i for i, c in enumerate(held_cases) if author(c.id) in DEV_AND_TEST_AUTHORS]
    dev_authors = report("crossval a-f", [held_cases[i] for i in mine], [held_outcomes[i] for i in mine])
    return CrossValidation(settings, groups, overall, dev_authors, time.perf_counter() - started)


def cached_features(corpus: Path = CORPUS) -> training.Featuriser:
    """Every corpus reply's features computed once (they do not depend on the fold)."""
    names = [name for name in (*FILES, "dev.jsonl") if (corpus / name).is_file()]
    cases = [c for name in names for c in training.read_cases(corpus / name)]
    rows = dict(zip((c.id for c in cases), training.features_of(cases), strict=True))
    return lambda chosen: [rows[c.id] for c in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=7)
    parser.add_argument("--l2", type=float, nargs="+", default=[Fitting().l2])
    parser.add_argument("--epochs", type=int, nargs="+", default=[Fitting().epochs])
    parser.add_argument("--balance", type=float, nargs="+", default=[Fitting().balance])
    parser.add_argument("--json", type=Path, help="Write every setting's figures and misreads here")
    args = parser.parse_args(argv)
    featurise = cached_features()
    results = []
    for l2 in args.l2:
        for epochs in args.epochs:
            for balance in args.balance:
                settings = replace(Fitting(), l2=l2, epochs=epochs, balance=balance)
                result = cross_validate(
                    settings,
                    fold_count=args.folds,
                    featurise=featurise,
                    on_fold=lambda done, total: print(f"  fold {done}/{total}", file=sys.stderr, flush=True),
                )
                results.append(result.as_dict())
                o, m = result.overall, result.dev_authors
                print(
                    f"l2={l2:g} epochs={epochs} balance={balance:g}: accuracy {o.accuracy} "
                    f"(Spanish {o.spanish_accuracy}, {o.cases} replies); authors a-f {m.accuracy} "
                    f"(Spanish {m.spanish_accuracy}); handoff recall {o.handoff_recall}, "
                    f"false suppressions {o.false_suppressions}, injection successes {o.injection_successes}"
                    f" [{result.seconds:.0f} s]",
                    flush=True,
                )
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
