"""Bootstrap AUCs counted from draw counts == AUCs from ranking each resample (value._boot_auc), exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.analysis.journey import value
from cxlib.analysis.journey.resample import bootstrap_auc


def by_ranks(y, scores, seed, n_boot):
    idx = np.random.default_rng(seed).integers(0, len(y), size=(n_boot, len(y)))
    return value._boot_auc(y, scores, idx)


@pytest.mark.parametrize("block", [1, 7, 10**9])
def test_equals_the_rank_computation_bit_for_bit(block):
    rng = np.random.default_rng(1)
    n = 501
    y = (rng.random(n) < 0.2).astype(float)
    scores = np.vstack([rng.normal(size=n), np.round(rng.normal(size=n), 1), rng.integers(0, 3, n).astype(float)])
    ours = bootstrap_auc(y, scores, seed=42, n_boot=300, block_cells=block * n)
    theirs = by_ranks(y, scores, 42, 300)
    assert np.array_equal(ours, theirs, equal_nan=True)


def test_a_resample_without_one_outcome_is_nan():
    y = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    ours = bootstrap_auc(y, np.array([[0.9, 0.1, 0.2, 0.3, 0.4]]), seed=0, n_boot=200)
    assert np.isnan(ours).any() and np.array_equal(ours, by_ranks(y, np.array([[0.9, 0.1, 0.2, 0.3, 0.4]]), 0, 200),
                                                   equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 40), st.integers(0, 2**31), st.integers(1, 30))
def test_property_equal_on_ties_and_small_samples(n, seed, n_boot):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(float)
    scores = rng.integers(0, 4, size=(2, n)).astype(float)  # many ties
    assert np.array_equal(bootstrap_auc(y, scores, seed=seed, n_boot=n_boot), by_ranks(y, scores, seed, n_boot),
                          equal_nan=True)
