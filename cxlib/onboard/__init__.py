"""Bringing a client's own files: inspect a folder, propose a commented ``client.yaml``, confirm it."""

from cxlib.onboard.core import *  # noqa: F401,F403
from cxlib.onboard.core import __all__  # noqa: F401
