"""The few statistics the suites need, written out: majority and spread, Cohen's kappa, a paired bootstrap."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import median

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95


def majority(scores: Sequence[int]) -> int:
    """The score most samples gave; with no majority (1, 3, 5) the median, the middle opinion."""
    if not scores:
        raise ValueError("no scores")
    value, count = Counter(scores).most_common(1)[0]
    return value if count * 2 > len(scores) else int(median(sorted(scores)))


def spread(scores: Sequence[int]) -> int:
    return max(scores) - min(scores)


def cohen_kappa(first: Sequence[int], second: Sequence[int], *, weights: str | None = None) -> float | None:
    """Cohen's kappa of two raters over the same items; ``weights="quadratic"`` for ordinal scores.

    1 is perfect agreement, 0 what chance alone gives, below 0 worse than chance. None when it is
    undefined: fewer than two items, or both raters always giving one and the same score.
    """
    if len(first) != len(second):
        raise ValueError("the raters scored different numbers of items")
    if len(first) < 2:
        return None
    categories = sorted(set(first) | set(second))
    index = {c: i for i, c in enumerate(categories)}
    size = len(categories)
    observed = np.zeros((size, size))
    for a, b in zip(first, second, strict=True):
        observed[index[a], index[b]] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    if weights == "quadratic":
        values = np.array(categories, dtype=float)
        disagreement = (values[:, None] - values[None, :]) ** 2
    elif weights is None:
        disagreement = 1.0 - np.eye(size)
    else:
        raise ValueError(f"unknown weights {weights!r}")
    chance = float((disagreement * expected).sum())
    if chance == 0:
        return None
    return 1.0 - float((disagreement * observed).sum()) / chance


@dataclass(frozen=True, slots=True)
class Interval:
    delta: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def paired_bootstrap(
    baseline: Sequence[tuple[float, float]],
    candidate: Sequence[tuple[float, float]],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> Interval | None:
    """The candidate's ratio-of-sums minus the baseline's, with a 95% percentile interval.

    ``baseline[i]`` and ``candidate[i]`` are the (numerator, denominator) of the same case in the two
    runs; cases are resampled together, so a case that is hard in both runs does not widen the
    interval. Resamples whose denominators are zero on either side are left out. Seeded: the same
    inputs always give the same interval.
    """
    if len(baseline) != len(candidate):
        raise ValueError("the runs must be paired case by case")
    if not baseline:
        return None
    a = np.array(baseline, dtype=float)
    b = np.array(candidate, dtype=float)
    if a[:, 1].sum() == 0 or b[:, 1].sum() == 0:
        return None
    delta = b[:, 0].sum() / b[:, 1].sum() - a[:, 0].sum() / a[:, 1].sum()
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(a), size=(resamples, len(a)))
    a_num, a_den = a[picks, 0].sum(axis=1), a[picks, 1].sum(axis=1)
    b_num, b_den = b[picks, 0].sum(axis=1), b[picks, 1].sum(axis=1)
    usable = (a_den > 0) & (b_den > 0)
    if not usable.any():
        return None
    deltas = b_num[usable] / b_den[usable] - a_num[usable] / a_den[usable]
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(deltas, [tail, 100 - tail])
    return Interval(float(delta), float(low), float(high))


def bootstrap_agreement(
    humans: Sequence[int],
    baseline: Sequence[int],
    candidate: Sequence[int],
    statistic: Callable[[Sequence[int], Sequence[int]], float | None],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> Interval | None:
    """The change in agreement with people (e.g. kappa) between two runs' judges, items resampled together."""
    if not len(humans) == len(baseline) == len(candidate) or len(humans) < 2:
        return None
    base = statistic(humans, baseline)
    cand = statistic(humans, candidate)
    if base is None or cand is None:
        return None
    rng = np.random.default_rng(seed)
    deltas = []
    for _ in range(resamples):
        picks = rng.integers(0, len(humans), size=len(humans))
        h = [humans[i] for i in picks]
        x = statistic(h, [baseline[i] for i in picks])
        y = statistic(h, [candidate[i] for i in picks])
        if x is not None and y is not None:
            deltas.append(y - x)
    if not deltas:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(deltas, [tail, 100 - tail])
    return Interval(cand - base, float(low), float(high))
