"""Hand-coding session: saves durably, resumes where it stopped, same sample for two coders."""

import pandas as pd
import pytest

from cxlib.errors import DataError
from cxlib.text.codebook import starter_codebook
from cxlib.interactive.panel import CodingSession, coding_panel, coding_sample
from cxlib.text.reliability import coder_agreement, read_hand_coded


@pytest.fixture()
def data():
    texts = [f"Comment {i}: the bill was wrong, mail me at x{i}@example.com" for i in range(12)]
    return pd.DataFrame({"response_id": [f"r{i:02d}" for i in range(12)], "comment": texts})


def test_sample_is_reproducible_and_same_for_both_coders(data):
    a = coding_sample(data, n=5, seed=1)
    b = coding_sample(data.iloc[::-1], n=5, seed=1)  # row order of the input does not matter
    assert a["comment_ref"].tolist() == b["comment_ref"].tolist() and len(a) == 5


def test_session_saves_resumes_and_shows_redacted_text(tmp_path, data):
    cb = starter_codebook()
    path = tmp_path / "hand_coded.csv"
    sample = coding_sample(data, n=4, seed=0)
    s = CodingSession(sample, cb, path, "alice")
    ref, text, prev = s.current()
    assert "@example.com" not in text and "[EMAIL]" in text and prev == []
    s.save(["billing.confusing_invoice"])
    s.save([])
    # a new session (kernel restart) resumes at the third comment
    s2 = CodingSession(sample, cb, path, "alice")
    assert s2.position == 2 and s2.progress() == (2, 4)
    s2.back(); s2.back()
    assert s2.current()[2] == ["billing.confusing_invoice"]
    with pytest.raises(DataError, match="Unknown theme"):
        s2.save(["billing.nope"])
    bob = CodingSession(sample, cb, path, "bob")
    assert bob.position == 0
    bob.save(["billing.confusing_invoice"]); bob.save(["billing.unexpected_charges"])
    hand = read_hand_coded(path)
    assert set(hand["coder"]) == {"alice", "bob"}
    res = coder_agreement(hand, "alice", "bob", themes=["billing.confusing_invoice", "billing.unexpected_charges"])
    assert res.n_comments == 2 and len(res.disagreements) == 1


def test_finished_session_and_bad_coder_name(tmp_path, data):
    cb = starter_codebook()
    sample = coding_sample(data, n=1)
    s = CodingSession(sample, cb, tmp_path / "h.csv", "al")
    s.save([])
    assert s.finished
    with pytest.raises(DataError, match="coded"):
        s.current()
    with pytest.raises(DataError, match="comma"):
        CodingSession(sample, cb, tmp_path / "h.csv", "a,b")


def test_widget_builds_and_saves(tmp_path, data):
    pytest.importorskip("ipywidgets")
    cb = starter_codebook()
    path = tmp_path / "h.csv"
    box = coding_panel(data, cb, path, "alice", n=3)
    session = box.session
    assert "[EMAIL]" in box.children[0].value
    save_btn = box.children[2].children[2]
    save_btn.click()
    assert session.position == 1 and len(read_hand_coded(path)) == 1


def test_widget_escapes_comment_html(tmp_path):
    pytest.importorskip("ipywidgets")
    df = pd.DataFrame({"response_id": ["x"], "comment": ["<script>alert(1)</script><img src=x onerror=alert(2)>"]})
    box = coding_panel(df, starter_codebook(), tmp_path / "h.csv", "alice", n=1)
    shown = box.children[0].value
    assert "<script>" not in shown and "<img" not in shown and "&lt;script&gt;" in shown


def test_suggested_sample_sentiment_and_agreement(tmp_path):
    from cxlib.interactive.panel import agreement_report, suggested_sample
    from cxlib.text.reliability import hand_sentiment_path, read_hand_sentiment

    cb = starter_codebook()
    texts = ["They charged me twice", "On hold for an hour", "The app keeps crashing", "Lovely staff, so helpful",
             "Never got a call back", "Way too expensive"] * 4
    data = pd.DataFrame({"response_id": [f"r{i:02d}" for i in range(len(texts))],
                         "comment": [f"{t} ({i})" for i, t in enumerate(texts)]})
    path = tmp_path / "hand_coded.csv"
    sample = suggested_sample(data, cb, path, "alice", n=5)
    assert len(sample) == 5 and {"suggested_theme", "confidence", "reason"} <= set(sample.columns)
    s = CodingSession(sample, cb, path, "alice")
    theme, _ = s.suggestion()
    assert theme is not None
    s.save(["billing.unexpected_charges"], "negative")
    with pytest.raises(DataError, match="Sentiment"):
        s.save([], "angry")
    got = read_hand_sentiment(hand_sentiment_path(path))
    assert got["sentiment"].tolist() == ["negative"] and s.sentiment_codes()["sentiment"].tolist() == ["negative"]
    nxt = suggested_sample(data, cb, path, "alice", n=5)
    assert sample["comment_ref"].iloc[0] not in set(nxt["comment_ref"])  # coded comments are not offered again
    msg, table = agreement_report(data, cb, path, "alice")
    assert "at least 20" in msg and table is None
