"""The report theme is seaborn's paper/whitegrid theme with the brand on top, without importing seaborn."""

from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import pytest

from cxlib.present import charts

BRAND = {"primary": "#0B3C5D", "accent": "#F2A900", "neutral": "#6B7B8C"}


def test_the_theme_equals_seaborns_paper_whitegrid_with_the_brand():
    sns = pytest.importorskip("seaborn")
    try:
        mpl.rcdefaults()
        charts.set_theme(BRAND)
        ours = dict(mpl.rcParams)
        mpl.rcdefaults()
        colours = charts.brand_colours(BRAND)
        cycle = [colours["primary"], colours["accent"], colours["neutral"], "#2E8B57", "#8B3A62", "#4682B4"]
        # what set_theme did when it called seaborn
        sns.set_theme(context="paper", style="whitegrid", palette=cycle, font="DejaVu Sans", rc=charts._PRINT_RC)
        theirs = dict(mpl.rcParams)
    finally:
        mpl.rcdefaults()
    assert {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]} == {}


def test_setting_the_theme_does_not_import_seaborn_or_scipy():
    code = ("import sys; from cxlib.present import charts; charts.set_theme(); "
            "print(sorted(m for m in ('seaborn', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
