"""A proposed client.yaml (:class:`Proposal`), the items to confirm (:class:`Flag`) and their builder.
"""

from __future__ import annotations

import os
import re
import unicodedata
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

from cxlib.errors import ConfigError
from cxlib.onboard.inspect import FileInspection

__all__ = ["Flag", "Proposal", "Builder"]

# --------------------------------------------------------------------------- data classes
@dataclass(frozen=True)
class Flag:
    """A proposal the consultant must confirm.

    Attributes
    ----------
    id : str
        Stable identifier, the dotted key of the YAML setting (``"stages"``,
        ``"tables.responses.scales.nps"``, ``"tables.responses.columns.Q7"``).
        Written in the YAML as ``# CONFIRM[<id>]: <message>``.
    key : tuple
        The path of the setting in the YAML mapping.
    message : str
        What was proposed and the evidence, ending in a question.
    proposed : object
        The value written in the YAML (None: nothing written, e.g. a column left unmapped).
    options : tuple
        Other plausible values, when known.
    """

    id: str
    key: tuple
    message: str
    proposed: Any = None
    options: tuple = ()


@dataclass(frozen=True)
class Proposal:
    """A proposed ``client.yaml`` with its evidence and the items to confirm.

    Attributes
    ----------
    client : str
        Client name (the folder under ``data/``).
    source : Path
        The client's folder that was inspected.
    path : Path
        Where the YAML goes: ``<root>/data/<client>/client.yaml``.
    config : dict
        The YAML content (plain data; ``yaml.safe_load(proposal.to_yaml()) == config``).
    flags : tuple of Flag
        Items to confirm.
    files : tuple of FileInspection
        Every file inspected.
    comments : dict
        YAML key path (tuple) -> evidence comment written beside it.
    unmapped : dict
        Table -> list of (raw column, note): columns that match nothing, listed in the YAML.
    unused_files : tuple
        (file name, why) for files not used for any table.
    assignments : dict
        File name -> table, for the files used.
    copy_codebook : Path or None
        The starter codebook that :meth:`write` copies into the workspace, when proposed.
    """

    client: str
    source: Path
    path: Path
    config: dict
    flags: tuple[Flag, ...] = ()
    files: tuple[FileInspection, ...] = field(default=(), repr=False)
    comments: dict = field(default_factory=dict, repr=False)
    unmapped: dict = field(default_factory=dict, repr=False)
    unused_files: tuple = ()
    assignments: dict = field(default_factory=dict)
    copy_codebook: Path | None = None

    @property
    def pending(self) -> list[str]:
        """Ids of the flags not yet confirmed."""
        return [f.id for f in self.flags]

    def to_yaml(self) -> str:
        """The commented YAML text (see :func:`cxlib.onboard.confirm.render`)."""
        from cxlib.onboard.confirm import render

        return render(self)

    def confirm(self, ids: Iterable[str] | Literal["all"] = "all", *, answers: Mapping[str, Any] | None = None) -> "Proposal":
        """A copy with flags confirmed: as proposed, or with the value in ``answers``.

        Parameters
        ----------
        ids : iterable of str or "all"
            Flags to confirm as proposed (default: all of them).
        answers : mapping, optional
            Flag id -> value to use instead of the proposal (confirming that flag too).
            For a column flag, the canonical column name, or None to leave the column unmapped.

        Raises
        ------
        ConfigError
            For an id that is not pending.
        """
        from cxlib.onboard.confirm import apply_answer

        answers = dict(answers or {})
        chosen = set(self.pending) if ids == "all" else set(ids)
        unknown = sorted((chosen | set(answers)) - set(self.pending))
        if unknown:
            raise ConfigError(f"Cannot confirm {', '.join(unknown)}: not pending. Pending: "
                              f"{', '.join(self.pending) or 'nothing'}.")
        config = self.config
        for fid, value in answers.items():
            flag = next(f for f in self.flags if f.id == fid)
            config = apply_answer(config, flag.key, value)
        done = chosen | set(answers)
        return replace(self, config=config, flags=tuple(f for f in self.flags if f.id not in done))

    def write(self, *, overwrite: bool = False) -> Path:
        """Write the YAML to :attr:`path` (and the starter codebook when proposed); return the path.

        Raises
        ------
        ConfigError
            When the file exists and ``overwrite`` is False. With ``overwrite`` the old file
            is kept as ``client.yaml.bak``.
        """
        if self.path.exists():
            if not overwrite:
                raise ConfigError(f"{self.path} already exists. Use `cx init {self.client} --from <folder> --force` "
                                  "to replace it (the old one is kept as client.yaml.bak), or edit it by hand.")
            shutil.copy2(self.path, self.path.with_name("client.yaml.bak"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(".client.yaml.tmp")
        tmp.write_text(self.to_yaml(), encoding="utf-8")
        os.replace(tmp, self.path)
        if self.copy_codebook is not None:
            target = self.path.parent / "codebook.yaml"
            if not target.exists():
                shutil.copyfile(self.copy_codebook, target)
        return self.path


class Builder:
    """Accumulates the proposed config, its comments and its flags."""

    def __init__(self):
        self.flags: list[Flag] = []
        self.comments: dict[tuple, str] = {}
        self.dayfirst: dict[str, bool] = {}

    def flag(self, key: tuple, message: str, proposed=None, options=()) -> None:
        """Add an item to confirm; its id is the key's path, each part a short typeable slug."""
        fid = ".".join(_id_part(k) for k in key)
        ids = {f.id for f in self.flags}
        base, n = fid, 2
        while fid in ids:
            fid, n = f"{base}_{n}", n + 1
        self.flags.append(Flag(fid, tuple(key), " ".join(message.split()), proposed, tuple(options)))


def _id_part(part) -> str:
    """A flag id's part: the key as written when short and plain, else a lower-case slug of its first words.

    A raw column named ``Would you recommend C-BSco to your friends? Score 0-10`` becomes
    ``would_you_recommend_c_bsco``, which can be typed after ``--answer``.
    """
    text = str(part)
    if re.fullmatch(r"[A-Za-z0-9_-]{1,32}", text):
        return text
    s = re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())
    s = s.strip("_")[:26].rstrip("_")
    return s or "column"
