"""The explorer behind notebooks/explore.ipynb: filters, suppressed headline numbers, redacted verbatims."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlib.interactive.explore import Filters, filter_responses, headline, verbatims

EXPLORE = Path(__file__).parents[2] / "notebooks" / "explore.ipynb"


def context(n: int = 60) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append({
            "response_id": f"R{i:03d}", "survey": "relationship" if i % 2 else "transactional",
            "segment": "consumer" if i % 3 else "business", "channel": None if i % 2 else ("phone" if i % 4 else "web"),
            "stage": None if i % 2 else "support", "answered_at": pd.Timestamp("2025-01-01") + pd.Timedelta(days=5 * i),
            "nps": [10, 9, 8, 3, 0][i % 5],
            "comment": f"Call me on +44 20 7946 0{i % 10:03d} about it" if i % 7 == 0 else (f"comment {i}" if i % 2 else None),
        })
    return pd.DataFrame(rows)


def test_filters_select_the_matching_rows_only():
    ctx = context()
    assert len(filter_responses(ctx, Filters())) == len(ctx)
    seg = filter_responses(ctx, Filters(segments=("business",)))
    assert set(seg["segment"]) == {"business"} and len(seg) == 20
    phone = filter_responses(ctx, Filters(channels=("phone",)))
    assert set(phone["channel"]) == {"phone"} and (phone["survey"] == "transactional").all()
    period = filter_responses(ctx, Filters(start=pd.Timestamp("2025-02-01"), end=pd.Timestamp("2025-02-28")))
    assert period["answered_at"].between("2025-02-01", "2025-02-28 23:59").all() and len(period) == 5  # 5, 10 ... 25 Feb
    assert len(filter_responses(ctx, Filters(stages=("renew",)))) == 0


def test_headline_is_nps_by_survey_and_suppresses_small_selections():
    ctx = context()
    table = headline(ctx, min_n=10)
    # hand-computed: 30 responses per survey; scores 10,9,8,3,0 cycle -> transactional (even i) and relationship
    assert set(table["survey"]) == {"relationship", "transactional"}
    even = ctx[ctx.index % 2 == 0]["nps"]
    expected = 100 * ((even >= 9).mean() - (even <= 6).mean())
    assert table.set_index("survey").loc["transactional", "nps"] == pytest.approx(expected)
    small = headline(filter_responses(ctx, Filters(segments=("business",), channels=("web",))), min_n=10)
    assert small["suppressed"].all() and small["nps"].isna().all()


def test_verbatims_are_redacted_and_need_enough_comments():
    ctx = context()
    out = verbatims(ctx, min_n_quotes=5, n=40)
    assert len(out) > 0 and not out["quote"].str.contains("7946").any()
    assert out["quote"].str.contains(r"\[PHONE\]").any()
    assert verbatims(ctx, min_n_quotes=500).empty  # too few comments in the selection: none shown
    assert verbatims(ctx, min_n_quotes=5, n=6, seed=1).equals(verbatims(ctx, min_n_quotes=5, n=6, seed=1))


@pytest.mark.slow
def test_explore_notebook_runs_with_papermill(tmp_path):
    import papermill as pm

    demo = pytest.importorskip("cxlib.demo", reason="cxlib.demo not available yet")
    demo.generate_client("bluebird-retail", tmp_path, n_customers=300, seed=3)
    out = tmp_path / "explore-out.ipynb"
    nb = pm.execute_notebook(str(EXPLORE), str(out), parameters={"root": str(tmp_path), "client": "bluebird-retail",
                                                                 "coder": "tester", "sample_size": 20},
                             progress_bar=False, kernel_name="python3", cwd=str(tmp_path))
    kinds = [list(o.get("data", {})) for c in nb.cells for o in c.get("outputs", [])]
    assert sum("application/vnd.jupyter.widget-view+json" in k for k in kinds) == 2  # explorer + coding panel


# --------------------------------------------------------------------------- the explorer as shipped (issue 11)
import json  # noqa: E402
import shutil  # noqa: E402

REPO = Path(__file__).parents[2]


def _project(tmp_path: Path, *, clients: bool = True) -> Path:
    """A project laid out like the repository: data/, notebooks/, pyproject.toml."""
    from tests.conftest import write_workspace

    (tmp_path / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "notebooks").mkdir(exist_ok=True)
    for name in ("explore.ipynb", "report.ipynb"):
        shutil.copy(REPO / "notebooks" / name, tmp_path / "notebooks" / name)
    if clients:
        write_workspace(tmp_path)
    return tmp_path


def test_the_shipped_notebooks_find_the_project_themselves():
    for name in ("explore.ipynb", "report.ipynb"):
        cells = json.loads((REPO / "notebooks" / name).read_text())["cells"]
        params = next(c for c in cells if "parameters" in c["metadata"].get("tags", []))
        assert any(line.startswith("root = None") for line in params["source"]), name


def test_explorer_opened_from_the_notebooks_folder_finds_the_project(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    from cxlib.interactive.explore import Explorer

    project = _project(tmp_path)
    monkeypatch.delenv("CX_ROOT", raising=False)
    monkeypatch.chdir(project / "notebooks")  # where JupyterLab starts the kernel
    explorer = Explorer()
    assert explorer.root == project.resolve()
    assert list(explorer.client_box.options) == ["tiny"] and explorer.ws is not None
    assert "responses selected" in explorer.numbers.value and explorer.message.value == ""
    assert "Reconciliation" in explorer.reconciliation_table().html


def test_explorer_without_clients_says_so_and_the_next_cells_do_not_raise(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    from cxlib.interactive.explore import Explorer

    project = _project(tmp_path, clients=False)
    monkeypatch.delenv("CX_ROOT", raising=False)
    monkeypatch.chdir(project / "notebooks")
    explorer = Explorer()
    assert explorer.ws is None and list(explorer.client_box.options) == []
    assert "No client workspace" in explorer.message_text and "cx demo" in explorer.message_text
    assert "No client workspace" in explorer.reconciliation_table().html
    assert "No client workspace" in explorer.coding_panel(coder="x").html


def test_explorer_names_a_misspelt_client(tmp_path):
    pytest.importorskip("ipywidgets")
    from cxlib.interactive.explore import Explorer

    explorer = Explorer(root=_project(tmp_path), client="tinny")
    assert "Did you mean tiny?" in explorer.message_text and explorer.ws is not None


def test_explorer_says_why_a_broken_client_cannot_be_opened(tmp_path):
    pytest.importorskip("ipywidgets")
    from cxlib.interactive.explore import Explorer

    project = _project(tmp_path, clients=False)
    (project / "data" / "half").mkdir()
    (project / "data" / "half" / "client.yaml").write_text("display_name: Half\n")
    explorer = Explorer(root=project)
    assert explorer.ws is None and "client.yaml, key `tables`" in explorer.message_text


def _run_from_notebooks_folder(project: Path, name: str, tmp_path: Path, **parameters):
    import papermill as pm

    return pm.execute_notebook(str(project / "notebooks" / name), str(tmp_path / f"out-{name}"),
                               parameters=parameters, progress_bar=False, kernel_name="python3",
                               cwd=str(project / "notebooks"))


@pytest.mark.slow
def test_both_notebooks_run_from_the_notebooks_folder_with_their_defaults(tmp_path, monkeypatch):
    """As JupyterLab runs them: working folder notebooks/, no parameters injected."""
    from cxlib.demo import generate_client

    monkeypatch.delenv("CX_ROOT", raising=False)
    project = _project(tmp_path / "p", clients=False)
    generate_client("acme-telecom", project, n_customers=300, seed=3)  # report.ipynb's default client
    explore = _run_from_notebooks_folder(project, "explore.ipynb", tmp_path)
    kinds = [list(o.get("data", {})) for c in explore.cells for o in c.get("outputs", [])]
    assert sum("application/vnd.jupyter.widget-view+json" in k for k in kinds) == 2  # explorer + coding panel
    report = _run_from_notebooks_folder(project, "report.ipynb", tmp_path)
    assert not [o for c in report.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.slow
def test_explore_notebook_in_a_project_without_clients_runs_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("CX_ROOT", raising=False)
    project = _project(tmp_path / "p", clients=False)
    nb = _run_from_notebooks_folder(project, "explore.ipynb", tmp_path)
    text = json.dumps([o for c in nb.cells for o in c.get("outputs", [])])
    assert "No client workspace" in text and "AttributeError" not in text
