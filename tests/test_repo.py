"""Repository hygiene: notebooks without outputs, conda env equivalent to pyproject, CI entry."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ALIASES = {"duckdb": "python-duckdb"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _tracked(pattern: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line]


def test_committed_notebooks_have_no_outputs():
    for nb in _tracked("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        dirty = [i for i, c in enumerate(cells) if c.get("outputs") or c.get("execution_count")]
        assert not dirty, f"{nb.relative_to(ROOT)} has outputs in cells {dirty}: strip them before committing"


def test_environment_yml_has_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed |= {_name(r) for r in dep["pip"]}
        else:
            listed.add(_name(dep))
    missing = {w for w in wanted if w not in listed and ALIASES.get(w) not in listed}
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    assert any("-e" in str(dep) for d in env["dependencies"] if isinstance(d, dict) for dep in d["pip"])


def test_generated_outputs_are_ignored():
    tracked = _tracked("data") + _tracked("reports")
    assert all(p.name == "README.md" for p in tracked), tracked


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
