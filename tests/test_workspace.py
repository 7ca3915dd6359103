"""client.yaml parsing and workspace discovery."""

from __future__ import annotations

import pytest
import yaml

from cxlib.errors import ConfigError
from cxlib.workspace import Workspace, list_clients, load_config, project_root
from tests.conftest import write_workspace


def _config(tmp_path, **changes):
    folder = write_workspace(tmp_path)
    raw = yaml.safe_load((folder / "client.yaml").read_text())
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    (folder / "client.yaml").write_text(yaml.safe_dump(raw))
    return folder / "client.yaml"


def test_config_is_parsed(tiny_root):
    cfg = load_config(tiny_root / "data" / "tiny" / "client.yaml")
    assert cfg.name == "tiny"
    assert cfg.stages[cfg.stages.index(cfg.sale_stage)] == "buy"
    assert cfg.touchpoint_ids == ["shop", "billing", "support_call", "app"]
    assert cfg.min_n == 2 and cfg.min_n_quotes == 3
    assert cfg.sources["customers"].path.name == "customers.csv"
    assert cfg.period_start.year == 2025
    assert cfg.brand["primary"].startswith("#")


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"stages": "journey"}, ["`stages`", "non-empty list"]),
        ({"outcome": "happiness"}, ["`outcome`", "nps_<name>"]),
        ({"benchmark": {"company": "x"}}, ["`benchmark`", "client:"]),
        ({"tables": {"responses": {"path": "responses.csv", "constants": {"colour": "red"}}}},
         ["tables.responses.constants", "colour"]),
        ({"tables": {"responses": {"path": "responses.csv", "pivot": {"id": "a"}}}}, ["tables.responses.pivot", "question"]),
        ({"sale_stage": "purchase"}, ["`sale_stage`", "purchase"]),
        ({"brand": {"primary": "blue"}}, ["brand.primary", "#RRGGBB"]),
        ({"min_n": 0}, ["`min_n`", "at least 1"]),
        ({"segments": ["a", "a"]}, ["`segments`", "more than once"]),
        ({"touchpoints": [{"id": "x"}, {"id": "x"}]}, ["touchpoints", "more than once"]),
        ({"touchpoints": [{"id": "bad id"}]}, ["touchpoints[1].id", "letters"]),
        ({"tables": {"customers": {"path": "c.csv"}}}, ["`tables`", "interactions"]),
        ({"tables": {"customers": "c.csv", "interactions": "i.csv", "responses": "r.csv", "surveys": "s.csv"}},
         ["unknown table", "surveys"]),
    ],
)
def test_config_errors_name_the_key(tmp_path, changes, words):
    path = _config(tmp_path, **changes)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    for word in words:
        assert word in str(err.value)
    assert "tiny/client.yaml" in str(err.value)  # the client is named: a half-made one is found at once


def test_survey_only_and_reviews_only_clients_need_no_stages_segments_or_touchpoints(tmp_path):
    folder = write_workspace(tmp_path, config={"stages": None, "segments": None, "touchpoints": None, "sale_stage": None,
                                               "tables": {"mentions": {"path": "posts.csv",
                                                                       "constants": {"source": "twitter"}}}},
                             files={"posts.csv": "id,created,text\n1,2025-01-02,late again\n"})
    raw = yaml.safe_load((folder / "client.yaml").read_text())
    (folder / "client.yaml").write_text(yaml.safe_dump({k: v for k, v in raw.items() if v is not None}))
    cfg = load_config(folder / "client.yaml")
    assert cfg.stages == ["discover", "buy", "onboard", "use", "support", "renew"] and cfg.segments == []
    assert cfg.touchpoints == [] and list(cfg.sources) == ["mentions"]
    assert cfg.sources["mentions"].constants == {"source": "twitter"}


def test_outcome_and_benchmark_are_read(tmp_path):
    path = _config(tmp_path, outcome="nps_app", benchmark={"client": "Virgin America"})
    cfg = load_config(path)
    assert cfg.outcome == "nps_app" and cfg.benchmark.client == "Virgin America" and cfg.benchmark.column == "company"
    assert load_config(_config(tmp_path / "b", benchmark="Delta")).benchmark.client == "Delta"


def test_invalid_yaml_names_the_line(tmp_path):
    folder = write_workspace(tmp_path)
    (folder / "client.yaml").write_text("stages: [a, b\nsegments: x\n")
    with pytest.raises(ConfigError, match=r"client.yaml line \d+: not valid YAML"):
        load_config(folder / "client.yaml")


def test_unknown_client_lists_known_ones(tiny_root):
    with pytest.raises(ConfigError, match="Clients here: tiny"):
        Workspace("nobody", tiny_root)
    with pytest.raises(ConfigError, match="not a valid client name"):
        Workspace("../etc", tiny_root)


def test_project_root_discovery(tiny_root, monkeypatch):
    monkeypatch.delenv("CX_ROOT", raising=False)
    monkeypatch.chdir(tiny_root / "data" / "tiny")
    assert project_root() == tiny_root.resolve()
    monkeypatch.setenv("CX_ROOT", str(tiny_root))
    assert list_clients() == ["tiny"]


def test_inputs_are_hashed_again_only_when_they_change(tiny_root, monkeypatch):
    """Each table a report kernel reads checks that the store is current: the inputs are hashed once, then again
    only when a file changes, even when its size and modification time are put back."""
    import os

    from cxlib.ingest import store

    hashed = []
    real = store.file_sha256
    monkeypatch.setattr(store, "file_sha256", lambda p, *a, **k: hashed.append(os.path.basename(p)) or real(p, *a, **k))
    ws = Workspace("tiny", tiny_root)
    first = ws.input_fingerprint()
    n = len(hashed)
    assert n >= 4 and ws.input_fingerprint() == first and len(hashed) == n  # nothing read again
    responses = ws.table("responses")
    assert ws.table("customers") is not None and ws.table("responses").equals(responses)
    path = tiny_root / "data" / "tiny" / "responses.csv"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("No one called back", "No one called bock"), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same modification time
    changed = ws.input_fingerprint()
    assert changed["responses:responses.csv"] != first["responses:responses.csv"]
    assert {k: v for k, v in changed.items() if k != "responses:responses.csv"} == \
        {k: v for k, v in first.items() if k != "responses:responses.csv"}
    assert "No one called bock" in ws.refresh().table("responses")["comment"].dropna().tolist()  # store rebuilt


# -- a period's rows from the store (issue 17: a kernel never holds the rows outside the period) ----------
PERIODS = [(None, None), ("2025-03-01", None), (None, "2025-06-30"), ("2025-02-10", "2025-02-10"),
           ("2025-04-01", "2025-09-30"), ("2031-01-01", "2031-12-31")]  # the demo's data: 2025 (touchpoints from 2022)


@pytest.mark.parametrize("start, end", PERIODS)
@pytest.mark.parametrize("name, column", [("interactions", "occurred_at"), ("responses", "answered_at"),
                                          ("mentions", "posted_at")])
@pytest.mark.parametrize("demo", ["acme-telecom", "bluebird-retail"])
def test_a_period_read_from_the_store_is_the_period_of_the_whole_table(demo_workspaces, demo, name, column, start,
                                                                         end):
    import pandas as pd

    from cxlib.workspace import open_client, within_period

    ws = open_client(demo, root=demo_workspaces[demo].root)  # its own cache
    start, end = (pd.Timestamp(d) if d else None for d in (start, end))
    got = ws.table_in_period(name, column, start, end)
    want = within_period(ws.table(name), column, start, end)
    pd.testing.assert_frame_equal(got, want)
    if start is not None or end is not None:
        assert len(want) < len(ws.table(name))  # the period cuts the table
    pd.testing.assert_frame_equal(ws.table_in_period(name, column, start, end), want)  # the whole table now cached


def test_a_period_read_does_not_load_the_whole_table(demo_workspaces, monkeypatch):
    import pandas as pd

    from cxlib.ingest import store
    from cxlib.workspace import open_client

    ws = open_client("acme-telecom", root=demo_workspaces["acme-telecom"].root)
    monkeypatch.setattr(store, "read_table", lambda *a, **k: pytest.fail("the whole table was read"))
    part = ws.table_in_period("interactions", "occurred_at", pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-31"))
    assert part["occurred_at"].between("2025-03-01", "2025-04-01").all() and len(part)


def test_an_undated_table_is_its_own_period(tmp_path):
    import pandas as pd

    from cxlib.workspace import open_client

    from tests.ingest.test_real_exports import SURVEY, client

    client(tmp_path, {"responses": {"path": "s.csv", "scales": {"nps": "0-10"},
                                    "columns": {"Score": "nps", "Airline": "company"}}}, {"s.csv": SURVEY},
           benchmark={"client": "virgin america"})
    ws = open_client("c", root=tmp_path)
    got = ws.table_in_period("responses", "answered_at", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-31"))
    assert got["nps"].tolist() == [10, 9, 6]  # no dates: all of it, the client's own rows only
    assert ws.table_in_period("mentions", "posted_at", pd.Timestamp("2024-01-01"), None) is None


@pytest.mark.parametrize("client", ["acme-telecom", "bluebird-retail", "crest-insurance"])
def test_one_value_per_column_tells_which_columns_hold_data(demo_workspaces, client):
    from cxlib.report.sections.base import has_column
    from cxlib.schema import TABLE_ORDER

    ws = demo_workspaces[client]
    empty = 0
    for name in TABLE_ORDER:
        whole, one = ws.table(name), ws.one_value_per_column(name)
        if whole is None:
            assert one is None
            continue
        assert len(one) == 1 and one.columns.tolist() == whole.columns.tolist()
        assert {c: has_column(one, c) for c in whole.columns} == {c: has_column(whole, c) for c in whole.columns}
        empty += sum(not has_column(whole, c) for c in whole.columns)
    assert empty  # some column without data: the answers are not all "yes"


def _period_of_survey(tmp_path, survey):
    """(read from the store, cut from the whole table): January 2024 of a survey whose `Airline` is the benchmark."""
    import pandas as pd

    from cxlib.workspace import open_client, within_period

    from tests.ingest.test_real_exports import client

    client(tmp_path, {"responses": {"path": "s.csv", "scales": {"nps": "0-10"},
                                    "columns": {"Score": "nps", "Airline": "company", "Date": "answered_at"}}},
           {"s.csv": survey}, benchmark={"client": "virgin america"})
    ws = open_client("c", root=tmp_path)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-31")
    return (ws.table_in_period("responses", "answered_at", start, end),
            within_period(ws.table("responses"), "answered_at", start, end))


def test_a_period_of_the_clients_own_undated_answers_ignores_the_benchmarks_dates(tmp_path):
    """The client's answers are undated while the other companies' are dated: the client's table is undated,
    so all of it is the period, whether the whole table is in memory or only the period's rows are read."""
    import pandas as pd

    survey = ("Score,Airline,Date\n10,Virgin America,\n3,Delta,2024-01-05\n9,Virgin America,\n"
              "6,Delta,2023-06-01\n")
    got, want = _period_of_survey(tmp_path, survey)
    assert want["nps"].tolist() == [10, 9]
    pd.testing.assert_frame_equal(got, want)


def test_a_period_of_a_table_with_a_benchmark_is_the_clients_own_rows_of_the_period(tmp_path):
    import pandas as pd

    survey = ("Score,Airline,Date\n10,Virgin America,2024-01-03\n3,Delta,2024-01-05\n9,Virgin America,2024-03-01\n"
              "6,Virgin America,\n7,Delta,2024-01-09\n")
    got, want = _period_of_survey(tmp_path, survey)
    assert want["nps"].tolist() == [10]  # the client's, dated in January; undated answers are outside a dated table
    pd.testing.assert_frame_equal(got, want)
