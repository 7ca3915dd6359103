"""Which report sections a client's data supports, and what would unlock the others.

Used by ``cx init`` (to say what a new client's files allow) and by the analyst report
("What the data supports"). The sections and what each needs come from the report's own
section registry (:mod:`cxlib.report.sections`), so this list, the report's headings and its
"not available" notes cannot disagree.

Examples
--------
>>> from types import SimpleNamespace
>>> t = missing_data_sections(SimpleNamespace(sources={"responses": object()}))
>>> t.set_index("section").loc["What drives NPS, and what to fix first", "status"]
'available'
>>> t.set_index("section").loc["Churn and value at risk", "status"]
'missing'
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from cxlib.report.sections import coverage, sections
from cxlib.schema import TABLE_ORDER

__all__ = ["SECTIONS", "missing_data_sections"]


#: Report sections and the data each needs: (section title, {table: [columns]}, what to provide), in
#: report order; read from the section registry. ``rating_*`` stands for any touchpoint-rating column,
#: ``csat|ces`` for either column.
SECTIONS: tuple[tuple[str, dict[str, list[str]], str], ...] = tuple(
    (s.title, {t: list(c) for t, c in s.all_needs.items()}, s.unlock) for s in sections() if s.needs or s.parts)


def missing_data_sections(config, *, tables: Mapping[str, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """Which report sections the client's data supports, and what would unlock the others.

    Parameters
    ----------
    config : ClientConfig or Workspace
        The client's configuration (tables provided = ``config.sources``). A
        :class:`~cxlib.workspace.Workspace` also gives its validated tables, so columns
        that are absent or entirely empty count as missing.
    tables : mapping, optional
        Table name -> validated DataFrame (None when absent), to check columns too.

    Returns
    -------
    DataFrame
        One row per section of :data:`SECTIONS`, in report order:
        ``section`` (str), ``needs`` (str: the tables and columns it uses),
        ``status`` (``available`` | ``partial`` | ``missing``: all, some or none of the
        needed tables/columns present), ``what_to_provide`` (str; empty when available).
        See :func:`cxlib.report.sections.coverage`.

    Notes
    -----
    A table counts as present when client.yaml has a ``tables:`` entry for it; with
    ``tables`` (or a Workspace) a column counts as present when it has at least one value.
    """
    if hasattr(config, "config") and hasattr(config, "table"):  # a Workspace
        ws = config
        config = ws.config
        if tables is None:
            tables = {name: ws.one_value_per_column(name) for name in TABLE_ORDER}
    return coverage(config, tables=tables)
