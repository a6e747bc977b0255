"""The pure core imports nothing heavy: deciding and checking a message needs no database, vector store,
model client or web framework, so it loads in a fraction of a second and runs anywhere (docs/architecture.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

CORE = (
    "agent.policy",
    "agent.scoring",
    "agent.guardrails",
    "agent.drafting.composer",
    "agent.domain",
    "agent.fields",
)
HEAVY = ("chromadb", "onnxruntime", "openai", "langchain", "langchain_core", "sqlalchemy", "httpx", "fastapi")


def test_the_core_loads_none_of_the_edges_libraries() -> None:
    program = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)

    assert json.loads(result.stdout) == []


def test_the_check_sees_a_heavy_import() -> None:
    """The same probe on a module of the edges finds its libraries (so the test above can fail)."""
    program = (
        "import importlib, json, sys\n"
        "importlib.import_module('knowledge.chroma_store')\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)

    assert "chromadb" in json.loads(result.stdout)
