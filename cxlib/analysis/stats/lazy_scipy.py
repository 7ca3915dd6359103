"""``scipy.stats``, imported on first use.

It costs a report kernel ~0.5 s that a run reading its results from the cache
(:mod:`cxlib.report.results`) never needs, so the kernel modules reach it through :data:`st`.

Examples
--------
>>> round(float(st.norm.ppf(0.975)), 4)
1.96
"""

from __future__ import annotations

__all__ = ["st"]


class _LazyScipyStats:
    """Attribute access forwards to ``scipy.stats``, imported at the first access."""

    def __getattr__(self, name):
        from scipy import stats

        return getattr(stats, name)


#: Stands in for ``scipy.stats``.
st = _LazyScipyStats()
