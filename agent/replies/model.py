"""The learned part of the reply reader: a softmax (multinomial logistic) regression over the reply's
features, trained with numpy from the labelled corpus, calibrated, and shipped as a small versioned
file (``agent/replies/model/``) that needs no training, no download and no pickle to load.

Why this model: a few thousand labelled replies, thirteen intents, features that are mostly sparse
n-grams and cue counts. A linear model learns that from so little, reads a reply in well under a
millisecond, and its weights can be inspected; a softmax over the calibrated scores gives a confidence
the reader can hold a silencing action to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.domain import ReplyIntent

MODEL_DIR = Path(__file__).with_name("model")
WEIGHTS_FILE = "reader.npz"
META_FILE = "reader.json"
Matrix = npt.NDArray[np.float32]
Sparse = dict[int, float]


class ModelFileError(RuntimeError):
    """The shipped model is missing or damaged; the message says how to rebuild it."""


@dataclass(frozen=True)
class ReplyModel:
    intents: tuple[ReplyIntent, ...]
    weights: Matrix  # (features, intents)
    bias: Matrix  # (intents,)
    temperature: float
    version: str
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, features: Sparse) -> dict[ReplyIntent, float]:
        """Calibrated probabilities of each intent (only the non-zero features are touched)."""
        if features:
            index = np.fromiter(features.keys(), dtype=np.int64, count=len(features))
            values = np.fromiter(features.values(), dtype=np.float32, count=len(features))
            scores = values @ self.weights[index] + self.bias
        else:
            scores = self.bias.copy()
        scores = scores / self.temperature
        scores -= scores.max()
        odds = np.exp(scores)
        odds /= odds.sum()
        return {intent: float(p) for intent, p in zip(self.intents, odds, strict=True)}

    def save(self, folder: Path = MODEL_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / WEIGHTS_FILE, weights=self.weights, bias=self.bias)
        meta = {
            **self.meta,
            "version": self.version,
            "intents": [i.value for i in self.intents],
            "temperature": self.temperature,
            "weights_sha256": hashlib.sha256((folder / WEIGHTS_FILE).read_bytes()).hexdigest(),
        }
        (folder / META_FILE).write_text(
            json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def load_model(folder: Path = MODEL_DIR) -> ReplyModel:
    weights_path, meta_path = folder / WEIGHTS_FILE, folder / META_FILE
    if not weights_path.is_file() or not meta_path.is_file():
        raise ModelFileError(
            f"the reply reader's model is missing from {folder}: run `touchpoint replies train`"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if hashlib.sha256(weights_path.read_bytes()).hexdigest() != meta.get("weights_sha256"):
        raise ModelFileError(
            f"{weights_path} does not match {meta_path} (a partial copy?): run `touchpoint replies train`"
        )
    with np.load(weights_path, allow_pickle=False) as data:
        weights, bias = data["weights"].astype(np.float32), data["bias"].astype(np.float32)
    return ReplyModel(
        intents=tuple(ReplyIntent(i) for i in meta["intents"]),
        weights=weights,
        bias=bias,
        temperature=float(meta["temperature"]),
        version=str(meta["version"]),
        meta=meta,
    )


def dense(rows: Sequence[Sparse], width: int) -> Matrix:
    matrix = np.zeros((len(rows), width), dtype=np.float32)
    for r, row in enumerate(rows):
        for index, value in row.items():
            matrix[r, index] = value
    return matrix


def fit(
    features: Matrix,
    labels: npt.NDArray[np.int64],
    classes: int,
    *,
    l2: float = 1e-4,
    epochs: int = 500,
    rate: float = 0.05,
    weights_per_class: npt.NDArray[np.float32] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Matrix, Matrix]:
    """Softmax regression by full-batch Adam on the cross-entropy with an L2 penalty; deterministic
    (zero start, no sampling), so one corpus always gives one model."""
    n, d = features.shape
    targets = np.eye(classes, dtype=np.float32)[labels]
    sample = np.ones(n, dtype=np.float32) if weights_per_class is None else weights_per_class[labels]
    sample = sample / sample.sum()
    w = np.zeros((d, classes), dtype=np.float32)
    b = np.zeros(classes, dtype=np.float32)
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        scores = features @ w + b
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - targets) * sample[:, None]
        grad_w = features.T @ error + l2 * w
        grad_b = error.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w * grad_w
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b * grad_b
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        w -= rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        b -= rate * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
        if on_progress is not None and step % 25 == 0:
            on_progress(step, epochs)
    return w, b


def calibrate(scores: Matrix, labels: npt.NDArray[np.int64]) -> float:
    """The temperature that makes held-out probabilities honest (least negative log-likelihood)."""
    best, best_loss = 1.0, float("inf")
    for temperature in np.linspace(0.3, 4.0, 75):
        scaled = scores / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_probs = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = float(-log_probs[np.arange(len(labels)), labels].mean())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best
