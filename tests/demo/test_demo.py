"""Tests of the demo generator (cxlib.demo): file formats, schema, determinism, planted effects.

The planted effects are checked directly on the raw generated files, with a small reader written
here (independent of cxlib.ingest.io), and with independent references (sklearn's roc_auc_score, numpy
least squares). One integration test checks that the lead's validator quarantines exactly the
rows that were planted as invalid.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from cxlib.demo import DEMO_CLIENTS, generate_client, generate_demo
from cxlib.demo.common import auc as _auc
from cxlib.demo.text import HOSTILE_PAYLOADS, LEAF_THEMES, PII_KINDS, iban_ok, luhn_ok, pii_snippet
from cxlib.errors import ConfigError
from cxlib.schema import TABLES, rating_columns

N = 1500
SEED = 11
PERIOD_END = pd.Timestamp("2026-01-01")


# ------------------------------------------------------------------------------------------------
# fixtures and a raw reader (independent of cxlib.ingest.io)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("demo_gen")
    generate_demo(base, n_customers=N, seed=SEED)
    return base


def _cfg(root: Path, client: str) -> dict:
    return yaml.safe_load((root / "data" / client / "client.yaml").read_text(encoding="utf-8"))


def _planted(root: Path, client: str) -> dict:
    return yaml.safe_load((root / "data" / client / "planted.yaml").read_text(encoding="utf-8"))


def _raw(root: Path, client: str, table: str) -> pd.DataFrame:
    """A table with canonical names, read plainly; Qualtrics preview/spam rows dropped."""
    src = _cfg(root, client)["tables"][table]
    path = root / "data" / client / src["path"]
    fmt = src.get("format")
    if fmt == "parquet":
        df = pd.read_parquet(path)
    elif fmt == "excel":
        df = pd.read_excel(path, sheet_name=src.get("sheet", 0), skiprows=src.get("skip_rows", 0))
    elif fmt == "qualtrics":
        df = pd.read_csv(path, skiprows=[1, 2], dtype=str, keep_default_na=False, na_values=[""],
                         encoding="utf-8-sig")
        df = df[~df["Status"].isin(["Survey Preview", "Spam"])]
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    df = df.rename(columns=src.get("columns", {}))
    bench = _cfg(root, client).get("benchmark")
    if bench and "company" in df.columns:  # a survey of several companies: the client's own rows
        df = df[df["company"] == bench["client"]].drop(columns="company")
    return df.reset_index(drop=True)


def _invalid(root: Path, client: str, table: str) -> set[str]:
    return set(_planted(root, client)["data_quality"]["invalid_ids"].get(table, []))


def _valid(root: Path, client: str, table: str) -> pd.DataFrame:
    df = _raw(root, client, table)
    key = TABLES[table].key
    return df[~df[key].astype(str).isin(_invalid(root, client, table))].reset_index(drop=True)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="raise").astype("float64")


def _flag(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v if isinstance(v, bool) or pd.isna(v) else str(v).lower() == "true").astype("boolean")


@pytest.fixture(scope="module")
def tables(root):
    """client -> dict of valid canonical tables with parsed types."""
    out = {}
    for client in DEMO_CLIENTS:
        t = {name: _valid(root, client, name) for name in TABLES}
        t["customers"]["churned"] = _flag(t["customers"]["churned"])
        it = t["interactions"]
        it["occurred_at"] = pd.to_datetime(it["occurred_at"])
        for c in ("wait_minutes", "updates_sent"):
            it[c] = _num(it[c])
        for c in ("asked_known_info", "resolved"):
            it[c] = _flag(it[c])
        r = t["responses"]
        for c in ["nps", "csat", "ces", "duration_seconds", *rating_columns(r.columns)]:
            r[c] = _num(r[c])
        r["survey"] = np.where(r["interaction_id"].isna(), "relationship", "transactional")
        out[client] = t
    return out


# ------------------------------------------------------------------------------------------------
# interface and formats
# ------------------------------------------------------------------------------------------------
def test_unknown_client_and_too_few_customers_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="Demo clients"):
        generate_client("nope", tmp_path)
    with pytest.raises(ConfigError, match="at least 50"):
        generate_client("acme-telecom", tmp_path, n_customers=10)
    with pytest.raises(ConfigError, match="nope"):
        generate_demo(tmp_path, clients=["acme-telecom", "nope"])


def test_workspace_files_and_client_yaml_keys(root):
    keys = {"display_name", "currency", "period", "stages", "sale_stage", "segments", "channels", "touchpoints",
            "min_n", "min_n_quotes", "brand", "quality", "tables", "codebook"}
    for client in DEMO_CLIENTS:
        d = root / "data" / client
        cfg = _cfg(root, client)
        assert keys <= set(cfg), client
        assert cfg["sale_stage"] in cfg["stages"] and len(cfg["stages"]) == 6
        assert set(cfg["tables"]) == set(TABLES)
        for src in cfg["tables"].values():
            assert (d / src["path"]).exists()
        for name in ("codebook.yaml", "planted.yaml", "planted_codes.csv", "planted_mention_codes.csv",
                     "planted_pii.csv"):
            assert (d / name).exists(), (client, name)
        assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for v in cfg["brand"].values())
        assert {t["stage"] for t in cfg["touchpoints"]} <= set(cfg["stages"])


def test_clients_differ_in_industry_and_planted_targets(root):
    cfgs = {c: _cfg(root, c) for c in DEMO_CLIENTS}
    eff = {c: _planted(root, c)["effects"] for c in DEMO_CLIENTS}
    tps = [{t["id"] for t in cfgs[c]["touchpoints"]} for c in DEMO_CLIENTS]
    assert not (tps[0] & tps[1]) and not (tps[0] & tps[2]) and not (tps[1] & tps[2])
    assert len({tuple(cfgs[c]["stages"]) for c in DEMO_CLIENTS}) == 3
    assert len({cfgs[c]["brand"]["primary"] for c in DEMO_CLIENTS}) == 3
    assert len({tuple(cfgs[c]["segments"]) for c in DEMO_CLIENTS}) == 3
    for path in (("repeated_info", "channel"), ("channel_inconsistency", "channel"),
                 ("theme_concentration", "theme"), ("theme_concentration", "segment")):
        values = [eff[c][path[0]][path[1]] for c in DEMO_CLIENTS]
        assert len(set(values)) == 3, path


def test_excel_customers_have_a_title_row_and_raw_names(root):
    cfg = _cfg(root, "bluebird-retail")["tables"]["customers"]
    assert cfg["format"] == "excel" and cfg["skip_rows"] == 1 and cfg["columns"]
    raw = pd.read_excel(root / "data" / "bluebird-retail" / cfg["path"], header=None, nrows=3)
    assert "Bluebird Retail" in str(raw.iloc[0, 0]) and raw.iloc[0, 1:].isna().all()
    assert list(raw.iloc[1]) == list(cfg["columns"])


def test_qualtrics_export_layout(root):
    path = root / "data" / "crest-insurance" / "responses_qualtrics.csv"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    head = pd.read_csv(path, header=None, nrows=3, dtype=str, encoding="utf-8-sig")
    ids = list(head.iloc[0])
    assert ids[:9] == ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
                       "Finished", "RecordedDate", "ResponseId"]
    assert {"Q1", "Q2", "Q3", "Q5"} <= set(ids)
    assert head.iloc[1, ids.index("Q1")].startswith("How likely")
    assert json.loads(head.iloc[2, ids.index("Q1")]) == {"ImportId": "QID1"}
    body = pd.read_csv(path, skiprows=[1, 2], dtype=str, encoding="utf-8-sig")
    assert (body["Status"] == "Survey Preview").sum() == 3 and (body["Status"] == "Spam").sum() == 2
    assert body["ResponseId"].str.fullmatch(r"R_[A-Za-z0-9]{15}").all() and body["ResponseId"].is_unique
    cols = _cfg(root, "crest-insurance")["tables"]["responses"]["columns"]
    assert set(cols) <= set(ids) and "survey" not in body.columns


# ------------------------------------------------------------------------------------------------
# schema conformity (planted invalid rows aside)
# ------------------------------------------------------------------------------------------------
#: Optional columns of the data model for clients' own exports that the demo clients do not carry.
_REAL_EXPORTS_ONLY = {("responses", c) for c in ("satisfied", "stars", "recommend", "segment", "region", "company")} \
    | {("mentions", c) for c in ("title", "stars", "recommend", "company", "segment", "engagement")}


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_schema_conformity(root, tables, client):
    cfg = _cfg(root, client)
    allowed = {"stages": set(cfg["stages"]), "segments": set(cfg["segments"]), "channels": set(cfg["channels"]),
               "touchpoints": {t["id"] for t in cfg["touchpoints"]}}
    t = tables[client]
    for name, spec in TABLES.items():
        df = t[name]
        assert len(df) > 0
        for col in spec.columns:
            if (name, col.name) in _REAL_EXPORTS_ONLY and col.name not in df.columns:
                continue
            assert col.name in df.columns, (client, name, col.name)
            s = df[col.name]
            if not col.nullable:
                assert s.notna().all(), (client, name, col.name)
            v = s.dropna()
            if col.kind in ("int", "float") and len(v):
                x = _num(v)
                if col.low is not None:
                    assert x.min() >= col.low, (name, col.name)
                if col.high is not None:
                    assert x.max() <= col.high, (name, col.name)
                if col.kind == "int":
                    assert (x == np.round(x)).all()
            if col.kind in ("date", "datetime") and len(v):
                pd.to_datetime(v, format="mixed")
            if col.allowed is not None and len(v):
                ok = allowed[col.allowed] if isinstance(col.allowed, str) else set(col.allowed)
                assert set(v.astype(str)) <= ok, (name, col.name, set(v.astype(str)) - ok)
        if spec.key:
            assert df[spec.key].is_unique, (name, spec.key)
    r = t["responses"]
    ratings = rating_columns(r.columns)
    assert sorted(ratings) == sorted(f"rating_{x}" for x in allowed["touchpoints"])
    vals = r[ratings].to_numpy(dtype="float64")
    assert np.isin(vals[~np.isnan(vals)], [1, 2, 3, 4, 5]).all()
    cust = set(t["customers"]["customer_id"])
    assert set(t["interactions"]["customer_id"]) <= cust and set(r["customer_id"]) <= cust
    assert set(r["interaction_id"].dropna()) <= set(t["interactions"]["interaction_id"])
    assert len(t["customers"]) == N


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_journey_structure(tables, client):
    t = tables[client]
    it, cu = t["interactions"], t["customers"]
    per = len(it) / len(cu)
    assert 12 <= per <= 20
    assert it["occurred_at"].max() < PERIOD_END
    # nothing happens after a customer left
    c = cu.assign(churned_on=pd.to_datetime(cu["churned_on"]))
    last = it.groupby("customer_id")["occurred_at"].max()
    gone = c[c["churned"].fillna(False).to_numpy(bool)].set_index("customer_id")["churned_on"]
    assert (last.reindex(gone.index) < gone + pd.Timedelta(days=1)).all()
    assert 0.08 < c["churned"].mean() < 0.3
    # cases: 1-4 contacts, one customer each, only the last contact can be resolved
    cases = it.dropna(subset=["case_id"]).sort_values(["case_id", "occurred_at"])
    size = cases.groupby("case_id").size()
    assert size.between(1, 4).all() and (size > 1).any()
    assert (cases.groupby("case_id")["customer_id"].nunique() == 1).all()
    not_last = cases.groupby("case_id").cumcount(ascending=False) > 0
    assert not cases.loc[not_last.to_numpy(), "resolved"].any()
    hand = cases.groupby("case_id")["department"].nunique()
    assert (hand > 1).mean() > 0.05
    # a journey starts before or at the buying stage
    first = it.sort_values("occurred_at").groupby("customer_id")["stage"].first()
    stages = list(dict.fromkeys(it["stage"]))
    assert first.isin(stages).all()


# ------------------------------------------------------------------------------------------------
# determinism
# ------------------------------------------------------------------------------------------------
def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a, b, c = (generate_demo(tmp_path / x, n_customers=120, seed=s) for x, s in (("a", 3), ("b", 3), ("c", 4)))
    for da, db, dc in zip(a, b, c):
        names = sorted(p.name for p in da.iterdir())
        assert names == sorted(p.name for p in db.iterdir())
        for name in names:
            assert (da / name).read_bytes() == (db / name).read_bytes(), (da.name, name)
        resp = next(n for n in names if n.startswith("responses"))
        assert (da / resp).read_bytes() != (dc / resp).read_bytes()
        assert (da / "customers.csv").exists() or (da / "customers.xlsx").exists()


# ------------------------------------------------------------------------------------------------
# planted.yaml and the planted effects, checked on the raw data
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_planted_yaml_has_every_documented_key(root, client):
    p = _planted(root, client)
    assert p["client"] == client and p["seed"] == SEED and p["n_customers"] == N
    e = p["effects"]
    expected = {
        "key_driver": {"touchpoint"}, "post_sale_decay": {"peak_stage", "later_stages", "drop"},
        "delivery_gap": {"touchpoints"}, "repeated_info": {"channel", "rate", "baseline_rate"},
        "silent_waits": {"nps_effect_per_silent_case"}, "channel_inconsistency": {"touchpoint", "channel"},
        "theme_concentration": {"theme", "segment"}, "churn_link": {"sign", "journey_beats_single_touchpoint"},
        "comment_themes": {"file"},
    }
    for key, sub in expected.items():
        assert sub <= set(e[key]), key
        assert all(e[key][s] not in (None, "", []) for s in sub), key
    assert e["no_gap_touchpoints"]
    assert not set(e["no_gap_touchpoints"]) & set(e["delivery_gap"]["touchpoints"])
    assert e["churn_link"]["sign"] == "negative" and e["churn_link"]["journey_beats_single_touchpoint"] is True
    assert e["theme_concentration"]["theme"] in LEAF_THEMES
    assert p["pii_comments"] > 0 and p["hostile_comments"] > 0
    assert {"invalid_rows", "invalid_ids", "speeders", "duplicate_respondents"} <= set(p["data_quality"])


def _johnson_weights(X: pd.DataFrame, y: pd.Series) -> pd.Series:
    """Johnson's relative weights from the correlation matrix (numpy only)."""
    R = np.corrcoef(X.to_numpy().T)
    rxy = np.array([np.corrcoef(X[c], y)[0, 1] for c in X.columns])
    ev, V = np.linalg.eigh(R)
    L = V @ np.diag(np.sqrt(np.clip(ev, 0, None))) @ V.T
    beta = np.linalg.solve(L, rxy)
    return pd.Series((L ** 2) @ beta ** 2, index=X.columns)


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_key_driver_ranks_first(root, tables, client):
    key = "rating_" + _planted(root, client)["effects"]["key_driver"]["touchpoint"]
    r = tables[client]["responses"]
    rel = r[r["survey"] == "relationship"]
    X = rel[rating_columns(rel.columns)]
    Xi = X.fillna(X.mean())
    w = _johnson_weights(Xi, rel["nps"])
    assert w.idxmax() == key and w[key] > 3 * w.drop(key).max()
    # relative weights sum to the R² of the OLS fit (numpy least squares as the reference)
    design = np.c_[np.ones(len(Xi)), Xi]
    resid = rel["nps"] - design @ np.linalg.lstsq(design, rel["nps"], rcond=None)[0]
    r2 = 1 - np.sum(resid ** 2) / np.sum((rel["nps"] - rel["nps"].mean()) ** 2)
    assert w.sum() == pytest.approx(r2, abs=1e-8)
    assert rel[X.columns].corrwith(rel["nps"]).idxmax() == key


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_post_sale_decay(root, tables, client):
    e = _planted(root, client)["effects"]["post_sale_decay"]
    t = tables[client]
    tx = t["responses"].merge(t["interactions"][["interaction_id", "stage"]], on="interaction_id")
    by = tx.groupby("stage")["csat"].mean()
    peak = by[e["peak_stage"]]
    assert by.idxmax() == e["peak_stage"]
    later = by[e["later_stages"]]
    assert (later < peak - 0.3).all()
    assert peak - later.mean() == pytest.approx(e["drop"], abs=0.02)
    assert e["drop"] > 0.8


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_delivery_gap(root, tables, client):
    e = _planted(root, client)["effects"]
    t = tables[client]
    sa = t["self_assessment"].set_index("touchpoint")
    r = t["responses"]
    for tp in e["delivery_gap"]["touchpoints"]:
        col = r[f"rating_{tp}"].dropna()
        assert int(sa.loc[tp, "self_rating"]) == 5 and _flag(sa["believes_superior"])[tp]
        assert (col == 5).mean() < 0.25 and len(col) > 100
    for tp in e["no_gap_touchpoints"]:
        mean = r[f"rating_{tp}"].mean()
        assert abs(int(sa.loc[tp, "self_rating"]) - mean) <= 0.6
        assert not _flag(sa["believes_superior"])[tp]


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_repeated_info_channel(root, tables, client):
    e = _planted(root, client)["effects"]["repeated_info"]
    it = tables[client]["interactions"]
    rate = it.groupby("channel")["asked_known_info"].mean()
    assert rate.idxmax() == e["channel"]
    assert rate[e["channel"]] > 2.5 * rate.drop(e["channel"]).max()
    assert rate[e["channel"]] == pytest.approx(e["rate"], abs=0.002)


def _friction(it: pd.DataFrame) -> pd.DataFrame:
    """Per customer: asked_known_info, repeat contacts, silent cases, unresolved cases, hand-offs."""
    c = it.dropna(subset=["case_id"]).sort_values(["case_id", "occurred_at"])
    silent = (c["wait_minutes"] >= 2880) & (c["updates_sent"] == 0)
    case = c.assign(silent=silent.astype(int), handoff=(c.groupby("case_id")["department"].shift() != c["department"])
                    & c.groupby("case_id").cumcount().gt(0)).groupby("case_id").agg(
        customer_id=("customer_id", "first"), n=("interaction_id", "size"), silent=("silent", "max"),
        unresolved=("resolved", lambda s: not bool(s.iloc[-1])), handoffs=("handoff", "sum"))
    per = case.groupby("customer_id").agg(repeats=("n", lambda s: int((s - 1).sum())), silent=("silent", "sum"),
                                          unresolved=("unresolved", "sum"), handoffs=("handoffs", "sum"))
    known = it.groupby("customer_id")["asked_known_info"].sum().rename("known")
    out = pd.concat([known, per], axis=1).fillna(0)
    out["friction"] = out.sum(axis=1)
    return out


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_silent_waits_lower_nps(root, tables, client):
    t = tables[client]
    fr = _friction(t["interactions"])
    assert fr["silent"].sum() == _planted(root, client)["effects"]["silent_waits"]["n_silent_cases"]
    r = t["responses"]
    rel = r[r["survey"] == "relationship"].join(fr, on="customer_id")
    with_silent = rel.loc[rel["silent"] > 0, "nps"].mean()
    without = rel.loc[rel["silent"] == 0, "nps"].mean()
    assert with_silent < without - 0.5
    slope = np.polyfit(rel["silent"], rel["nps"], 1)[0]
    assert slope < -0.4


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_channel_inconsistency(root, tables, client):
    e = _planted(root, client)["effects"]["channel_inconsistency"]
    t = tables[client]
    tx = t["responses"].merge(t["interactions"][["interaction_id", "touchpoint", "channel"]], on="interaction_id")
    tx = tx[tx["touchpoint"] == e["touchpoint"]]
    by = tx.groupby("channel")["csat"].agg(["mean", "size"])
    by = by[by["size"] >= 10]
    assert by["mean"].idxmin() == e["channel"]
    assert by["mean"].drop(e["channel"]).min() - by.loc[e["channel"], "mean"] > 0.7


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_theme_concentration(root, tables, client):
    e = _planted(root, client)["effects"]["theme_concentration"]
    t = tables[client]
    codes = pd.read_csv(root / "data" / client / "planted_codes.csv", dtype=str)
    r = t["responses"].dropna(subset=["comment"])
    seg = r["customer_id"].map(t["customers"].set_index("customer_id")["segment"])
    has = r["response_id"].isin(codes.loc[codes["theme"] == e["theme"], "response_id"])
    inside, outside = has[seg == e["segment"]].mean(), has[seg != e["segment"]].mean()
    assert inside > 4 * outside and inside > 0.25


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_churn_follows_the_journey_not_one_touchpoint(root, tables, client):
    t = tables[client]
    fr = _friction(t["interactions"])
    cu = t["customers"].set_index("customer_id")
    y = cu["churned"].astype(bool)
    f_all = fr["friction"].reindex(cu.index).fillna(0)
    assert roc_auc_score(y, f_all) > 0.7
    r = t["responses"]
    rel = r[r["survey"] == "relationship"].drop_duplicates("customer_id").set_index("customer_id")
    best = 0.0
    for col in rating_columns(rel.columns):
        s = rel[col].dropna()
        auc_single = roc_auc_score(y[s.index], -s)
        auc_journey = roc_auc_score(y[s.index], f_all[s.index])
        assert auc_journey > auc_single + 0.1, col
        best = max(best, auc_single)
    assert roc_auc_score(y[rel.index], f_all[rel.index]) > best + 0.15
    # good touchpoints, poor journey: ratings fine, friction high, churn high
    gt = _planted(root, client)["effects"]["good_touchpoints_poor_journey"]["customer_ids"]
    assert len(gt) >= 10
    g = rel[rel.index.isin(gt)]
    assert g[rating_columns(rel.columns)].stack().mean() > rel[rating_columns(rel.columns)].stack().mean()
    assert f_all[gt].median() > 4 * f_all.median() and y[gt].mean() > 2 * y.mean()


# ------------------------------------------------------------------------------------------------
# comments: themes, negation decoys, personal data, hostile text
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_planted_codes_point_at_comments(root, tables, client):
    codes = pd.read_csv(root / "data" / client / "planted_codes.csv", dtype=str)
    r = tables[client]["responses"]
    with_comment = set(r.loc[r["comment"].notna(), "response_id"])
    assert set(codes["response_id"]) <= with_comment
    assert set(codes["theme"]) <= set(LEAF_THEMES) and len(set(codes["theme"])) >= 14
    assert codes.groupby("response_id").size().max() <= 3
    assert not codes.duplicated().any()
    mcodes = pd.read_csv(root / "data" / client / "planted_mention_codes.csv", dtype=str)
    assert set(mcodes["mention_id"]) <= set(tables[client]["mentions"]["mention_id"])
    # themes follow experience: repeat-information comments come from customers who repeated information
    fr = _friction(tables[client]["interactions"])
    rep = codes.loc[codes["theme"] == "effort.repeat_information", "response_id"]
    rel = r[(r["survey"] == "relationship") & r["response_id"].isin(rep)]
    assert (fr["known"].reindex(rel["customer_id"]).fillna(0) > 0).mean() > 0.7


def test_negated_decoys_are_not_planted(root, tables):
    n_seen = 0
    for client in DEMO_CLIENTS:
        codes = pd.read_csv(root / "data" / client / "planted_codes.csv", dtype=str)
        for phrase, theme in (("not rude at all|nobody was rude", "staff.rude_staff"),
                              ("no hidden fees|no surprise charges", "billing.unexpected_charges")):
            ids = set(codes.loc[codes["theme"] == theme, "response_id"])
            r = tables[client]["responses"].dropna(subset=["comment"])
            decoy = r.loc[r["comment"].str.contains(phrase, case=False, regex=True), "response_id"]
            n_seen += len(decoy)
            assert not set(decoy) & ids, (client, theme)
    assert n_seen > 0


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_pii_and_hostile_comments_present_and_counted(root, tables, client):
    p = _planted(root, client)
    pii = pd.read_csv(root / "data" / client / "planted_pii.csv", dtype=str)
    pii["is_pii"] = pii["is_pii"] == "True"
    r = tables[client]["responses"].set_index("response_id")
    m = tables[client]["mentions"].set_index("mention_id")
    text = {"responses": r["comment"], "mentions": m["text"]}
    for row in pii.itertuples():
        assert row.value in text[row.table][row.row_id]
    rp = pii[(pii["table"] == "responses") & pii["is_pii"]]
    assert rp["row_id"].nunique() == p["pii_comments"]
    assert rp["kind"].value_counts().to_dict() == {k: v for k, v in p["pii_by_kind"].items() if v}
    assert set(rp["kind"]) == set(PII_KINDS)
    for v in pii.loc[pii["kind"] == "card", "value"]:
        assert luhn_ok(re.sub(r"\D", "", v))
    for v in pii.loc[pii["kind"] == "iban", "value"]:
        assert iban_ok(v)
    orders = pii.loc[pii["kind"] == "order_number", "value"]
    assert len(orders) > 0 and not any(luhn_ok(re.sub(r"\D", "", v)) for v in orders)
    assert (pii["kind"] == "date").any()
    comments = r["comment"].dropna()
    n_hostile = sum(comments.str.contains(payload, regex=False).sum() for payload in HOSTILE_PAYLOADS.values())
    assert n_hostile >= p["hostile_comments"]
    for kind, payload in HOSTILE_PAYLOADS.items():
        assert comments.str.contains(payload, regex=False).any(), kind
    assert comments.str.startswith("=HYPERLINK(").any()


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_planted_invalid_rows_present(root, client):
    p = _planted(root, client)["data_quality"]
    for table in ("customers", "interactions", "responses", "mentions"):
        df = _raw(root, client, table)
        key = TABLES[table].key
        bad = df[df[key].astype(str).isin(p["invalid_ids"][table])]
        assert len(bad) == sum(p["invalid_rows"][table].values()) == len(p["invalid_ids"][table])
    r = _raw(root, client, "responses")
    bad = r[r["response_id"].isin(p["invalid_ids"]["responses"])]
    assert (pd.to_numeric(bad["nps"]) == 11).sum() == 2
    assert pd.to_datetime(bad["answered_at"], errors="coerce", format="%Y-%m-%d %H:%M:%S").isna().sum() == 2
    cust = set(_raw(root, client, "customers")["customer_id"])
    assert (~bad["customer_id"].isin(cust)).sum() == 2


@pytest.mark.parametrize("client", DEMO_CLIENTS)
def test_speeders_straightliners_duplicates(root, tables, client):
    p = _planted(root, client)["data_quality"]
    r = tables[client]["responses"]
    med = r.groupby("survey")["duration_seconds"].transform("median")
    assert (r["duration_seconds"] < 0.33 * med).sum() == p["speeders"]
    rat = r[rating_columns(r.columns)]
    straight = (rat.notna().sum(axis=1) >= 4) & (rat.max(axis=1) == rat.min(axis=1))
    assert straight.sum() == p["straightliners_total"] >= p["straightliners_planted"] > 0
    rel = r[r["survey"] == "relationship"]
    assert rel["customer_id"].duplicated().sum() == p["duplicate_respondents"] > 0


# ------------------------------------------------------------------------------------------------
# the lead's validator quarantines exactly what was planted
# ------------------------------------------------------------------------------------------------
def test_validator_quarantines_the_planted_rows(root):
    workspace = pytest.importorskip("cxlib.workspace")
    for client in DEMO_CLIENTS:
        ws = workspace.open_client(client, root=root)
        p = _planted(root, client)["data_quality"]
        rec = ws.reconciliation.set_index("table")
        for table in ("customers", "interactions", "mentions"):
            assert rec.loc[table, "rows_quarantined"] == sum(p["invalid_rows"][table].values()), (client, table)
        extra = sum(p.get("qualtrics_excluded", {}).values())
        expected = sum(p["invalid_rows"]["responses"].values()) + p["speeders"] + p["duplicate_respondents"] + extra
        assert rec.loc["responses", "rows_quarantined"] == expected, client
        assert (rec["rows_read"] == rec["rows_used"] + rec["rows_quarantined"]).all()


# ------------------------------------------------------------------------------------------------
# helpers against references
# ------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=2, max_size=60))
def test_auc_matches_sklearn(pairs):
    score = np.array([p[0] for p in pairs], float)
    y = np.array([p[1] for p in pairs])
    if y.all() or not y.any():
        assert np.isnan(_auc(score, y))
    else:
        assert _auc(score, y) == pytest.approx(roc_auc_score(y, score))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_pii_values_are_valid(seed):
    import random

    rnd = random.Random(seed)
    _, card = pii_snippet("card", rnd)
    assert luhn_ok(re.sub(r"\D", "", card)) and len(re.sub(r"\D", "", card)) == 16
    _, iban = pii_snippet("iban", rnd)
    assert iban_ok(iban)


def test_luhn_and_iban_known_answers():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB83 WEST 1234 5698 7654 32")
    assert iban_ok("DE89370400440532013000")
