"""VADER's scores shared with helper processes: the same numbers, in order, whatever happens to a helper."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from cxlib.text import vader

TEXTS = [
    "The engineer was friendly and fixed it first time!", "Awful. Waited 3 weeks and nobody called back.",
    "Bill was wrong again, not impressed", "ok", "", "Not bad at all :)", "I HATE being put on hold!!!",
    "Staff were kind but the app keeps crashing.", "No complaints.", "meh", "Great value, great people.",
    "never again", "The store was closed when the website said open", "Quick and easy", "so so",
] * 3


@pytest.fixture
def small_shares(monkeypatch):
    monkeypatch.setattr(vader, "MIN_PER_PROCESS", 5)  # helpers for a short list (the decision is this process's)


def _reference(texts):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    return [sia.polarity_scores(t)["compound"] for t in texts]


def test_helpers_give_vaders_own_scores_in_order(small_shares, monkeypatch):
    started = []
    real = vader._start_helper
    monkeypatch.setattr(vader, "_start_helper", lambda part: started.append(len(part)) or real(part))
    got = vader.compound_scores_in(TEXTS, processes=3)
    assert got == _reference(TEXTS)
    assert started == [15, 15]  # three shares of 45: this process scores the first, two helpers the others


def test_too_few_texts_are_scored_here(monkeypatch):
    monkeypatch.setattr(vader, "_start_helper", lambda part: pytest.fail("a helper for a short list"))
    assert vader.compound_scores_in(TEXTS, processes=4) == _reference(TEXTS)


def test_a_failing_helper_is_not_trusted(small_shares, monkeypatch, caplog):
    monkeypatch.setattr(vader.sys, "executable", "/bin/false")  # every helper exits 1 without a word
    with caplog.at_level(logging.WARNING, logger="cxlib.text.vader"):
        got = vader.compound_scores_in(TEXTS, processes=2)
    assert got == _reference(TEXTS)
    assert "helper process failed (exit 1" in caplog.text


def test_a_helper_that_cannot_start_is_not_needed(small_shares, monkeypatch, caplog):
    monkeypatch.setattr(vader.sys, "executable", "/nonexistent/python")
    with caplog.at_level(logging.WARNING, logger="cxlib.text.vader"):
        assert vader.compound_scores_in(TEXTS, processes=2) == _reference(TEXTS)
    assert "did not start" in caplog.text


def test_a_script_without_a_main_guard_can_use_helpers(tmp_path):
    """Unlike multiprocessing's spawn and forkserver, a helper never runs the caller's script again."""
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        import threading
        from cxlib.text import vader
        vader.MIN_PER_PROCESS = 5
        threading.Thread(target=lambda: None).start()  # a threaded caller, as a report kernel is
        print("RUN")
        print(vader.compound_scores_in({TEXTS!r}, processes=2) == vader.compound_scores({TEXTS!r}))
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RUN", "True"]  # the script ran once
