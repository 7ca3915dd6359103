"""One entry point for coding: rules and a learned coder combined, a primary theme per comment.

:func:`auto_code` codes every comment with the codebook's rules and a classifier learned from the
consultant's hand codes (plus the codebook's examples). The rules are features of the classifier:
a rule that the hand codes confirm gets a large weight, one they contradict a small one, so the
combination is learned, not hand-tuned. The classifier is class-balanced (rare themes are not
swamped) and its probabilities are temperature-scaled on out-of-fold predictions, so a
``confidence`` of 0.8 means about 8 in 10 such codes agree with the consultant.

Examples
--------
>>> res = auto_code(comments, codebook, hand_coded=hand)          # doctest: +SKIP
>>> res.primary.head()                                               # doctest: +SKIP
>>> print(res.summary())                                             # doctest: +SKIP
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from cxlib.analysis.lookup import among
from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook
from cxlib.text.coding import CODED_COLUMNS, assemble_codes, comment_frame, expand_codes, has_ref, match_rules, texts_of
from cxlib.text.features import Featurised, TextFeatures, distinct, featurise, hasher
from cxlib.text.reliability import coding_agreement

__all__ = ["AutoCodeResult", "CodingModel", "auto_code", "fit_coding_model", "hand_primary", "best_terms", "locate",
           "MIN_EXAMPLES"]

#: A theme needs this many training examples (hand codes + codebook examples) to be learned.
MIN_EXAMPLES = 3
#: Log-odds a matching rule adds to its theme before hand codes can say how reliable rules are.
RULE_PRIOR = 2.0
#: A learned theme other than the primary is listed in ``themes`` from this probability on.
SECONDARY_THRESHOLD = 0.35


def hand_primary(hand_coded: pd.DataFrame | None, codebook: Codebook) -> pd.DataFrame:
    """One hand code per comment: ``comment_ref``, ``theme`` (the first theme listed for it).

    ``hand_coded`` has ``ref`` (or ``comment_ref``) and ``theme``; several rows per comment are
    allowed (multi-label); ``uncoded`` means the consultant saw the comment and gave no theme.
    """
    if hand_coded is None or len(hand_coded) == 0:
        return pd.DataFrame({"comment_ref": pd.array([], dtype="string"), "theme": pd.array([], dtype="string")})
    ref = "ref" if "ref" in hand_coded.columns else "comment_ref"
    missing = {ref, "theme"} - set(hand_coded.columns)
    if missing:
        raise DataError(f"hand_coded lacks column(s) {sorted(missing)}; expected `ref` and `theme` "
                        "(one row per comment and theme, `uncoded` for a comment with no theme).")
    h = pd.DataFrame({"comment_ref": hand_coded[ref].astype("string"), "theme": hand_coded["theme"].astype("string")})
    h = h.dropna()
    unknown = sorted(set(h["theme"]) - set(codebook.ids) - {UNCODED})
    if unknown:
        raise DataError(f"Hand codes use theme(s) not in the codebook {codebook.source}: {unknown}. "
                        "Add them to the codebook or fix the hand-coded file.")
    themed = h[h["theme"] != UNCODED].drop_duplicates("comment_ref")
    rest = h[~among(h["comment_ref"], themed["comment_ref"])].drop_duplicates("comment_ref")
    order = pd.unique(h["comment_ref"])
    out = pd.concat([themed, rest]).set_index("comment_ref").loc[order].reset_index()
    return out


@dataclass
class CodingModel:
    """The fitted coder: features, classifier, temperature, and what it learned from."""

    codebook: Codebook
    features: TextFeatures
    model: LogisticRegression | None
    classes: list[str]
    temperature: float
    rule_weight: float
    counts: dict[str, int]
    columns: np.ndarray | None = None
    vocab: dict[int, str] = field(default_factory=dict)
    oof: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def learned(self) -> list[str]:
        return [c for c in self.classes if c != UNCODED]

    def design(self, words: sp.csr_matrix) -> sp.csr_matrix:
        """The classifier's inputs: TF-IDF weights of the hashed columns seen in training."""
        return words[:, self.columns] if self.columns is not None else words

    def rule_matrix(self, rules: list[dict]) -> np.ndarray:
        """1 where a rule of the class's theme matches the text (texts x :attr:`classes`)."""
        pos = {t: j for j, t in enumerate(self.classes)}
        r = np.zeros((len(rules), len(self.classes)))
        for i, found in enumerate(rules):
            for t in found:
                if t in pos:
                    r[i, pos[t]] = 1.0
        return r

    def scores(self, x: sp.csr_matrix) -> np.ndarray:
        z = self.model.decision_function(x)
        return np.column_stack([-z / 2, z / 2]) if z.ndim == 1 else z

    def proba(self, x: sp.csr_matrix, rules: list[dict]) -> np.ndarray:
        """Calibrated class probabilities (columns: :attr:`classes`): softmax(z / T + w * rule)."""
        return _softmax(self.scores(x) / self.temperature + self.rule_weight * self.rule_matrix(rules))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_lr(x, y, seed: int) -> LogisticRegression:
    # one BLAS thread: small fits are 20x slower when BLAS threads fight over a shared 2-core machine
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        return LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000, random_state=seed).fit(x, y)


def _calibrate(z: np.ndarray, r: np.ndarray, y_idx: np.ndarray) -> tuple[float, float]:
    """(T, w) minimising the log loss of softmax(z / T + w r) on out-of-fold scores.

    T is temperature scaling (Guo et al. 2017); w is how many log-odds a matching rule adds, learned
    from how often the rules agree with the consultant: rules as a prior whose strength the hand
    codes set (a stacked combination, Wolpert 1992).
    """
    rows = np.arange(len(y_idx))

    def nll(v):
        p = _softmax(z / np.exp(v[0]) + v[1] * r)
        return -np.mean(np.log(np.clip(p[rows, y_idx], 1e-12, None)))

    res = minimize(nll, x0=np.array([0.0, RULE_PRIOR]), method="L-BFGS-B", bounds=[(-3, 3), (0, 10)])
    return float(np.exp(res.x[0])), float(res.x[1])


def fit_coding_model(comments: pd.DataFrame, codebook: Codebook, hand_coded: pd.DataFrame | None = None, *,
                     seed: int = 0, cv: bool = True, counts: sp.csr_matrix | None = None) -> CodingModel:
    """Fit the learned coder on the hand codes and the codebook's examples (see :func:`auto_code`).

    ``counts``: hashed counts of the distinct comment texts when the caller has them already
    (they give the IDF weights); ``cv``: compute out-of-fold predictions and the temperature.
    """
    frame = comment_frame(comments)
    hand = hand_primary(hand_coded, codebook)
    hand = hand[has_ref(frame, hand["comment_ref"])].reset_index(drop=True)
    examples = [(ex, t.id) for t in codebook.themes for ex in t.examples if str(ex).strip()]
    train_text = texts_of(frame, hand["comment_ref"]) + [e for e, _ in examples]
    train_y = hand["theme"].tolist() + [t for _, t in examples]
    n_hand = len(hand)
    feats = TextFeatures()
    if counts is not None:
        all_counts = counts
    else:
        _, uniq = distinct(frame["text"])
        all_counts = feats.counts(uniq)[0]
    ex_counts, train_tokens = feats.counts(train_text)
    feats.fit(sp.vstack([all_counts, ex_counts[n_hand:]]) if len(examples) else all_counts)
    n_per = pd.Series(train_y, dtype="object").value_counts().to_dict()
    classes = sorted(c for c, k in n_per.items() if k >= MIN_EXAMPLES)
    model = CodingModel(codebook, feats, None, classes, 1.0, RULE_PRIOR, {str(k): int(v) for k, v in n_per.items()})
    for t in codebook.leaves():
        k = n_per.get(t.id, 0)
        if 0 < k < MIN_EXAMPLES:
            model.notes.append(f"{t.label} ({t.id}) has only {k} example(s) (hand codes + codebook): not learned yet, "
                               f"coded by its rules only. Code at least {MIN_EXAMPLES} to learn it.")
    if len(classes) < 2:
        model.classes = []
        model.notes.append("Fewer than two themes have enough examples: coding by rules only.")
        return model
    keep = np.array([y in classes for y in train_y])
    train_words = feats.words(ex_counts)
    model.columns = np.unique(train_words[np.flatnonzero(keep)].indices)
    terms = sorted({t for toks in train_tokens for t in toks + [a + " " + b for a, b in zip(toks, toks[1:])]})
    model.vocab = dict(zip(hasher().transform([[t] for t in terms]).tocsr().indices.tolist(), terms))
    x_train = model.design(train_words)[keep]
    y_train = np.array(train_y, dtype=object)[keep]
    model.model = _fit_lr(x_train, y_train, seed)
    model.classes = list(model.model.classes_)
    hand_keep = np.flatnonzero(keep[:n_hand])
    if cv and len(hand_keep) >= 20:
        hand_text = [train_text[i] for i in hand_keep]
        model.oof = _out_of_fold(model, x_train, y_train, hand_keep, hand["comment_ref"].to_numpy()[hand_keep],
                                 match_rules(hand_text, codebook), seed)
    return model


def _out_of_fold(model: CodingModel, x, y, hand_rows, refs, rules, seed) -> pd.DataFrame:
    """Out-of-fold predictions for the hand-coded rows (codebook examples always train); fits T and w."""
    n_hand = len(hand_rows)
    yh = y[:n_hand]
    k = int(min(5, n_hand))  # classes with fewer members than folds only warn
    cls = model.classes
    z = np.zeros((n_hand, len(cls)))
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    extra = np.arange(n_hand, x.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for tr, te in folds.split(np.zeros(n_hand), yh):
            rows = np.concatenate([tr, extra])
            if len(set(y[rows])) < 2:
                continue
            m = _fit_lr(x[rows], y[rows], seed)
            zz = m.decision_function(x[te])
            if zz.ndim == 1:
                zz = np.column_stack([-zz / 2, zz / 2])
            full = np.full((len(te), len(cls)), -1e3)
            for j, c in enumerate(m.classes_):
                full[:, cls.index(c)] = zz[:, j]
            z[te] = full
    y_idx = np.array([cls.index(v) for v in yh])
    r = model.rule_matrix(rules)
    model.temperature, model.rule_weight = _calibrate(z, r, y_idx)
    p = _softmax(z / model.temperature + model.rule_weight * r)
    top = p.argmax(axis=1)
    return pd.DataFrame({"comment_ref": pd.array(refs, dtype="string"), "truth": pd.array(yh, dtype="string"),
                         "predicted": pd.array([cls[j] for j in top], dtype="string"),
                         "confidence": p[np.arange(n_hand), top]})


def best_terms(model: CodingModel, x: sp.csr_matrix, class_index: np.ndarray) -> list[str | None]:
    """For each row of the design ``x``, the word or pair that pushed hardest towards its class."""
    coef = model.model.coef_
    if coef.shape[0] == 1:  # two classes: one coefficient row, negative for the first class
        coef = np.vstack([-coef[0], coef[0]])
    x = x.tocsr()
    row_of = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    contrib = x.data * coef[class_index[row_of], x.indices]
    out: list[str | None] = [None] * x.shape[0]
    if not len(contrib):
        return out
    starts = x.indptr[:-1]
    has = np.diff(x.indptr) > 0
    # per-row argmax of contrib: sort by (row, -contrib) and take each row's first entry
    order = np.lexsort((-contrib, row_of))
    first = np.searchsorted(row_of[order], np.arange(x.shape[0]))
    for i in np.flatnonzero(has):
        k = order[first[i]]
        if contrib[k] > 0:
            out[i] = model.vocab.get(int(model.columns[x.indices[k]]))
    del starts
    return out


def locate(text: str, term: str | None) -> tuple[int, int]:
    """Span of ``term`` (a prepared word or pair, maybe ``not_``-marked) in ``text``; (-1, -1) if not found."""
    if not term:
        return -1, -1
    m = _term_pattern(term).search(text)
    return m.span() if m else (-1, -1)


@lru_cache(maxsize=65536)
def _term_pattern(term: str) -> re.Pattern:
    # re's own cache holds 512 patterns; a million comments' evidence terms are many more
    words = [w.removeprefix("not_") for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\W+(?:\w+\W+)?".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class AutoCodeResult:
    """Result of :func:`auto_code`.

    ``primary``: one row per comment (``ref``, ``theme``, ``confidence``, ``source``);
    ``themes``: every theme found in every comment with its evidence (``ref``, ``theme``,
    ``parent``, ``evidence``, ``start``, ``end``, ``coder``, ``confidence``); ``table``: one row per
    codebook leaf (examples, hand codes, learned or not, comments coded, out-of-fold agreement);
    ``agreement``: the out-of-fold agreement with the hand codes (None without enough hand codes);
    ``notes``: what the consultant should know (themes not learned, rules only, ...).
    """

    primary: pd.DataFrame
    themes: pd.DataFrame
    table: pd.DataFrame
    agreement: object
    notes: tuple[str, ...]
    model: CodingModel

    @property
    def coded(self) -> pd.DataFrame:
        """``themes`` as a long coded frame (:data:`~cxlib.text.coding.CODED_COLUMNS`) for theme_frequency etc."""
        return self.themes.rename(columns={"ref": "comment_ref"})[CODED_COLUMNS]

    def summary(self) -> str:
        n = len(self.primary)
        unc = float((self.primary["theme"] == UNCODED).mean() * 100) if n else 0.0
        lines = [f"Auto-coded {n:,} comments: {unc:.1f} % uncoded; "
                 f"{len(self.model.learned)} theme(s) learned from {sum(self.model.counts.values())} examples."]
        if self.agreement is not None:
            lines.append(self.agreement.summary())
        lines += [f"Note: {x}" for x in self.notes]
        return "\n".join(lines)


def auto_code(comments: pd.DataFrame, codebook: Codebook, hand_coded: pd.DataFrame | None = None, seed: int = 0, *,
              min_confidence: float = 0.0, featurised: Featurised | None = None, n_jobs: int = 1) -> AutoCodeResult:
    """Code comments: the codebook's rules and a coder learned from hand codes, combined.

    Parameters
    ----------
    comments : DataFrame
        ``ref`` and ``text`` (or ``response_id``/``comment``, ``mention_id``/``text``).
    codebook : Codebook
        Themes with include/exclude patterns and examples (the examples are training data too).
    hand_coded : DataFrame, optional
        The consultant's codes: ``ref`` and ``theme``, one row per (comment, theme); ``uncoded``
        for a comment with no theme. The first theme listed for a comment is its primary theme.
    seed : int
        Fixes the cross-validation folds (results are deterministic for a seed).
    min_confidence : float
        A learned primary theme below this confidence is reported ``uncoded`` (default: never).
    featurised : Featurised, optional
        :func:`cxlib.text.features.featurise` of the same comments (with this codebook), to share
        one pass over the text with :func:`cxlib.text.auto_sentiment`.
    n_jobs : int
        Processes for featurising and rule matching large inputs.

    Returns
    -------
    AutoCodeResult

    Notes
    -----
    Features: TF-IDF of hashed words and word pairs of the cleaned text, negated words marked,
    plus one indicator per codebook theme whose rules match (rules as features). Classifier:
    multinomial logistic regression, balanced class weights (King & Zeng 2001 on rare events),
    trained on the hand codes and the codebook examples; themes with fewer than
    :data:`MIN_EXAMPLES` examples are not learned but still coded by their rules (a note says so).
    Confidence: softmax of the decision scores divided by a temperature fitted on 5-fold
    out-of-fold predictions of the hand codes (Guo et al. 2017). Without a learned model (no hand
    codes and too few examples) the primary theme is the first matching theme in codebook order
    and ``confidence`` is NaN: nothing to calibrate it against yet.
    """
    frame = comment_frame(comments)
    if featurised is None or featurised.rules is None or len(featurised.codes) != len(frame):
        featurised = featurise(frame["text"], codebook=codebook, n_jobs=n_jobs)
    codes, uniq, feats_counts, rules = featurised.codes, featurised.texts, featurised.counts, featurised.rules
    model = fit_coding_model(frame.rename(columns={"comment_ref": "ref"}), codebook, hand_coded, seed=seed,
                             counts=feats_counts)
    order = {t.id: i for i, t in enumerate(codebook.themes)}
    n_u = len(uniq)
    theme_u = np.full(n_u, UNCODED, dtype=object)
    conf_u = np.full(n_u, np.nan)
    source_u = np.full(n_u, "none", dtype=object)
    probs = x = None
    if model.model is not None:
        x = model.design(model.features.words(feats_counts))
        probs = model.proba(x, rules)
        top = probs.argmax(axis=1)
        theme_u = np.array(model.classes, dtype=object)[top]
        conf_u = probs[np.arange(n_u), top]
        source_u[:] = "model"
    learned = set(model.learned)
    for i, found in enumerate(rules):
        if not found or learned.issuperset(found):  # the common cases: nothing for the rules to overrule
            continue
        unlearned = sorted((t for t in found if t not in learned), key=lambda t: (found[t][0], order.get(t, 0)))
        if not unlearned:
            continue
        # a rule of a theme the model cannot know wins unless the model's theme has rule support too, or
        # the model is calibrated and sure
        sure = model.oof is not None and conf_u[i] >= 0.5
        if probs is None or theme_u[i] == UNCODED or (theme_u[i] not in found and not sure):
            theme_u[i], conf_u[i], source_u[i] = unlearned[0], np.nan, "rules"
    if min_confidence > 0:
        low = (source_u == "model") & (conf_u < min_confidence)
        theme_u[low], source_u[low] = UNCODED, "none"
    refs = frame["comment_ref"].to_numpy()
    primary = pd.DataFrame({"ref": pd.array(refs, dtype="string"),
                            "theme": pd.array(theme_u[codes], dtype="string"),
                            "confidence": conf_u[codes],
                            "source": pd.array(source_u[codes], dtype="string")})
    themes = _long_themes(model, uniq, codes, refs, rules, probs, theme_u, conf_u, x)
    agreement = coding_agreement(model.oof, codebook) if model.oof is not None else None
    table = _theme_table(model, codebook, primary, themes, agreement)
    return AutoCodeResult(primary, themes, table, agreement, tuple(model.notes), model)


def _long_themes(model, uniq, codes, refs, rules, probs, theme_u, conf_u, x) -> pd.DataFrame:
    cls_pos = {c: j for j, c in enumerate(model.classes)}
    # per distinct text; Python lists, not numpy scalars: this loops over up to a million texts
    extras: dict[int, list[tuple[str, float]]] = {}
    p_rows = probs.tolist() if probs is not None else None
    if probs is not None:
        themes_l, conf_l = theme_u.tolist(), conf_u.tolist()
        for i, found in enumerate(rules):
            t = themes_l[i]
            if t != UNCODED and t not in found:
                extras[i] = [(t, conf_l[i])]
        second = probs >= SECONDARY_THRESHOLD
        second[np.arange(len(uniq)), probs.argmax(axis=1)] = False
        for i, j in zip(*(a.tolist() for a in np.nonzero(second))):
            t = model.classes[j]
            if t != UNCODED and t not in rules[i]:
                extras.setdefault(i, []).append((t, p_rows[i][j]))
    # evidence of model codes: one vectorised pass per rank of extra code
    terms: dict[tuple[int, str], str | None] = {}
    with_extras = sorted(extras)
    depth = max((len(e) for e in extras.values()), default=0)
    for k in range(depth):
        rows = np.array([i for i in with_extras if len(extras[i]) > k and extras[i][k][0] in cls_pos], dtype=int)
        if len(rows):
            cls = np.array([cls_pos[extras[i][k][0]] for i in rows])
            for i, term in zip(rows.tolist(), best_terms(model, x[rows], cls)):
                terms[(i, extras[i][k][0])] = term
    per_u: list[list[tuple]] = []
    nan = np.nan
    for i, found in enumerate(rules):
        if p_rows is None:
            row = [(t, s, e, "rules", nan) for t, (s, e) in found.items()]
        else:
            p = p_rows[i]
            row = [(t, s, e, "rules", p[cls_pos[t]] if t in cls_pos else nan) for t, (s, e) in found.items()]
        for t, c in extras.get(i, ()):
            s, e = locate(uniq[i], terms.get((i, t)))
            row.append((t, s, e, "model", c))
        per_u.append(sorted(row, key=lambda r: (r[1] < 0, r[1])) if len(row) > 1 else row)
    rows_text, out_theme, out_s, out_e, out_coder, out_conf = [], [], [], [], [], []
    none = [(UNCODED, -1, -1, "rules", np.nan)]
    for u, row in enumerate(per_u):
        for t, s, e, coder, c in row or none:
            rows_text.append(u); out_theme.append(t); out_s.append(s); out_e.append(e)
            out_coder.append(coder); out_conf.append(c)
    per_text = assemble_codes(rows_text, out_theme, out_s, out_e, dict(enumerate(uniq)), model.codebook.parents(),
                              coder=out_coder, confidence=out_conf)
    long = expand_codes(per_text, np.asarray(rows_text, dtype=np.int64), codes, refs)
    return long.rename(columns={"comment_ref": "ref"})


def _theme_table(model: CodingModel, codebook: Codebook, primary, themes, agreement) -> pd.DataFrame:
    n = max(len(primary), 1)
    prim = primary["theme"].value_counts()
    found = themes[themes["theme"] != UNCODED].groupby("theme")["ref"].nunique()
    rules_n = themes[themes["coder"] == "rules"].groupby("theme")["ref"].nunique()
    per = agreement.per_theme.set_index("theme") if agreement is not None else None
    rows = []
    for t in codebook.leaves():
        k = model.counts.get(t.id, 0)
        learned = t.id in model.learned
        note = "" if learned else ("no examples yet" if k == 0 else f"only {k} example(s): rules only")
        row = {"theme": t.id, "label": t.label, "polarity": t.polarity, "n_examples": len(t.examples),
               "n_training": k, "learned": learned, "has_rules": bool(t.include),
               "n_rule_matches": int(rules_n.get(t.id, 0)), "n_found": int(found.get(t.id, 0)),
               "n_primary": int(prim.get(t.id, 0)), "pct_primary": 100.0 * prim.get(t.id, 0) / n,
               "kappa": np.nan, "kappa_low": np.nan, "kappa_high": np.nan, "note": note}
        if per is not None and t.id in per.index:
            row.update(kappa=per.loc[t.id, "kappa"], kappa_low=per.loc[t.id, "kappa_low"],
                       kappa_high=per.loc[t.id, "kappa_high"])
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"theme": "string", "label": "string", "polarity": "string", "note": "string"})
