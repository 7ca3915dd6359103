"""Findings as data: the claim, its numbers with n and interval, and what is said when the condition fails."""

from __future__ import annotations

import pickle

import pandas as pd

from cxlib.present.findings import Cited, Finding, said


def test_a_finding_carries_its_numbers_and_evidence():
    evidence = pd.DataFrame({"nps": [-38.2], "n": [1468]})
    f = Finding("nps_level", "Relationship NPS is −38.", numbers=(Cited("NPS", -38.2, unit="NPS points", n=1468,
                                                                       ci=(-41.4, -34.3)),),
                evidence=evidence, condition="n >= min_n")
    assert f.said == "Relationship NPS is −38." and f.numbers[0].has_interval
    assert pickle.loads(pickle.dumps(f)).evidence.equals(evidence)
    assert not Cited("NPS", float("nan"), ci=(float("nan"), 1.0)).has_interval


def test_a_claim_whose_condition_fails_is_not_said():
    assert Finding("driver_top", "X is the strongest driver.", holds=False).said == ""
    assert said([Finding("a", "A.", holds=False, alternative="Not A."), None, "", "B."]) == ["Not A.", "B."]
