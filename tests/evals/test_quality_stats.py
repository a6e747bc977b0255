"""The statistics of the quality suites: majority and spread, Cohen's kappa, the paired bootstrap."""

from __future__ import annotations

import pytest

from evals.quality.stats import bootstrap_agreement, cohen_kappa, majority, paired_bootstrap, spread


class TestMajority:
    def test_the_score_most_samples_gave_wins(self) -> None:
        assert majority([4, 2, 4]) == 4

    def test_with_no_majority_the_middle_opinion_is_taken(self) -> None:
        assert majority([1, 3, 5]) == 3

    def test_spread_is_the_distance_between_the_extremes(self) -> None:
        assert spread([2, 5, 3]) == 3
        assert spread([4, 4, 4]) == 0


class TestCohenKappa:
    def test_perfect_agreement_is_one(self) -> None:
        assert cohen_kappa([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)

    def test_a_textbook_table_gives_its_published_kappa(self) -> None:
        # 50 items: both yes 20, both no 15, rater A yes / B no 5, A no / B yes 10 -> kappa 0.4.
        first = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
        second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15

        assert cohen_kappa(first, second) == pytest.approx(0.4)

    def test_systematic_disagreement_is_below_zero(self) -> None:
        assert cohen_kappa([1, 5, 1, 5], [5, 1, 5, 1]) == pytest.approx(-1.0)

    def test_quadratic_weights_count_a_near_miss_as_less_wrong(self) -> None:
        people = [1, 2, 3, 4, 5, 5]
        near = [2, 2, 3, 5, 4, 5]
        far = [5, 2, 3, 1, 1, 5]

        assert cohen_kappa(people, near, weights="quadratic") > cohen_kappa(people, far, weights="quadratic")  # type: ignore[operator]

    def test_it_is_undefined_when_both_raters_always_give_one_score(self) -> None:
        assert cohen_kappa([3, 3, 3], [3, 3, 3]) is None
        assert cohen_kappa([3], [3]) is None


class TestPairedBootstrap:
    def test_a_clear_drop_has_an_interval_below_zero(self) -> None:
        baseline = [(1.0, 1.0)] * 40
        candidate = [(1.0, 1.0)] * 10 + [(0.0, 1.0)] * 30

        interval = paired_bootstrap(baseline, candidate)

        assert interval is not None
        assert interval.delta == pytest.approx(-0.75)
        assert interval.high < 0 and interval.excludes_zero

    def test_identical_runs_change_nothing(self) -> None:
        runs = [(1.0, 1.0), (0.0, 1.0), (1.0, 1.0), (0.5, 1.0)]

        interval = paired_bootstrap(runs, runs)

        assert interval is not None
        assert (interval.delta, interval.low, interval.high) == (0.0, 0.0, 0.0)
        assert not interval.excludes_zero

    def test_it_is_the_same_interval_on_every_run(self) -> None:
        baseline = [(float(i % 3 == 0), 1.0) for i in range(30)]
        candidate = [(float(i % 2 == 0), 1.0) for i in range(30)]

        assert paired_bootstrap(baseline, candidate) == paired_bootstrap(baseline, candidate)

    def test_ratio_metrics_weigh_cases_by_their_denominators(self) -> None:
        # Precision-like: one case predicted 3 handoffs (2 right), the other 1 (right) -> 3/4.
        interval = paired_bootstrap([(2.0, 3.0), (1.0, 1.0)], [(2.0, 3.0), (1.0, 1.0)])

        assert interval is not None and interval.delta == 0.0

    def test_agreement_deltas_resample_the_labelled_items(self) -> None:
        humans = [1, 2, 3, 4, 5] * 4
        interval = bootstrap_agreement(humans, humans, [3] * 20, cohen_kappa, resamples=200)

        assert interval is not None
        assert interval.delta == pytest.approx(-1.0)
