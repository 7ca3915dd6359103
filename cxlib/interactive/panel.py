"""Hand coding in JupyterLab: one comment at a time, the codebook's themes as checkboxes.

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
from cxlib.text.reliability import append_hand_codes, read_hand_coded

__all__ = ["CodingSession", "coding_panel", "coding_sample"]


def coding_sample(data: pd.DataFrame, *, n: int | None = 200, seed: int = 0, text: str | None = None,
                  ref: str | None = None) -> pd.DataFrame:
    """A reproducible random sample of comments to hand-code (``comment_ref``, ``text``), same for every coder."""
    comments = comment_frame(data, text=text, ref=ref).sort_values("comment_ref", kind="stable")
    perm = np.random.default_rng(seed).permutation(len(comments))
    out = comments.iloc[perm]
    return (out if n is None else out.head(n)).reset_index(drop=True)


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

    def save(self, themes: Sequence[str]) -> None:
        """Save the current comment's themes (empty = no theme) and move to the next comment."""
        unknown = [t for t in themes if t not in self.codebook]
        if unknown:
            raise DataError(f"Unknown theme(s) {unknown}; the codebook {self.codebook.source} has {self.themes}.")
        r = self.sample["comment_ref"].iloc[self.position]
        append_hand_codes(self.path, r, self.coder, list(themes))
        self.position += 1

    def skip(self) -> None:
        self.position = min(self.position + 1, len(self.sample))

    def back(self) -> None:
        self.position = max(self.position - 1, 0)


def coding_panel(data: pd.DataFrame, codebook: Codebook, path: str | os.PathLike, coder: str, *, n: int = 200,
                 seed: int = 0):
    """An ipywidgets coding panel for JupyterLab (see module docstring). Returns the widget box."""
    import ipywidgets as w

    session = CodingSession(coding_sample(data, n=n, seed=seed), codebook, path, coder)
    labels = codebook.labels()
    boxes = {t: w.Checkbox(value=False, description=labels[t], indent=False) for t in session.themes}
    groups = []
    for parent in [t for t in codebook.themes if t.parent is None]:
        kids = [boxes[t] for t in session.themes if codebook.parents().get(t) == parent.id]
        if kids:
            groups.append(w.VBox([w.HTML(f"<b>{html.escape(parent.label)}</b>"), *kids]))
    text = w.HTML()
    status = w.HTML()
    save_btn, skip_btn, back_btn = w.Button(description="Save & next", button_style="primary"), \
        w.Button(description="Skip"), w.Button(description="Back")

    def show():
        done, total = session.progress()
        if session.finished:
            text.value = "<p><b>Sample finished.</b> Thank you.</p>"
            status.value = f"{done} / {total} coded by {html.escape(session.coder)}"
            return
        r, body, prev = session.current()
        text.value = (f"<div style='white-space:pre-wrap;border:1px solid #ccc;padding:8px'>{html.escape(body)}</div>"
                      f"<small>comment {html.escape(str(r))}</small>")
        for t, b in boxes.items():
            b.value = t in prev
        status.value = f"{done} / {total} coded by {html.escape(session.coder)} - saved to {html.escape(str(path))}"

    def on_save(_):
        if not session.finished:
            session.save([t for t, b in boxes.items() if b.value])
        show()

    save_btn.on_click(on_save)
    skip_btn.on_click(lambda _: (session.skip(), show()))
    back_btn.on_click(lambda _: (session.back(), show()))
    show()
    box = w.VBox([text, w.HBox(groups, layout=w.Layout(flex_flow="row wrap")), w.HBox([back_btn, skip_btn, save_btn]),
                  status])
    box.session = session
    return box
