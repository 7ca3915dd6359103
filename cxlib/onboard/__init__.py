"""Bringing a client's own files: inspect a folder, propose a commented ``client.yaml``, confirm it."""

from cxlib.onboard.core import *  # noqa: F401,F403
from cxlib.onboard.core import __all__ as _core_all
from cxlib.onboard.coverage import SECTIONS, missing_data_sections

__all__ = [*_core_all, "SECTIONS", "missing_data_sections"]
