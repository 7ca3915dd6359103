"""Synthetic demo clients with planted truth (``cx demo``)."""

from cxlib.demo.core import *  # noqa: F401,F403
from cxlib.demo.core import __all__  # noqa: F401
