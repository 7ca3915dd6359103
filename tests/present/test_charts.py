"""Report charts: brand theme, readable in print, draw exactly the data given, return the Axes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from cxlib.present import charts  # noqa: E402

BRAND = {"primary": "#0B3C5D", "accent": "#F2A900", "neutral": "#6B7B8C"}


@pytest.fixture(autouse=True)
def theme():
    charts.set_theme(BRAND)
    yield
    plt.close("all")


def test_theme_uses_the_brand_and_print_sizes():
    assert charts.set_theme(BRAND) == BRAND
    rc = matplotlib.rcParams
    assert to_hex(rc["axes.prop_cycle"].by_key()["color"][0]).upper() == BRAND["primary"]
    for key in ("font.size", "axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize"):
        assert float(rc[key]) >= 8.0, key  # readable at the printed size (figures are A4 text width)
    assert tuple(rc["figure.figsize"]) == charts.WIDE and charts.WIDE[0] <= 7.3
    assert rc["svg.hashsalt"] == "cx-workbench"


def test_invalid_brand_colours_fall_back_to_defaults():
    colours = charts.set_theme({"primary": "red; } body {", "accent": "#12345G", "neutral": "#ABCDEF"})
    assert colours == {"primary": charts.DEFAULT_BRAND["primary"], "accent": charts.DEFAULT_BRAND["accent"],
                       "neutral": "#ABCDEF"}


def test_bar_chart_draws_the_values_in_the_given_order_and_returns_the_axes():
    data = pd.DataFrame({"segment": ["b", "a", "c"], "nps": [12.5, -3.0, np.nan], "lo": [5, -9, np.nan],
                         "hi": [20, 3, np.nan], "flag": [False, True, False]})
    fig, ax = plt.subplots()
    out = charts.bar_chart(data, x="nps", y="segment", low="lo", high="hi", highlight="flag", ax=ax)
    assert out is ax
    bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top to bottom
    assert [round(b.get_width(), 6) for b in bars] == [12.5, -3.0, 0.0]  # no sorting, no computing
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a", "c (insufficient responses)"]
    assert to_hex(bars[1].get_facecolor()).upper() == BRAND["accent"]
    assert to_hex(bars[0].get_facecolor()).upper() == BRAND["primary"]
    pd.testing.assert_frame_equal(data, data.copy())


def test_trend_stage_gap_driver_priority_and_mix_charts_draw_what_they_are_given():
    trend = pd.DataFrame({"quarter": ["2025Q1", "2025Q2"], "nps": [-10.0, 5.0], "ci_low": [-20.0, -4.0],
                          "ci_high": [0.0, 14.0]})
    ax = charts.trend_chart(trend, x="quarter", y="nps")
    assert list(ax.lines[0].get_ydata()) == [-10.0, 5.0]
    stages = pd.DataFrame({"stage": ["Buy", "Use"], "mean": [4.1, 3.2], "ci_low": [3.9, 3.0], "ci_high": [4.3, 3.4]})
    ax = charts.stage_chart(stages, highlight="Buy")
    assert list(ax.lines[0].get_ydata()) == [4.1, 3.2]
    gap = pd.DataFrame({"touchpoint": ["Billing"], "company_pct": [72.0], "customer_pct": [4.0], "ci_low": [2.0],
                        "ci_high": [6.0]})
    ax = charts.gap_chart(gap)
    assert ax.get_xlim() == (0.0, 100.0)
    company = np.vstack([c.get_offsets() for c in ax.collections if hasattr(c, "get_offsets") and len(c.get_offsets())])
    assert 72.0 in set(np.round(company[:, 0], 6))
    assert any(list(line.get_xdata()) == [4.0] for line in ax.lines)  # customers' share with its whiskers
    drivers = pd.DataFrame({"driver": ["Billing", "App"], "share": [80.0, 20.0], "share_ci_low": [70.0, 10.0],
                            "share_ci_high": [90.0, 30.0], "fix_first": [True, False], "performance": [3.1, 4.2]})
    ax = charts.driver_chart(drivers)
    assert sorted(round(p.get_width(), 6) for p in ax.patches) == [20.0, 80.0]
    ax = charts.priority_chart(drivers)
    assert {t.get_text() for t in ax.texts} == {"Billing", "App"}
    mix = pd.DataFrame({"segment": ["a"], "det": [30.0], "pas": [20.0], "pro": [50.0]})
    ax = charts.mix_chart(mix, y="segment", parts={"det": "Detractors", "pas": "Passives", "pro": "Promoters"})
    assert [round(p.get_width(), 6) for p in ax.patches] == [30.0, 20.0, 50.0]


def test_priority_chart_names_only_the_top_rows_and_the_highlighted_ones():
    rows = pd.DataFrame({"driver": [f"d{i}" for i in range(10)], "share": np.linspace(50, 1, 10),
                         "performance": np.linspace(3, 4.5, 10), "fix_first": [False] * 9 + [True]})
    ax = charts.priority_chart(rows, label_rows=3)
    assert {t.get_text() for t in ax.texts} == {"d0", "d1", "d2", "d9"}


def test_same_data_gives_the_same_png_bytes():
    data = pd.DataFrame({"segment": ["a", "b"], "nps": [1.0, 2.0]})

    def png() -> bytes:
        fig, ax = plt.subplots()
        charts.bar_chart(data, x="nps", y="segment", ax=ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
        return buf.getvalue()

    assert png() == png()


def _interval_bars(values) -> pd.DataFrame:
    v = pd.Series(values, dtype=float)
    return pd.DataFrame({"label": [f"theme {i}" for i in range(len(v))], "pct": v, "pct_low": v - 1, "pct_high": v + 1})


@pytest.mark.parametrize("values, marks", [([], False), ([12.0], True), ([0.0], True), ([float("nan"), 3.0], True)])
def test_a_chart_has_marks_only_when_a_value_is_drawn(values, marks):
    """Every theme suppressed (a real export's 150 comments, none coded) left an empty frame with intervals: the
    whiskers' empty collection still reported a (0, 0) offset, and an empty chart was printed."""
    ax = charts.bar_chart(_interval_bars(values), x="pct", y="label", low="pct_low", high="pct_high",
                          zero_line=False)
    assert charts.has_marks(ax) is marks


def test_show_draws_nothing_for_an_empty_chart(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append(a))
    charts.show(charts.bar_chart(_interval_bars([]), x="pct", y="label", low="pct_low", high="pct_high"))
    assert shown == []
    charts.show(charts.bar_chart(_interval_bars([5.0]), x="pct", y="label", low="pct_low", high="pct_high"))
    assert len(shown) == 1
