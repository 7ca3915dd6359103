"""Real exports as clients send them (tests/fixtures/exports/, sources in tests/fixtures/README.md).

Each folder goes ``cx init --yes`` -> ``cx validate`` with no edit, and the headline number is
checked against the one computed here by hand from the raw file with pandas (never through
cxlib). The full report renders are slow tests.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cxlib.cli import app
from cxlib.workspace import open_client

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def nps(values) -> tuple[float, int]:
    """NPS by hand: % of 9-10 minus % of 0-6 among the answers, and their number."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return 100 * ((x >= 9).mean() - (x <= 6).mean()), len(x)


def raw(name: str, **kw) -> pd.DataFrame:
    folder = EXPORTS / name
    file = next(p for p in folder.iterdir() if p.is_file())
    kw.setdefault("na_values", [""])
    return pd.read_csv(file, dtype=str, keep_default_na=False, **kw)


# name -> (table, outcome or None, headline by hand: (value, n))
def _hand() -> dict:
    out = {}
    f = raw("carpentries-longterm-2017")
    out["carpentries-longterm-2017"] = ("responses", "nps", nps(f["Likely-To-Recommend"]))
    f = raw("carpentries-longterm-2020", na_values=["", "NA"])
    out["carpentries-longterm-2020"] = ("responses", "nps", nps(f["recommendation_score"]))
    f = raw("carpentries-longterm-2020-march", na_values=["", "NA"])
    out["carpentries-longterm-2020-march"] = ("responses", "nps", nps(f["recommendation_score"]))
    f = raw("carpentrycon-sessions")
    out["carpentrycon-sessions"] = ("responses", "nps", nps(f["nps"]))
    f = raw("instructor-training-post")
    out["instructor-training-post"] = ("responses", "nps", nps(f["LikelyToRecommend"]))
    f = raw("google-forms-autistica")
    out["google-forms-autistica"] = ("responses", None, (len(f), len(f)))
    f = raw("surveymonkey-midwest", skiprows=[1])  # the answer-option row under the questions
    out["surveymonkey-midwest"] = ("responses", None, (len(f), len(f)))
    f = raw("surveymonkey-starwars", skiprows=[1], encoding="cp1252")
    out["surveymonkey-starwars"] = ("responses", None, (len(f), len(f)))
    f = raw("qualtrics-sample", skiprows=[1, 2])  # question-text and ImportId rows
    out["qualtrics-sample"] = ("responses", None, (len(f), len(f)))
    f = raw("qualtrics-legacy", skiprows=[0])  # V1, V2 … over the field names
    out["qualtrics-legacy"] = ("responses", None, (len(f), len(f)))
    f = raw("tweets-mayweather")
    out["tweets-mayweather"] = ("mentions", None, (len(f), len(f)))
    f = raw("cfpb-complaints").dropna(how="all")
    out["cfpb-complaints"] = ("mentions", None, (len(f), len(f)))
    return out


HAND = _hand()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every export folder through `cx init --yes` into one project (folders copied: nothing is written there)."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "data").mkdir()
    results = {}
    runner = CliRunner()
    for folder in sorted(EXPORTS.iterdir()):
        if not folder.is_dir():
            continue
        incoming = root / "incoming" / folder.name
        shutil.copytree(folder, incoming)
        results[folder.name] = runner.invoke(app, ["init", folder.name, "--from", str(incoming), "--root", str(root),
                                                   "--yes"])
    return root, results


def test_the_corpus_has_twelve_layouts_and_a_readme_entry_for_each():
    names = sorted(p.name for p in EXPORTS.iterdir() if p.is_dir())
    assert len(set(HAND)) >= 12 and set(HAND) <= set(names)
    readme = (EXPORTS.parent / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"`exports/{name}/`" in readme, f"{name} has no source/licence entry in tests/fixtures/README.md"


@pytest.mark.parametrize("name", sorted(HAND))
def test_init_yes_then_validate_with_no_edit(corpus, name):
    root, results = corpus
    result = results[name]
    assert result.exit_code == 0, result.output
    assert "validates" in result.output
    text = (root / "data" / name / "client.yaml").read_text(encoding="utf-8")
    assert "# CONFIRM[" not in text  # --yes took every proposal
    validated = CliRunner().invoke(app, ["validate", name, "--root", str(root)])
    assert validated.exit_code == 0, validated.output
    table, outcome, (value, n) = HAND[name]
    ws = open_client(name, root=root)
    frame = ws.table(table)
    recon = ws.reconciliation.set_index("table").loc[table]
    assert recon["rows_read"] == recon["rows_used"] + recon["rows_quarantined"]
    assert ws.outcome == outcome
    if outcome == "nps":
        x = frame["nps"].dropna().astype(float)
        got = 100 * ((x >= 9).mean() - (x <= 6).mean())
        assert (len(x), round(got, 6)) == (n, round(value, 6))
    elif name == "cfpb-complaints":
        client = ws.config.benchmark.client
        assert len(frame) + len(ws.benchmark("mentions")) == n
        assert len(frame) == (raw(name)["Company"] == client).sum()
    else:
        assert len(frame) == n


def test_an_export_whose_encoding_cannot_be_told_is_refused_naming_byte_and_line(corpus):
    _, results = corpus
    result = results["twitter-ratio"]
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "BarackObama.csv" in out and "byte offset" in out and "line 5" in out and "Save the file as UTF-8" in out


def test_what_init_understood_of_the_layouts(corpus):
    root, _ = corpus
    cfg = {name: open_client(name, root=root).config for name in HAND}
    # Qualtrics and SurveyMonkey exports are read with their own readers
    assert cfg["qualtrics-sample"].sources["responses"].format == "qualtrics"
    assert cfg["qualtrics-legacy"].sources["responses"].format == "qualtrics"
    assert cfg["surveymonkey-midwest"].sources["responses"].format == "surveymonkey"
    # no id in the file: ids generated; an undated export stays undated
    ws = open_client("carpentries-longterm-2017", root=root)
    assert ws.fields.set_index("column").loc["response_id", "source"] == "(generated)"
    assert ws.responses["answered_at"].isna().all() and ws.config.period_start is None
    assert ws.responses["recommend"].notna().any()  # the yes/no recommend question kept beside the NPS
    # posts without a source column get the kind of export as a constant
    assert set(open_client("tweets-mayweather", root=root).mentions["source"]) == {"twitter"}
    # several comment questions kept, each with its question
    fields = open_client("surveymonkey-midwest", root=root).fields
    assert (fields["column"] == "comment").sum() == 1
    # a survey about many companies: one is the client, the others its benchmark
    assert open_client("cfpb-complaints", root=root).config.benchmark is not None


def _headline(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, (_, outcome, _) in sorted(HAND.items()) if outcome == "nps"])
def test_report_headline_equals_the_hand_computed_nps(corpus, name):
    root, _ = corpus
    result = CliRunner().invoke(app, ["report", name, "--root", str(root), "--audience", "executive",
                                      "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (root / "reports" / name / f"{name}-executive.html").read_text(encoding="utf-8")
    _, _, (value, n) = HAND[name]
    shown = f"{value:+.0f}".replace("+0", "0").replace("-0", "0") if round(value) == 0 else f"{value:+.0f}"
    assert f"NPS {shown}" in _headline(html).replace("−", "-")
    assert f"{n:,} respondents" in _headline(html)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, (_, outcome, _) in sorted(HAND.items()) if outcome != "nps"])
def test_report_headline_for_clients_without_nps_counts_what_they_sent(corpus, name):
    root, _ = corpus
    result = CliRunner().invoke(app, ["report", name, "--root", str(root), "--audience", "executive",
                                      "--format", "html"])
    assert result.exit_code == 0, result.output
    html = _headline((root / "reports" / name / f"{name}-executive.html").read_text(encoding="utf-8"))
    table, _, (_, n) = HAND[name]
    headline = html[html.index("The answer in brief"):]
    if table == "mentions":
        client = open_client(name, root=root)
        assert f"{len(client.mentions):,} posts, reviews or complaints" in headline
    else:
        assert f"{n:,} survey response" in headline


def test_interactive_init_asks_with_sample_values_and_writes_the_answers(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    incoming = root / "incoming" / "carp"
    shutil.copytree(EXPORTS / "carpentries-longterm-2017", incoming)
    # first question: the display name (guessed from the folder); then Enter for every other proposal,
    # except one item left for later
    answers = "The Carpentries\n" + "later\n" + "\n" * 80
    result = CliRunner().invoke(app, ["init", "carp", "--from", str(incoming), "--root", str(root), "--interactive"],
                                input=answers)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "question(s)" in out and "1/" in out and "values:" in out  # sample values shown for column questions
    cfg = open_client("carp", root=root).config
    assert cfg.display_name == "The Carpentries" and cfg.outcome in ("nps", "recommend")
    from cxlib.onboard.confirm import pending

    assert [i.id for i in pending(root / "data" / "carp" / "client.yaml")] == ["outcome"]  # left for later


def test_yes_on_a_folder_with_nothing_usable_exits_1_naming_why(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    incoming = root / "incoming" / "x"
    incoming.mkdir(parents=True)
    (incoming / "notes.csv").write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", "x", "--from", str(incoming), "--root", str(root), "--yes"])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "missing: notes.csv" in out and "survey answers need a score" in out
