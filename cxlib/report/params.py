"""Check notebook parameters before papermill injects them.

papermill only *warns* about a parameter the notebook does not declare and injects names
unescaped (``name = value``), so a misspelt ``audiance="analyst"`` would silently render the
default report. Here every name must be a plain identifier declared in the notebook's
``parameters`` cell (read with papermill's own inspect API) and every value a primitive.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
...                                                            "display_name": "Python 3"}})
>>> nb.cells = [nbformat.v4.new_code_cell("client = 'x'\\naudience = 'executive'", metadata={"tags": ["parameters"]})]
>>> sorted(declared_parameters(nb))
['audience', 'client']
>>> validate_parameters(nb, {"audience": "analyst"})
{'audience': 'analyst'}
"""

from __future__ import annotations

import ast
import copy
import difflib
import keyword
import math
import os
from pathlib import Path
from typing import Any, Mapping

import nbformat

from cxlib.report.exceptions import ParameterError

__all__ = ["PRIMITIVES", "parameters_cell_index", "declared_parameters", "validate_parameters", "check_injected_cell"]

#: The only value types a parameter may have.
PRIMITIVES = (str, int, float, bool, type(None))


def _load(notebook: nbformat.NotebookNode | str | os.PathLike) -> tuple[nbformat.NotebookNode, str]:
    if isinstance(notebook, nbformat.NotebookNode):
        return notebook, "the notebook"
    path = Path(notebook)
    if not path.exists():
        raise ParameterError(f"Notebook {path} does not exist.")
    return nbformat.read(path, as_version=4), str(path)


def parameters_cell_index(notebook: nbformat.NotebookNode | str | os.PathLike) -> int:
    """Index of the cell tagged ``parameters``.

    Raises
    ------
    ParameterError
        When the notebook has no such cell (papermill would inject at the top and carry on).
    """
    nb, where = _load(notebook)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return index
    raise ParameterError(
        f"{where} has no cell tagged `parameters`. Tag the cell that holds the defaults "
        "(JupyterLab: Property Inspector > Cell Tags > parameters)."
    )


def declared_parameters(notebook: nbformat.NotebookNode | str | os.PathLike) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares, as papermill's inspect API reports them.

    Returns
    -------
    dict
        name -> {name, inferred_type_name, default, help}.
    """
    from papermill.inspection import _infer_parameters  # the function behind papermill.inspect_notebook

    nb, where = _load(notebook)
    parameters_cell_index(nb)
    if not nb.metadata.get("kernelspec", {}).get("name"):
        raise ParameterError(f"{where} has no kernelspec in its metadata; save it from Jupyter with a Python kernel.")
    if isinstance(notebook, nbformat.NotebookNode):
        nb = copy.deepcopy(nb)
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
        params = _infer_parameters(nb)
        return {p.name: dict(p._asdict()) for p in params}
    import papermill

    return papermill.inspect_notebook(str(notebook))


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ParameterError(
            f"Parameter name {name!r} is not allowed: use a plain Python identifier that does not start with '_' "
            "and is not a keyword (e.g. `audience`)."
        )


def _check_value(name: str, value: Any) -> None:
    if type(value) not in PRIMITIVES:
        raise ParameterError(
            f"Parameter `{name}` is a {type(value).__name__}; parameters must be str, int, float, bool or None. "
            "Pass lists as a comma-separated string."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"Parameter `{name}` is {value!r}; give a finite number.")
    if isinstance(value, str) and "\x00" in value:
        raise ParameterError(f"Parameter `{name}` contains a NUL character.")


def validate_parameters(notebook: nbformat.NotebookNode | str | os.PathLike,
                        parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Check parameters against the notebook's ``parameters`` cell before executing it.

    Parameters
    ----------
    notebook : NotebookNode or path
        The notebook to be executed.
    parameters : mapping
        name -> value.

    Returns
    -------
    dict
        The same parameters, as a plain dict.

    Raises
    ------
    ParameterError
        No parameters cell; a name that is not a plain identifier; a value that is not a
        primitive (str, int, float, bool, None) or not finite; a name the notebook does not
        declare (with the closest declared name as a hint); a value whose type differs from
        the default's in the parameters cell.
    """
    declared = declared_parameters(notebook)
    out: dict[str, Any] = {}
    for name, value in parameters.items():
        _check_name(name)
        _check_value(name, value)
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise ParameterError(
                f"Unknown parameter `{name}`.{hint} The notebook declares: {', '.join(sorted(declared)) or 'nothing'}."
            )
        _check_type(name, value, declared[name])
        out[name] = value
    return out


def _default_value(spec: Mapping[str, Any]) -> Any:
    try:
        return ast.literal_eval(str(spec.get("default")))
    except (ValueError, SyntaxError):
        return None  # a default that is an expression: nothing to compare with


def _check_type(name: str, value: Any, spec: Mapping[str, Any]) -> None:
    """The value must have the type of the notebook's default (a None default accepts any primitive).

    An int default takes an int (a float default an int or a float; a bool default only a bool):
    ``seed = 7`` given ``"[1,2]"`` would otherwise fail inside the kernel, half-way through the notebook.
    """
    default = _default_value(spec)
    if default is None or value is None:
        return
    kind = type(default)
    if kind is bool:
        ok = type(value) is bool
    elif kind is int:
        ok = type(value) is int
    elif kind is float:
        ok = type(value) in (int, float)
    else:
        ok = isinstance(value, kind)
    if not ok:
        names = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
        raise ParameterError(
            f"Parameter `{name}` is {value!r} ({type(value).__name__}); the notebook's default is {default!r}, "
            f"so give {names.get(kind, 'a ' + kind.__name__)}, e.g. `-p {name}={json_literal(default)}`."
        )


def json_literal(value: Any) -> str:
    """How ``-p name=...`` writes a value: ``7``, ``true``, ``text``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_injected_cell(source: str, parameters: Mapping[str, Any]) -> None:
    """Defence in depth: the cell papermill injected must be exactly ``name = literal`` lines.

    Raises
    ------
    ParameterError
        When the injected source holds anything else (it never should once names and values
        have passed :func:`validate_parameters`).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"The injected parameters cell does not parse ({exc.msg}).") from None
    seen = set()
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            raise ParameterError("The injected parameters cell holds a statement other than `name = value`.")
        name = stmt.targets[0].id
        try:
            value = ast.literal_eval(stmt.value)
        except ValueError:
            raise ParameterError(f"The injected value of `{name}` is not a literal.") from None
        if name not in parameters or value != parameters[name] or type(value) is not type(parameters[name]):
            raise ParameterError(f"The injected value of `{name}` does not round-trip.")
        seen.add(name)
    if seen != set(parameters):
        raise ParameterError("The injected parameters cell does not assign every parameter.")
