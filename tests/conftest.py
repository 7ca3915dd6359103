"""Shared fixtures: a small hand-made client workspace, and small demo clients."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")
# one BLAS thread per test worker: with -n 2 on 2 cores, more threads only fight (measured up to 16x slower)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

SCALES = {"nps": "0-10", "csat": "1-5", "ces": "1-7"}

CLIENT_YAML = {
    "display_name": "Tiny Telco",
    "currency": "EUR",
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "stages": ["discover", "buy", "onboard", "use", "support", "renew"],
    "sale_stage": "buy",
    "segments": ["consumer", "business"],
    "touchpoints": [
        {"id": "shop", "label": "Shop", "stage": "buy"},
        {"id": "billing", "label": "Billing", "stage": "use"},
        {"id": "support_call", "label": "Support call", "stage": "support"},
        {"id": "app", "label": "App", "stage": "use"},
    ],
    "min_n": 2,
    "min_n_quotes": 3,
    "tables": {
        "customers": {"path": "customers.csv"},
        "interactions": {"path": "interactions.csv"},
        "responses": {"path": "responses.csv", "scales": SCALES},
    },
}

CUSTOMERS = """customer_id,segment,region,acquired_on,annual_value,churned,churned_on
C001,consumer,north,2024-01-15,120.5,false,
C002,business,south,2023-06-01,980,true,2025-05-01
C003,consumer,north,2024-11-30,75,false,
C004,business,east,2022-02-02,2300,false,
"""

INTERACTIONS = """interaction_id,customer_id,occurred_at,stage,channel,touchpoint,department,case_id,resolved,wait_minutes,asked_known_info,updates_sent
I01,C001,2025-01-10T09:00:00,buy,store,shop,sales,,true,0,false,0
I02,C001,2025-02-03T10:30:00,use,web,billing,finance,,true,0,false,0
I03,C002,2025-03-01T08:00:00,support,phone,support_call,care,K1,false,25,true,0
I04,C002,2025-03-02T08:00:00,support,chat,support_call,care,K1,true,10,false,1
I05,C003,2025-04-11T12:00:00,use,app,app,digital,,true,0,false,0
I06,C004,2025-05-20T16:45:00,use,email,billing,finance,,true,5,false,0
"""

RESPONSES = """response_id,customer_id,interaction_id,answered_at,nps,csat,ces,rating_shop,rating_billing,rating_support_call,rating_app,comment,duration_seconds
R01,C001,,2025-06-01T10:00:00,9,,,5,4,,,Great shop staff,200
R02,C002,,2025-06-02T10:00:00,3,,,4,2,1,,Had to repeat myself twice,180
R03,C002,I03,2025-03-01T12:00:00,2,1,2,,,,,No one called back,150
R04,C003,I05,2025-04-11T13:00:00,8,4,6,,,,,,170
R05,C004,,2025-06-03T10:00:00,10,,,5,5,,4,,210
R06,C001,I02,2025-02-03T11:00:00,7,3,5,,,,,Bill was confusing,190
"""


def write_workspace(root: Path, name: str = "tiny", *, config: dict | None = None, files: dict[str, str] | None = None) -> Path:
    """Write a small client workspace under root/data/name; files maps file name -> text (overrides)."""
    folder = root / "data" / name
    folder.mkdir(parents=True, exist_ok=True)
    cfg = yaml.safe_load(yaml.safe_dump(CLIENT_YAML))
    if config:
        cfg.update(config)
    (folder / "client.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    contents = {"customers.csv": CUSTOMERS, "interactions.csv": INTERACTIONS, "responses.csv": RESPONSES}
    contents.update(files or {})
    for file, text in contents.items():
        if text is not None:
            (folder / file).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny_root(tmp_path) -> Path:
    """A project folder with one small, clean client called `tiny`."""
    write_workspace(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    """A project folder with the three demo clients at a small size (generated once per test process)."""
    demo = pytest.importorskip("cxlib.demo", reason="cxlib.demo not available yet")
    root = tmp_path_factory.mktemp("demo")
    demo.generate_demo(root, n_customers=1500, seed=11)
    return root


@pytest.fixture(scope="session")
def demo_workspaces(demo_root):
    """name -> opened Workspace for each demo client (validated once)."""
    from cxlib.demo import DEMO_CLIENTS
    from cxlib.workspace import open_client

    return {name: open_client(name, root=demo_root) for name in DEMO_CLIENTS}


@pytest.fixture(scope="module", params=("acme-telecom", "bluebird-retail", "crest-insurance"))
def planted_client(request, demo_workspaces):
    """(workspace, planted effects) for each demo client in turn: the planted-truth tests' subject."""
    ws = demo_workspaces[request.param]
    return ws, yaml.safe_load(ws.planted_path.read_text(encoding="utf-8"))["effects"]


def read_frame(text: str) -> pd.DataFrame:
    from io import StringIO

    return pd.read_csv(StringIO(text), dtype=str)
