"""The six situations of issue 12, as files a client sends them, through ``cx init --yes`` to a report.

The files are made here (the real ones are kept for acceptance) with the traits that broke the
first version: no response id, dates under other names, ``why`` / ``why not`` comments, a UTF-8
BOM and stray answers, several companies in one file, one likelihood-to-recommend per channel,
0-5 touchpoint ratings where 0 means "not applicable", a satisfied/dissatisfied outcome and a
truncated last line, reviews with stars and a recommended flag, and tweets with the poster's
labels. Each report's headline is checked against the number computed here with pandas.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cxlib.cli import app

pytestmark = pytest.mark.slow


def _nps(values) -> tuple[int, int]:
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return round(100 * ((x >= 9).mean() - (x <= 6).mean())), len(x)


def _situations(folder: Path) -> dict[str, str]:
    """Write the six client folders; return the headline each report must show (as the report writes it)."""
    rng = np.random.default_rng(12)
    expected = {}
    # 1. NPS with why / why not, two waves, a BOM, stray answers, no response id in wave 2
    (folder / "nps").mkdir()
    n = 240
    scores = rng.integers(0, 11, n).astype(object)
    scores[5], scores[7], scores[9] = "10 - extremely likely", " 9 ", "n/a"
    reasons = ["The staff were friendly and quick", "Billing was wrong twice", "App crashes at login",
               "Delivery came late", "Great value for money"]
    pd.DataFrame({"Date Submitted": pd.date_range("2025-01-01", periods=n, freq="6h").strftime("%d/%m/%Y %H:%M"),
                  "How likely are you to recommend us? (0-10)": scores,
                  "Why?": [reasons[i % 5] for i in range(n)],
                  "Why not?": [reasons[(i + 2) % 5] if i % 3 else "" for i in range(n)]}) \
        .to_csv(folder / "nps" / "nps_wave1.csv", index=False, encoding="utf-8-sig")
    clean = pd.Series(scores).astype(str).str.strip().replace({"10 - extremely likely": "10"})
    value, count = _nps(clean)
    expected["nps"] = f"NPS is {value:+d}".replace("+", "+").replace("-", "\u2212") + f" (95 % CI"
    expected["nps_n"] = f"{count:,} respondents"
    # 2. one file, four airlines: the client is one of them, the rest are its benchmark
    (folder / "airlines").mkdir()
    n = 800
    airline = rng.choice(["Skyline", "Aero One", "BlueJet", "Nimbus"], n)
    ltr = rng.integers(0, 11, n)
    pd.DataFrame({"Airline": airline, "Completion Date": pd.date_range("2025-01-01", periods=n, freq="3h").astype(str),
                  "Likelihood to recommend": ltr}).to_csv(folder / "airlines" / "airline_nps.csv", index=False)
    expected["airlines"] = None  # the client is proposed from the data: checked against its own rows below
    # 3. digital touchpoints: 1-5 ratings and a likelihood to recommend per channel, an unnamed index column
    (folder / "digital").mkdir()
    n = 200
    web = rng.integers(0, 11, n)
    pd.DataFrame({"Website rating (1-5)": rng.integers(1, 6, n), "App rating (1-5)": rng.integers(1, 6, n),
                  "Likelihood to recommend the website": web,
                  "Likelihood to recommend the app": rng.integers(0, 11, n)}).to_csv(folder / "digital" / "digital.csv")
    value, count = _nps(web)
    expected["digital"] = f"NPS is {value:+d}".replace("-", "\u2212") + " (95 % CI"
    expected["digital_n"] = f"{count:,} respondents"
    # 4. passengers: 0-5 ratings (0 = not applicable), satisfied / neutral or dissatisfied, a truncated last line
    (folder / "passengers").mkdir()
    n = 600
    sat = rng.choice(["satisfied", "neutral or dissatisfied"], n)
    frame = pd.DataFrame({"id": range(n), "Class": rng.choice(["Eco", "Business"], n),
                          "Seat comfort": rng.integers(0, 6, n), "Inflight wifi service": rng.integers(0, 6, n),
                          "satisfaction": sat})
    text = frame.to_csv(index=False)
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    cut = text[:len(text.rstrip("\n")) - len(last) + len(last.split(",")[0]) + 4]  # the last record cut mid-field
    (folder / "passengers" / "passengers.csv").write_text(cut, encoding="utf-8")
    kept = sat[:-1]
    expected["passengers"] = f"Share satisfied is {round(100 * (kept == 'satisfied').mean())} %"
    expected["passengers_n"] = f"{len(kept):,} respondents"
    # 5. product reviews: stars, a recommended flag, a title and the text
    (folder / "reviews").mkdir()
    n = 300
    stars = rng.integers(1, 6, n)
    pd.DataFrame({"Clothing ID": rng.integers(1, 50, n), "Title": ["Nice"] * n,
                  "Review Text": [reasons[i % 5] for i in range(n)], "Rating": stars,
                  "Recommended IND": rng.integers(0, 2, n)}).to_csv(folder / "reviews" / "reviews.csv")
    expected["reviews"] = f"is {stars.mean():.1f} (95 % CI"
    expected["reviews_n"] = f"{n:,} reviews"
    # 6. tweets about airlines with the poster's labels
    (folder / "tweets").mkdir()
    n = 300
    pd.DataFrame({"tweet_id": np.arange(n) + 10 ** 17,
                  "airline_sentiment": rng.choice(["negative", "neutral", "positive"], n),
                  "negativereason": rng.choice(["Late Flight", "Bad Flight", ""], n),
                  "airline": ["Skyline"] * n, "text": [f"@Skyline {reasons[i % 5].lower()}" for i in range(n)],
                  "tweet_created": (pd.date_range("2025-02-01", periods=n, freq="h").astype(str) + " -0800")}) \
        .to_csv(folder / "tweets" / "tweets.csv", index=False)
    expected["tweets"] = f"{n:,} posts, reviews or complaints"
    return expected


def _text(path: Path) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("six")
    (root / "data").mkdir()
    incoming = root / "incoming"
    incoming.mkdir()
    return root, incoming, _situations(incoming)


@pytest.mark.parametrize("name", ["nps", "airlines", "digital", "passengers", "reviews", "tweets"])
def test_each_situation_reaches_a_report_whose_headline_is_the_hand_number(project, name):
    root, incoming, expected = project
    runner = CliRunner()
    init = runner.invoke(app, ["init", name, "--from", str(incoming / name), "--root", str(root), "--yes"])
    assert init.exit_code == 0, init.output
    report = runner.invoke(app, ["report", name, "--root", str(root), "-a", "executive", "--format", "html"])
    assert report.exit_code == 0, report.output
    text = _text(root / "reports" / name / f"{name}-executive.html")
    answer = text[text.index("The answer in brief"):][:900]
    if name == "airlines":
        from cxlib.workspace import open_client

        ws = open_client(name, root=root)
        raw = pd.read_csv(incoming / name / "airline_nps.csv")
        value, count = _nps(raw.loc[raw["Airline"] == ws.config.benchmark.client, "Likelihood to recommend"])
        assert f"NPS is {value:+d}".replace("-", "\u2212") in answer and f"{count:,} respondents" in answer
        assert "Benchmark against competitors" in text
        return
    assert expected[name] in answer, answer
    if f"{name}_n" in expected:
        assert expected[f"{name}_n"] in answer, answer
