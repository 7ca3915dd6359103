"""The client-level settings of a proposed client.yaml: name, currency, period, stages, segments, touchpoints.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from cxlib.ingest import parsing
from cxlib.onboard.entry import column_values, raw_for
from cxlib.onboard.inspect import FileInspection
from cxlib.onboard.mapping import ColumnMapping
from cxlib.onboard.proposal import Builder
from cxlib.onboard.vocabulary import CURRENCIES, SALE_WORDS, norm_name, slug, stage_rank
from cxlib.schema import CHANNELS, RATING_PREFIX

__all__ = ["propose_settings"]

def propose_settings(b: Builder, client: str, chosen: dict[str, tuple[list[FileInspection], ColumnMapping]]) -> dict:
    get = lambda t: chosen.get(t, (None, None))  # noqa: E731
    inter_files, inter_map = get("interactions")
    cust_files, cust_map = get("customers")
    resp_files, resp_map = get("responses")
    cfg: dict[str, Any] = {"display_name": " ".join(w.capitalize() for w in re.split(r"[-_]+", client) if w)}
    # currency: from a value column's name when it says
    currency = None
    value_raw = raw_for(cust_map, "annual_value")
    if value_raw:
        low = value_raw.lower()
        currency = next((code for sym, code in CURRENCIES.items() if sym in low), None)
    cfg["currency"] = currency or "EUR"
    if currency:
        b.comments[("currency",)] = f"from the column name `{value_raw}`"
    elif value_raw:
        b.flag(("currency",), f"customers have values (column `{value_raw}`) but no currency was found: EUR? confirm",
               "EUR")
    # period: the survey dates
    when_raw = raw_for(resp_map, "answered_at")
    if when_raw:
        dates = parsing.coerce(column_values(resp_files, when_raw), "datetime",
                               dayfirst=b.dayfirst.get("responses")).values.dropna()
        if len(dates):
            cfg["period"] = {"start": dates.min().date().isoformat(), "end": dates.max().date().isoformat()}
            b.comments[("period",)] = f"first and last answer in `{when_raw}`"
    # stages
    stage_raw = raw_for(inter_map, "stage")
    stage_values = column_values(inter_files, stage_raw) if inter_files else pd.Series([], dtype="string")
    if len(stage_values):
        found = list(dict.fromkeys(stage_values.tolist()))
        order = sorted(found, key=lambda s: (stage_rank(s), found.index(s)))
        cfg["stages"] = order
        b.flag(("stages",), f"stages {', '.join(order)} are the values of `{stage_raw}` in "
                            f"{inter_files[0].path.name}, ordered by usual lifecycle order: is this the order of "
                            "the client's journey? confirm", order)
    else:
        cfg["stages"] = ["discover", "buy", "onboard", "use", "support", "renew"]
        b.flag(("stages",), "no lifecycle stage column was found: using the default stages; confirm or replace "
                            "with the client's", cfg["stages"])
    sale = next((s for s in cfg["stages"] if any(norm_name(s).startswith(w) for w in SALE_WORDS)), None)
    cfg["sale_stage"] = sale or cfg["stages"][min(1, len(cfg["stages"]) - 1)]
    if sale is None:
        b.flag(("sale_stage",), f"no stage looks like the sale: `{cfg['sale_stage']}`? confirm", cfg["sale_stage"],
               tuple(cfg["stages"]))
    # segments
    seg_raw = raw_for(cust_map, "segment")
    seg_values = column_values(cust_files, seg_raw) if cust_files else pd.Series([], dtype="string")
    if len(seg_values):
        counts = seg_values.value_counts()
        cfg["segments"] = sorted(counts.index.tolist())
        many = " (many values: is this really a segment?)" if len(counts) > 20 else ""
        b.flag(("segments",), f"segments {', '.join(cfg['segments'][:12])} are the values of `{seg_raw}` in "
                              f"{cust_files[0].path.name}{many}; confirm", cfg["segments"])
    else:
        cfg["segments"] = ["all"]
        b.comments[("segments",)] = "no customer segments in the data (a CRM extract would give them)"
    # channels
    ch_raw = raw_for(inter_map, "channel")
    ch_values = column_values(inter_files, ch_raw) if inter_files else pd.Series([], dtype="string")
    if len(ch_values):
        found = sorted(set(ch_values.tolist()))
        if set(found) <= set(CHANNELS):
            cfg["channels"] = [c for c in CHANNELS if c in found]
            b.comments[("channels",)] = f"values of `{ch_raw}`"
        else:
            cfg["channels"] = found
            odd = [c for c in found if c not in CHANNELS]
            b.flag(("channels",), f"channel values {', '.join(odd[:8])} in `{ch_raw}` are not the standard names "
                                  f"({', '.join(CHANNELS)}); they are listed as found and compared exactly: "
                                  "confirm (or recode them in the export)", found)
    # touchpoints: from interactions, then from rating columns
    tps: dict[str, dict] = {}
    tp_raw = raw_for(inter_map, "touchpoint")
    bad_ids = []
    if tp_raw:
        frame = pd.concat([f.sample for f in inter_files], ignore_index=True)
        values = column_values(inter_files, tp_raw)
        for value in dict.fromkeys(values.tolist()):
            tid = value if re.fullmatch(r"[A-Za-z0-9_]+", value) else slug(value)
            if tid != value:
                bad_ids.append(value)
            item: dict[str, Any] = {"id": tid, "label": value.replace("_", " ").capitalize() if tid == value else value}
            rows = frame[frame[tp_raw].astype("string").str.strip() == value]
            for canon in ("stage", "department"):
                raw = raw_for(inter_map, canon)
                if raw:
                    mode = rows[raw].dropna().astype("string").str.strip().mode()
                    if len(mode):
                        item[canon] = str(mode.iloc[0])
            tps[tid] = item
    if resp_map:
        for raw, canon in resp_map.columns.items():
            if canon.startswith(RATING_PREFIX) and canon[len(RATING_PREFIX):] not in tps:
                tid = canon[len(RATING_PREFIX):]
                q = resp_files[0].questions.get(raw, "")
                label = re.split(r"\s+[-\u2013:]\s+", q)[-1].strip() if q else tid.replace("_", " ").capitalize()
                tps[tid] = {"id": tid, "label": label or tid}
    if tps:
        cfg["touchpoints"] = list(tps.values())
        source = f"the values of `{tp_raw}`" if tp_raw else "the rating columns of the survey"
        b.flag(("touchpoints",), f"{len(tps)} touchpoint(s) from {source}, stage and department from the most "
                                 "frequent ones: confirm ids, labels and stages", cfg["touchpoints"])
        if bad_ids:
            b.flag(("touchpoints", "ids"), f"touchpoint values {', '.join(repr(v) for v in bad_ids[:5])} are not "
                                           "valid ids (letters, digits, _); the ids proposed will not match the "
                                           "file's values, so recode the export's values to the ids: confirm",
                   None)
    else:
        cfg["touchpoints"] = [{"id": "overall", "label": "Overall experience"}]
        b.flag(("touchpoints",), "no touchpoints in the data (no interaction log, no rating columns): a single "
                                 "`overall` placeholder; replace with the client's touchpoints", cfg["touchpoints"])
    cfg["min_n"] = 30
    cfg["min_n_quotes"] = 50
    b.comments[("min_n",)] = "groups with fewer answers show no score"
    b.comments[("min_n_quotes",)] = "no verbatim quotes from groups smaller than this"
    return cfg

