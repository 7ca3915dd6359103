"""The client-level settings of a proposed client.yaml: name, outcome, benchmark, period, stages, segments,
touchpoints.

Settings that only an interaction log or a CRM extract can give (stages, channels, segments) are
proposed only when those files are there; a survey-only or reviews-only client gets none of them.

Examples
--------
>>> display_name_from(["How likely are you to recommend ACME Telecom to a friend or colleague?"])
'ACME Telecom'
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
from cxlib.schema import CHANNELS, OUTCOMES, RATING_PREFIX, best_outcome, outcome_columns

__all__ = ["propose_settings", "display_name_from", "client_value"]

_RECOMMEND_WHOM = re.compile(r"(?i)\brecommend\s+(?:the\s+)?(.+?)\s+to\s+(?:a|your|friends?|family|others|someone|"
                             r"colleagues?)\b")
_GENERIC = re.compile(r"(?i)^(us|our|this|the|it|them|our (?:company|service|product|app|store|brand)|"
                      r"(?:this|the) (?:company|service|product|app|store|brand|workshop|session|course|event|"
                      r"training|survey))$")


def display_name_from(questions) -> str | None:
    """The company a recommend question names ("…recommend ACME to a friend…" -> "ACME"), or None.

    >>> display_name_from(["How likely are you to recommend us to a friend?"]) is None
    True
    """
    for q in questions:
        m = _RECOMMEND_WHOM.search(str(q))
        if m and not _GENERIC.match(m.group(1).strip()) and len(m.group(1)) <= 60:
            return m.group(1).strip(" \"'")
    return None


def client_value(client: str, values: pd.Series) -> tuple[str | None, bool]:
    """(the value of a company column that is the client, whether it matched the client's name).

    The client's name (``virgin-america``) is compared with each value ("Virgin America"); with no
    match, the most frequent value is proposed.

    >>> client_value("virgin-america", pd.Series(["Delta", "Virgin America", "Delta"]))
    ('Virgin America', True)
    >>> client_value("acme", pd.Series(["Delta", "United", "Delta"]))
    ('Delta', False)
    """
    counts = values.dropna().astype("string").str.strip().value_counts()
    if counts.empty:
        return None, False
    want = norm_name(client)
    for value in counts.index:
        name = norm_name(value)
        if name == want or (len(want) >= 4 and len(name) >= 4 and (name.startswith(want) or want.startswith(name))):
            return str(value), True
    return str(counts.index[0]), False


def propose_settings(b: Builder, client: str, chosen: dict[str, tuple[list[FileInspection], ColumnMapping]]) -> dict:
    """The client-level settings of the proposal, from the files chosen for each table."""
    get = lambda t: chosen.get(t, (None, None))  # noqa: E731
    inter_files, inter_map = get("interactions")
    cust_files, cust_map = get("customers")
    resp_files, resp_map = get("responses")
    ment_files, ment_map = get("mentions")
    cfg: dict[str, Any] = {"display_name": " ".join(w.capitalize() for w in re.split(r"[-_]+", client) if w)}
    notes: list[str] = []
    _name_outcome_benchmark(b, client, cfg, [(resp_files, resp_map), (ment_files, ment_map)], notes)
    if cust_map is not None:
        _currency(b, cfg, cust_map)
    _period(b, cfg, [(resp_files, resp_map, "answered_at", "responses"),
                     (ment_files, ment_map, "posted_at", "mentions")], notes)
    if notes:
        b.comments[("display_name",)] = "; ".join(notes)
    if inter_map is not None:
        _journey(b, cfg, inter_files, inter_map)
    if cust_map is not None:
        _segments(b, cfg, cust_files, cust_map)
    if inter_map is not None:
        _channels(b, cfg, inter_files, inter_map)
    _touchpoints(b, cfg, inter_files, inter_map, resp_files, resp_map)
    cfg["min_n"] = 30
    cfg["min_n_quotes"] = 50
    b.comments[("min_n",)] = "groups with fewer answers show no score (the client's own overall score is always shown)"
    b.comments[("min_n_quotes",)] = "no verbatim quotes from groups smaller than this"
    return cfg


def _name_outcome_benchmark(b: Builder, client: str, cfg: dict, voice, notes: list[str]) -> None:
    guessed = cfg["display_name"]
    named = None
    for files, mapping in voice:
        if not files:
            continue
        named = named or display_name_from([q for f in files for q in f.questions.values()]
                                           + [c for f in files for c in f.columns["column"]])
        company = raw_for(mapping, "company")
        if company and "benchmark" not in cfg:
            values = column_values(files, company)
            value, matched = client_value(client, values)
            if value is None:
                continue
            top = values.value_counts().head(8).index.tolist()
            cfg["benchmark"] = {"client": value}
            named = value
            why = "its name matches the client's" if matched else \
                f"the most frequent: no value matches the client's name {client!r}"
            b.flag(("benchmark", "client"), f"`{company}` names {values.nunique()} companies; the client is "
                                            f"{value!r} ({why}); the others become its benchmark: confirm which "
                                            "value is the client", value, tuple(top))
    if named:
        cfg["display_name"] = named
        notes.append("display name from the data")
    else:
        b.flag(("display_name",), f"the client's name as the report shows it: {guessed!r} comes from the client's "
                                  "folder name only; write the company's name: confirm", guessed)
    present: list[str] = []
    for _, mapping in voice:
        if mapping:
            present += [c for c in outcome_columns(mapping.columns.values()) if c not in present]
    if len(present) > 1:
        best = best_outcome(present)
        cfg["outcome"] = best
        label = OUTCOMES[best].label if best in OUTCOMES else "a further recommend question"
        b.flag(("outcome",), f"the data has several outcomes ({', '.join(present)}); the headline and the key "
                             f"drivers report {best} ({label}): confirm or choose another", best, tuple(present))
    elif present:
        notes.append(f"the outcome reported is {present[0]}")
    elif any(m for _, m in voice):
        notes.append("no score in the data: the report counts and codes the comments")


def _currency(b: Builder, cfg: dict, cust_map: ColumnMapping) -> None:
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


def _period(b: Builder, cfg: dict, sources, notes: list[str]) -> None:
    for files, mapping, canon, table in sources:
        when_raw = raw_for(mapping, canon)
        if not when_raw:
            continue
        dates = parsing.coerce(column_values(files, when_raw), "datetime",
                               dayfirst=b.dayfirst.get(table)).values.dropna()
        if len(dates):
            cfg["period"] = {"start": dates.min().date().isoformat(), "end": dates.max().date().isoformat()}
            b.comments[("period",)] = f"first and last date in `{when_raw}` ({table})"
            return
    if any(m for _, m, _, _ in sources):
        notes.append("no dates in the files: the report is undated (no trend)")


def _journey(b: Builder, cfg: dict, inter_files, inter_map) -> None:
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


def _segments(b: Builder, cfg: dict, cust_files, cust_map) -> None:
    seg_raw = raw_for(cust_map, "segment")
    seg_values = column_values(cust_files, seg_raw) if cust_files else pd.Series([], dtype="string")
    if len(seg_values):
        counts = seg_values.value_counts()
        cfg["segments"] = sorted(counts.index.tolist())
        many = " (many values: is this really a segment?)" if len(counts) > 20 else ""
        b.flag(("segments",), f"segments {', '.join(cfg['segments'][:12])} are the values of `{seg_raw}` in "
                              f"{cust_files[0].path.name}{many}; confirm", cfg["segments"])


def _channels(b: Builder, cfg: dict, inter_files, inter_map) -> None:
    ch_raw = raw_for(inter_map, "channel")
    ch_values = column_values(inter_files, ch_raw) if inter_files else pd.Series([], dtype="string")
    if not len(ch_values):
        return
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


def _touchpoints(b: Builder, cfg: dict, inter_files, inter_map, resp_files, resp_map) -> None:
    """Touchpoints from the interaction log, then from the survey's rating columns."""
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
    for raw, canon in (resp_map.columns.items() if resp_map else []):
        if canon.startswith(RATING_PREFIX) and canon[len(RATING_PREFIX):] not in tps:
            tid = canon[len(RATING_PREFIX):]
            q = resp_files[0].questions.get(raw, "") or (raw if len(raw.split()) >= 2 else "")
            label = re.split(r"\s+[-\u2013:]\s+", q)[-1].strip() if q else tid.replace("_", " ").capitalize()
            tps[tid] = {"id": tid, "label": label[:60] or tid}
    if tps:
        cfg["touchpoints"] = list(tps.values())
        source = f"the values of `{tp_raw}`" if tp_raw else "the rating columns of the survey"
        b.flag(("touchpoints",), f"{len(tps)} touchpoint(s) from {source}" + (
            ", stage and department from the most frequent ones" if tp_raw else "") + ": confirm ids, labels "
                                 "and stages", cfg["touchpoints"])
        if bad_ids:
            b.flag(("touchpoints", "ids"), f"touchpoint values {', '.join(repr(v) for v in bad_ids[:5])} are not "
                                           "valid ids (letters, digits, _); the ids proposed will not match the "
                                           "file's values, so recode the export's values to the ids: confirm",
                   None)
    elif inter_map is not None:
        cfg["touchpoints"] = [{"id": "overall", "label": "Overall experience"}]
        b.flag(("touchpoints",), "no touchpoints in the interaction log: a single `overall` placeholder; replace "
                                 "with the client's touchpoints", cfg["touchpoints"])
