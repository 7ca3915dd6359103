"""Notebook parameters: unknown, misspelled, badly named or non-primitive -> hard error.

papermill itself only warns about an unknown parameter and injects names unescaped; these tests
pin that ``cxlib.report.params`` refuses all of that before a kernel starts (no kernel here).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cxlib.report.exceptions import ParameterError
from cxlib.report.execute import prepare_notebook
from cxlib.report.params import check_injected_cell, declared_parameters, parameters_cell_index, validate_parameters

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
REPORT = Path(__file__).parents[2] / "notebooks" / "report.ipynb"
EXPLORE = Path(__file__).parents[2] / "notebooks" / "explore.ipynb"


def test_declared_parameters_of_the_fixture_come_from_papermills_inspect_api():
    assert set(declared_parameters(FIXTURES / "ok.ipynb")) == {"client", "audience", "greeting", "n"}


def test_report_notebook_declares_the_documented_parameters():
    declared = declared_parameters(REPORT)
    assert set(declared) == {"client", "audience", "root", "period_start", "period_end", "seed", "view"}


@pytest.mark.parametrize("name,hint", [("clinet", "client"), ("audiance", "audience"), ("greting", "greeting")])
def test_misspelled_parameter_is_an_error_with_a_hint(name, hint):
    with pytest.raises(ParameterError, match=f"Unknown parameter `{name}`.*Did you mean `{hint}`"):
        validate_parameters(FIXTURES / "ok.ipynb", {name: "x"})


def test_unknown_parameter_without_close_match_lists_the_declared_ones():
    with pytest.raises(ParameterError, match="declares: audience, client, greeting, n"):
        validate_parameters(FIXTURES / "ok.ipynb", {"zzzzzz": 1})


def test_notebook_without_parameters_cell_is_a_hard_error():
    with pytest.raises(ParameterError, match="no cell tagged `parameters`"):
        validate_parameters(FIXTURES / "no_parameters.ipynb", {"greeting": "hi"})
    with pytest.raises(ParameterError):
        parameters_cell_index(FIXTURES / "no_parameters.ipynb")
    # even without any parameter: running it would silently use whatever the notebook holds
    with pytest.raises(ParameterError):
        prepare_notebook(FIXTURES / "no_parameters.ipynb", {})


@pytest.mark.parametrize("name", ["class", "a b", "x; import os", "_private", "1st", "", "x=1", "ünïcode-ish-"])
def test_parameter_names_must_be_plain_identifiers(name):
    with pytest.raises(ParameterError, match="not allowed"):
        validate_parameters(FIXTURES / "ok.ipynb", {name: 1})


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, (1,), object(), float("nan"), float("inf"), b"bytes", "a\x00b"])
def test_parameter_values_must_be_finite_primitives(value):
    with pytest.raises(ParameterError):
        validate_parameters(FIXTURES / "ok.ipynb", {"greeting": value})


@pytest.mark.parametrize("value", ["plain", 'quote " and \\ backslash', "new\nline", "'; import os; os.system('x') #",
                                   3, 2.5, True, None])
def test_primitive_values_round_trip_through_the_injected_cell(value):
    source = nbformat.read(FIXTURES / "ok.ipynb", as_version=4)  # greeting = None: any primitive type is allowed
    source.cells[0].source = source.cells[0].source.replace('greeting = "hello"', "greeting = None")
    nb, token = prepare_notebook(source, {"greeting": value})
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    check_injected_cell(injected[0].source, {"greeting": value})  # raises if it would not round-trip
    namespace: dict = {}
    exec(injected[0].source, namespace)  # noqa: S102 - the point: the injected code is only this assignment
    assert namespace["greeting"] == value and type(namespace["greeting"]) is type(value)


def test_injected_cell_check_catches_anything_but_literal_assignments():
    with pytest.raises(ParameterError):
        check_injected_cell("x = 1\nimport os", {"x": 1})
    with pytest.raises(ParameterError):
        check_injected_cell("x = len('a')", {"x": 1})
    with pytest.raises(ParameterError):
        check_injected_cell("x = 2", {"x": 1})
    with pytest.raises(ParameterError):
        check_injected_cell("x = 1", {"x": 1, "y": 2})
    check_injected_cell("# Parameters\nx = 1\n", {"x": 1})


def test_audience_tags_drop_the_other_audiences_cells_and_a_sentinel_is_appended():
    nb, token = prepare_notebook(FIXTURES / "ok.ipynb", {}, drop_tags={"analyst"})
    sources = "\n".join(c.source for c in nb.cells)
    assert "executive only" in sources and "analyst only" not in sources
    assert nb.cells[-1].metadata["tags"] == ["cx-sentinel"] and token in nb.cells[-1].source
    # deterministic token: same notebook + parameters, same token; other parameters, other token
    assert prepare_notebook(FIXTURES / "ok.ipynb", {}, drop_tags={"analyst"})[1] == token
    assert prepare_notebook(FIXTURES / "ok.ipynb", {"n": 4})[1] != token


def test_committed_notebooks_have_no_outputs_and_no_def_or_class():
    for path in (REPORT, EXPLORE):
        if not path.exists():
            pytest.skip(f"{path.name} not written yet")
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: outputs committed"
            for line in cell.source.splitlines():
                assert not line.lstrip().startswith(("def ", "class ", "async def ")), f"{path.name}: {line}"
        assert any(c.cell_type == "markdown" for c in nb.cells), f"{path.name}: narrate in markdown"


@pytest.mark.parametrize("name, value", [("n", "[1,2]"), ("n", 2.5), ("n", True), ("greeting", 3), ("greeting", False)])
def test_a_value_must_have_the_type_of_the_default(name, value):
    """`-p seed=[1,2]` against `seed = 7` is refused here, not by numpy inside the kernel."""
    with pytest.raises(ParameterError, match=f"Parameter `{name}` is .*the notebook's default is"):
        validate_parameters(FIXTURES / "ok.ipynb", {name: value})
    assert validate_parameters(FIXTURES / "ok.ipynb", {"n": 4, "greeting": "hi"}) == {"n": 4, "greeting": "hi"}
    assert validate_parameters(FIXTURES / "ok.ipynb", {"n": None}) == {"n": None}  # None: the notebook's own choice
