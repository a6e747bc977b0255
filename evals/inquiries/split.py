"""Split the blind labelled inquiries into dev and test, once; the test split is then frozen.

Each case goes to a split by a hash of its id, stratified by its category (``why``) and language
(English, Spanish, other), so both halves hold every kind of inquiry in its share. The author's file is
removed afterwards, so that nobody calibrating the handoff reads the test cases by accident. Prints
counts only, never a case.

Run: ``python -m evals.inquiries.split written-a.jsonl [more.jsonl] [--test test] [--dev dev]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _order(case_id: str) -> str:
    return hashlib.sha256(f"touchpoint-inquiries:{case_id}".encode()).hexdigest()


def _group(case: dict[str, object]) -> tuple[str, str]:
    language = str(case.get("language") or "en")
    return str(case["why"]), language if language in ("en", "es") else "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files", nargs="+", type=Path, help="the authors' JSON-lines files, in evals/inquiries/"
    )
    parser.add_argument("--test", default="test", help="name of the test split (test.jsonl)")
    parser.add_argument("--dev", default="dev", help="name of the dev split (dev.jsonl)")
    names = parser.parse_args(argv)
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for path in names.files:
        for line in (HERE / path.name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                groups[_group(case)].append(case)
    splits: dict[str, list[dict[str, object]]] = {names.test: [], names.dev: []}
    for cases in groups.values():
        cases.sort(key=lambda c: _order(str(c["id"])))
        half = (len(cases) + 1) // 2
        splits[names.test] += cases[:half]
        splits[names.dev] += cases[half:]
    for name, cases in splits.items():
        target = HERE / f"{name}.jsonl"
        if target.exists():
            print(f"{target} exists: a split is made once", file=sys.stderr)
            return 1
        cases.sort(key=lambda c: str(c["id"]))
        target.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
        labels = Counter(bool(c["needs_person"]) for c in cases)
        print(f"{name}: {len(cases)} inquiries, {labels[True]} need a person, {labels[False]} do not")
    for path in names.files:
        (HERE / path.name).unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
