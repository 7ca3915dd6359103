"""The `cx` command line as a user runs it."""

from __future__ import annotations

from typer.testing import CliRunner

from cxlib.errors import CxError

from cxlib.cli import app
from tests.conftest import CUSTOMERS, RESPONSES, write_workspace

runner = CliRunner()


def test_validate_prints_reconciliation(tiny_root):
    result = runner.invoke(app, ["validate", "tiny", "--root", str(tiny_root)])
    assert result.exit_code == 0, result.output
    assert "rows read = rows used + rows quarantined" in result.output
    assert "interactions" in result.output and "✓" in result.output


def test_validate_shows_top_reasons(tmp_path):
    bad = RESPONSES.replace("R04,C003,I05,2025-04-11T13:00:00,8,", "R04,C003,I05,2025-04-11T13:00:00,11,")
    write_workspace(tmp_path, files={"responses.csv": bad})
    result = runner.invoke(app, ["validate", "tiny", "--root", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 0
    assert "bad_value" in result.output and "responses.csv row 5" in result.output


def test_validate_unusable_table_exits_1_with_message(tmp_path):
    write_workspace(tmp_path, files={"customers.csv": CUSTOMERS.replace("segment,", "segmnt,")})
    result = runner.invoke(app, ["validate", "--all", "--root", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 1
    assert "required column" in result.output and "Traceback" not in result.output


def test_unknown_client_is_a_short_error(tiny_root):
    result = runner.invoke(app, ["validate", "nobody", "--root", str(tiny_root)])
    assert result.exit_code == 2
    assert "No client 'nobody'" in result.output and "Traceback" not in result.output


def test_validate_needs_client_or_all(tiny_root):
    result = runner.invoke(app, ["validate", "--root", str(tiny_root)])
    assert result.exit_code == 2


def test_clients_lists_workspaces(tiny_root):
    result = runner.invoke(app, ["clients", "--root", str(tiny_root)])
    assert result.exit_code == 0 and "Tiny Telco" in result.output


def test_validate_warns_about_unconfirmed_settings(tiny_root):
    path = tiny_root / "data" / "tiny" / "client.yaml"
    text = path.read_text().replace("min_n: 2", "# CONFIRM[min_n]: proposed from the data; check it\nmin_n: 2")
    path.write_text(text)
    result = runner.invoke(app, ["validate", "tiny", "--root", str(tiny_root)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "still to confirm" in result.output and "min_n" in result.output


# --------------------------------------------------------------------------- the CLI's manners (issue 11)
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import cxlib  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def _no_kernel(monkeypatch):
    """Fail the test if any kernel is started: the checks must come first."""
    from cxlib.report import execute

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started before the command was checked")

    monkeypatch.setattr(execute.Kernel, "__init__", refuse)


def test_version_option():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and cxlib.__version__ in result.output


def test_python_m_cxlib_is_the_same_program():
    out = subprocess.run([sys.executable, "-m", "cxlib", "--help"], capture_output=True, text=True, cwd=REPO,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Usage: python -m cxlib" in out.stdout and "report" in out.stdout
    version = subprocess.run([sys.executable, "-m", "cxlib", "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0 and cxlib.__version__ in version.stdout


def test_misspelt_client_gets_a_suggestion_and_exit_2(tiny_root, monkeypatch):
    _no_kernel(monkeypatch)
    result = runner.invoke(app, ["report", "tinny", "--root", str(tiny_root)])
    assert result.exit_code == 2, result.output
    assert "No client 'tinny'" in result.output and "Did you mean tiny?" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(app, ["validate", "tinny", "--root", str(tiny_root)]).exit_code == 2


@pytest.mark.parametrize("param, words", [
    ("sed=3", ["Unknown parameter `sed`", "Did you mean `seed`?"]),
    ("seed=[1,2]", ["Parameter `seed` is '[1,2]'", "whole number"]),
    ("seed=7.5", ["Parameter `seed` is 7.5"]),
])
def test_bad_parameters_are_refused_before_any_kernel_starts(tiny_root, monkeypatch, param, words):
    _no_kernel(monkeypatch)
    result = runner.invoke(app, ["report", "tiny", "--root", str(tiny_root), "-p", param], terminal_width=200)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in " ".join(result.output.split()), result.output
    batch = runner.invoke(app, ["batch", "tiny", "--root", str(tiny_root), "-p", param, "--no-progress"])
    assert batch.exit_code == 2, batch.output


def test_a_text_parameter_keeps_a_number_typed_for_it(tmp_path):
    from cxlib.cli.report import parse_params

    nb = REPO / "tests" / "fixtures" / "notebooks" / "ok.ipynb"  # greeting = "hello", n = 3
    assert parse_params(["greeting=2024", "n=4"], nb) == (("greeting", "2024"), ("n", 4))


def test_bad_option_and_unknown_command_exit_2(tiny_root):
    assert runner.invoke(app, ["report", "tiny", "--bogus"]).exit_code == 2
    assert runner.invoke(app, ["reprot"]).exit_code == 2
    assert runner.invoke(app, ["report", "tiny", "--audience", "boss", "--root", str(tiny_root)]).exit_code == 2


def test_help_shows_no_type_after_flags():
    from typer.main import get_command

    group = get_command(app)
    pages = [runner.invoke(app, ["--help"]).output]
    pages += [runner.invoke(app, [name, "--help"]).output for name in group.list_commands(None)]
    assert len(pages) >= 6
    for page in pages:
        assert "<bool>" not in page, page
        assert "Usage:" in page
    assert "--version" in pages[0]


def _half_made(root: Path) -> None:
    (root / "data" / "half").mkdir(parents=True)
    (root / "data" / "half" / "client.yaml").write_text("display_name: Half\n", encoding="utf-8")


def test_clients_names_a_broken_client_and_lists_the_others(tmp_path):
    write_workspace(tmp_path)
    write_workspace(tmp_path, "zeta")  # after the broken one in sorted order
    _half_made(tmp_path)
    result = runner.invoke(app, ["clients", "--root", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert "tiny" in result.output and "zeta" in result.output and result.output.count("Tiny Telco") == 2
    assert re.search(r"half: (half/)?client\.yaml, key `tables`", result.output), result.output


def test_validate_all_names_a_broken_client_and_validates_the_others(tmp_path):
    write_workspace(tmp_path)
    _half_made(tmp_path)
    result = runner.invoke(app, ["validate", "--all", "--root", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert re.search(r"half: (half/)?client\.yaml, key `tables`", result.output), result.output
    assert "✓ tiny" in result.output and "1 of 2 clients not usable: half" in result.output
    single = runner.invoke(app, ["validate", "half", "--root", str(tmp_path)], terminal_width=200)
    assert single.exit_code == 1 and "client.yaml" in single.output and "half" in single.output


def test_data_errors_exit_1_command_errors_exit_2():
    from cxlib.cli.errors import exit_status
    from cxlib.errors import ConfigError, DataError, ScaleError

    assert exit_status(DataError("x")) == exit_status(ScaleError("x")) == 1
    assert exit_status(ConfigError("x")) == exit_status(CxError("x")) == 2


def test_quarantine_examples_in_the_terminal_are_redacted(tmp_path):
    """The terminal output of `cx validate` (and any log of it) is an output: raw values are redacted."""
    bad = RESPONSES.replace("R04,C003,I05,2025-04-11T13:00:00,8,", "R04,C003,I05,ring 07700 900123 jo@example.com,8,")
    write_workspace(tmp_path, files={"responses.csv": bad})
    result = runner.invoke(app, ["validate", "tiny", "--root", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "07700" not in flat and "jo@example.com" not in flat
    assert "[PHONE]" in flat and "[EMAIL]" in flat and "is not a date" in flat
