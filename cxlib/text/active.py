"""The consultant codes what teaches most: suggestions to code next, agreement as they code, when to stop.

* :func:`suggest_to_code` -- the comments whose hand codes would teach the coder most: those it
  is least sure about (smallest margin between its two likeliest themes; Scheffer et al. 2001),
  spread over the kinds of comment (one per cluster of the uncertain ones; Brinker 2003), and
  comments the rules give to themes with too few examples. Before any hand code: one typical
  comment per cluster of all comments.
* :func:`cxlib.text.reliability.coding_agreement` -- Cohen's kappa of the coder's out-of-fold primary theme with the
  hand codes, overall and per theme, each with its 95 % interval (statsmodels' asymptotic
  standard error), and how well confidence matches accuracy.
* :func:`learning_curve` / :func:`stopping_hint` -- kappa at growing numbers of hand codes, an
  inverse power law fitted to it (kappa(n) = a - b n^-c; Figueroa et al. 2012, BMC Med Inform
  Decis Mak 12:8), and what 50 more codes would likely add.

Examples
--------
>>> todo = suggest_to_code(comments, codebook, hand_coded=hand, n=50)     # doctest: +SKIP
>>> stopping_hint(comments, codebook, hand).text                           # doctest: +SKIP
'Agreement is 0.71 (0.64-0.78) on 200 codes; 50 more codes would likely add about 0.02.'
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit
from sklearn.cluster import MiniBatchKMeans
from threadpoolctl import threadpool_limits

from cxlib.text.autocode import auto_code, fit_coding_model, hand_primary
from cxlib.text.codebook import Codebook
from cxlib.text.coding import comment_frame, match_rules
from cxlib.text.reliability import CodingAgreement, coding_agreement

__all__ = ["suggest_to_code", "LearningCurve",
           "learning_curve", "StoppingHint", "stopping_hint", "power_law"]


def suggest_to_code(comments: pd.DataFrame, codebook: Codebook, hand_coded: pd.DataFrame | None = None,
                    n: int = 50, seed: int = 0, *, pool_size: int = 20_000) -> pd.DataFrame:
    """The comments to hand-code next: where the coder is least sure, spread over kinds of comment.

    Parameters
    ----------
    comments : DataFrame
        ``ref`` and ``text`` (or the usual comment columns).
    codebook : Codebook
    hand_coded : DataFrame, optional
        Codes so far (``ref``, ``theme``); these comments are never suggested again.
    n : int
        How many to suggest.
    seed : int
        Fixes the pool sample and the clustering: the same inputs give the same suggestions.
    pool_size : int
        At most this many not-yet-coded comments (a seeded random sample) are scored.

    Returns
    -------
    DataFrame
        ``n`` rows (fewer when fewer comments are left), in the order to code: ``ref``, ``text``,
        ``suggested_theme`` (the coder's current primary theme, ``uncoded`` when it has none),
        ``confidence`` (NaN without a learned model), ``uncertainty`` (1 - margin between the two
        likeliest themes; 1 without a model), ``reason`` (``uncertain``, ``rare theme``,
        ``typical``).
    """

    frame = comment_frame(comments)
    done = set(hand_primary(hand_coded, codebook)["comment_ref"])
    pool = frame[~frame["comment_ref"].isin(done)].drop_duplicates("text")
    if len(pool) > pool_size:
        pool = pool.sample(pool_size, random_state=seed)
    pool = pool.sort_values("comment_ref", kind="stable").reset_index(drop=True)
    if pool.empty or n <= 0:
        return pd.DataFrame({"ref": pd.array([], dtype="string"), "text": pd.array([], dtype="string"),
                             "suggested_theme": pd.array([], dtype="string"), "confidence": [], "uncertainty": [],
                             "reason": pd.array([], dtype="string")})
    coded_part = frame[frame["comment_ref"].isin(done)]
    both = pd.concat([coded_part, pool], ignore_index=True).rename(columns={"comment_ref": "ref"})
    res = auto_code(both, codebook, hand_coded, seed)
    model = res.model
    prim = res.primary.set_index("ref").loc[pool["comment_ref"]]
    texts = pool["text"].tolist()
    counts = model.features.counts(texts)[0]
    words = model.features.words(counts)
    if model.model is not None:
        p = model.proba(model.design(words), match_rules(texts, codebook))
        top2 = np.sort(p, axis=1)[:, -2:]
        uncertainty = 1 - (top2[:, 1] - top2[:, 0])
    else:
        uncertainty = np.ones(len(pool))
    chosen: list[tuple[int, str]] = []
    # themes the coder cannot learn yet: one comment their rules match, each
    short = [t.id for t in codebook.leaves() if t.id not in model.learned and t.include]
    if short:
        rule_theme = res.themes.set_index("ref")
        rt = rule_theme[(rule_theme["coder"] == "rules") & rule_theme["theme"].isin(short)]
        pos = {r: i for i, r in enumerate(pool["comment_ref"])}
        for t in short:
            hits = [pos[r] for r in rt.index[rt["theme"] == t] if r in pos]
            if hits and len(chosen) < n // 3:
                chosen.append((min(hits), "rare theme"))
    k = n - len(chosen)
    taken = {i for i, _ in chosen}
    if k > 0:
        if model.model is not None:
            cand = np.argsort(-uncertainty, kind="stable")[: max(5 * k, k)]
            reason = "uncertain"
        else:
            cand = np.arange(len(pool))
            reason = "typical"
        cand = np.array([c for c in cand if c not in taken])
        picks = _spread(words[cand], uncertainty[cand], k, seed) if len(cand) > k else np.arange(len(cand))
        chosen += [(int(cand[j]), reason) for j in picks]
    idx = [i for i, _ in chosen]
    out = pd.DataFrame({"ref": pd.array(pool["comment_ref"].to_numpy()[idx], dtype="string"),
                        "text": pd.array([texts[i] for i in idx], dtype="string"),
                        "suggested_theme": pd.array(prim["theme"].to_numpy()[idx], dtype="string"),
                        "confidence": prim["confidence"].to_numpy(dtype="float64")[idx],
                        "uncertainty": uncertainty[idx],
                        "reason": pd.array([r for _, r in chosen], dtype="string")})
    return out.reset_index(drop=True)


def _spread(x, score: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Indices of ``k`` rows: the highest-scoring row of each of ``k`` clusters (k-means on the rows)."""
    x = x[:, np.unique(x.indices)]  # the hashed space is huge; centroids only need the columns in use
    with threadpool_limits(1):
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit(x)
    labels = km.labels_
    picks = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if len(members):
            picks.append(members[np.argmax(score[members])])
    rest = [i for i in np.argsort(-score, kind="stable") if i not in set(picks)]
    picks += rest[: k - len(picks)]
    return np.array(sorted(picks, key=lambda i: -score[i]))


def power_law(n, a, b, c):
    """Inverse power law learning curve: a - b * n^-c."""
    return a - b * np.power(n, -c)


@dataclass(frozen=True)
class LearningCurve:
    """Kappa at growing numbers of hand codes (``table``: ``n``, ``kappa``) and the fitted curve."""

    table: pd.DataFrame
    params: tuple[float, float, float] | None

    def predict(self, n) -> np.ndarray:
        """Kappa the fitted curve expects at ``n`` hand codes (NaN without a fit)."""
        if self.params is None:
            return np.full(np.shape(n), np.nan)
        return power_law(np.asarray(n, dtype="float64"), *self.params)


def fit_power_law(n: np.ndarray, kappa: np.ndarray) -> tuple[float, float, float] | None:
    """Least-squares fit of :func:`power_law` (a in [0, 1], b >= 0, c in [0.05, 2]); None when it fails."""
    ok = np.isfinite(kappa)
    if ok.sum() < 3:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, _ = curve_fit(power_law, n[ok], kappa[ok], p0=(min(1.0, kappa[ok].max() + 0.05), 1.0, 0.5),
                             bounds=([0, 0, 0.05], [1, 50, 2]), maxfev=5000)
    except (RuntimeError, ValueError):
        return None
    return tuple(float(v) for v in p)


__all__.append("fit_power_law")


def learning_curve(comments: pd.DataFrame, codebook: Codebook, hand_coded: pd.DataFrame, *, seed: int = 0,
                   points: int = 5) -> LearningCurve:
    """Out-of-fold kappa on the first 40 %, 55 %, ... 100 % of the hand codes (in coding order), and its fit."""

    hand = hand_primary(hand_coded, codebook)
    total = len(hand)
    sizes = sorted({int(round(total * f)) for f in np.linspace(0.4, 1.0, points)} - {0})
    rows = []
    for m in sizes:
        refs = set(hand["comment_ref"].iloc[:m])
        sub = hand_coded[(hand_coded["ref"] if "ref" in hand_coded.columns else hand_coded["comment_ref"])
                         .astype("string").isin(refs)]
        model = fit_coding_model(comments, codebook, sub, seed=seed)
        k = coding_agreement(model.oof).kappa if model.oof is not None else np.nan
        rows.append({"n": m, "kappa": k})
    table = pd.DataFrame(rows, columns=["n", "kappa"])
    return LearningCurve(table, fit_power_law(table["n"].to_numpy(float), table["kappa"].to_numpy(float)))


@dataclass(frozen=True)
class StoppingHint:
    """``kappa`` now (with interval), the expected ``gain`` from ``more`` codes, and the sentence to show."""

    n: int
    kappa: float
    kappa_low: float
    kappa_high: float
    more: int
    gain: float
    text: str
    curve: LearningCurve | None


def stopping_hint(comments: pd.DataFrame, codebook: Codebook, hand_coded: pd.DataFrame, *, more: int = 50,
                  seed: int = 0, agreement: CodingAgreement | None = None) -> StoppingHint:
    """What agreement is now and what ``more`` hand codes would likely add (from the fitted learning curve)."""

    n = len(hand_primary(hand_coded, codebook))
    if agreement is None:
        model = fit_coding_model(comments, codebook, hand_coded, seed=seed)
        agreement = coding_agreement(model.oof, codebook) if model.oof is not None else None
    if agreement is None:
        return StoppingHint(n, np.nan, np.nan, np.nan, more, np.nan,
                            f"{n} codes so far: code at least 20 for a first agreement figure.", None)
    curve = learning_curve(comments, codebook, hand_coded, seed=seed) if n >= 40 else None
    gain = float(curve.predict(n + more) - curve.predict(n)) if curve is not None and curve.params else np.nan
    head = (f"Agreement is {agreement.kappa:.2f} ({agreement.kappa_low:.2f}-{agreement.kappa_high:.2f}) "
            f"on {n} codes")
    if np.isnan(gain):
        tail = "; code 40 or more for an estimate of what more codes would add."
    elif gain < 0.01:
        tail = f"; {more} more codes would likely add less than 0.01: you can stop, or code the rare themes."
    else:
        tail = f"; {more} more codes would likely add about {gain:.2f}."
    return StoppingHint(n, agreement.kappa, agreement.kappa_low, agreement.kappa_high, more, gain, head + tail, curve)
