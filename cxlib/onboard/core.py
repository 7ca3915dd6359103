"""The onboarding's public names at their old path (``cxlib.onboard.core``), now split by concern.

==============  ================================================================
``vocabulary``  column-name synonyms, survey question patterns, stage names
``inspect``     what a file looks like (:func:`inspect_file`, :func:`inspect_folder`)
``mapping``     a file's columns matched to a table's canonical columns
``proposal``    :class:`Proposal` (the proposed client.yaml) and :class:`Flag`
``entry``       one table's entry: path, reading settings, columns, scales, dates
``settings``    the client-level settings: name, period, stages, segments, touchpoints
``propose``     :func:`propose_config` and :func:`init_client` (``cx init``)
==============  ================================================================
"""

from __future__ import annotations

from cxlib.onboard.inspect import FileInspection, inspect_file, inspect_folder
from cxlib.onboard.proposal import Flag, Proposal
from cxlib.onboard.propose import init_client, propose_config
from cxlib.onboard.vocabulary import SYNONYMS

__all__ = ["Flag", "FileInspection", "Proposal", "inspect_file", "inspect_folder", "propose_config", "init_client",
           "SYNONYMS"]
