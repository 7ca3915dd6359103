"""Small helpers of the demo generator: the period's clock, draws, ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "BASE", "END_DAY", "ASSISTED", "STARTER_CODEBOOK", "Progress", "cumcount", "choice_rows", "zscore", "auc",
    "mean_or_nan", "stamp", "stamp_text", "date_text", "make_ids",
]

BASE = np.datetime64("2025-01-01T00:00:00", "s")
END_DAY = 364.999                     # last instant of the period, in days after PERIOD_START
ASSISTED = frozenset({"phone", "chat", "store"})
STARTER_CODEBOOK = Path(__file__).resolve().parents[1] / "resources" / "codebook_starter.yaml"

Progress = Callable[[str], None]


def cumcount(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within runs of equal values of a sorted array."""
    return np.arange(len(groups)) - np.searchsorted(groups, groups, side="left")


def choice_rows(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a cumulative-probability matrix."""
    u = rng.random(len(cum))
    return np.minimum((u[:, None] > cum).sum(axis=1), cum.shape[1] - 1)


def zscore(x: np.ndarray) -> np.ndarray:
    """Standardised values (a constant stays 0)."""
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties averaged)."""
    y = np.asarray(y, bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    _, inv, counts = np.unique(np.asarray(score, float), return_inverse=True, return_counts=True)
    avg_rank = np.cumsum(counts) - (counts - 1) / 2.0
    r = avg_rank[inv]
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def mean_or_nan(x) -> float:
    """Mean, or NaN for no values (tiny demo clients can miss a group)."""
    x = np.asarray(x, dtype="float64")
    return float(x.mean()) if x.size else float("nan")


def stamp(days: np.ndarray) -> np.ndarray:
    """Days after the period start as datetime64[s]."""
    return BASE + np.round(np.asarray(days) * 86400.0).astype("int64").astype("timedelta64[s]")


def stamp_text(days: np.ndarray) -> pd.Series:
    """Days after the period start as "YYYY-MM-DD HH:MM:SS" text."""
    s = pd.Series(np.datetime_as_string(stamp(days), unit="s"), dtype="string")
    return s.str.replace("T", " ", regex=False)


def date_text(days: np.ndarray) -> pd.Series:
    """Days after the period start as "YYYY-MM-DD" text."""
    d = (np.datetime64("2025-01-01", "D") + np.floor(days).astype("int64").astype("timedelta64[D]"))
    return pd.Series(np.datetime_as_string(d), dtype="string")


def make_ids(prefix: str, n: int, width: int, start: int = 1) -> pd.Series:
    """Ids such as ACM-C000001: ``prefix`` and a zero-padded running number."""
    nums = pd.Series(np.arange(start, start + n), dtype="int64").astype("string").str.zfill(width)
    return prefix + nums
