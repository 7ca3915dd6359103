"""Old import paths keep working for a deprecation period, with a warning.

Before the layered layout (``ingest/``, ``analysis/``, ``present/`` …) every module sat at the
top of ``cxlib``; consultants' own notebooks import them (``from cxlib import metrics``,
``import cxlib.journey``). :data:`MOVED` maps each old name to its new home; importing an old
name gives the new module itself (the same object, so ``isinstance`` and monkeypatching
agree) and a :class:`DeprecationWarning` naming the new path.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

__all__ = ["MOVED", "install"]

#: Old module path -> new module path.
MOVED: dict[str, str] = {
    "cxlib.io": "cxlib.ingest.io",
    "cxlib.parsing": "cxlib.ingest.parsing",
    "cxlib.scales": "cxlib.ingest.scales",
    "cxlib.validate": "cxlib.ingest.validate",
    "cxlib.store": "cxlib.ingest.store",
    "cxlib.stats": "cxlib.analysis.stats",
    "cxlib.metrics": "cxlib.analysis.metrics",
    "cxlib.drivers": "cxlib.analysis.drivers",
    "cxlib.gap": "cxlib.analysis.gap",
    "cxlib.churn": "cxlib.analysis.churn",
    "cxlib.journey": "cxlib.analysis.journey",
    "cxlib.analysis.journey.core": "cxlib.analysis.journey",
    "cxlib.lifecycle": "cxlib.analysis.journey.lifecycle",
    "cxlib.consistency": "cxlib.analysis.journey.consistency",
    "cxlib.friction": "cxlib.analysis.journey.friction",
    "cxlib.journey_value": "cxlib.analysis.journey.value",
    "cxlib.charts": "cxlib.present.charts",
    "cxlib.narrative": "cxlib.present.narrative",
    "cxlib.tables": "cxlib.present.tables",
    "cxlib.onboard_yaml": "cxlib.onboard.confirm",
    "cxlib.demo_text": "cxlib.demo.text",
    "cxlib.cli_errors": "cxlib.cli.errors",
    "cxlib.cli_init": "cxlib.cli.init",
    "cxlib.cli_report": "cxlib.cli.report",
    "cxlib.report.explore": "cxlib.interactive.explore",
    "cxlib.text.panel": "cxlib.interactive.panel",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        new = MOVED[spec.name]
        warnings.warn(f"`{spec.name}` has moved to `{new}`; the old name will be removed in a later "
                      "release.", DeprecationWarning, stacklevel=2)
        module = importlib.import_module(new)
        self._specs = getattr(self, "_specs", {})
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module):
        # The module is the new one, already executed; the import machinery has just stamped the
        # alias spec on it: give it back its own, so reload, pickling and doctest see the new path.
        module.__spec__ = self._specs.get(module.__spec__.name, module.__spec__)


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` once."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
