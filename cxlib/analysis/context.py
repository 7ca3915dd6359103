"""The context of a row: its customer's segment and region, its interaction's stage and channel, its period.

One joiner (:func:`add_context`) and one period vocabulary (:data:`Period`, :func:`period_labels`)
for every analysis: score tables (:func:`cxlib.analysis.metrics.with_context`), the journey
family's groupings and the comment context of text analysis
(:func:`cxlib.text.themes.comment_context`) all call these.

Periods are named ``"month"`` ("2025-03"), ``"quarter"`` ("2025Q1") or ``"year"`` ("2025")
(``"week"``, "2025-W09", is also understood). The pandas codes ``"M"``, ``"Q"``, ``"Y"`` used
before are still accepted for one release, with a :class:`DeprecationWarning`.

Examples
--------
>>> r = pd.DataFrame({"customer_id": ["c1"], "answered_at": pd.to_datetime(["2025-03-02"])})
>>> c = pd.DataFrame({"customer_id": ["c1"], "segment": ["consumer"]})
>>> add_context(r, customers=c, date="answered_at", periods=("quarter",))[["segment", "quarter"]].iloc[0].tolist()
['consumer', '2025Q1']
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd

from cxlib.analysis.lookup import among
from cxlib.errors import DataError

__all__ = [
    "Period",
    "PERIODS",
    "CUSTOMER_COLUMNS",
    "INTERACTION_COLUMNS",
    "period_name",
    "period_argument",
    "period_labels",
    "add_context",
]

Period = Literal["month", "quarter", "year"]

#: Period names understood everywhere (``week`` as well, for weekly trends).
PERIODS: tuple[str, ...] = ("month", "quarter", "year", "week")

#: Columns a row can take from its customer (through ``customer_id``).
CUSTOMER_COLUMNS: tuple[str, ...] = ("segment", "region", "annual_value", "churned")
#: Columns a row can take from its interaction (through ``interaction_id``).
INTERACTION_COLUMNS: tuple[str, ...] = ("stage", "channel", "touchpoint", "department")

_OLD_CODES = {"M": "month", "Q": "quarter", "Y": "year", "A": "year", "W": "week"}


def period_name(period: str, *, stacklevel: int = 3) -> str:
    """The period name for ``period``; an old pandas code ("M", "Q", "Y") is mapped with a warning.

    Parameters
    ----------
    period : str
        ``"month"``, ``"quarter"``, ``"year"`` or ``"week"`` (or a deprecated code).
    stacklevel : int, keyword-only
        Where the :class:`DeprecationWarning` points (the caller of the public function).

    Returns
    -------
    str

    Examples
    --------
    >>> period_name("quarter")
    'quarter'
    """
    if period in PERIODS:
        return period
    if isinstance(period, str) and period.upper() in _OLD_CODES:
        new = _OLD_CODES[period.upper()]
        warnings.warn(f'period={period!r} is deprecated; write period="{new}". The pandas codes will stop '
                      "working in a later release.", DeprecationWarning, stacklevel=stacklevel)
        return new
    raise DataError(f"unknown period {period!r}; use one of {', '.join(repr(p) for p in PERIODS)}.")


def period_argument(period: str, freq: str | None = None) -> str:
    """Resolve a function's ``period=`` argument, with the deprecated ``freq=`` keyword still accepted.

    Parameters
    ----------
    period : str
        The new argument.
    freq : str, optional
        The old keyword (``metrics.trend(freq="quarter")``); when given it wins, with a
        :class:`DeprecationWarning`.

    Returns
    -------
    str
        A name of :data:`PERIODS`.

    Examples
    --------
    >>> period_argument("quarter")
    'quarter'
    """
    if freq is not None:
        warnings.warn(f'freq={freq!r} is deprecated; write period={freq!r}. The keyword `freq` will stop working '
                      "in a later release.", DeprecationWarning, stacklevel=3)
        return period_name(freq, stacklevel=4)
    return period_name(period, stacklevel=4)


def period_labels(dates: pd.Series, period: str) -> pd.Series:
    """Period label of every date: "2025-03" (month), "2025Q1" (quarter), "2025" (year), "2025-W09" (week).

    Parameters
    ----------
    dates : Series
        Dates or datetimes (text is parsed); missing dates give a missing label.
    period : str
        A name of :data:`PERIODS`.

    Returns
    -------
    Series of dtype ``string``, same index.

    Examples
    --------
    >>> period_labels(pd.Series(pd.to_datetime(["2025-03-02", None])), "quarter").tolist()
    ['2025Q1', <NA>]
    """
    period = period_name(period, stacklevel=4)
    d = pd.to_datetime(dates)
    if period == "month":
        lab = d.dt.strftime("%Y-%m")
    elif period == "quarter":
        lab = d.dt.year.astype("Int64").astype("string") + "Q" + d.dt.quarter.astype("Int64").astype("string")
    elif period == "year":
        lab = d.dt.strftime("%Y")
    else:
        iso = d.dt.isocalendar()
        lab = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    return lab.astype("string")


def add_context(
    frame: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    columns: Sequence[str] | None = None,
    date: str | None = None,
    periods: Sequence[str] | Mapping[str, str] = (),
) -> pd.DataFrame:
    """``frame`` with context columns joined from its customer and its interaction, and period labels.

    Parameters
    ----------
    frame : DataFrame
        Any table with ``customer_id`` and/or ``interaction_id`` (responses, interactions,
        cases, per-customer tables).
    customers : DataFrame, optional
        Canonical customers; gives :data:`CUSTOMER_COLUMNS` (and any other column asked for in
        ``columns``) by ``customer_id``.
    interactions : DataFrame, optional
        Canonical interactions; gives :data:`INTERACTION_COLUMNS` by ``interaction_id`` (empty
        for rows without one, such as relationship-survey answers).
    columns : sequence of str, optional
        The columns wanted. None: every context column the tables hold (nothing is required).
        Given: each must end up in the result, from ``frame`` itself, from ``customers`` or
        ``interactions``, or as a period name of ``periods``; a clear error names what is
        missing.
    date : str, optional
        The datetime column the period labels are derived from.
    periods : sequence of str or mapping, keyword-only
        Period labels to add: period names (each becomes a column of that name, e.g.
        ``("month", "quarter")``), or a mapping column name -> period name (e.g.
        ``{"period": "quarter"}``).

    Returns
    -------
    DataFrame
        A new frame: every column of ``frame`` (its values never overwritten; where one of the
        default context columns is empty in a row, it is filled from the joined table), then the
        joined columns that were not there, then the period columns that were not there. Same
        rows, same order, same index.

    Raises
    ------
    DataError
        A key is missing, a joined table holds twice a key that ``frame`` uses, or a requested
        column exists nowhere.

    Notes
    -----
    Joins are left joins on unique keys (``validate="many_to_one"``): a row without a match
    keeps missing context, no row is added or dropped.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["i1"], "customer_id": ["c1"], "occurred_at": pd.to_datetime(["2025-05-01"])})
    >>> c = pd.DataFrame({"customer_id": ["c1"], "segment": ["smb"], "region": ["north"]})
    >>> add_context(i, customers=c, columns=["segment", "period"], date="occurred_at",
    ...             periods={"period": "month"})[["segment", "period"]].iloc[0].tolist()
    ['smb', '2025-05']
    """
    wanted_periods = dict(periods) if isinstance(periods, Mapping) else {p: p for p in periods}
    for name, per in list(wanted_periods.items()):
        wanted_periods[name] = period_name(per, stacklevel=4)
    out = frame
    sources = [(customers, "customer_id", CUSTOMER_COLUMNS, "customers"),
               (interactions, "interaction_id", INTERACTION_COLUMNS, "interactions")]
    need = None if columns is None else [c for c in columns if c not in out.columns and c not in wanted_periods]
    for table, key, default, name in sources:
        if table is None:
            continue
        if need is None:
            take = [c for c in default if c in table.columns and c not in out.columns]
            # a context column the frame has but leaves empty (a survey export's own segment question
            # unanswered): its gaps are filled from the joined table, its answers are kept
            fill = [c for c in default if c in table.columns and c in out.columns and c != key
                    and out[c].isna().any() and key in out.columns and key in table.columns]
        else:
            take = [c for c in need if c in table.columns and c != key]
            fill = []
        if fill:
            lookup = table.drop_duplicates(key, keep=False).set_index(key)
            out = out.assign(**{c: out[c].fillna(out[key].map(lookup[c]).astype(out[c].dtype, errors="ignore"))
                                for c in fill})
        if not take:
            continue
        if key not in out.columns or key not in table.columns:
            raise DataError(f"cannot join {', '.join(take)} from `{name}` on `{key}`: the key is missing from "
                            f"{'this table' if key not in out.columns else '`' + name + '`'}.")
        right = table[[key, *take]]
        # only the rows the join can use (and any without a key, which a left join matches to a missing key):
        # hashing a ten-million-row touchpoint log to join a few hundred thousand answers cost ~1 GB and seconds
        used = among(right[key], out[key].dropna()) | right[key].isna().to_numpy(dtype=bool)
        if not used.all():
            right = right[used]
        if right[key].duplicated().any():
            dup = right.loc[right[key].duplicated(), key].iloc[:3].tolist()
            raise DataError(f"`{name}.{key}` holds {dup} more than once, so the join is ambiguous. Load the "
                            "table through open_client(), which quarantines duplicate keys.")
        merged = out.merge(right, on=key, how="left", validate="many_to_one")
        merged.index = out.index
        out = merged
        if need is not None:
            need = [c for c in need if c not in take]
    if need:
        where = " nor of ".join(f"`{n}`" for t, _, _, n in sources if t is not None)
        raise DataError(
            f"Cannot group by {', '.join(need)}: not a column of this table" + (f" nor of {where}" if where else "")
            + ". Pass customers=ws.customers (segment, region) or interactions=ws.interactions (stage, channel, "
            "touchpoint, department), or choose columns that exist."
        )
    add = {c: p for c, p in wanted_periods.items() if c not in out.columns}
    if add:
        if date is None or date not in out.columns:
            raise DataError(f"Cannot derive {', '.join(add)}: the table has no date column"
                            + (f" `{date}`" if date else "") + ".")
        out = out.assign(**{c: period_labels(out[date], p) for c, p in add.items()})
    return out
