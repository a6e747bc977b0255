"""The learned model's file: written with its version, loaded without pickle, refused when damaged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.domain import ReplyIntent
from agent.replies.model import ModelFileError, ReplyModel, calibrate, fit, load_model

INTENTS = (ReplyIntent.INTERESTED, ReplyIntent.UNSUBSCRIBE)


def _model() -> ReplyModel:
    weights = np.array([[2.0, -2.0], [-1.0, 1.0]], dtype=np.float32)
    return ReplyModel(INTENTS, weights, np.zeros(2, np.float32), 1.0, "v-test", {"thresholds": {}})


class TestFile:
    def test_a_saved_model_loads_the_same(self, tmp_path: Path) -> None:
        _model().save(tmp_path)

        loaded = load_model(tmp_path)

        assert loaded.version == "v-test" and loaded.intents == INTENTS
        assert loaded.probabilities({0: 1.0}) == pytest.approx(_model().probabilities({0: 1.0}))

    def test_a_damaged_weights_file_is_refused_with_what_to_do(self, tmp_path: Path) -> None:
        _model().save(tmp_path)
        (tmp_path / "reader.npz").write_bytes(b"not the weights")

        with pytest.raises(ModelFileError, match="touchpoint replies train"):
            load_model(tmp_path)

    def test_a_missing_model_says_how_to_make_one(self, tmp_path: Path) -> None:
        with pytest.raises(ModelFileError, match="missing"):
            load_model(tmp_path)


class TestLearning:
    def test_probabilities_sum_to_one_and_follow_the_features(self) -> None:
        probabilities = _model().probabilities({0: 1.0})

        assert sum(probabilities.values()) == pytest.approx(1.0)
        assert probabilities[ReplyIntent.INTERESTED] > 0.9

    def test_fitting_separates_what_the_labels_separate(self) -> None:
        features = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32)
        labels = np.array([0, 0, 1, 1])

        weights, bias = fit(features, labels, 2, epochs=200)

        assert ((features @ weights + bias).argmax(axis=1) == labels).all()

    def test_calibration_cools_an_overconfident_model(self) -> None:
        scores = np.array([[10.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 0.0]], dtype=np.float32)
        labels = np.array([0, 1, 1, 0])  # one confident answer in four is wrong

        assert calibrate(scores, labels) > 1.0
