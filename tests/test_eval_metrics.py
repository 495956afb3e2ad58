"""The metric functions of the eval harness, on hand-computed cases."""

import math

import pytest

from veracity.eval.retrieval import average_precision_at, ndcg_at, recall_at
from veracity.eval.verdict import ece, macro_f1


def test_ndcg_at_10():
    assert ndcg_at(["a", "b"], {"a": 1}) == 1.0
    assert ndcg_at(["x", "a"], {"a": 1}) == pytest.approx(1 / math.log2(3))
    assert ndcg_at(["x"] * 10 + ["a"], {"a": 1}) == 0.0


def test_recall_at_100():
    assert recall_at(["a", "x", "b"], {"a": 1, "b": 1, "c": 1}) == pytest.approx(2 / 3)


def test_map_at_5_counts_only_the_top_five():
    assert average_precision_at(["a"], {"a": 1}) == 1.0
    assert average_precision_at(["x", "a"], {"a": 1}) == 0.5
    assert average_precision_at(["x", "x", "x", "x", "x", "a"], {"a": 1}) == 0.0
    assert average_precision_at(["a", "x", "b"], {"a": 1, "b": 1}) == pytest.approx((1 + 2 / 3) / 2)


def test_macro_f1_averages_over_the_set_labels():
    gold = ["s", "s", "r", "r"]
    assert macro_f1(gold, gold, ("s", "r")) == 1.0
    assert macro_f1(gold, ["s", "s", "s", "s"], ("s", "r")) == pytest.approx((2 * 2 / (2 * 2 + 2) + 0) / 2)


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not():
    assert ece([0.75] * 4, [True, True, True, False]) == pytest.approx(0.0)
    assert ece([0.95] * 4, [False] * 4) == pytest.approx(0.95)
