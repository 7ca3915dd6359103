"""How every ``cx`` command reports the workbench's own errors: one line, no traceback, an exit status.

Exit status (docs/troubleshooting.md, "Exit status"):

* ``0``: done;
* ``1``: the command ran but the client's data, or a report, failed (an unusable table, an
  unreadable input file, a notebook that raised, any client of a batch that failed);
* ``2``: the command itself cannot run as typed: an unknown command, option or client, a bad
  option value, an unknown parameter or one of the wrong type, a client.yaml that cannot be read.
  Click's own usage errors exit 2 as well.

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
from typing import Any

from cxlib.errors import CxError, DataError

__all__ = ["friendly_errors", "error_console", "print_error", "exit_status", "EXIT_DATA", "EXIT_USAGE"]

#: The command ran; the client's data or a report failed.
EXIT_DATA = 1
#: The command cannot run as typed.
EXIT_USAGE = 2


@functools.lru_cache(maxsize=1)
def error_console():
    """The stderr console (rich is imported on first use, not when ``cx`` starts)."""
    from rich.console import Console

    return Console(stderr=True)


def print_error(message: str, *, prefix: str = "error") -> None:
    """One escaped line on stderr: ``error: <message>``."""
    from rich.markup import escape

    error_console().print(f"[bold red]{escape(prefix)}:[/] {escape(message)}", highlight=False, soft_wrap=True)


def exit_status(exc: CxError) -> int:
    """1 for data errors (the files are not usable), 2 for everything else (the command as typed)."""
    return EXIT_DATA if isinstance(exc, DataError) else EXIT_USAGE


def friendly_errors(func):
    """Turn a :class:`CxError` into a short message on stderr and its exit status (see module doc).

    The message is escaped: messages quote YAML such as ``[a, b]``, which rich would take for markup.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import typer

        try:
            return func(*args, **kwargs)
        except CxError as exc:
            print_error(str(exc))
            raise typer.Exit(exit_status(exc)) from None

    return wrapper


def __getattr__(name: str) -> Any:
    # `err_console` was a module-level Console; it is now made on first use (startup time).
    if name == "err_console":
        return error_console()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
