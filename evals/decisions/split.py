"""Split the blind lead histories into dev and test, once; the test split is then frozen.

Per business, the scenarios are ordered by a hash of their id and the first half goes to test
(``test.yaml``), the rest to dev (``dev.yaml``), beside the business's own configuration folder.
Prints counts only, never a scenario.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent / "blind"


def _order(scenario_id: str) -> str:
    return hashlib.sha256(f"touchpoint-decisions:{scenario_id}".encode()).hexdigest()


def main() -> int:
    for business in sorted(p for p in HERE.iterdir() if p.is_dir()):
        scenarios = []
        sources = sorted(business.glob("scenarios-*.yaml"))
        for path in sources:
            scenarios.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"])
        scenarios.sort(key=lambda s: _order(str(s["id"])))
        half = len(scenarios) // 2
        for name, part in (("test", scenarios[:half]), ("dev", scenarios[half:])):
            part.sort(key=lambda s: str(s["id"]))
            document = {"business": business.name, "scenarios": part}
            (business / f"{name}.yaml").write_text(
                yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8"
            )
            print(f"{business.name} {name}: {len(part)} scenarios")
        for path in sources:
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
