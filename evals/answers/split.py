"""Split the blind answer set into dev and test, once; the test split is then frozen.

Each inquiry goes to a split by a hash of its id, stratified by company and language, so both splits
hold each company's English and Spanish leads. The authors' files are removed afterwards, so nobody
improving the composer reads the test inquiries by accident. Prints counts only, never a case.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _order(case_id: str) -> str:
    return hashlib.sha256(f"touchpoint-answers:{case_id}".encode()).hexdigest()


def main() -> int:
    cases = [json.loads(line) for path in sorted((HERE / "blind").glob("*.jsonl")) for line in path.open()]
    strata: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for case in cases:
        strata[(str(case["company"]), str(case["language"]))].append(case)
    splits: dict[str, list[dict[str, object]]] = {"dev": [], "test": []}
    for members in strata.values():
        members.sort(key=lambda c: _order(str(c["id"])))
        half = len(members) // 2
        splits["test"].extend(members[:half])
        splits["dev"].extend(members[half:])
    for name, members in splits.items():
        members.sort(key=lambda c: (str(c["company"]), str(c["id"])))
        with (HERE / f"{name}.jsonl").open("w") as handle:
            for case in members:
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
        questions = [q for c in members for q in c["questions"]]  # type: ignore[attr-defined]
        answerable = sum(1 for q in questions if q["answerable"])
        print(f"{name}: {len(members)} inquiries, {len(questions)} questions ({answerable} answerable)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
