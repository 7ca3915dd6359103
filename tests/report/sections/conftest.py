"""Report data made by hand for the section tests, and a display that records what a section shows."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxlib.analysis.metrics import with_context
from cxlib.report.context import ReportData

LABELS = {"billing": "Billing", "app": "App", "store": "Store", "web": "Website", "buy": "Buy", "use": "Use"}


def config(**overrides) -> SimpleNamespace:
    """A client configuration with what the sections read."""
    base = dict(min_n=30, min_n_quotes=50, stages=["discover", "buy", "use", "support"], sale_stage="buy",
                display_name="Test Co", currency="EUR", brand={}, touchpoints=[], codebook=None,
                sources={"responses": object()})
    base.update(overrides)
    return SimpleNamespace(**base)


def hand_data(*, responses: pd.DataFrame, customers=None, interactions=None, self_assessment=None, mentions=None,
              cfg=None, labels=None, seed: int = 7, audience: str = "analyst") -> ReportData:
    """ReportData from hand-made canonical tables (as :func:`cxlib.report.context.report_data` would build it)."""
    cfg = cfg or config(sources={name: object() for name, t in (("responses", responses), ("customers", customers),
                                                               ("interactions", interactions),
                                                               ("self_assessment", self_assessment)) if t is not None})
    tables = {"responses": responses, "customers": customers, "interactions": interactions,
              "self_assessment": self_assessment, "mentions": mentions}
    ws = SimpleNamespace(config=cfg, codebook_path=None, table=tables.get, tables=tables,
                         reconciliation=pd.DataFrame({"table": ["responses"], "file": ["responses.csv"],
                                                      "rows_read": [len(responses)], "rows_used": [len(responses)],
                                                      "rows_quarantined": [0], "rows_flagged": [0], "status": ["ok"]}),
                         quarantine=pd.DataFrame(columns=["table", "file", "row", "column", "reason_code", "reason",
                                                          "value"]))
    context = with_context(responses, customers=customers, interactions=interactions)
    survey = context["survey"].astype("string")
    return ReportData(ws=ws, audience=audience, labels=dict(LABELS if labels is None else labels),
                      customers=customers, interactions=interactions, responses=responses,
                      relationship=context[(survey == "relationship").fillna(False).to_numpy()].reset_index(drop=True),
                      transactional=context[(survey == "transactional").fillna(False).to_numpy()].reset_index(drop=True),
                      mentions=mentions, self_assessment=self_assessment, period="", seed=seed)


def relationship(nps: list[int], **columns) -> pd.DataFrame:
    """Relationship-survey answers with the given NPS answers (and optional rating_* or other columns)."""
    n = len(nps)
    frame = pd.DataFrame({"response_id": [f"R{i:04d}" for i in range(n)], "customer_id": [f"C{i:04d}" for i in range(n)],
                          "interaction_id": pd.array([pd.NA] * n, dtype="string"),
                          "answered_at": pd.to_datetime("2025-02-01") + pd.to_timedelta(np.arange(n) % 150, unit="D"),
                          "survey": "relationship", "nps": nps})
    for name, values in columns.items():
        frame[name] = values
    return frame


class Shown(list):
    """(object, raw) pairs in the order a section displayed them."""

    def html(self) -> str:
        parts = []
        for obj, _ in self:
            html = obj._repr_html_() if hasattr(obj, "_repr_html_") and not hasattr(obj, "savefig") else None
            if html is not None:
                parts.append(html)
            elif isinstance(obj, dict):
                parts.append(json.dumps(obj))
            else:
                parts.append(f"[{type(obj).__name__}]")
        return "\n".join(parts)

    def figures(self) -> int:
        return sum(type(obj).__name__ in ("Figure", "SVG") for obj, _ in self)  # charts are shown as SVG


@pytest.fixture
def shown(monkeypatch) -> Shown:
    """Records what sections display (``IPython.display.display`` is looked up when called)."""
    import IPython.display

    out = Shown()
    monkeypatch.setattr(IPython.display, "display", lambda *objs, raw=False, **kw: out.extend((o, raw) for o in objs))
    return out
