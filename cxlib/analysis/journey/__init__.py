"""The cumulative experience: every customer's touchpoints over time.

``core`` (touchpoint scores, cases, the journey index, paths, outcomes), ``lifecycle`` (does the
experience decay after the sale?), ``consistency`` (channels and departments), ``friction``
(asked again, silent waits, repeat contacts) and ``value`` (does the journey view predict
better than single touchpoints?).
"""

from cxlib.analysis.journey.core import *  # noqa: F401,F403
from cxlib.analysis.journey.core import __all__  # noqa: F401
