"""Rule coding: every comment gets zero or more codebook themes, each with its evidence.

The rule coder matches all phrase patterns of all themes in one pass per comment with an
Aho-Corasick automaton (pyahocorasick) plus a word-boundary check; regex patterns are first
screened over all comments at once with Arrow's RE2 kernel and only run with Python's ``re`` on the
comments that can match. A match does not count when a negator ("not", "never", ...) stands
within ``negation_window`` words before it in the same clause, or when it overlaps a match of
one of the theme's exclude patterns.

Output is a long tidy frame, one row per (comment, theme), and one ``uncoded`` row for each
comment no theme matched -- nothing is lost.

Examples
--------
>>> import pandas as pd
>>> from cxlib.text.codebook import starter_codebook
>>> df = pd.DataFrame({"response_id": ["r1", "r2"],
...                    "comment": ["They charged me twice!", "The agent was not rude at all."]})
>>> code_comments(df, starter_codebook())[["comment_ref", "theme", "evidence"]].to_dict("records")
[{'comment_ref': 'r1', 'theme': 'billing.unexpected_charges', 'evidence': 'charged me twice'}, {'comment_ref': 'r2', 'theme': 'uncoded', 'evidence': None}]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import ahocorasick
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxlib.analysis.lookup import among
from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook
from cxlib.text.normalize import CleanText, clean_text, needs_cleaning

__all__ = [
    "CODED_COLUMNS",
    "SERVICE_VERBS",
    "assemble_codes",
    "code_comments",
    "comment_frame",
    "comment_themes",
    "expand_codes",
    "combine_codes",
    "match_rules",
    "normalise_text",
    "resolve_columns",
]

#: Columns of every coder's long output, in order.
CODED_COLUMNS = ["comment_ref", "theme", "parent", "evidence", "start", "end", "coder", "confidence"]

# Verbs of a service being delivered: a negator before one of them ("never got my bag", "no one
# answered", "didn't call back") says the service was absent -- a complaint about it, not its negation.
SERVICE_VERBS: tuple[str, ...] = (
    "get", "got", "gotten", "getting", "receiv", "arriv", "answer", "call", "rang", "ring", "phon", "repl",
    "respond", "help", "show", "turn", "deliver", "refund", "fix", "contact", "hear", "heard", "come", "came",
    "return", "send", "sent", "email", "resolv", "sort", "assist", "updat", "notif", "inform", "tell", "told",
    "explain", "process", "credit", "pick", "listen", "acknowledg", "bother", "care", "offer", "honou", "honor",
    "keep", "kept", "follow", "let", "give", "gave", "provid", "work",
)
_SERVICE = re.compile(r"^(?:" + "|".join(SERVICE_VERBS) + r")")

_CLAUSE_END = re.compile(r"[.!?;:,\n]|\band\b|\bbut\b|\bhowever\b|\balthough\b|\bthough\b")
_TOKEN = re.compile(r"[\w']+")
_WS = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\u00a0": " ", "\u2019": "'", "\u2018": "'", "\u2013": "-"})


def normalise_text(text: str) -> str:
    """Lower-case, map whitespace to spaces and curly quotes to ``'``, keeping every offset.

    >>> normalise_text("Didn\\u2019t\\tWORK")
    "didn't work"
    """
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. 'İ') lower-case to two; keep offsets aligned
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_WS)


def _normalise_all(texts: list[str]) -> list[str]:
    """:func:`normalise_text` over many texts at once (Arrow kernels; per-text fallback when needed)."""
    arr = pa.array(texts, type=pa.large_string())
    low = pc.utf8_lower(arr)
    for src, dst in (("\t", " "), ("\n", " "), ("\r", " "), ("\u00a0", " "), ("\u2019", "'"), ("\u2018", "'"),
                     ("\u2013", "-")):
        low = pc.replace_substring(low, src, dst)
    out = low.to_pylist()
    same = pc.equal(pc.utf8_length(arr), pc.utf8_length(low)).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~same).tolist():
        out[i] = normalise_text(texts[i])
    return out


def resolve_columns(data: pd.DataFrame, text: str | None, ref: str | None) -> tuple[str, str]:
    """Pick the text and reference columns: ``comment``/``response_id`` or ``text``/``mention_id``."""
    if ref is None:
        ref = next((c for c in ("response_id", "mention_id", "comment_ref", "ref") if c in data.columns), None)
    if text is None:
        text = next((c for c in ("comment", "text") if c in data.columns), None)
    missing = [name for name, col in (("reference", ref), ("text", text)) if col is None or col not in data.columns]
    if missing:
        raise DataError(
            f"Cannot code comments: no {' or '.join(missing)} column among {list(data.columns)}. "
            "Expected `response_id` + `comment` (responses) or `mention_id` + `text` (mentions); "
            "or pass text=/ref= explicitly."
        )
    return text, ref


def comment_frame(data: pd.DataFrame, *, text: str | None = None, ref: str | None = None) -> pd.DataFrame:
    """The comments to code: ``comment_ref``, ``text``; blank and missing comments left out.

    Raises :class:`DataError` when a comment reference is missing or duplicated.
    """
    text, ref = resolve_columns(data, text, ref)
    refs = data[ref].astype("string")
    if refs.isna().any():
        raise DataError(f"Column `{ref}` has {int(refs.isna().sum())} empty reference(s); every comment needs an id.")
    out = pd.DataFrame({"comment_ref": refs.to_numpy(), "text": data[text].astype("string").to_numpy()})
    out = out[out["text"].notna() & (out["text"].str.strip().str.len() > 0)].reset_index(drop=True)
    dup = out["comment_ref"].duplicated()
    if dup.any():
        raise DataError(f"Column `{ref}` repeats {out.loc[dup, 'comment_ref'].iloc[0]!r} ({int(dup.sum())} duplicates); "
                        "comment references must be unique.")
    return out


class _Rules:
    """The codebook's patterns compiled for fast matching."""

    def __init__(self, codebook: Codebook):
        self.themes = codebook.codable()
        # a negated praise match may mean another theme (`when_negated`): index it after the codable ones
        self.ids = [t.id for t in self.themes]
        self.redirect: dict[int, int] = {}
        for ti, theme in enumerate(self.themes):
            if theme.when_negated:
                if theme.when_negated not in self.ids:
                    self.ids.append(theme.when_negated)
                self.redirect[ti] = self.ids.index(theme.when_negated)
        self.negators = set(codebook.negators)
        alts = "|".join(re.escape(n) for n in sorted(self.negators, key=len, reverse=True))
        self.neg_quick = re.compile(rf"(?<![\w'])(?:{alts})(?![\w'])|n't\b") if alts else re.compile(r"n't\b")
        # no negator anywhere in the text (not even inside a word): no match in it can be negated
        self.neg_any = re.compile(rf"{alts}|n't" if alts else "n't")
        self.window = codebook.negation_window
        self.automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, bool, bool]]] = {}
        self.regexes: list[tuple[int, bool, re.Pattern, str]] = []
        for ti, theme in enumerate(self.themes):
            for is_excl, patterns in ((False, theme.include), (True, theme.exclude)):
                for p in patterns:
                    if p.kind == "phrase":
                        table.setdefault(p.text, []).append((ti, is_excl, p.suffix))
                    else:
                        self.regexes.append((ti, is_excl, re.compile(p.text, re.IGNORECASE), p.text))
        for key, entries in table.items():
            self.automaton.add_word(key, (len(key), tuple(entries)))
        if table:
            self.automaton.make_automaton()
        self.has_phrases = bool(table)

    def negated(self, norm: str, start: int, end: int, theme) -> bool:
        """True when a negator cancels the match ``norm[start:end]`` of ``theme``.

        A negator within the window before the match, in the same clause, cancels it, except when
        the words from the negator to the end of the match hold a service verb and the theme is not
        praise: "never got my bag" is a complaint about the bag, "not rude" is not rude, "not
        helpful" is not praise.
        """
        if self.window == 0:
            return False
        before = norm[max(0, start - 80):start]
        if self.neg_quick.search(before) is None:  # the common case: no negator anywhere near
            return False
        cut = None
        for cut in _CLAUSE_END.finditer(before):
            pass
        if cut is not None:
            before = before[cut.end():]
        tokens = _TOKEN.findall(before)[-self.window:]
        for i, tok in enumerate(tokens):
            if tok in self.negators or tok.endswith("n't"):
                if i + 1 < len(tokens) and tokens[i + 1] in ("only", "just"):
                    continue  # "not only rude but ..." still says rude
                if theme.polarity == "praise":
                    return True
                rest = tokens[i + 1:] + _TOKEN.findall(norm[start:end])
                return not any(_SERVICE.match(t) for t in rest)
        return False

    def regex_candidates(self, norms: list[str]) -> list[np.ndarray]:
        """For each regex, the indices of comments it can match (screened with RE2 over all at once)."""
        arr = pa.array(norms, type=pa.large_string())
        everything = np.arange(len(norms))
        # one pass with all regexes OR-ed screens out most comments; each regex then runs on the rest
        try:
            anyhit = pc.match_substring_regex(arr, "|".join(f"(?:{e})" for *_, e in self.regexes), ignore_case=True)
            subset = np.flatnonzero(anyhit.to_numpy(zero_copy_only=False))
            arr = pc.take(arr, pa.array(subset))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # RE2 lacks e.g. look-behind
            subset = everything
        out = []
        for _, _, rx, expr in self.regexes:
            try:
                mask = pc.match_substring_regex(arr, expr, ignore_case=True)
                out.append(subset[mask.to_numpy(zero_copy_only=False)])
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # this one cannot be screened: check all
                out.append(subset)
        return out


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _rule_hits(rules: _Rules, norms: list[str]) -> dict[int, list[tuple[int, int, int, bool]]]:
    """comment index -> [(theme index, start, end, is_exclude)] for every raw match."""
    hits: dict[int, list[tuple[int, int, int, bool]]] = {}
    if rules.has_phrases:
        it = rules.automaton.iter
        for i, norm in enumerate(norms):
            found = None
            n = len(norm)
            for last, (klen, entries) in it(norm):
                start = last - klen + 1
                if start > 0 and (norm[start - 1].isalnum() or norm[start - 1] == "_"):  # inside a word
                    continue
                end = last + 1
                for ti, is_excl, suffix in entries:
                    e = end
                    if suffix:
                        while e < n and _is_word(norm[e]):
                            e += 1
                    elif e < n and _is_word(norm[e]):
                        continue
                    if found is None:
                        found = hits.setdefault(i, [])
                    found.append((ti, start, e, is_excl))
    if rules.regexes:
        for (ti, is_excl, rx, _), cand in zip(rules.regexes, rules.regex_candidates(norms)):
            for i in cand.tolist():
                for m in rx.finditer(norms[i]):
                    if m.end() > m.start():
                        hits.setdefault(i, []).append((ti, m.start(), m.end(), is_excl))
    return hits


def _resolve(rules: _Rules, norm: str, raw_hits: list[tuple[int, int, int, bool]]) -> dict[int, tuple[int, int]]:
    """theme index -> (start, end) of its first counting match."""
    may_negate = rules.window > 0 and rules.neg_any.search(norm) is not None
    if len(raw_hits) == 1:  # the common case, kept cheap
        ti, s, e, is_excl = raw_hits[0]
        if is_excl:
            return {}
        theme = rules.themes[ti]
        if theme.negate and may_negate and rules.negated(norm, s, e, theme):
            return {rules.redirect[ti]: (s, e)} if ti in rules.redirect else {}
        return {ti: (s, e)}
    excl: dict[int, list[tuple[int, int]]] = {}
    for ti, s, e, is_excl in raw_hits:
        if is_excl:
            excl.setdefault(ti, []).append((s, e))
    best: dict[int, tuple[int, int]] = {}
    for ti, s, e, is_excl in sorted(raw_hits, key=lambda h: (h[1], -h[2])):
        if is_excl or ti in best:
            continue
        if any(s < xe and xs < e for xs, xe in excl.get(ti, ())):
            continue
        theme = rules.themes[ti]
        if theme.negate and may_negate and rules.negated(norm, s, e, theme):
            if ti in rules.redirect and rules.redirect[ti] not in best:
                best[rules.redirect[ti]] = (s, e)
            continue
        best[ti] = (s, e)
    return best


def code_comments(
    data: pd.DataFrame,
    codebook: Codebook,
    *,
    text: str | None = None,
    ref: str | None = None,
    clean: bool = True,
) -> pd.DataFrame:
    """Code comments with the codebook's rules (multi-label, with evidence).

    Parameters
    ----------
    data : DataFrame
        One row per comment: ``responses`` (``response_id``, ``comment``) or ``mentions``
        (``mention_id``, ``text``). Blank comments are not comments and are left out.
    codebook : Codebook
        From :func:`cxlib.text.codebook.load_codebook`.
    text, ref : str, optional
        Column names of the text and of its unique id (detected when omitted).
    clean : bool
        Match social and review text on its cleaned form (:mod:`cxlib.text.normalize`: URLs and
        @handles dropped, entities decoded, hashtags split, emoji dropped); evidence is still cut
        from the original.

    Returns
    -------
    DataFrame
        Long and tidy, one row per (comment, theme), plus one row with ``theme == "uncoded"``
        for every comment no theme matched, in input order:

        * ``comment_ref`` -- the response_id / mention_id;
        * ``theme`` -- theme id, or ``"uncoded"``;
        * ``parent`` -- the theme's parent id (NA for top-level themes and uncoded rows);
        * ``evidence`` -- the matched text (the first counting match of the theme);
        * ``start``, ``end`` -- character offsets of the evidence in the comment (Int64);
        * ``coder`` -- ``"rules"``;
        * ``confidence`` -- 1.0 for rule matches, NaN for uncoded rows.

    Notes
    -----
    Matching is case-insensitive on a normalised copy of the text (lower case, whitespace and
    curly quotes unified) that keeps every character offset, so evidence is cut from the
    original text. Negation follows the NegEx idea (Chapman et al. 2001, J Biomed Inform
    34:301): a negator within ``negation_window`` tokens before the match, in the same clause,
    cancels it; "not only"/"not just" does not negate. Absence of service is not negation: when
    the words from the negator to the match hold a service verb (:data:`SERVICE_VERBS`: got,
    answered, called, helped, refunded, ...) the match counts, unless the theme is praise
    (``polarity``): "never got my bag" codes the bag theme, "not helpful" is not praise (and codes
    the theme's ``when_negated`` theme, if it names one).
    """
    comments = comment_frame(data, text=text, ref=ref)
    texts = comments["text"].tolist()
    # identical comments ("Good service", "ok") are coded once
    codes, uniques = pd.factorize(comments["text"])
    found_per_text = match_rules(list(uniques), codebook, clean=clean)
    parents = codebook.parents()
    # one block of rows per distinct text, then copied to each comment holding that text
    rows_text, rows_theme, rows_start, rows_end = [], [], [], []
    for u, found in enumerate(found_per_text):
        if not found:
            rows_text.append(u); rows_theme.append(UNCODED); rows_start.append(-1); rows_end.append(-1)
            continue
        for tid, (s, e) in sorted(found.items(), key=lambda kv: kv[1]):
            rows_text.append(u); rows_theme.append(tid); rows_start.append(s); rows_end.append(e)
    uniq = [str(u) for u in uniques]
    per_text = assemble_codes(rows_text, rows_theme, rows_start, rows_end, dict(enumerate(uniq)), parents,
                              coder="rules", confidence=None)
    return expand_codes(per_text, np.asarray(rows_text, dtype=np.int64), codes, comments["comment_ref"])


def expand_codes(per_text: pd.DataFrame, text_index: np.ndarray, codes: np.ndarray, refs) -> pd.DataFrame:
    """The long coded frame of the comments from that of their distinct texts.

    ``per_text`` holds, for each distinct text ``j`` in order, a contiguous block of rows
    (``text_index[row] == j``; at least one row per text, ``uncoded`` when none); ``codes`` gives
    each comment's distinct text and ``refs`` its reference. Rows come out in comment order, each
    comment's block as its text's: what a loop over comments would build, with one ``take``.
    """
    k_text = np.bincount(text_index, minlength=int(codes.max()) + 1 if len(codes) else 0)
    first = np.cumsum(k_text) - k_text
    k = k_text[codes]
    within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
    out = per_text.take(np.repeat(first[codes], k) + within).reset_index(drop=True)
    out["comment_ref"] = pd.array(np.repeat(np.asarray(refs, dtype=object), k), dtype="string")
    return out


def match_rules(texts: list[str], codebook: Codebook, *, clean: bool = True) -> list[dict[str, tuple[int, int]]]:
    """For each text, ``{theme id: (start, end)}`` of the first counting rule match, in the text's offsets.

    The engine behind :func:`code_comments` (which codes each distinct text once); also the rule
    features of :func:`cxlib.text.autocode.auto_code`. With ``clean``, texts holding URLs,
    @handles, HTML entities, hashtags or emoji are matched on their :func:`~cxlib.text.normalize.clean_text`
    form and the spans mapped back.
    """
    cleaned: dict[int, CleanText] = {}
    match_texts = list(texts)
    if clean:
        for i, t in enumerate(texts):
            if needs_cleaning(t):
                cleaned[i] = clean_text(t)
                match_texts[i] = cleaned[i].text
    norms = _normalise_all(match_texts)
    rules = _Rules(codebook)
    hits = _rule_hits(rules, norms)
    out: list[dict[str, tuple[int, int]]] = [{} for _ in texts]
    for u, h in hits.items():
        found = _resolve(rules, norms[u], h)
        if not found:
            continue
        c = cleaned.get(u)
        out[u] = {rules.ids[ti]: (c.source_span(s, e) if c is not None else (s, e)) for ti, (s, e) in found.items()}
    return out


def assemble_codes(refs, themes, starts, ends, text_of: dict[str, str], parents: dict[str, str | None], *,
                   coder: str | list[str], confidence) -> pd.DataFrame:
    """A long coded frame (:data:`CODED_COLUMNS`) from parallel lists; ``start < 0`` marks no evidence.

    Every coder (rules, ML, semantic, auto) builds its output here, so the columns and dtypes agree.
    ``confidence=None`` gives 1.0 to themed rows and NaN to ``uncoded`` rows.
    """
    starts_a = np.asarray(starts, dtype="int64")
    ends_a = np.asarray(ends, dtype="int64")
    coded = starts_a >= 0
    evidence = [text_of[r][s:e] if s >= 0 else None for r, s, e in zip(refs, starts, ends)]
    theme_s = pd.array(themes, dtype="string")
    if confidence is None:
        confidence = np.where(np.asarray(themes, dtype=object) == UNCODED, np.nan, 1.0)
    out = pd.DataFrame({
        "comment_ref": pd.array(refs, dtype="string"),
        "theme": theme_s,
        "parent": pd.array([parents.get(t) for t in themes], dtype="string"),
        "evidence": pd.array(evidence, dtype="string"),
        "start": pd.array(np.where(coded, starts_a, 0), dtype="Int64"),
        "end": pd.array(np.where(coded, ends_a, 0), dtype="Int64"),
        "coder": pd.array([coder] * len(refs) if isinstance(coder, str) else coder, dtype="string"),
        "confidence": np.asarray(confidence, dtype="float64"),
    })
    out.loc[~coded, ["start", "end"]] = pd.NA
    return out


def combine_codes(*coded: pd.DataFrame) -> pd.DataFrame:
    """Merge the outputs of several coders: earlier coders win, later ones add what they missed.

    Parameters
    ----------
    *coded : DataFrame
        Long frames (:data:`CODED_COLUMNS`), e.g. ``code_comments(...)``, then ``MLCoder.predict(...)``.

    Returns
    -------
    DataFrame
        Same columns. A (comment, theme) pair appears once, from the first coder that found it;
        a comment keeps its ``uncoded`` row only if no coder coded it. Every comment of every
        input appears.
    """
    if not coded:
        raise DataError("combine_codes needs at least one coded frame.")
    frames = [c[CODED_COLUMNS] for c in coded]
    allc = pd.concat(frames, ignore_index=True)
    is_unc = allc["theme"] == UNCODED
    themed = allc[~is_unc].drop_duplicates(["comment_ref", "theme"], keep="first")
    order = pd.unique(allc["comment_ref"])
    unc = allc[is_unc & ~among(allc["comment_ref"], themed["comment_ref"])].drop_duplicates("comment_ref")
    out = pd.concat([themed, unc], ignore_index=True)
    pos = pd.Series(np.arange(len(order)), index=order)
    out = out.assign(_o=pos.loc[out["comment_ref"].to_numpy()].to_numpy())
    return out.sort_values(["_o", "start"], kind="stable", na_position="last").drop(columns="_o").reset_index(drop=True)


def comment_themes(coded: pd.DataFrame) -> pd.DataFrame:
    """One row per comment with its list of themes.

    Parameters
    ----------
    coded : DataFrame
        A long coded frame (:func:`code_comments`, :func:`combine_codes`).

    Returns
    -------
    DataFrame
        * ``comment_ref``;
        * ``themes`` -- list of theme ids in order of appearance, ``["uncoded"]`` when none;
        * ``n_themes`` -- number of themes (0 when uncoded);
        * ``uncoded`` -- True when no coder coded the comment;
        * ``coders`` -- sorted list of the coders that contributed.
    """
    order = pd.unique(coded["comment_ref"])
    themed = coded[coded["theme"] != UNCODED].drop_duplicates(["comment_ref", "theme"])
    lists = themed.groupby("comment_ref", sort=False)["theme"].agg(list)
    coders = coded.groupby("comment_ref", sort=False)["coder"].agg(lambda s: sorted(set(s.dropna())))
    themes = [lists.get(r, [UNCODED]) for r in order]
    n = np.array([0 if t == [UNCODED] else len(t) for t in themes], dtype="int64")
    return pd.DataFrame({
        "comment_ref": pd.array(order, dtype="string"),
        "themes": themes,
        "n_themes": n,
        "uncoded": pd.array(n == 0, dtype="boolean"),
        "coders": [coders.get(r, []) for r in order],
    })


def theme_indicator(coded: pd.DataFrame, *, themes: Iterable[str] | None = None,
                    level: Literal["theme", "parent"] = "theme") -> pd.DataFrame:
    """A comment x theme 0/1 matrix (index ``comment_ref``), one column per theme.

    ``level="parent"`` rolls leaves up to their parent theme.
    """
    order = pd.unique(coded["comment_ref"])
    themed = coded[coded["theme"] != UNCODED]
    col = themed["theme"] if level == "theme" else themed["parent"].fillna(themed["theme"])
    pairs = pd.DataFrame({"comment_ref": themed["comment_ref"], "theme": col}).drop_duplicates()
    mat = pd.crosstab(pairs["comment_ref"], pairs["theme"]).clip(upper=1)
    cols = list(themes) if themes is not None else sorted(mat.columns)
    mat = mat.reindex(index=order, columns=cols, fill_value=0).fillna(0).astype("int8")
    mat.index.name = "comment_ref"
    mat.columns.name = None
    return mat


__all__.append("theme_indicator")


def texts_of(frame: pd.DataFrame, refs) -> list[str]:
    """The ``text`` of each ref in ``refs`` (all present in ``frame``, a :func:`comment_frame`), in order.

    One vectorised look-up: a dict over a million comments costs seconds to build.
    """
    pos = pd.Index(frame["comment_ref"]).get_indexer(pd.Index(refs, dtype="string"))
    if (pos < 0).any():
        raise DataError(f"{int((pos < 0).sum())} reference(s) are not among the comments.")
    return [str(t) for t in frame["text"].to_numpy(dtype=object)[pos]]


__all__.append("texts_of")


def has_ref(frame: pd.DataFrame, refs: pd.Series) -> np.ndarray:
    """True for each of ``refs`` that is a comment of ``frame``.

    (``Series.isin`` over Arrow strings loops in Python over the values looked in: seconds for a
    million comments; an index look-up is one hash pass.)
    """
    return pd.Index(frame["comment_ref"]).get_indexer(pd.Index(refs, dtype="string")) >= 0


__all__.append("has_ref")
