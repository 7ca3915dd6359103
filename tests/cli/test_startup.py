"""`cx` starts at once: importing the command line pulls in none of the analysis stack.

Time itself is measured in bench/ (docs/benchmarks/startup.md), never asserted here; what is
checked is the cause of a slow start: which modules an import drags in.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "sklearn", "duckdb", "pyarrow", "papermill",
         "nbformat", "nbconvert", "weasyprint", "seaborn", "jupyter_client", "phonenumbers")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("code", ["import cxlib", "import cxlib.cli", "import cxlib.__main__",
                                  "from cxlib.cli import app; from typer.main import get_command; "
                                  "get_command(app)"])
def test_starting_cx_imports_no_analysis_stack(code):
    loaded = _modules_after(code)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"`{code}` imports {sorted({m.split('.')[0] for m in heavy})}: import them inside the command"


def test_the_probe_can_fail():
    assert "pandas" in _modules_after("import cxlib.workspace")


def test_help_and_version_import_nothing_heavy():
    code = ("import sys\nfrom cxlib.cli import main\nfor argv in (['--help'], ['--version'], ['report', '--help']):\n"
            "    sys.argv = ['cx', *argv]\n    try:\n        main()\n    except SystemExit:\n        pass\n")
    loaded = _modules_after(code)
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)
