"""Split the blind guardrail drafts into dev and test by file, once; the test split is then frozen.

A file holds a few leads and their drafts (a history reused across cases), so whole files move: for each
company and each author, the files are ordered by a hash of their name and the first half goes to test.
Prints counts only, never a case.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent / "blind"


def _order(path: Path) -> str:
    return hashlib.sha256(f"touchpoint-guardrails:{path.parent.name}/{path.name}".encode()).hexdigest()


def _is_split(folder: str) -> bool:
    """Folders of earlier splits (dev, test, test3, dev5, ...) hold frozen cases, never new ones."""
    return folder.startswith(("dev", "test"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", default="test", help="folder the test half goes to (e.g. test4)")
    parser.add_argument("--dev", default="dev", help="folder the dev half goes to (e.g. dev6)")
    names = parser.parse_args(argv)
    groups: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in sorted(HERE.glob("*/*.yaml")):
        if _is_split(path.parent.name):
            continue
        groups[(path.parent.name, path.name.split("-")[0])].append(path)
    counts: dict[str, list[int]] = {names.dev: [0, 0], names.test: [0, 0]}
    for (company, _author), files in groups.items():
        files.sort(key=_order)
        half = len(files) // 2
        for index, path in enumerate(files):
            split = names.test if index < half else names.dev
            cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
            counts[split][0] += len(cases)
            counts[split][1] += sum(1 for c in cases if not c.get("expect"))
            target = HERE / split / company
            target.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), target / path.name)
    for company_dir in HERE.iterdir():
        if not _is_split(company_dir.name) and company_dir.is_dir() and not any(company_dir.iterdir()):
            company_dir.rmdir()
    for split, (total, clean) in counts.items():
        print(f"{split}: {total} drafts, {clean} clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
