"""Social and reviews: volume and spikes, sentiment, themes magnified in public, reach, public replies.

* :mod:`~cxlib.analysis.social.volume` -- volume over time, spikes and the posts behind them;
* :mod:`~cxlib.analysis.social.voice` -- sentiment shares; themes magnified on social against surveys;
* :mod:`~cxlib.analysis.social.replies` -- engagement, reach and stars; response rate and time.

Each works on the ``mentions`` table alone, so a client with only posts or only reviews gets
them. Intervals and suppression come from :mod:`cxlib.analysis.stats`.
"""

from cxlib.analysis.social.replies import ENGAGEMENT_COLUMNS, engagement_summary, response_performance
from cxlib.analysis.social.voice import SENTIMENTS, sentiment_labels, sentiment_share, theme_magnification
from cxlib.analysis.social.volume import SpikeResult, detect_spikes, mention_volume

__all__ = [
    "ENGAGEMENT_COLUMNS",
    "SENTIMENTS",
    "SpikeResult",
    "mention_volume",
    "detect_spikes",
    "sentiment_labels",
    "sentiment_share",
    "theme_magnification",
    "engagement_summary",
    "response_performance",
]
