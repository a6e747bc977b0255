"""Split the blind reply corpus into train, dev and test, once; the test split is then frozen.

Run once after the authors delivered ``corpus/raw/*.jsonl``: each case goes to a split by a hash of its
id, stratified by primary intent and by language (English, Spanish, other), so every split holds every
intent and its share of Spanish. The raw files are removed afterwards, so that nobody training or
writing rules reads the test cases by accident. Prints counts only, never a case.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent / "corpus"
SHARES = (("test", 0.25), ("dev", 0.15), ("train", 0.60))


def _order(case_id: str) -> str:
    return hashlib.sha256(f"touchpoint-replies:{case_id}".encode()).hexdigest()


def _shares(text: str) -> tuple[tuple[str, float], ...]:
    """``test4=0.67,dev4=0.33`` -> (("test4", 0.67), ("dev4", 0.33))."""
    pairs = [item.split("=", 1) for item in text.split(",")]
    return tuple((name.strip(), float(share)) for name, share in pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shares",
        type=_shares,
        default=SHARES,
        help="the splits and their shares, in order, e.g. test4=0.67,dev4=0.33 (default: test, dev, train)",
    )
    shares = parser.parse_args(argv).shares
    cases = [json.loads(line) for path in sorted((HERE / "raw").glob("*.jsonl")) for line in path.open()]
    strata: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for case in cases:
        language = str(case["language"])
        strata[(str(case["intent"]), language if language in {"en", "es"} else "other")].append(case)
    splits: dict[str, list[dict[str, object]]] = defaultdict(list)
    for members in strata.values():
        members.sort(key=lambda c: _order(str(c["id"])))
        start = 0
        for index, (name, share) in enumerate(shares):
            end = len(members) if index == len(shares) - 1 else start + round(len(members) * share)
            splits[name].extend(members[start:end])
            start = end
    for name, members in splits.items():
        members.sort(key=lambda c: _order(str(c["id"])))
        with (HERE / f"{name}.jsonl").open("w") as handle:
            for case in members:
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
        intents = Counter(str(c["intent"]) for c in members)
        spanish = sum(1 for c in members if c["language"] == "es")
        print(
            f"{name}: {len(members)} cases, {spanish} Spanish; "
            + ", ".join(f"{k} {v}" for k, v in sorted(intents.items()))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
