"""Repeat respondents (``duplicate_respondent``): the fast check against the table sort it replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.ingest.rules import repeat_answers


def by_table_sort(table: pd.DataFrame, live: np.ndarray, window: pd.Timedelta) -> np.ndarray:
    """The previous implementation (a text key, a stable sort of the table, a grouped difference): the reference."""
    live = pd.Series(live, index=table.index) & table["customer_id"].notna()
    key = table["customer_id"].astype("string") + "|" + table["survey"].astype("string") + "|" + \
        table.get("interaction_id", pd.Series(pd.NA, index=table.index, dtype="string")).astype("string").fillna("")
    order = table.loc[live].assign(_key=key[live]).sort_values(["_key", "answered_at"], kind="stable")
    gap = order.groupby("_key", sort=False)["answered_at"].diff()
    dup = np.zeros(len(table), dtype=bool)
    dup[table.index.get_indexer(gap[(gap.notna()) & (gap <= window)].index)] = True
    return dup


def random_answers(rng: np.random.Generator, n: int, *, with_interaction: bool) -> pd.DataFrame:
    def pick(values, missing):
        out = pd.Series(rng.choice(values, n), dtype="string")
        return out.mask(rng.random(n) < missing)

    days = pd.Series(pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 40, n), unit="D"))
    table = pd.DataFrame({"customer_id": pick([f"c{i}" for i in range(12)], 0.05),
                          "survey": pick(["nps", "csat", "ces"], 0.05),
                          "answered_at": days.mask(rng.random(n) < 0.08)})  # same days: ties in time
    if with_interaction:
        table["interaction_id"] = pick([f"i{i}" for i in range(6)] + [""], 0.3)
    return table


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("with_interaction", [True, False])
def test_the_same_answers_as_the_table_sort(seed, with_interaction):
    rng = np.random.default_rng(seed)
    table = random_answers(rng, int(rng.integers(0, 300)), with_interaction=with_interaction)
    live = rng.random(len(table)) < 0.9
    window = pd.Timedelta(days=int(rng.integers(0, 15)))
    expected = by_table_sort(table, live, window)
    got = repeat_answers(table, live, window)
    assert got.tolist() == expected.tolist()


def test_the_random_cases_do_hold_repeats():
    held = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        table = random_answers(rng, int(rng.integers(0, 300)), with_interaction=True)
        live = rng.random(len(table)) < 0.9
        held += bool(by_table_sort(table, live, pd.Timedelta(days=int(rng.integers(0, 15)))).any())
    assert held >= 20, held


def test_a_time_zone_and_a_coarser_time_unit_change_nothing():
    table = pd.DataFrame({"customer_id": ["c1", "c1", "c1"], "survey": ["nps"] * 3,
                          "answered_at": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 09:00", "2025-02-01 00:00"])})
    live, week = np.ones(3, dtype=bool), pd.Timedelta(days=7)
    assert repeat_answers(table, live, week).tolist() == [True, False, False]  # the later of the two is the repeat
    zoned = table.assign(answered_at=table["answered_at"].dt.tz_localize("Europe/Paris"))
    coarse = table.assign(answered_at=table["answered_at"].astype("datetime64[s]"))
    assert repeat_answers(zoned, live, week).tolist() == repeat_answers(coarse, live, week).tolist() == \
        [True, False, False]
