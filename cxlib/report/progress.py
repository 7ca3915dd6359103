"""What one client's report run is doing, as one line for ``cx report``'s live display.

A ten-million-touchpoint client takes minutes; a spinner saying only "rendering" does not tell a
consultant whether it is loading, computing or printing, nor which audience is behind. While
:func:`cxlib.report.pipeline.render_client` runs, :class:`RunProgress` keeps, for each audience,
the notebook cell its kernel is running (the section it shows, as position among the sections it
shows; an audience whose notebook ended is left out), the analyses the kernels computed so far and
the last of them (from the journals they write, :data:`~cxlib.report.results.JOURNAL_ENV`: a headline
that takes minutes shows its analyses one by one), and the step after the notebooks (an audience's
HTML or PDF, writing the files); once a second it hands the line to the caller::

    acme-telecom 1:05 · executive 1/10 headline · analyst 5/21 journey map · 9 analyses (drivers)

Without a caller (a batch worker) it does nothing, and nothing it does can stop a run: a hook that
fails is ignored.

Examples
--------
>>> now, lines = [0.0], []
>>> p = RunProgress("acme", ("executive", "analyst"), lines.append, clock=lambda: now[0])
>>> now[0] = 65.0
>>> p.finished("executive", ["headline", "journey_map"])
>>> p.step("executive PDF")
>>> lines[-1]
'acme 1:05 · analyst starting · 2 analyses (journey map) · executive PDF'
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

__all__ = ["RunProgress", "section_of"]

_SHOW = re.compile(r"""^\s*show\(\s*["'](\w+)["']""", re.M)


def section_of(source: str) -> str | None:
    """The section a report cell shows (``show("journey_map")`` -> ``"journey_map"``), or None."""
    found = _SHOW.search(source or "")
    return found.group(1) if found else None


def _words(section_id: str) -> str:
    return section_id.replace("_", " ")


class RunProgress:
    """The live state of one client's run, told to ``say`` as one line (see the module docstring).

    Parameters
    ----------
    client : str
    audiences : iterable of str
        In the order the line lists them.
    say : callable or None
        Called with the line (from a helper thread, at most once a second, and at each step);
        None: nothing is tracked.
    clock : callable
        Seconds, for the elapsed time (default :func:`time.monotonic`).
    """

    def __init__(self, client: str, audiences: Iterable[str], say: Callable[[str], None] | None, *,
                 clock: Callable[[], float] = time.monotonic, every: float = 1.0) -> None:
        self.client = client
        self.say = say
        self.clock = clock
        self.every = every
        self.started = clock()
        self._at: dict[str, str] = {a: "starting" for a in audiences}
        self._journals: dict[str, Path] = {}
        self._computed: dict[str, list[str]] = {}
        self._step = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what the run reports ------------------------------------------------------------------
    def cell_hook(self, audience: str) -> Callable | None:
        """``hook(cell_index, notebook)`` for :func:`cxlib.report.execute.execute_notebook`, or None when untracked."""
        if self.say is None:
            return None
        shown: dict[int, tuple[int, int, str]] = {}  # cell index -> (place, of how many, section id)
        read: list[bool] = []

        def hook(index: int, nb) -> None:
            if not read:  # the notebook's sections, once (the notebook as prepared: this audience's cells only)
                ids = [(i, section_of(c.source)) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
                ids = [(i, s) for i, s in ids if s]
                shown.update({i: (k + 1, len(ids), s) for k, (i, s) in enumerate(ids)})
                read.append(True)
            if index in shown:
                k, n, sid = shown[index]
                self._set(audience, f"{k}/{n} {_words(sid)}")
            elif "report_data(" in (nb.cells[index].source or ""):
                self._set(audience, "loading tables")
        return hook

    def journal(self, audience: str, path: str | Path) -> None:
        """The file where ``audience``'s kernel lists the sections it computed."""
        with self._lock:
            self._journals[audience] = Path(path)

    def finished(self, audience: str, computed: list[str]) -> None:
        """``audience``'s notebook ended; ``computed``: the sections its kernel computed."""
        with self._lock:
            self._journals.pop(audience, None)
            self._computed[audience] = list(computed)
        self._set(audience, "done")

    def step(self, text: str) -> None:
        """The step after the notebooks (``"analyst PDF"``); told at once."""
        with self._lock:
            self._step = text
        self._tell()

    # -- the line ------------------------------------------------------------------------------
    def line(self) -> str:
        """The current line (elapsed time, each audience, the analyses computed, the step)."""
        seconds = max(0, int(self.clock() - self.started))
        parts = [f"{self.client} {seconds // 60}:{seconds % 60:02d}"]
        with self._lock:
            parts += [f"{a} {at}" for a, at in self._at.items() if at != "done"]
            computed = [s for done in self._computed.values() for s in done]
            for path in self._journals.values():
                try:
                    computed += path.read_text(encoding="utf-8").split()
                except OSError:
                    pass
            step = self._step
        if computed:
            computed = list(dict.fromkeys(computed))
            parts.append(f"{len(computed)} analyses ({_words(computed[-1])})")
        if step:
            parts.append(step)
        return " · ".join(parts)

    def _set(self, audience: str, at: str) -> None:
        with self._lock:
            self._at[audience] = at
        self._tell()

    def _tell(self) -> None:
        if self.say is None:
            return
        try:
            self.say(self.line())
        except Exception:  # noqa: BLE001 - a display that fails never stops a report
            pass

    # -- the ticker ----------------------------------------------------------------------------
    def __enter__(self) -> "RunProgress":
        if self.say is not None:
            self._thread = threading.Thread(target=self._tick, name="cx-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            self._tell()
