"""How every ``cx`` command reports the workbench's own errors: one line, no traceback, exit status 2.

Examples
--------
>>> @friendly_errors
... def command():
...     raise CxError("client.yaml, key `stages`: is missing. Add a list `stages: [a, b]`.")
>>> command()                     # doctest: +SKIP
error: client.yaml, key `stages`: is missing. Add a list `stages: [a, b]`.
"""

from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.markup import escape

from cxlib.errors import CxError

__all__ = ["friendly_errors", "err_console"]

err_console = Console(stderr=True)


def friendly_errors(func):
    """Turn a :class:`CxError` into a short message on stderr and exit status 2.

    The message is escaped: messages quote YAML such as ``[a, b]``, which rich would take for markup.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CxError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper
