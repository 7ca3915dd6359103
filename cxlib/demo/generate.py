"""Generating demo clients: the public entry points of ``cx demo``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cxlib.demo.common import Progress
from cxlib.demo.simulate import Simulation
from cxlib.demo.specs import DEMO_CLIENTS, SPECS
from cxlib.demo.write import write_client
from cxlib.errors import ConfigError

__all__ = ["generate_client", "generate_demo"]


def generate_client(name: str, project_dir: Path, *, n_customers: int = 3000, seed: int = 7,
                    progress: Progress | None = None) -> Path:
    """Generate one demo client into ``<project_dir>/data/<name>/``.

    Parameters
    ----------
    name : str
        One of :data:`DEMO_CLIENTS`.
    project_dir : Path
        Project folder; files go to ``data/<name>/`` below it (created; existing files replaced).
    n_customers : int, keyword-only
        Valid customers to generate (at least 50); interactions are about 15 per customer.
    seed : int, keyword-only
        Random seed; the same seed gives byte-identical files.
    progress : callable, keyword-only
        Called with a short message at each step.

    Returns
    -------
    Path
        The client's data folder, holding ``client.yaml``, the tables (customers, interactions,
        responses, mentions, self_assessment in the client's formats), ``codebook.yaml``,
        ``planted.yaml``, ``planted_codes.csv`` (response_id, theme), ``planted_mention_codes.csv``
        (mention_id, theme) and ``planted_pii.csv`` (table, row_id, kind, value, is_pii).

    Notes
    -----
    The generative model and the strength of every planted effect are described in
    ``docs/benchmarks/demo.md`` and written to ``planted.yaml``. Ratings come from a latent
    quality per interaction: ``q = 4.45 + stage offset + touchpoint offset + customer effect
    + channel penalty + friction penalties + noise``, rounded onto 1-5.

    Examples
    --------
    >>> import tempfile
    >>> d = generate_client("crest-insurance", Path(tempfile.mkdtemp()), n_customers=100, seed=2)
    >>> (d / "responses_qualtrics.csv").exists()
    True
    """
    spec = SPECS.get(name)
    if spec is None:
        raise ConfigError(f"Unknown demo client {name!r}. Demo clients: {', '.join(DEMO_CLIENTS)}.")
    if not isinstance(n_customers, (int, np.integer)) or isinstance(n_customers, bool) or n_customers < 50:
        raise ConfigError(f"n_customers must be a whole number of at least 50, got {n_customers!r}.")
    say = progress or (lambda _msg: None)
    out = Path(project_dir) / "data" / name
    out.mkdir(parents=True, exist_ok=True)
    sim = Simulation(spec, int(n_customers), int(seed), say)
    sim.run()
    say(f"{name}: writing files")
    write_client(sim, out)
    say(f"{name}: done ({len(sim.interactions):,} interactions, {len(sim.responses):,} responses)")
    return out


def generate_demo(project_dir: Path, *, n_customers: int = 3000, seed: int = 7,
                  clients: Sequence[str] = DEMO_CLIENTS, progress: Progress | None = None) -> list[Path]:
    """Generate several demo clients (by default all of :data:`DEMO_CLIENTS`).

    Parameters
    ----------
    project_dir : Path
        Project folder (clients go to ``data/<client>/``).
    n_customers, seed, progress : keyword-only
        As in :func:`generate_client`.
    clients : sequence of str, keyword-only
        Which demo clients.

    Returns
    -------
    list of Path
        The data folder of each client, in the order given.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in generate_demo(Path(tempfile.mkdtemp()), n_customers=60, clients=["acme-telecom"])]
    ['acme-telecom']
    """
    unknown = [c for c in clients if c not in SPECS]
    if unknown:
        raise ConfigError(f"Unknown demo client(s) {', '.join(unknown)}. Demo clients: {', '.join(DEMO_CLIENTS)}.")
    return [generate_client(c, project_dir, n_customers=n_customers, seed=seed, progress=progress) for c in clients]
