"""Running the `touchpoint` command from the eval tests: as a real process, or in this one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))


def run_touchpoint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command in a clean environment (no TOUCHPOINT_ settings), wide enough for tables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")} | {"COLUMNS": "200"}
    return subprocess.run(
        [TOUCHPOINT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def run_cli(*args: str) -> int:
    """The `touchpoint` entry point in this process (its error handling included); the exit status."""
    from agent.cli import main

    argv = sys.argv
    sys.argv = ["touchpoint", *args]
    try:
        main()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        sys.argv = argv
    return 0
