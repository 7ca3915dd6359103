"""The `cx` command line as a user runs it."""

from __future__ import annotations

from typer.testing import CliRunner

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
