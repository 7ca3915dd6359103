"""Hand-coded samples and agreement: Cohen's kappa per theme, Krippendorff's alpha, precision/recall.

The hand-coded file (``data/<client>/hand_coded.csv``) has one row per (comment, coder, theme)
with ``coded_at``; a comment a coder saw and gave no theme has one row with theme ``uncoded``.
The file is append-only: when a coder saves a comment again, the rows of the latest save win.

Examples
--------
>>> import pandas as pd
>>> a = pd.DataFrame({"comment_ref": ["1", "2", "3", "4"], "theme": ["x", "x", "uncoded", "y"]})
>>> b = pd.DataFrame({"comment_ref": ["1", "2", "3", "4"], "theme": ["x", "uncoded", "uncoded", "y"]})
>>> res = agreement(a, b, themes=["x", "y"])
>>> res.table[["theme", "kappa"]].round(3).to_dict("records")
[{'theme': 'x', 'kappa': 0.5}, {'theme': 'y', 'kappa': 1.0}]
"""

from __future__ import annotations

import csv
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.inter_rater import cohens_kappa

from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook

__all__ = [
    "HAND_CODED_COLUMNS",
    "Agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "read_hand_coded",
    "append_hand_codes",
    "coder_codes",
    "agreement",
    "coder_agreement",
    "auto_agreement",
]

HAND_CODED_COLUMNS = ["comment_ref", "coder", "theme", "coded_at"]


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two raters' labels for the same items.

    Notes
    -----
    kappa = (p_o - p_e) / (1 - p_e), p_o the observed agreement, p_e = sum_k p_a(k) p_b(k)
    (Cohen 1960, Educ Psychol Meas 20:37). NaN when p_e == 1 (both raters constant and equal:
    agreement is perfect but kappa is undefined).

    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.size == 0:
        raise DataError(f"cohen_kappa needs two equally long, non-empty label lists (got {a.size} and {b.size}).")
    cats, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inv[: a.size], inv[a.size:]
    k = len(cats)
    conf = np.zeros((k, k))
    np.add.at(conf, (ia, ib), 1)
    n = conf.sum()
    p_o = np.trace(conf) / n
    p_e = float((conf.sum(axis=1) / n) @ (conf.sum(axis=0) / n))
    if np.isclose(p_e, 1.0):
        return float("nan")
    return float((p_o - p_e) / (1 - p_e))


def krippendorff_alpha(data: np.ndarray) -> float:
    """Krippendorff's alpha for nominal data.

    Parameters
    ----------
    data : array (coders x units)
        Values (any hashable numbers); NaN = the coder did not code that unit.

    Notes
    -----
    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k, with o_ck the coincidence
    matrix built from units with at least two values (each pair weighted 1 / (m_u - 1)) and n_c
    its margins (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"). NaN when
    fewer than two pairable values or no variation.

    >>> round(krippendorff_alpha(np.array([[1, 1, 0, 0], [1, 0, 0, 0]], dtype=float)), 4)
    0.5333
    """
    x = np.asarray(data, dtype="float64")
    if x.ndim != 2:
        raise DataError("krippendorff_alpha needs a 2-d array: coders x units.")
    values = np.unique(x[~np.isnan(x)])
    if values.size == 0:
        return float("nan")
    k = values.size
    idx = np.searchsorted(values, np.nan_to_num(x, nan=values[0]))
    present = ~np.isnan(x)
    # counts[u, c] = number of coders giving value c to unit u
    counts = np.zeros((x.shape[1], k))
    for r in range(x.shape[0]):
        np.add.at(counts, (np.flatnonzero(present[r]), idx[r][present[r]]), 1)
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    if counts.size == 0:
        return float("nan")
    o = (counts[:, :, None] * counts[:, None, :]) / (m - 1)[:, None, None]
    o = o.sum(axis=0) - np.diag((counts / (m - 1)[:, None]).sum(axis=0))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    disagree_obs = o.sum() - np.trace(o)
    disagree_exp = (np.outer(n_c, n_c).sum() - (n_c ** 2).sum()) / (n - 1)
    if n <= 1 or disagree_exp == 0:
        return float("nan")
    return float(1 - disagree_obs / disagree_exp)


def read_hand_coded(path: str | os.PathLike, *, latest: bool = True) -> pd.DataFrame:
    """Read a hand-coded file.

    Parameters
    ----------
    path : path
        ``hand_coded.csv`` (columns comment_ref, coder, theme, coded_at). A missing file reads as
        empty; a truncated last line (a crash mid-write) is ignored.
    latest : bool
        Keep only the latest save of each (comment_ref, coder).

    Returns
    -------
    DataFrame
        ``comment_ref``, ``coder``, ``theme`` (string), ``coded_at`` (datetime64).
    """
    path = Path(path)
    empty = pd.DataFrame({c: pd.array([], dtype="string") for c in HAND_CODED_COLUMNS[:3]})
    empty["coded_at"] = pd.to_datetime(pd.Series([], dtype="object"))
    if not path.exists() or path.stat().st_size == 0:
        return empty
    rows = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return empty
        if [h.strip() for h in header] != HAND_CODED_COLUMNS:
            raise DataError(f"{path}: header is {header}, expected {HAND_CODED_COLUMNS}. "
                            "Fix the header or move the file away to start a new one.")
        for line in reader:
            if len(line) == 4 and all(line[:3]) and line[3]:
                rows.append(line)
    out = pd.DataFrame(rows, columns=HAND_CODED_COLUMNS)
    out = out.astype({"comment_ref": "string", "coder": "string", "theme": "string"})
    out["coded_at"] = pd.to_datetime(out["coded_at"], errors="coerce", format="ISO8601")
    out = out[out["coded_at"].notna()]
    if latest and len(out):
        last = out.groupby(["comment_ref", "coder"], observed=True)["coded_at"].transform("max")
        out = out[out["coded_at"] == last].drop_duplicates(["comment_ref", "coder", "theme"])
    return out.reset_index(drop=True)


def append_hand_codes(path: str | os.PathLike, comment_ref: str, coder: str, themes: Sequence[str], *,
                      coded_at: pd.Timestamp | None = None) -> pd.Timestamp:
    """Append one save (a coder's themes for one comment) durably: one write, flush, fsync.

    An empty ``themes`` is saved as ``uncoded`` so the comment counts as seen. Returns the
    ``coded_at`` written (UTC, microseconds), which makes this save the latest.
    """
    if not str(comment_ref) or not str(coder):
        raise DataError("append_hand_codes needs a comment_ref and a coder name.")
    path = Path(path)
    stamp = coded_at if coded_at is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)
    iso = stamp.isoformat(timespec="microseconds")
    themes = list(dict.fromkeys(themes)) or [UNCODED]
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if new:
        w.writerow(HAND_CODED_COLUMNS)
    elif not path.read_bytes().endswith(b"\n"):
        buf.write("\n")  # a previous crash left half a line: start on a fresh one
    for t in themes:
        w.writerow([comment_ref, coder, t, iso])
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    return stamp


def coder_codes(hand: pd.DataFrame, coder: str) -> pd.DataFrame:
    """One coder's codes from a hand-coded frame: ``comment_ref``, ``theme``."""
    sub = hand[hand["coder"] == coder]
    if sub.empty:
        known = ", ".join(sorted(hand["coder"].dropna().unique())) or "none"
        raise DataError(f"No hand codes by coder {coder!r} (coders in the file: {known}).")
    return sub[["comment_ref", "theme"]].reset_index(drop=True)


@dataclass(frozen=True)
class Agreement:
    """Agreement between two sets of codes on the same comments.

    ``table``: one row per theme; ``alpha``: Krippendorff's alpha over every (comment, theme)
    decision; ``disagreements``: the (comment, theme) pairs where the two differ.
    """

    table: pd.DataFrame
    alpha: float
    disagreements: pd.DataFrame
    n_comments: int
    names: tuple[str, str]
    model: None = None

    @property
    def mean_kappa(self) -> float:
        """Mean of the per-theme kappas that are defined."""
        return float(self.table["kappa"].mean(skipna=True))

    def summary(self) -> str:
        a, b = self.names
        lines = [f"Agreement of {b!r} with {a!r} on {self.n_comments} comments: "
                 f"Krippendorff's alpha = {self.alpha:.3f}, mean Cohen's kappa = {self.mean_kappa:.3f}, "
                 f"{len(self.disagreements)} disagreements."]
        lines.append(self.table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        return "\n".join(lines)


def _binary(codes: pd.DataFrame, comments: list[str], themes: list[str]) -> np.ndarray:
    c = codes[codes["theme"].isin(themes) & codes["comment_ref"].isin(comments)]
    mat = np.zeros((len(comments), len(themes)), dtype="int8")
    pos_c = {r: i for i, r in enumerate(comments)}
    pos_t = {t: j for j, t in enumerate(themes)}
    for r, t in zip(c["comment_ref"].tolist(), c["theme"].tolist()):
        mat[pos_c[r], pos_t[t]] = 1
    return mat


def agreement(reference: pd.DataFrame, other: pd.DataFrame, *, themes: Sequence[str] | None = None,
              comments: Sequence[str] | None = None, names: tuple[str, str] = ("reference", "other")) -> Agreement:
    """Agreement of two coders (or a coder and the auto-coder) theme by theme.

    Parameters
    ----------
    reference, other : DataFrame
        Long codes with ``comment_ref`` and ``theme`` (``uncoded`` rows mark comments seen with
        no theme). ``reference`` plays the role of truth for precision and recall.
    themes : sequence of str, optional
        Themes to compare (default: every theme either used).
    comments : sequence of str, optional
        Comments to compare (default: those present in both).
    names : (str, str)
        Labels of the two coders in the summary and the disagreements.

    Returns
    -------
    Agreement
        ``table`` columns: ``theme``, ``n`` (comments compared), ``n_reference``, ``n_other``
        (comments each gave the theme), ``n_both``, ``pct_agree``, ``kappa`` (Cohen),
        ``precision`` = n_both / n_other, ``recall`` = n_both / n_reference,
        ``f1``. ``disagreements`` columns: ``comment_ref``, ``theme``, ``reference``, ``other``
        (0/1). ``alpha``: Krippendorff's alpha (nominal) over all comment x theme decisions.

    Notes
    -----
    Kappa: Cohen (1960). Alpha: Krippendorff (2011). Both are NaN where undefined (no variation).
    """
    for name, frame in (("reference", reference), ("other", other)):
        missing = {"comment_ref", "theme"} - set(frame.columns)
        if missing:
            raise DataError(f"agreement: `{name}` lacks column(s) {sorted(missing)}; expected comment_ref, theme.")
    if comments is None:
        comments = sorted(set(reference["comment_ref"]) & set(other["comment_ref"]))
    comments = [str(c) for c in comments]
    if not comments:
        raise DataError("agreement: the two sets of codes share no comment; code the same sample with both.")
    if themes is None:
        themes = sorted((set(reference["theme"]) | set(other["theme"])) - {UNCODED})
    themes = list(themes)
    ra, ob = _binary(reference, comments, themes), _binary(other, comments, themes)
    rows = []
    for j, t in enumerate(themes):
        x, y = ra[:, j], ob[:, j]
        both = int((x & y).sum())
        rows.append({
            "theme": t, "n": len(comments), "n_reference": int(x.sum()), "n_other": int(y.sum()), "n_both": both,
            "pct_agree": float((x == y).mean() * 100), "kappa": cohen_kappa(x, y),
            "precision": both / y.sum() if y.sum() else np.nan, "recall": both / x.sum() if x.sum() else np.nan,
        })
    table = pd.DataFrame(rows, columns=["theme", "n", "n_reference", "n_other", "n_both", "pct_agree", "kappa",
                                        "precision", "recall"])
    p, r = table["precision"], table["recall"]
    table["f1"] = 2 * p * r / (p + r)
    table["theme"] = table["theme"].astype("string")
    alpha = krippendorff_alpha(np.vstack([ra.ravel(), ob.ravel()]).astype("float64")) if themes else float("nan")
    ci, tj = np.nonzero(ra != ob)
    dis = pd.DataFrame({
        "comment_ref": pd.array([comments[i] for i in ci], dtype="string"),
        "theme": pd.array([themes[j] for j in tj], dtype="string"),
        names[0]: ra[ci, tj].astype("int8"),
        names[1]: ob[ci, tj].astype("int8"),
    }) if len(ci) else pd.DataFrame({"comment_ref": pd.array([], dtype="string"), "theme": pd.array([], dtype="string"),
                                     names[0]: np.array([], dtype="int8"), names[1]: np.array([], dtype="int8")})
    return Agreement(table=table, alpha=alpha, disagreements=dis, n_comments=len(comments), names=tuple(names))


def coder_agreement(hand: pd.DataFrame, coder_a: str, coder_b: str, *, themes: Sequence[str] | None = None
                    ) -> Agreement:
    """Agreement between two human coders of a hand-coded frame, on the comments both coded."""
    return agreement(coder_codes(hand, coder_a), coder_codes(hand, coder_b), themes=themes, names=(coder_a, coder_b))


def auto_agreement(coded: pd.DataFrame, hand: pd.DataFrame, *, coder: str | None = None,
                   themes: Sequence[str] | None = None, auto_name: str = "auto") -> Agreement:
    """Agreement of the automatic codes with a human coder (the reference), on the comments the human coded.

    ``coded`` is a long coded frame; when ``coder`` is None and the file has exactly one coder, that
    one is used.
    """
    if coder is None:
        coders = sorted(hand["coder"].dropna().unique())
        if len(coders) != 1:
            raise DataError(f"auto_agreement: the hand-coded data has coders {coders}; pass coder= to pick one.")
        coder = coders[0]
    human = coder_codes(hand, coder)
    comments = sorted(set(human["comment_ref"]) & set(coded["comment_ref"]))
    return agreement(human, coded[["comment_ref", "theme"]], themes=themes, comments=comments,
                     names=(str(coder), auto_name))


HAND_SENTIMENT_COLUMNS = ["comment_ref", "coder", "sentiment", "coded_at"]
_SENTIMENTS = ("negative", "neutral", "positive")


def hand_sentiment_path(path: str | os.PathLike) -> Path:
    """Where the panel keeps hand-coded sentiment: beside ``hand_coded.csv``, as ``hand_coded_sentiment.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}_sentiment{path.suffix or '.csv'}")


def append_hand_sentiment(path: str | os.PathLike, comment_ref: str, coder: str, sentiment: str, *,
                          coded_at: pd.Timestamp | None = None) -> pd.Timestamp:
    """Append one coder's sentiment for one comment (positive / neutral / negative), durably (flush, fsync)."""
    if sentiment not in _SENTIMENTS:
        raise DataError(f"Sentiment {sentiment!r} is not one of {', '.join(_SENTIMENTS)}.")
    if not str(comment_ref) or not str(coder):
        raise DataError("append_hand_sentiment needs a comment_ref and a coder name.")
    path = Path(path)
    stamp = coded_at if coded_at is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if not path.exists() or path.stat().st_size == 0:
        w.writerow(HAND_SENTIMENT_COLUMNS)
    elif not path.read_bytes().endswith(b"\n"):
        buf.write("\n")
    w.writerow([comment_ref, coder, sentiment, stamp.isoformat(timespec="microseconds")])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    return stamp


def read_hand_sentiment(path: str | os.PathLike) -> pd.DataFrame:
    """The latest hand-coded sentiment per (comment, coder): ``comment_ref``, ``coder``, ``sentiment``, ``coded_at``."""
    path = Path(path)
    cols = {c: pd.array([], dtype="string") for c in HAND_SENTIMENT_COLUMNS[:3]}
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame(cols).assign(coded_at=pd.to_datetime(pd.Series([], dtype="object")))
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows or [h.strip() for h in rows[0]] != HAND_SENTIMENT_COLUMNS:
        raise DataError(f"{path}: header is {rows[0] if rows else []}, expected {HAND_SENTIMENT_COLUMNS}.")
    good = [r for r in rows[1:] if len(r) == 4 and all(r) and r[2] in _SENTIMENTS]
    out = pd.DataFrame(good, columns=HAND_SENTIMENT_COLUMNS).astype(
        {"comment_ref": "string", "coder": "string", "sentiment": "string"})
    out["coded_at"] = pd.to_datetime(out["coded_at"], errors="coerce", format="ISO8601")
    out = out.dropna(subset=["coded_at"]).sort_values("coded_at", kind="stable")
    return out.drop_duplicates(["comment_ref", "coder"], keep="last").reset_index(drop=True)


__all__ += ["HAND_SENTIMENT_COLUMNS", "hand_sentiment_path", "append_hand_sentiment", "read_hand_sentiment"]


def kappa_interval(a, b, *, ci: float = 0.95) -> tuple[float, float, float]:
    """(kappa, low, high) of two raters' labels: Cohen's kappa and its asymptotic interval.

    The interval uses the large-sample standard error of statsmodels' ``cohens_kappa`` (Fleiss,
    Cohen & Everitt 1969). NaN when kappa is undefined (one category only).

    >>> k, lo, hi = kappa_interval([1, 1, 0, 0, 1, 0], [1, 0, 0, 0, 1, 0])
    >>> round(k, 3), lo < k < hi
    (0.667, True)
    """
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    cats = sorted(set(a.tolist()) | set(b.tolist()), key=str)
    if len(cats) < 2:
        return float("nan"), float("nan"), float("nan")
    pos = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, ([pos[x] for x in a], [pos[x] for x in b]), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cohens_kappa(table)
    k = float(res.kappa)
    if not np.isfinite(k):
        return float("nan"), float("nan"), float("nan")
    half = float(norm.ppf(0.5 + ci / 2) * np.sqrt(max(float(res.var_kappa), 0.0)))
    return k, k - half, k + half


@dataclass(frozen=True)
class CodingAgreement:
    """Out-of-fold agreement of the coder's primary theme with the hand codes.

    ``per_theme``: ``theme``, ``n_hand`` (hand codes with it), ``n_coder`` (coder gave it),
    ``kappa``, ``kappa_low``, ``kappa_high`` (theme vs not), ``precision``, ``recall``;
    ``calibration``: per confidence band, ``n``, ``mean_confidence``, ``accuracy``.
    """

    n: int
    accuracy: float
    kappa: float
    kappa_low: float
    kappa_high: float
    uncoded_pct: float
    per_theme: pd.DataFrame
    calibration: pd.DataFrame

    def summary(self) -> str:
        return (f"Agreement with the hand codes (out-of-fold, {self.n} comments): accuracy {self.accuracy:.2f}, "
                f"Cohen's kappa {self.kappa:.2f} (95 % CI {self.kappa_low:.2f}-{self.kappa_high:.2f}).")


def coding_agreement(oof: pd.DataFrame, codebook: Codebook | None = None) -> CodingAgreement:
    """Agreement of out-of-fold predictions (``truth``, ``predicted``, ``confidence``) with the hand codes."""
    truth = oof["truth"].astype(str).to_numpy()
    pred = oof["predicted"].astype(str).to_numpy()
    k, lo, hi = kappa_interval(truth, pred)
    themes = [t.id for t in codebook.leaves()] if codebook is not None else sorted(set(truth) | set(pred))
    rows = []
    for t in themes:
        x, y = truth == t, pred == t
        if not x.any() and not y.any():
            continue
        kt, klo, khi = kappa_interval(x, y)
        both = int((x & y).sum())
        rows.append({"theme": t, "n_hand": int(x.sum()), "n_coder": int(y.sum()), "kappa": kt, "kappa_low": klo,
                     "kappa_high": khi, "precision": both / y.sum() if y.sum() else np.nan,
                     "recall": both / x.sum() if x.sum() else np.nan})
    per = pd.DataFrame(rows, columns=["theme", "n_hand", "n_coder", "kappa", "kappa_low", "kappa_high", "precision",
                                      "recall"])
    conf = oof["confidence"].to_numpy(dtype="float64")
    bands = pd.cut(conf, [0, 0.5, 0.7, 0.9, 1.0001], right=False, labels=["<0.5", "0.5-0.7", "0.7-0.9", ">=0.9"])
    cal = (pd.DataFrame({"band": bands, "confidence": conf, "right": truth == pred})
           .groupby("band", observed=False).agg(n=("right", "size"), mean_confidence=("confidence", "mean"),
                                                accuracy=("right", "mean")).reset_index())
    return CodingAgreement(len(truth), float((truth == pred).mean()), k, lo, hi, float((pred == UNCODED).mean() * 100),
                           per, cal)


__all__ += ["kappa_interval", "CodingAgreement", "coding_agreement"]
