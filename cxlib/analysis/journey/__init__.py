"""The cumulative experience: every customer's touchpoints over time.

* :mod:`~cxlib.analysis.journey.scores` -- each interaction with the rating it was given;
* :mod:`~cxlib.analysis.journey.cases` -- cases (contacts about one issue) and their friction;
* :mod:`~cxlib.analysis.journey.index` -- the journey index per customer, explained and summarised
  (:mod:`~cxlib.analysis.journey.index_sql`: the same inside DuckDB);
* :mod:`~cxlib.analysis.journey.outcomes` -- relationship NPS and churn; good touchpoints, poor journey;
* :mod:`~cxlib.analysis.journey.paths` -- the most common journeys and how they end;
* :mod:`~cxlib.analysis.journey.map` -- the journey map: every stage × touchpoint cell, ranked;
* :mod:`~cxlib.analysis.journey.lifecycle` -- does the experience decay after the sale?
* :mod:`~cxlib.analysis.journey.consistency` -- channels and departments that feel like different companies;
* :mod:`~cxlib.analysis.journey.departments` -- departments against each other, and hand-offs that go wrong;
* :mod:`~cxlib.analysis.journey.friction` -- asked again, silent waits, repeat contacts;
* :mod:`~cxlib.analysis.journey.value` -- does the journey view predict better than single touchpoints?

Shared helpers: :mod:`~cxlib.analysis.journey.common`. Intervals and suppression come from
:mod:`cxlib.analysis.stats`. Methods: ``docs/methods-journey.md``.
"""

from cxlib.analysis.journey.cases import case_table, contact_flags
from cxlib.analysis.journey.components import COMPONENTS
from cxlib.analysis.journey.index import index_contributions, journey_index, summarise_index
from cxlib.analysis.journey.index_sql import journey_index_duckdb
from cxlib.analysis.journey.map import journey_map
from cxlib.analysis.journey.outcomes import customer_outcomes, good_touchpoints_poor_journey, touchpoint_vs_journey
from cxlib.analysis.journey.paths import journey_paths, path_outcomes
from cxlib.analysis.journey.scores import relationship_answers, touchpoint_scores

__all__ = [
    "COMPONENTS",
    "touchpoint_scores",
    "relationship_answers",
    "case_table",
    "contact_flags",
    "journey_index",
    "journey_index_duckdb",
    "index_contributions",
    "summarise_index",
    "customer_outcomes",
    "touchpoint_vs_journey",
    "good_touchpoints_poor_journey",
    "journey_map",
    "journey_paths",
    "path_outcomes",
]
