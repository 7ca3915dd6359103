"""The shared re-reading helpers: one family check, one registry, no import cycle."""

import subprocess
import sys

import pandas as pd
import pytest

from cxlib.present.findings import Cited, Finding
from cxlib.present.rereading import family_problems, finite, judged, number

CHECKS = {"test_big": lambda f: f.numbers[0].value > 10}


def _finding(value, *, holds, alternative="", evidence=True):
    return Finding("test_big", f"It is {value}.", numbers=(Cited("size", value),),
                   evidence=pd.DataFrame({"n": [value]}) if evidence else None, holds=holds, alternative=alternative)


def test_number_and_finite_read_cells_of_evidence():
    assert number("2.5") == 2.5 and number(pd.NA) != number(pd.NA)
    assert finite(1, 2.0, "3") and not finite(1, None) and not finite(float("inf"))


def test_judged_sets_holds_from_the_check():
    assert judged(_finding(20, holds=False), CHECKS).holds
    assert not judged(_finding(5, holds=True), CHECKS).holds


def test_family_problems_finds_both_directions_and_skips_others():
    said_wrongly = _finding(5, holds=True)
    withheld = _finding(20, holds=False, alternative="Nothing stands out.")
    no_evidence = _finding(20, holds=True, evidence=False)
    other = Finding("some_other_kind", "Whatever.", holds=True)
    out = family_problems([said_wrongly, withheld, no_evidence, other, None, _finding(20, holds=True)], CHECKS)
    assert out == ["test_big: said against its evidence: 'It is 5.'",
                   "test_big: withheld although its evidence supports it: 'It is 20.'",
                   "test_big: said against its evidence: 'It is 20.'"]


def test_register_family_puts_kinds_in_the_one_registry():
    from cxlib.present.claims import CLAIMS, check
    from cxlib.present.claims.base import register_family

    register_family(CHECKS, {"test_big": "when it is over 10"})
    try:
        assert CLAIMS["test_big"].condition == "when it is over 10"
        assert check(_finding(5, holds=True)) is not None
        assert check(_finding(20, holds=True)) is None
        assert check(_finding(20, holds=True, evidence=False)) is not None  # no evidence, no claim
    finally:
        CLAIMS.pop("test_big")


@pytest.mark.parametrize("first", ["journey_findings", "social_findings", "view_findings", "claims"])
def test_any_import_order_registers_every_family(first):
    code = (f"import cxlib.present.{first}; from cxlib.present.claims import CLAIMS; "
            "print(all(k in CLAIMS for k in ('map_matters', 'social_spike', 'owner_gap', 'driver_top')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
