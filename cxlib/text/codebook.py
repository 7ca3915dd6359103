"""Codebooks: hierarchical themes with include/exclude patterns, loaded and checked.

A codebook is a YAML file (``data/<client>/codebook.yaml``, format in docs/data-model.md and
docs/codebook-guide.md). Loading validates it completely and fails with a
:class:`~cxlib.errors.CodebookError` naming the file, the theme id and the problem.

Pattern syntax (case-insensitive, matched on word boundaries):

* ``charged twice`` -- a word or phrase; whitespace in the phrase matches one whitespace character;
* ``overcharg*`` -- a trailing ``*`` matches any word suffix (overcharged, overcharging);
* ``re:\\bbill\\w*\\b`` -- a raw Python regular expression (write your own ``\\b``).

Examples
--------
>>> cb = starter_codebook()
>>> cb.theme("billing.unexpected_charges").parent
'billing'
>>> len(cb.leaves())
18
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxlib.errors import CodebookError

__all__ = [
    "Pattern",
    "Theme",
    "Codebook",
    "UNCODED",
    "DEFAULT_NEGATORS",
    "POLARITIES",
    "infer_polarity",
    "load_codebook",
    "codebook_from_dict",
    "starter_codebook",
    "starter_codebook_path",
]

#: Theme id given to comments that no coder coded.
UNCODED = "uncoded"

#: Words that cancel a following match within the negation window ("not rude" is not rude).
DEFAULT_NEGATORS: tuple[str, ...] = (
    "not", "never", "no", "n't", "isn't", "wasn't", "weren't", "aren't", "didn't", "don't",
    "doesn't", "hardly", "nobody", "none", "without", "nothing",
)

_ID = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")
_THEME_KEYS = {"id", "label", "description", "parent", "include", "exclude", "examples", "negate", "polarity",
               "when_negated"}
POLARITIES = ("complaint", "praise", "neutral")
# A theme whose label holds one of these words is praise unless `polarity:` says otherwise.
_PRAISE_WORDS = frozenset({"good", "great", "excellent", "helpful", "friendly", "polite", "kind", "praise", "easy",
                           "quick", "fast", "love", "nice", "happy", "pleased", "satisfied", "recommend", "thanks",
                           "thank", "positive", "smooth", "simple", "compliment", "compliments", "best", "fair"})
_TOP_KEYS = {"themes", "sentiment_negators", "negation_window", "name", "version", "description"}


@dataclass(frozen=True)
class Pattern:
    """One include or exclude pattern.

    ``kind`` is ``"phrase"`` (matched literally, ``suffix`` when it ended in ``*``) or ``"regex"``.
    ``text`` is the lower-cased phrase (without the ``*``) or the regular expression.
    """

    raw: str
    kind: str
    text: str
    suffix: bool = False

    def regex(self) -> str:
        """The pattern as a Python regular expression (case-insensitive flag not included)."""
        if self.kind == "regex":
            return self.text
        body = r"\s".join(re.escape(w) for w in self.text.split(" "))
        tail = r"\w*" if self.suffix else r"(?!\w)"
        return r"(?<!\w)" + body + tail


@dataclass(frozen=True)
class Theme:
    """A codebook theme; a leaf's id is ``<parent>.<leaf>``."""

    id: str
    label: str
    description: str = ""
    parent: str | None = None
    include: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    examples: tuple[str, ...] = ()
    negate: bool = True
    polarity: str = "neutral"
    when_negated: str | None = None


def infer_polarity(label: str) -> str:
    """``"praise"`` when the label holds a praise word ("Helpful staff", "Good value"), else ``"complaint"``.

    >>> infer_polarity("Helpful staff"), infer_polarity("Rude or unhelpful staff")
    ('praise', 'complaint')
    """
    return "praise" if set(re.findall(r"[a-z]+", label.lower())) & _PRAISE_WORDS else "complaint"


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: themes in file order, negators, and where it came from."""

    themes: tuple[Theme, ...]
    negators: tuple[str, ...] = DEFAULT_NEGATORS
    negation_window: int = 5
    source: str = "<dict>"
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({t.id: i for i, t in enumerate(self.themes)})

    @property
    def ids(self) -> list[str]:
        """All theme ids, parents and leaves, in file order."""
        return [t.id for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (:class:`CodebookError` when unknown)."""
        try:
            return self.themes[self._index[theme_id]]
        except KeyError:
            raise CodebookError(
                f"{self.source}: no theme {theme_id!r}. Known themes: {', '.join(self.ids)}."
            ) from None

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._index

    def leaves(self) -> list[Theme]:
        """Themes that are nobody's parent."""
        parents = {t.parent for t in self.themes if t.parent}
        return [t for t in self.themes if t.id not in parents]

    def codable(self) -> list[Theme]:
        """Themes that have include patterns (the ones the rule coder can assign)."""
        return [t for t in self.themes if t.include]

    def labels(self) -> dict[str, str]:
        """theme id -> label."""
        return {t.id: t.label for t in self.themes}

    def parents(self) -> dict[str, str | None]:
        """theme id -> parent id (None for top-level themes)."""
        return {t.id: t.parent for t in self.themes}


def _fail(source: str, theme: str | None, problem: str, fix: str) -> CodebookError:
    where = f"{source}, theme {theme!r}" if theme else source
    return CodebookError(f"{where}: {problem}. {fix}")


def _pattern(raw: Any, source: str, theme: str, key: str) -> Pattern:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(source, theme, f"`{key}` has an empty or non-text pattern {raw!r}",
                    "Write a word, a phrase, `word*` or `re:<regex>`.")
    if raw.startswith("re:"):
        expr = raw[3:]
        try:
            compiled = re.compile(expr, re.IGNORECASE)
        except re.error as exc:
            raise _fail(source, theme, f"`{key}` pattern {raw!r} is not a valid regular expression ({exc})",
                        "Fix the regex (test it with Python's `re`), or drop the `re:` prefix for a plain phrase.") from None
        if compiled.search("") is not None:
            raise _fail(source, theme, f"`{key}` pattern {raw!r} matches the empty string, so it would match every comment",
                        "Make the regex require at least one character.")
        return Pattern(raw=raw, kind="regex", text=expr)
    text = " ".join(raw.strip().lower().replace("\u2019", "'").split())
    suffix = text.endswith("*")
    if suffix:
        text = text[:-1].rstrip()
    if "*" in text or not text:
        raise _fail(source, theme, f"`{key}` pattern {raw!r} has a `*` that is not at the end of the phrase",
                    "Use `*` only as a suffix wildcard (`overcharg*`), or write a regex with `re:`.")
    return Pattern(raw=raw, kind="phrase", text=text, suffix=suffix)


def _str_list(value: Any, source: str, theme: str | None, key: str) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _fail(source, theme, f"`{key}` should be a list, got {type(value).__name__}",
                    f"Write `{key}: [\"...\", \"...\"]`.")
    return value


def codebook_from_dict(raw: Any, *, source: str = "<dict>") -> Codebook:
    """Build and validate a codebook from its parsed YAML contents.

    Parameters
    ----------
    raw : dict
        ``{"themes": [...], "sentiment_negators": [...]}`` as in codebook.yaml.
    source : str
        Name used in error messages (the file path).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        Unknown keys, missing/duplicate/malformed ids, unknown parent, parent cycles, invalid
        or empty patterns.
    """
    if not isinstance(raw, dict) or "themes" not in raw:
        raise _fail(source, None, "expected a mapping with a `themes:` list", "See docs/codebook-guide.md for the format.")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _fail(source, None, f"unknown top-level key(s) {sorted(unknown)}", f"Allowed: {sorted(_TOP_KEYS)}.")
    items = _str_list(raw["themes"], source, None, "themes")
    if not items:
        raise _fail(source, None, "`themes:` is empty", "Add at least one theme.")
    themes: list[Theme] = []
    seen: set[str] = set()
    for pos, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _fail(source, None, f"theme #{pos} is not a mapping", "Each theme is `- id: ...` with label, include, ...")
        tid = item.get("id")
        if not isinstance(tid, str) or not _ID.match(tid):
            raise _fail(source, str(tid) if tid is not None else f"#{pos}",
                        f"theme #{pos} has an invalid id {tid!r}",
                        "Ids use lower-case letters, digits, `_` and `.` (e.g. `billing.unexpected_charges`).")
        if tid == UNCODED:
            raise _fail(source, tid, f"`{UNCODED}` is reserved for comments no coder coded", "Pick another id.")
        if tid in seen:
            raise _fail(source, tid, "duplicate theme id", "Every theme id must be unique; rename or merge the two.")
        seen.add(tid)
        bad = set(item) - _THEME_KEYS
        if bad:
            raise _fail(source, tid, f"unknown key(s) {sorted(bad)}", f"Allowed keys: {sorted(_THEME_KEYS)}.")
        label = item.get("label") or tid.rsplit(".", 1)[-1].replace("_", " ").capitalize()
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise _fail(source, tid, f"`parent` should be a theme id, got {parent!r}", "Write `parent: billing`.")
        negate = item.get("negate", True)
        if not isinstance(negate, bool):
            raise _fail(source, tid, f"`negate` should be true or false, got {negate!r}", "Write `negate: false`.")
        polarity = item.get("polarity")
        if polarity is not None and polarity not in POLARITIES:
            raise _fail(source, tid, f"`polarity` should be one of {', '.join(POLARITIES)}, got {polarity!r}",
                        "Write `polarity: praise` for themes that praise, `complaint` for problems.")
        when_negated = item.get("when_negated")
        if when_negated is not None and not isinstance(when_negated, str):
            raise _fail(source, tid, f"`when_negated` should be a theme id, got {when_negated!r}",
                        "Write `when_negated: staff.unhelpful` (the theme a negated match means).")
        include = tuple(_pattern(p, source, tid, "include") for p in _str_list(item.get("include"), source, tid, "include"))
        exclude = tuple(_pattern(p, source, tid, "exclude") for p in _str_list(item.get("exclude"), source, tid, "exclude"))
        examples = tuple(str(e) for e in _str_list(item.get("examples"), source, tid, "examples"))
        themes.append(Theme(id=tid, label=str(label), description=str(item.get("description") or ""),
                            parent=parent, include=include, exclude=exclude, examples=examples, negate=negate,
                            polarity=polarity or infer_polarity(str(label)), when_negated=when_negated))
    ids = {t.id for t in themes}
    by_id = {t.id: t for t in themes}
    for t in themes:
        if t.when_negated is not None and t.when_negated not in ids:
            raise _fail(source, t.id, f"`when_negated` names unknown theme {t.when_negated!r}",
                        f"Use one of: {', '.join(sorted(ids))}.")
        if t.parent is None:
            continue
        if t.parent not in ids:
            raise _fail(source, t.id, f"unknown parent {t.parent!r}",
                        f"Add a theme with id {t.parent!r} or fix the parent (known ids: {', '.join(sorted(ids))}).")
        chain, cur = [t.id], t.parent
        while cur is not None:
            if cur in chain:
                raise _fail(source, t.id, f"parents form a cycle ({' -> '.join(chain + [cur])})", "Make the hierarchy a tree.")
            chain.append(cur)
            cur = by_id[cur].parent
    negators = raw.get("sentiment_negators", DEFAULT_NEGATORS)
    if not isinstance(negators, (list, tuple)) or not all(isinstance(n, str) for n in negators):
        hint = " (YAML reads an unquoted no/yes as false/true: quote it)" if isinstance(negators, list) and any(
            isinstance(n, bool) for n in negators) else ""
        raise _fail(source, None, f"`sentiment_negators` should be a list of words, got {negators!r}{hint}",
                    'Write `sentiment_negators: [not, never, "no"]`.')
    window = raw.get("negation_window", 5)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        raise _fail(source, None, f"`negation_window` should be a whole number 0-10, got {window!r}", "Default is 5.")
    return Codebook(themes=tuple(themes), negators=tuple(n.lower().replace("\u2019", "'") for n in negators),
                    negation_window=window, source=source)


def load_codebook(path: str | os.PathLike) -> Codebook:
    """Read and validate a codebook YAML file.

    Parameters
    ----------
    path : path
        The codebook.yaml file.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        The file is missing, is not YAML, or fails validation (message names file, theme, problem).

    Examples
    --------
    >>> load_codebook(starter_codebook_path()).theme("waiting").label
    'Waiting'
    """
    path = Path(path)
    if not path.exists():
        raise CodebookError(f"{path}: codebook file not found. Copy the starter codebook "
                            "(cxlib/resources/codebook_starter.yaml) there or fix `codebook:` in client.yaml.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: not valid YAML/UTF-8 ({exc}). Fix the syntax (quote patterns with `:` or `*`).") from None
    return codebook_from_dict(raw, source=str(path))


def starter_codebook_path() -> Path:
    """Path of the bundled starter codebook."""
    return Path(__file__).resolve().parent.parent / "resources" / "codebook_starter.yaml"


def starter_codebook() -> Codebook:
    """The bundled starter codebook (9 parents, 18 leaves)."""
    return load_codebook(starter_codebook_path())
