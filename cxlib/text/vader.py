"""VADER's compound score of texts, in this process or shared with helper processes.

VADER (Hutto & Gilbert 2014) is pure Python, about ten thousand short texts a second on one core.
:func:`compound_scores_in` scores a long list on several cores: this process scores the first part
and each other part goes to a helper, ``python -m cxlib.text.vader``, that reads its texts on
standard input and writes their scores on standard output. A helper is a fresh interpreter that
imports this module and VADER only (about 30 MB, not the caller's gigabytes); it is not a fork of
the caller (a report kernel runs threads, and a forked copy of a threaded process can hang on a lock
another thread held), and it does not import the caller's main script as ``multiprocessing``'s
spawn does. A helper that fails is not trusted: its part is scored here instead, with a warning.

Examples
--------
>>> [round(s, 4) for s in compound_scores(["Great, friendly staff!", "Awful. Never again."])]
[0.8221, -0.4588]
>>> compound_scores_in(["fine"] * 3, processes=2) == compound_scores(["fine"] * 3)   # too few: scored here
True
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

__all__ = ["MIN_PER_PROCESS", "analyzer", "compound_scores", "compound_scores_in"]

log = logging.getLogger(__name__)

#: Texts each process must get at the least for helpers to be used: below it, starting one (about
#: a quarter of a second) costs more than it saves.
MIN_PER_PROCESS = 10_000


@lru_cache(maxsize=1)
def analyzer():
    """The VADER analyser of this process (its lexicon read once)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound_scores(texts: list[str]) -> list[float]:
    """VADER's compound score of each text, in [-1, 1], in this process."""
    sia = analyzer()
    return [sia.polarity_scores(t)["compound"] for t in texts]


def compound_scores_in(texts: list[str], processes: int = 1) -> list[float]:
    """:func:`compound_scores` of ``texts`` on up to ``processes`` cores (this one and helpers).

    The same numbers in the same order as :func:`compound_scores`; helpers only when every process
    gets at least :data:`MIN_PER_PROCESS` texts.
    """
    texts = list(texts)
    shares = min(int(processes), len(texts) // MIN_PER_PROCESS)
    if shares < 2:
        return compound_scores(texts)
    size = -(-len(texts) // shares)
    parts = [texts[i:i + size] for i in range(0, len(texts), size)]
    helpers = [_start_helper(part) for part in parts[1:]]
    scores = compound_scores(parts[0])
    for part, helper in zip(parts[1:], helpers):
        scores.extend(_helper_scores(helper, part))
    return scores


def _start_helper(texts: list[str]) -> subprocess.Popen | None:
    package_parent = str(Path(__file__).resolve().parents[2])  # this very cxlib, whatever sys.path says
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH"))
                                                       if p)}
    try:
        with tempfile.TemporaryFile() as given:  # the helper's standard input (a file: nothing here waits on it)
            pickle.dump(texts, given, protocol=pickle.HIGHEST_PROTOCOL)
            given.seek(0)
            return subprocess.Popen([sys.executable, "-m", "cxlib.text.vader"], stdin=given,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    except OSError as exc:
        log.warning("A sentiment helper process did not start (%s); its texts are scored here.", exc)
        return None


def _helper_scores(helper: subprocess.Popen | None, texts: list[str]) -> list[float]:
    if helper is not None:
        out, err = helper.communicate()
        if helper.returncode == 0:
            try:
                scores = pickle.loads(out)
            except Exception:  # noqa: BLE001 - a broken answer is not used
                scores = None
            if isinstance(scores, list) and len(scores) == len(texts):
                return scores
        log.warning("A sentiment helper process failed (exit %s: %s); its texts are scored here.",
                    helper.returncode, err.decode("utf-8", "replace").strip()[-300:])
    return compound_scores(texts)


def _serve() -> None:
    """The helper: texts (a pickled list) on standard input, their scores (a pickled list) on standard output."""
    texts = pickle.load(sys.stdin.buffer)
    pickle.dump(compound_scores(texts), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
