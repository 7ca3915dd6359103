"""The journey index computed inside DuckDB, for data that should not be loaded into pandas first.

Same formulas and the same table as :func:`cxlib.analysis.journey.index.journey_index` (tested to
give equal numbers); the per-customer aggregation runs out of core, so memory stays bounded for
millions of interactions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cxlib.analysis.context import period_name
from cxlib.analysis.journey.common import require
from cxlib.analysis.journey.components import COMPONENTS, Aggregate, component_weights, finish_index
from cxlib.schema import rating_column

__all__ = ["PERIOD_SQL", "journey_index_duckdb"]


#: Period labels in DuckDB SQL, the same as :func:`cxlib.analysis.context.period_labels`.
PERIOD_SQL = {"month": "strftime({t}, '%Y-%m')", "quarter": "year({t}) || 'Q' || quarter({t})",
              "year": "CAST(year({t}) AS VARCHAR)"}


def journey_index_duckdb(con, *, interactions: str = "interactions", responses: str | None = "responses",
                         aggregate: Aggregate = "peak_end", half_life_days: float = 180.0,
                         weights: Mapping[str, float] | None = None, wait_target_minutes: float = 60.0,
                         silent_minutes: float = 2880.0, as_of: str | pd.Timestamp | None = None,
                         period: str | None = None, exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`journey_index` computed inside DuckDB, on tables or views of a connection.

    For data that should not be loaded into pandas first: ``ws.connect()`` (the validated store),
    or views over Parquet files (``CREATE VIEW interactions AS SELECT * FROM read_parquet('…')``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the two tables.
    interactions, responses : str, keyword-only
        Their table or view names (``responses=None``: no survey data).
    aggregate, half_life_days, weights, wait_target_minutes, silent_minutes, as_of, period, exclude_flags
        As in :func:`journey_index`; ``period`` is one of "month", "quarter", "year".

    Returns
    -------
    DataFrame
        Exactly the columns and rows of :func:`journey_index`.

    Notes
    -----
    Same formulas as :func:`journey_index` (tested to give equal numbers); the per-customer
    aggregation runs out of core in DuckDB, so memory stays bounded for millions of interactions.

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> con.execute("CREATE TABLE interactions AS SELECT 'a' AS interaction_id, 'c1' AS customer_id, "
    ...             "TIMESTAMP '2025-01-01' AS occurred_at, 'billing' AS touchpoint, 10.0 AS wait_minutes") and None
    >>> journey_index_duckdb(con, responses=None)[["customer_id", "wait", "journey_index"]].to_dict("records")
    [{'customer_id': 'c1', 'wait': 100.0, 'journey_index': 100.0}]
    """
    if aggregate not in ("peak_end", "recency", "mean"):
        raise ValueError(f"aggregate={aggregate!r}; expected 'peak_end', 'recency' or 'mean'.")
    if period is not None:
        period = period_name(period)
    if period is not None and period not in PERIOD_SQL:
        raise ValueError(f"period={period!r}; the DuckDB engine supports {sorted(PERIOD_SQL)}.")
    w = component_weights(weights)
    icols = {r[0] for r in con.execute(f'DESCRIBE "{interactions}"').fetchall()}
    require(pd.DataFrame(columns=sorted(icols)), ["interaction_id", "customer_id", "occurred_at", "touchpoint"],
             "interactions")

    def col(name: str, cols: set[str], sql_type: str = "DOUBLE") -> str:
        return f'CAST("{name}" AS {sql_type})' if name in cols else f"CAST(NULL AS {sql_type})"

    where = "" if as_of is None else f"WHERE occurred_at < TIMESTAMP '{pd.Timestamp(as_of).isoformat(sep=' ')}'"
    per_expr = "''" if period is None else PERIOD_SQL[period].format(t="occurred_at")
    inter_sql = f"""
        SELECT interaction_id, customer_id, occurred_at, touchpoint,
               {col("case_id", icols, "VARCHAR")} AS case_id, {col("department", icols, "VARCHAR")} AS department,
               {col("resolved", icols)} AS resolved, {col("asked_known_info", icols)} AS known,
               {col("wait_minutes", icols)} AS wait, {col("updates_sent", icols)} AS updates,
               {per_expr} AS period
        FROM "{interactions}" {where}"""
    if responses is not None:
        rcols = {r[0] for r in con.execute(f'DESCRIBE "{responses}"').fetchall()}
        tps = [r[0] for r in con.execute(f'SELECT DISTINCT touchpoint FROM "{interactions}" '
                                         'WHERE touchpoint IS NOT NULL ORDER BY 1').fetchall()]
        whens = " ".join(f"WHEN '{str(t).replace(chr(39), chr(39) * 2)}' THEN CAST(r.\"{rating_column(t)}\" AS DOUBLE)"
                         for t in tps if rating_column(t) in rcols)
        tp_rating = f"CASE i.touchpoint {whens} END" if whens else "CAST(NULL AS DOUBLE)"
        conds = ["r.interaction_id IS NOT NULL"]
        if "survey" in rcols:
            conds.append("r.survey = 'transactional'")
        conds += [f'COALESCE(NOT r."{f}", TRUE)' for f in exclude_flags if f in rcols]
        csat = 'CAST(r."csat" AS DOUBLE)' if "csat" in rcols else "CAST(NULL AS DOUBLE)"
        ces = 'CAST(r."ces" AS DOUBLE)' if "ces" in rcols else "CAST(NULL AS DOUBLE)"
        rated_sql = f"""
            SELECT r.interaction_id, avg(COALESCE({tp_rating}, {csat})) AS rating, avg({ces}) AS ces
            FROM "{responses}" r JOIN "{interactions}" i ON r.interaction_id = i.interaction_id
            WHERE {" AND ".join(conds)} GROUP BY r.interaction_id"""
    else:
        rated_sql = "SELECT NULL::VARCHAR AS interaction_id, NULL::DOUBLE AS rating, NULL::DOUBLE AS ces WHERE FALSE"
    keys = "customer_id, period"
    if aggregate == "peak_end":
        rating = "(rating_worst + rating_last) / 2"
    elif aggregate == "recency":
        rating = "rec_num / rec_den"
    else:
        rating = "touchpoint_mean"
    sql = f"""
    WITH inter AS ({inter_sql}),
    rated AS ({rated_sql}),
    scores AS (
        SELECT i.*, (r.rating - 1) / 4 * 100 AS experience, (r.ces - 1) / 6 * 100 AS effort_score
        FROM inter i LEFT JOIN rated r USING (interaction_id)),
    scores2 AS (
        SELECT *, max(CASE WHEN experience IS NOT NULL THEN occurred_at END)
                      OVER (PARTITION BY {keys}) AS last_at FROM scores),
    cust AS (
        SELECT {keys}, count(*) AS n_interactions, count(experience) AS n_rated,
               avg(experience) AS touchpoint_mean, min(experience) AS rating_worst,
               avg(CASE WHEN occurred_at = last_at THEN experience END) AS rating_last,
               sum(pow(0.5, epoch(last_at - occurred_at) / 86400 / {float(half_life_days)!r}) * experience) AS rec_num,
               sum(CASE WHEN experience IS NOT NULL
                        THEN pow(0.5, epoch(last_at - occurred_at) / 86400 / {float(half_life_days)!r}) END) AS rec_den,
               avg(effort_score) AS effort,
               100 * (1 - avg(known)) AS known_info,
               100 * avg(CASE WHEN wait IS NULL THEN NULL WHEN wait <= {float(wait_target_minutes)!r} THEN 1.0
                              ELSE 0.0 END) AS wait
        FROM scores2 GROUP BY {keys}),
    contacts AS (
        SELECT *, lag(department) OVER w AS prev_dept,
               epoch(lead(occurred_at) OVER w - occurred_at) / 60 AS gap,
               lead(occurred_at) OVER w IS NULL AS is_last
        FROM inter WHERE case_id IS NOT NULL
        WINDOW w AS (PARTITION BY case_id ORDER BY occurred_at, interaction_id)),
    contacts2 AS (
        SELECT *, COALESCE(greatest(wait, CASE WHEN resolved IS DISTINCT FROM 1 THEN gap END)
                           >= {float(silent_minutes)!r} AND updates = 0, FALSE) AS silent_wait
        FROM contacts),
    cases AS (
        SELECT case_id, first(customer_id ORDER BY occurred_at, interaction_id) AS customer_id,
               first(period ORDER BY occurred_at, interaction_id) AS period,
               count(*) AS n_contacts, max(CASE WHEN is_last THEN resolved END) AS resolved,
               max(CAST(silent_wait AS DOUBLE)) AS silent
        FROM contacts2 GROUP BY case_id),
    cust_cases AS (
        SELECT {keys}, count(*) AS n_cases, 100 * avg(resolved) AS resolution,
               100 * avg(CASE WHEN n_contacts = 1 THEN 1.0 ELSE 0.0 END) AS first_contact,
               100 * (1 - avg(silent)) AS no_silent_wait
        FROM cases GROUP BY {keys})
    SELECT c.*, {rating} AS rating, COALESCE(k.n_cases, 0) AS n_cases, k.resolution, k.first_contact,
           k.no_silent_wait
    FROM cust c LEFT JOIN cust_cases k USING (customer_id, period)
    """
    out = con.execute(sql).fetchdf()
    keys_out = ["customer_id"] + ([] if period is None else ["period"])
    out["customer_id"] = out["customer_id"].astype("string")
    out["period"] = out["period"].astype("string")
    for c in COMPONENTS:
        out[c] = out[c].astype("float64")
    for c in ("touchpoint_mean", "rating_worst", "rating_last"):
        out[c] = out[c].astype("float64")
    return finish_index(out, keys_out, w)
