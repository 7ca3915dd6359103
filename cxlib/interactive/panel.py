"""Hand coding in JupyterLab: one comment at a time, the codebook's themes as checkboxes.

By default the panel offers the comments that teach the coder most
(:func:`cxlib.text.active.suggest_to_code`: uncertain and diverse, in batches), shows the coder's
suggested theme for each, takes the comment's sentiment too (saved beside the theme codes, in
``hand_coded_sentiment.csv``), and shows, as the consultant codes, the coder's agreement with
them per theme (Cohen's kappa with its 95 % interval) and a stopping hint ("agreement is 0.71;
50 more codes would likely add about 0.02").

Saves go straight to ``data/<client>/hand_coded.csv`` (append, flush, fsync per save), so a kernel
restart loses nothing, and a coder resumes at the first comment they have not coded. Two coders
get the same sample in the same order (fixed seed), so their agreement can be measured.

:class:`CodingSession` holds the logic (no widgets, testable); :func:`coding_panel` wraps it in
ipywidgets (imported only then). Comments are shown redacted and HTML-escaped.

Examples
--------
>>> panel = coding_panel(ws.responses, load_codebook(ws.codebook_path),
...                      ws.data_dir / "hand_coded.csv", coder="alice", n=200)   # doctest: +SKIP
>>> panel                                                                      # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook
from cxlib.text.coding import comment_frame
from cxlib.text.redact import redact
from cxlib.text.reliability import (append_hand_codes, append_hand_sentiment, hand_sentiment_path, read_hand_coded,
                                    read_hand_sentiment)

__all__ = ["CodingSession", "coding_panel", "coding_sample", "suggested_sample", "agreement_report"]


def coding_sample(data: pd.DataFrame, *, n: int | None = 200, seed: int = 0, text: str | None = None,
                  ref: str | None = None) -> pd.DataFrame:
    """A reproducible random sample of comments to hand-code (``comment_ref``, ``text``), same for every coder."""
    comments = comment_frame(data, text=text, ref=ref).sort_values("comment_ref", kind="stable")
    perm = np.random.default_rng(seed).permutation(len(comments))
    out = comments.iloc[perm]
    return (out if n is None else out.head(n)).reset_index(drop=True)


def suggested_sample(data: pd.DataFrame, codebook: Codebook, path: str | os.PathLike, coder: str, *, n: int = 50,
                     seed: int = 0) -> pd.DataFrame:
    """The next ``n`` comments for ``coder`` from :func:`~cxlib.text.active.suggest_to_code` given their codes so far.

    Columns: ``comment_ref``, ``text``, ``suggested_theme``, ``confidence``, ``reason``.
    """
    from cxlib.text.active import suggest_to_code

    hand = _coder_hand(path, coder)
    sugg = suggest_to_code(comment_frame(data).rename(columns={"comment_ref": "ref"}), codebook,
                           hand if len(hand) else None, n=n, seed=seed)
    return sugg.rename(columns={"ref": "comment_ref"})[["comment_ref", "text", "suggested_theme", "confidence",
                                                         "reason"]]


def _coder_hand(path, coder: str) -> pd.DataFrame:
    hand = read_hand_coded(path)
    hand = hand[hand["coder"] == coder]
    return hand.rename(columns={"comment_ref": "ref"})[["ref", "theme"]]


def agreement_report(data: pd.DataFrame, codebook: Codebook, path: str | os.PathLike, coder: str, *,
                     seed: int = 0) -> tuple[str, pd.DataFrame | None]:
    """(stopping hint, per-theme agreement table) of the coder's hand codes so far.

    The table has ``theme``, ``label``, ``n_hand``, ``kappa``, ``kappa_low``, ``kappa_high``
    (out-of-fold: the coder is never scored on comments it learned from). Kappa on comments chosen
    because the coder was unsure of them is lower than on a random sample: a cautious figure.
    """
    from cxlib.text.active import stopping_hint
    from cxlib.text.autocode import auto_code

    hand = _coder_hand(path, coder)
    comments = comment_frame(data).rename(columns={"comment_ref": "ref"})
    if len(hand) < 20:
        return f"{len(hand)} codes so far: code at least 20 for a first agreement figure.", None
    res = auto_code(comments, codebook, hand, seed)
    if res.agreement is None:
        return "Too few themes coded yet for an agreement figure.", None
    hint = stopping_hint(comments, codebook, hand, seed=seed, agreement=res.agreement)
    labels = codebook.labels()
    per = res.agreement.per_theme.assign(label=lambda d: [labels.get(t, t) for t in d["theme"]])
    return hint.text, per[["theme", "label", "n_hand", "kappa", "kappa_low", "kappa_high"]]


class CodingSession:
    """The state of one coder working through a sample.

    Parameters
    ----------
    sample : DataFrame
        ``comment_ref``, ``text`` in the order to code (:func:`coding_sample`).
    codebook : Codebook
        Its leaf themes are offered.
    path : path
        The hand-coded CSV (created on the first save).
    coder : str
        The coder's name (e.g. initials); stored with every code.
    """

    def __init__(self, sample: pd.DataFrame, codebook: Codebook, path: str | os.PathLike, coder: str):
        if not str(coder).strip() or "," in coder or "\n" in coder:
            raise DataError(f"Coder name {coder!r} must be non-empty and have no comma or newline.")
        self.sample = sample.reset_index(drop=True)
        self.codebook = codebook
        self.themes = [t.id for t in codebook.leaves()]
        self.path = Path(path)
        self.coder = coder.strip()
        self.position = self.first_uncoded()

    def coded_refs(self) -> set[str]:
        """Comments this coder has already saved."""
        hand = read_hand_coded(self.path)
        return set(hand.loc[hand["coder"] == self.coder, "comment_ref"])

    def first_uncoded(self) -> int:
        done = self.coded_refs()
        for i, r in enumerate(self.sample["comment_ref"]):
            if r not in done:
                return i
        return len(self.sample)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.sample)

    def progress(self) -> tuple[int, int]:
        """(comments of the sample this coder has coded, sample size)."""
        done = self.coded_refs()
        return sum(r in done for r in self.sample["comment_ref"]), len(self.sample)

    def current(self) -> tuple[str, str, list[str]]:
        """(comment_ref, redacted text, themes this coder saved for it before)."""
        if self.finished:
            raise DataError("All comments of the sample are coded.")
        r = self.sample["comment_ref"].iloc[self.position]
        hand = read_hand_coded(self.path)
        prev = hand.loc[(hand["coder"] == self.coder) & (hand["comment_ref"] == r), "theme"].tolist()
        return r, redact(self.sample["text"].iloc[self.position]).text, [t for t in prev if t != UNCODED]

    def save(self, themes: Sequence[str], sentiment: str | None = None) -> None:
        """Save the current comment's themes (empty = no theme) and sentiment, and move to the next comment."""
        unknown = [t for t in themes if t not in self.codebook]
        if unknown:
            raise DataError(f"Unknown theme(s) {unknown}; the codebook {self.codebook.source} has {self.themes}.")
        r = self.sample["comment_ref"].iloc[self.position]
        if sentiment is not None:
            append_hand_sentiment(hand_sentiment_path(self.path), r, self.coder, sentiment)
        append_hand_codes(self.path, r, self.coder, list(themes))
        self.position += 1

    def suggestion(self) -> tuple[str | None, float]:
        """(the coder's suggested theme, its confidence) for the current comment; (None, nan) without one."""
        if self.finished or "suggested_theme" not in self.sample.columns:
            return None, float("nan")
        row = self.sample.iloc[self.position]
        return str(row["suggested_theme"]), float(row["confidence"])

    def sentiment_codes(self) -> pd.DataFrame:
        """This coder's hand-coded sentiment (``ref``, ``sentiment``), for :func:`cxlib.text.auto_sentiment`."""
        s = read_hand_sentiment(hand_sentiment_path(self.path))
        return s[s["coder"] == self.coder].rename(columns={"comment_ref": "ref"})[["ref", "sentiment"]]

    def skip(self) -> None:
        self.position = min(self.position + 1, len(self.sample))

    def back(self) -> None:
        self.position = max(self.position - 1, 0)


def coding_panel(data: pd.DataFrame, codebook: Codebook, path: str | os.PathLike, coder: str, *, n: int = 200,
                 seed: int = 0, order: str = "suggested", batch: int = 50):
    """An ipywidgets coding panel for JupyterLab (see module docstring). Returns the widget box.

    ``order="suggested"`` (default) offers comments from :func:`suggested_sample` in batches of
    ``batch``, with the coder's suggestion; ``order="random"`` the fixed random sample of ``n``
    (the same for every coder, for coder-to-coder agreement).
    """
    import ipywidgets as w

    if order == "suggested":
        sample = suggested_sample(data, codebook, path, coder, n=min(batch, n), seed=seed)
    elif order == "random":
        sample = coding_sample(data, n=n, seed=seed)
    else:
        raise DataError(f"order must be 'suggested' or 'random', got {order!r}.")
    session = CodingSession(sample, codebook, path, coder)
    labels = codebook.labels()
    boxes = {t: w.Checkbox(value=False, description=labels[t], indent=False) for t in session.themes}
    groups = []
    for parent in [t for t in codebook.themes if t.parent is None]:
        kids = [boxes[t] for t in session.themes if codebook.parents().get(t) == parent.id]
        if kids:
            groups.append(w.VBox([w.HTML(f"<b>{html.escape(parent.label)}</b>"), *kids]))
    text = w.HTML()
    status = w.HTML()
    hint = w.HTML()
    mood = w.ToggleButtons(options=[("not coded", None), ("negative", "negative"), ("neutral", "neutral"),
                                    ("positive", "positive")], value=None, description="Sentiment")
    save_btn, skip_btn, back_btn = w.Button(description="Save & next", button_style="primary"), \
        w.Button(description="Skip"), w.Button(description="Back")
    refresh_btn = w.Button(description="Agreement")
    saves = {"n": 0}

    def show():
        done, total = session.progress()
        if session.finished:
            text.value = "<p><b>Batch finished.</b> Thank you.</p>"
            status.value = f"{done} / {total} coded by {html.escape(session.coder)}"
            return
        r, body, prev = session.current()
        theme, conf = session.suggestion()
        sugg = ""
        if theme is not None:
            shown = "no theme" if theme == UNCODED else labels.get(theme, theme)
            c = "" if np.isnan(conf) else f" ({conf:.0%} sure)"
            sugg = f"<small>Coder suggests: <b>{html.escape(shown)}</b>{c}</small><br>"
        text.value = (f"<div style='white-space:pre-wrap;border:1px solid #ccc;padding:8px'>{html.escape(body)}</div>"
                      f"{sugg}<small>comment {html.escape(str(r))}</small>")
        for t, b in boxes.items():
            b.value = t in prev
        mood.value = None
        status.value = f"{done} / {total} coded by {html.escape(session.coder)} - saved to {html.escape(str(path))}"

    def show_agreement(_=None):
        msg, table = agreement_report(data, codebook, path, session.coder, seed=seed)
        rows = ""
        if table is not None:
            rows = "".join(
                f"<tr><td>{html.escape(str(t.label))}</td><td>{t.n_hand}</td><td>{t.kappa:.2f}</td>"
                f"<td>{t.kappa_low:.2f}-{t.kappa_high:.2f}</td></tr>" for t in table.itertuples() if not np.isnan(t.kappa))
            rows = ("<table><tr><th>theme</th><th>hand codes</th><th>kappa</th><th>95 % CI</th></tr>"
                    f"{rows}</table>")
        hint.value = f"<p>{html.escape(msg)}</p>{rows}"

    def on_save(_):
        if session.finished and order == "suggested":
            session.__init__(suggested_sample(data, codebook, path, session.coder, n=batch, seed=seed + saves["n"]),
                             codebook, path, session.coder)
        elif not session.finished:
            session.save([t for t, b in boxes.items() if b.value], mood.value)
            saves["n"] += 1
            if saves["n"] % 10 == 0:
                show_agreement()
        show()

    save_btn.on_click(on_save)
    skip_btn.on_click(lambda _: (session.skip(), show()))
    back_btn.on_click(lambda _: (session.back(), show()))
    refresh_btn.on_click(show_agreement)
    show()
    box = w.VBox([text, w.HBox(groups, layout=w.Layout(flex_flow="row wrap")),
                  w.HBox([back_btn, skip_btn, save_btn, refresh_btn]), status, mood, hint])
    box.session = session
    return box
