"""Imported once by the batch pool's forkserver so that every worker forked from it is warm.

Importing papermill/nbconvert/nbformat (with its JSON-schema format checkers), WeasyPrint,
pandas and the workspace modules costs seconds per fresh process (shared/TOOLCHAIN.md); done
here once, every worker starts with them loaded. Nothing here starts a thread, a kernel or
an event loop, so forking afterwards is safe.
"""

from __future__ import annotations

from cxlib.report import execute  # noqa: F401 - first: it keeps nbformat's import light
import nbformat  # noqa: E402
import pandas  # noqa: F401 - used by every worker through cxlib.workspace
import papermill  # noqa: F401
import papermill.engines  # noqa: F401
import weasyprint  # noqa: F401

import cxlib.workspace  # noqa: F401
from cxlib.report import pipeline  # noqa: F401
from cxlib.report.render import warm_up

__all__: list[str] = []

warm_up()
nbformat.validate(nbformat.v4.new_notebook())
