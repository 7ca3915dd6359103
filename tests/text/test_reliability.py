"""Agreement statistics against sklearn and the krippendorff package; the hand-coded file."""

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from cxlib.errors import DataError
from cxlib.text.reliability import (agreement, append_hand_codes, auto_agreement, coder_agreement, cohen_kappa,
                                    krippendorff_alpha, read_hand_coded)


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=60))
def test_cohen_kappa_matches_sklearn(pairs):
    a, b = zip(*pairs)
    ours = cohen_kappa(a, b)
    with np.errstate(all="ignore"):
        ref = cohen_kappa_score(a, b)
    if np.isnan(ours):
        assert len(set(a) | set(b)) == 1  # undefined only when both raters are constant and equal
    else:
        assert ours == pytest.approx(ref, abs=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 40), st.integers(0, 10_000))
def test_krippendorff_alpha_matches_package(n_coders, n_units, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n_units)
    data = np.vstack([np.where(rng.random(n_units) < 0.7, truth, rng.integers(0, 3, n_units))
                      for _ in range(n_coders)]).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    ours = krippendorff_alpha(data)
    try:
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except (ValueError, ZeroDivisionError):
        ref = np.nan
    if np.isnan(ref) or np.isnan(ours):
        assert np.isnan(ours) or np.isnan(ref) or ours == pytest.approx(ref)
    else:
        assert ours == pytest.approx(ref, abs=1e-9)


def test_published_krippendorff_example():
    # Krippendorff (2011), nominal example: 4 coders x 12 units, alpha = 0.743
    x = np.nan
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3],
        [x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x],
    ])
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_agreement_table_known_answer():
    ref = pd.DataFrame({"comment_ref": list("abcdef"), "theme": ["x", "x", "x", "uncoded", "y", "y"]})
    oth = pd.DataFrame({"comment_ref": list("abcdeff"), "theme": ["x", "x", "uncoded", "x", "y", "y", "x"]})
    res = agreement(ref, oth, themes=["x", "y"], names=("alice", "bot"))
    x = res.table.set_index("theme").loc["x"]
    # x: ref 1,1,1,0,0,0 ; other 1,1,0,1,0,1 -> both 2, precision 2/4, recall 2/3
    assert (x["n_reference"], x["n_other"], x["n_both"]) == (3, 4, 2)
    assert x["precision"] == pytest.approx(0.5) and x["recall"] == pytest.approx(2 / 3)
    assert x["kappa"] == pytest.approx(cohen_kappa_score([1, 1, 1, 0, 0, 0], [1, 1, 0, 1, 0, 1]))
    assert res.table.set_index("theme").loc["y", "kappa"] == pytest.approx(1.0)
    assert set(map(tuple, res.disagreements[["comment_ref", "theme"]].to_numpy())) == {("c", "x"), ("d", "x"), ("f", "x")}
    assert list(res.disagreements.columns) == ["comment_ref", "theme", "alice", "bot"]
    flat_ref = [1, 1, 1, 0, 0, 0] + [0, 0, 0, 0, 1, 1]
    flat_oth = [1, 1, 0, 1, 0, 1] + [0, 0, 0, 0, 1, 1]
    # our alpha unit order is comment-major; the value does not depend on unit order
    assert res.alpha == pytest.approx(krippendorff.alpha(reliability_data=[flat_ref, flat_oth],
                                                         level_of_measurement="nominal"))
    assert "alpha" in res.summary()


def test_agreement_needs_shared_comments():
    with pytest.raises(DataError, match="share no comment"):
        agreement(pd.DataFrame({"comment_ref": ["a"], "theme": ["x"]}), pd.DataFrame({"comment_ref": ["b"], "theme": ["x"]}))


def test_hand_coded_file_append_latest_wins_and_truncation(tmp_path):
    p = tmp_path / "hand_coded.csv"
    t0 = pd.Timestamp("2025-01-01 10:00:00")
    append_hand_codes(p, "r1", "alice", ["billing.unexpected_charges", "waiting.long_wait"], coded_at=t0)
    append_hand_codes(p, "r2", "alice", [], coded_at=t0)
    append_hand_codes(p, "r1", "bob", ["waiting.long_wait"], coded_at=t0)
    append_hand_codes(p, "r1", "alice", ["waiting.long_wait"], coded_at=t0 + pd.Timedelta(seconds=5))  # recoded
    with p.open("a", encoding="utf-8") as fh:
        fh.write("r3,alice,billi")  # a crash mid-write
    hand = read_hand_coded(p)
    a = hand[hand["coder"] == "alice"].sort_values("comment_ref")
    assert a[["comment_ref", "theme"]].values.tolist() == [["r1", "waiting.long_wait"], ["r2", "uncoded"]]
    assert len(read_hand_coded(p, latest=False)) == 5
    append_hand_codes(p, "r4", "alice", ["staff.rude_staff"])  # after the torn line
    assert "r4" in set(read_hand_coded(p)["comment_ref"])
    assert p.read_text().splitlines()[0] == "comment_ref,coder,theme,coded_at"


def test_read_missing_file_and_bad_header(tmp_path):
    assert read_hand_coded(tmp_path / "none.csv").empty
    bad = tmp_path / "bad.csv"
    bad.write_text("ref,who,code,when\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected"):
        read_hand_coded(bad)


def test_coder_and_auto_agreement(tmp_path):
    p = tmp_path / "h.csv"
    for r, a, b in [("1", ["x"], ["x"]), ("2", ["x", "y"], ["x"]), ("3", [], []), ("4", ["y"], ["y"])]:
        append_hand_codes(p, r, "alice", a)
        append_hand_codes(p, r, "bob", b)
    hand = read_hand_coded(p)
    res = coder_agreement(hand, "alice", "bob", themes=["x", "y"])
    assert res.n_comments == 4 and len(res.disagreements) == 1
    auto = pd.DataFrame({"comment_ref": ["1", "2", "3", "4", "5"], "theme": ["x", "x", "uncoded", "y", "x"]})
    res2 = auto_agreement(auto, hand, coder="bob", themes=["x", "y"])
    assert res2.mean_kappa == pytest.approx(1.0) and res2.n_comments == 4
    with pytest.raises(DataError, match="coder="):
        auto_agreement(auto, hand)
