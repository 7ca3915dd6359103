"""``python -m cxlib``: the ``cx`` command line (for when the ``cx`` script is not on PATH)."""

from cxlib.cli import main

__all__: list[str] = []

if __name__ == "__main__":  # pragma: no cover
    main(prog_name="python -m cxlib")
