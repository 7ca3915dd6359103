"""Synthetic demo clients with planted truth (``cx demo``).

Three clients from three industries -- a telecom operator, a retailer and an insurer -- each
with its own stages, touchpoints, segments, channel mix, brand colours and file formats, and
each with the same *kinds* of planted effects on *different* touchpoints, channels and
segments, so no analysis can hard-code them:

* a key driver of relationship NPS (one touchpoint rating);
* post-sale decay (experience peaks at the buying stage);
* a delivery gap (the company rates itself 5/5 where customers rarely give a top box);
* a channel with far more requests for information the company already held;
* silent waits (long waits without updates) that lower NPS;
* one touchpoint rated clearly worse on one channel;
* one comment theme concentrated in one segment;
* churn driven by the cumulative journey (friction counts and peak-end quality) rather than
  by any single touchpoint rating, including a few "good touchpoints, poor journey" customers.

What was planted is written to ``planted.yaml`` (plus ``planted_codes.csv`` with the themes of
every comment, ``planted_mention_codes.csv`` for mentions and ``planted_pii.csv`` with the
personal data put into comments) so tests can check that the analyses recover it. Analyses
never read these files.

The generator is vectorised numpy (comment text is the only per-row Python loop) and fully
deterministic: the same ``seed`` gives byte-identical files.

Modules: :mod:`~cxlib.demo.specs` (the clients and their planted effects),
:mod:`~cxlib.demo.simulate` (one seeded simulation, drawn table by table in
:mod:`~cxlib.demo.journeys`, :mod:`~cxlib.demo.surveys`, :mod:`~cxlib.demo.voice`,
:mod:`~cxlib.demo.frames`; the planted truth in :mod:`~cxlib.demo.planted`),
:mod:`~cxlib.demo.write` (the files in each client's formats), :mod:`~cxlib.demo.generate`
(the entry points) and :mod:`~cxlib.demo.text` (comment text).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> d = generate_client("acme-telecom", Path(tempfile.mkdtemp()), n_customers=200, seed=1)
>>> sorted(p.name for p in d.iterdir())[:4]
['client.yaml', 'codebook.yaml', 'customers.csv', 'interactions.parquet']
"""

from cxlib.demo.generate import generate_client, generate_demo
from cxlib.demo.specs import DEMO_CLIENTS, PERIOD_END, PERIOD_START

__all__ = ["DEMO_CLIENTS", "PERIOD_START", "PERIOD_END", "generate_client", "generate_demo"]
