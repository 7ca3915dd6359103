"""Bringing a client's own files: inspect a folder, propose a commented ``client.yaml``, confirm it.

``cx init <client> --from <folder>`` calls :func:`init_client`: every file in the folder is read
(never changed, never copied), its format, encoding, delimiter, title rows, column names, value
types, ranges and likely scales are found (:mod:`.inspect`), each file is matched to a workspace
table and each column to a canonical column (:mod:`.mapping`, by name, synonym (:mod:`.vocabulary`),
question text or values), and a commented ``data/<client>/client.yaml`` is written
(:mod:`.propose`, :mod:`.confirm`). What the tool is not sure about is *flagged*
(:class:`Flag`): ``# CONFIRM[<id>]`` in the YAML, confirmed with ``cx init --confirm`` / ``--answer``.
"""

from cxlib.onboard.coverage import SECTIONS, missing_data_sections
from cxlib.onboard.inspect import FileInspection, inspect_file, inspect_folder
from cxlib.onboard.proposal import Flag, Proposal
from cxlib.onboard.propose import init_client, propose_config
from cxlib.onboard.vocabulary import SYNONYMS

__all__ = ["Flag", "FileInspection", "Proposal", "inspect_file", "inspect_folder", "propose_config", "init_client",
           "SYNONYMS", "SECTIONS", "missing_data_sections"]
