"""`touchpoint eval run` and `eval compare` as a person runs them: no model configured, real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))
ROOT = Path(__file__).resolve().parents[2]


def touchpoint(*args: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    env.update(TOUCHPOINT_VAR_DIR=str(var), COLUMNS="200")
    return subprocess.run(
        [TOUCHPOINT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def composer_run(
    tmp_path_factory: pytest.TempPathFactory, chroma_path: Path
) -> tuple[subprocess.CompletedProcess[str], Path]:
    var = tmp_path_factory.mktemp("var")
    # The suite's knowledge is the demo content, already embedded for the session: a copy of it, where
    # the run keeps its vector store, spares this process embedding it all again.
    shutil.copytree(chroma_path, var / "evals" / "chroma")
    out = var / "run"
    return touchpoint("eval", "run", "--suite", "default", "--out", str(out), var=var), out


class TestEvalRun:
    def test_with_no_model_the_composer_drafts_and_the_run_passes(
        self, composer_run: tuple[subprocess.CompletedProcess[str], Path]
    ) -> None:
        done, out = composer_run

        assert done.returncode == 0, done.stderr
        assert "judge not run: no LLM is configured" in done.stdout
        assert "every threshold met" in done.stdout
        result = json.loads((out / "result.json").read_text(encoding="utf-8"))
        assert result["run"]["drafter"] == "composer" and result["judge"]["status"] == "not run"
        assert result["run"]["cache"] == {"mode": "use", "hits": 0, "calls": 0, "replay_misses": 0}
        assert (out / "report.html").stat().st_size > 100_000
        assert (out / "junit.xml").read_text(encoding="utf-8").startswith("<?xml")

    def test_comparing_a_run_with_itself_finds_no_regression(
        self, composer_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path
    ) -> None:
        _, out = composer_run

        comparison = tmp_path / "c.json"

        done = touchpoint(
            "eval", "compare", str(out), str(out / "result.json"), "--json", str(comparison), var=tmp_path
        )

        assert done.returncode == 0, done.stderr
        assert "no metric regressed" in done.stdout
        assert json.loads(comparison.read_text())["regressed_cases"] == []

    def test_the_llm_drafter_without_a_model_says_what_to_set(self, tmp_path: Path) -> None:
        done = touchpoint("eval", "run", "--drafter", "llm", var=tmp_path)

        assert done.returncode == 2
        assert "set TOUCHPOINT_LLM_BASE_URL" in done.stderr and "Traceback" not in done.stderr

    def test_an_unknown_suite_lists_the_known_ones(self, tmp_path: Path) -> None:
        done = touchpoint("eval", "run", "--suite", "nightly", var=tmp_path)

        assert done.returncode == 2
        assert "known suites: default, smoke" in done.stderr

    def test_a_missing_prompt_version_is_named(self, tmp_path: Path) -> None:
        done = touchpoint("eval", "run", "--drafter", "llm", "--prompts", "v9", "--replay", var=tmp_path)

        assert done.returncode == 2
        assert "drafter-v9.yaml" in done.stderr

    def test_compare_of_something_else_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "x.json").write_text('{"a": 1}', encoding="utf-8")

        done = touchpoint("eval", "compare", str(tmp_path / "x.json"), str(tmp_path / "x.json"), var=tmp_path)

        assert done.returncode == 2
        assert "is not a result of `touchpoint eval run`" in done.stderr
