"""The house rules of the layout, checked on the source (docs/architecture.md).

- no import cycle in ``cxlib`` (every import counts, lazy ones inside functions too);
- no module over 600 lines;
- no private name (``_x``) imported from another module;
- every module declares ``__all__``;
- layers import downwards only.

The graph is built from the source with :mod:`ast`, nothing is imported, so a broken module
cannot hide a rule. Each rule also has a test that it can fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cxlib"
MAX_LINES = 600

#: Layer of each top-level part of cxlib: a module may import its own layer or lower ones.
#: Parts on the same rank do not import each other unless ALSO_ALLOWED says so.
LAYERS: dict[str, int] = {
    "errors": 0, "schema": 0, "_compat": 0, "config": 1,
    "ingest": 2,
    "workspace": 3,
    "analysis": 4,
    "text": 5,
    "present": 6,
    "report": 7,
    "interactive": 8, "onboard": 8, "demo": 8,
    "cli": 9,
    "__init__": 9, "__main__": 10,
}
#: Same-rank imports that are part of the design.
ALSO_ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` is or lies inside (``a.b.func`` -> ``a.b``)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path, known: dict[str, Path]) -> list[tuple[str, int, list[str]]]:
    """(imported cxlib module, line, names taken) for every import in the file, lazy ones included."""
    this = module_name(path)
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "cxlib" and (target := _resolve(alias.name, known)):
                    out.append((target, node.lineno, []))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = this if is_package else this.rpartition(".")[0]
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}".strip(".")
            if base.split(".")[0] != "cxlib":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:  # `from cxlib.analysis import metrics` imports a module
                    out.append((sub, node.lineno, []))
                elif (target := _resolve(base, known)):
                    out.append((target, node.lineno, [alias.name]))
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {t for t, _, _ in imports_of(path, known) if t != name} for name, path in known.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for src, targets in edges.items():
        for dst in targets:
            a, b = _part(src), _part(dst)
            if a == b or (a, b) in ALSO_ALLOWED or dst == "cxlib":
                continue
            if LAYERS.get(b, 99) >= LAYERS.get(a, -1):
                bad.append(f"{src} -> {dst}")
    return sorted(bad)


def private_imports() -> list[str]:
    known = modules()
    bad = []
    for name, path in known.items():
        for target, line, names in imports_of(path, known):
            for n in names:
                if n.startswith("_") and not n.startswith("__") and target != name:
                    bad.append(f"{path.relative_to(ROOT)}:{line}: {n} from {target}")
    return bad


def long_modules() -> list[str]:
    return [f"{p.relative_to(ROOT)}: {n} lines" for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]


def modules_without_all() -> list[str]:
    out = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        has_all = any(isinstance(n, (ast.Assign, ast.AnnAssign)) and any(
            getattr(t, "id", None) == "__all__" for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
            for n in tree.body)
        defines = any(isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) for n in tree.body)
        if defines and not has_all and path.name != "__main__.py":
            out.append(str(path.relative_to(ROOT)))
    return out


# ------------------------------------------------------------------------------------ the rules
def test_no_import_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_layers_import_downwards_only():
    assert layer_violations(graph()) == []


def test_no_private_name_is_imported_from_another_module():
    assert private_imports() == []


def test_no_module_is_over_600_lines():
    assert long_modules() == []


def test_every_module_declares_all():
    assert modules_without_all() == []


def test_every_part_of_cxlib_has_a_layer():
    parts = {_part(m) for m in modules()}
    assert parts <= set(LAYERS), f"give these a layer in LAYERS: {sorted(parts - set(LAYERS))}"


# ---------------------------------------------------------------------------- the rules can fail
def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_scan_sees_lazy_and_relative_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "cxlib"
    (pkg / "analysis").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "analysis" / "__init__.py").write_text("")
    (pkg / "analysis" / "a.py").write_text("def f():\n    from cxlib.report import b\n    from .c import _hidden\n")
    (pkg / "analysis" / "c.py").write_text("_hidden = 1\n")
    (pkg / "report").mkdir()
    (pkg / "report" / "__init__.py").write_text("")
    (pkg / "report" / "b.py").write_text("import cxlib.analysis.a\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", pkg)
    edges = graph()
    assert edges["cxlib.analysis.a"] == {"cxlib.report.b", "cxlib.analysis.c"}
    assert find_cycle(edges) == ["cxlib.analysis.a", "cxlib.report.b", "cxlib.analysis.a"]
    assert layer_violations(edges) == ["cxlib.analysis.a -> cxlib.report.b"]
    assert private_imports() == ["cxlib/analysis/a.py:3: _hidden from cxlib.analysis.c"]


@pytest.mark.parametrize("n, over", [(MAX_LINES, False), (MAX_LINES + 1, True)])
def test_the_length_rule_counts_lines(tmp_path, monkeypatch, n, over):
    pkg = tmp_path / "cxlib"
    pkg.mkdir()
    (pkg / "big.py").write_text("x = 1\n" * n)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", pkg)
    assert bool(long_modules()) is over
