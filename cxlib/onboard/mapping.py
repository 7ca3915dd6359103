"""Matching a file's columns to the canonical columns of a table: by name, synonym, question text, values.

Every column gets candidates (canonical name, why, how strong); the strongest win, one raw column
per canonical column, except the families a table may hold many of: a second likelihood-to-
recommend question becomes ``nps_<x>``, a second comment ``comment_<x>``, a second breakdown
``group_<x>``, the client's own labels ``label_<x>``. A candidate whose values do not fit the
column (text for a score, numbers for yes/no) is refused, with the reason kept for the YAML.

Examples
--------
>>> import pandas as pd, pathlib
>>> from cxlib.onboard.inspect import FileInspection, profile
>>> f = pd.DataFrame({"Score": ["9", "3", "10", "7", "0"], "Why?": ["great service here", "slow and rude staff",
...                   "fast", "ok I guess so", "never again"]})
>>> insp = FileInspection(pathlib.Path("survey.csv"), "csv", columns=profile(f, {}), sample=f)
>>> map_columns(insp, "responses").columns
{'Score': 'nps', 'Why?': 'comment'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd

from cxlib.ingest.binary import looks_binary
from cxlib.ingest.scales import word_score
from cxlib.onboard.inspect import FileInspection
from cxlib.onboard.vocabulary import (BINARY_OUTCOMES, LABEL_WORDS, PERSONAL, QUALTRICS_META, QUESTION_PATTERNS,
                                      RATING_NAME, RATING_QUESTION, SCORE_TARGETS, SEGMENT_WORDS, STAGE_ORDER,
                                      SYNONYMS, TABLE_HINTS, norm_name, slug)
from cxlib.schema import CHANNELS, TABLES, family_of, is_outcome

__all__ = ["ColumnMapping", "canonical_kind", "map_columns", "short_text", "as_number", "eligible", "why_not",
           "VOICE_FORMATS"]

#: Survey-tool formats whose files are surely survey answers.
VOICE_FORMATS = ("qualtrics", "surveymonkey")
_COMPATIBLE: dict[str, set[str]] = {
    "id": {"id", "int", "float", "category", "text", "empty"},
    "str": {"id", "int", "category", "text", "empty", "bool"},
    "category": {"category", "id", "int", "text", "bool", "empty"},
    "text": {"text", "category", "id", "empty"},
    "int": {"int", "float", "labelled", "bool", "empty"},
    "float": {"int", "float", "empty"},
    "bool": {"bool", "int", "empty"},
    "date": {"date", "datetime", "empty"},
    "datetime": {"datetime", "date", "empty"},
}
_SCORE_KINDS = {"int", "float", "labelled", "category", "empty"}
#: Canonical columns a file may hold several of: the second becomes a family member.
_SPILL = {"nps": "nps_", "comment": "comment_", "text": "comment_", "segment": "group_"}
_MAX_GROUPS = 5


@dataclass
class ColumnMapping:
    """How one file's columns map onto one table: raw -> canonical, the evidence, what to confirm, what is left."""

    columns: dict[str, str]  # raw -> canonical
    evidence: dict[str, str]  # raw -> why
    flagged: dict[str, str]  # raw -> flag message (mapping needs confirmation)
    unmapped: list[tuple[str, str]]
    score: float


def canonical_kind(table: str, canon: str) -> str | None:
    """The kind of a canonical column of ``table`` (family members included), or None."""
    fam = family_of(canon, table)
    if fam is not None:
        return fam.kind
    try:
        return TABLES[table].column(canon).kind
    except KeyError:
        return None


def _values(insp: FileInspection, raw: str) -> list:
    if raw not in insp.sample:
        return []
    return pd.unique(insp.sample[raw].dropna().astype("string").str.strip()).tolist()[:200]


def _words_scale(values: list) -> bool:
    from cxlib.ingest.binary import DONT_KNOW

    scored = [v for v in values if not DONT_KNOW.match(str(v).strip().lower().rstrip(".!"))
              and not re.search(r"(?i)\(n/a\)|^unfamiliar", str(v))]
    return bool(scored) and sum(word_score(v) is not None for v in scored) >= 0.8 * len(scored)


def _fits(table: str, canon: str, r, insp: FileInspection) -> bool:
    kind = r.kind
    spec = TABLES[table]
    if spec.generated_key and canon == spec.key and (r.n_missing or r.n_distinct < r.n):
        return False  # an id that is empty or repeated in places: better made from the file and row
    if canon in BINARY_OUTCOMES:
        return kind in {"bool", "category", "int", "labelled", "empty", "id"} and looks_binary(_values(insp, r.column),
                                                                                               canon)
    fam = family_of(canon, table)
    if (canon in SCORE_TARGETS or canon in BINARY_OUTCOMES or fam is not None) and kind == "empty" \
            and r.column != canon:
        return False  # nobody answered it (in the file's first rows at least): not worth a column
    if canon in SCORE_TARGETS or (fam is not None and fam.name in ("rating", "nps")):
        if kind == "category":
            return canon != "nps" and (fam is None or fam.name != "nps") and _words_scale(_values(insp, r.column))
        if kind not in _SCORE_KINDS:
            return False
        high, low = as_number(r.high), as_number(r.low)
        if kind in ("int", "float") and not (high != high):
            top = 11 if canon == "nps" or (fam is not None and fam.name == "nps") else 10
            if canon == "stars":
                top = 5
            return high <= top or high in (98, 99, 100) and canon == "nps" or low >= 0 and high <= 100 and canon == "nps"
        return True
    want = canonical_kind(table, canon)
    if want is None or kind not in _COMPATIBLE[want]:
        return False
    if want == "bool" and kind == "int":
        return r.low in ("0", "1") and r.high in ("0", "1")
    if want == "category" and canon != "company" and r.n_distinct > 60 and kind != "bool":
        return False
    if want == "text" and kind == "category" and canon in ("comment", "text") and r.n_distinct <= 12 \
            and r.n >= 3 * r.n_distinct:
        return False  # a short list of answer options that repeat, not free text
    return True


def _rating_subject(name: str, question: str) -> str | None:
    if question and RATING_QUESTION.search(question):
        subject = re.split(r"\s+[-\u2013:]\s+", question)[-1] if re.search(r"\s[-\u2013:]\s", question) \
            else re.sub(r"(?i).*\brate\b\s+(the|our|your)?\s*", "", question)
        return slug(re.sub(r"(?i)\bthe\b|\bour\b|\byour\b|\?", "", subject))[:40] or None
    m = RATING_NAME.match(str(name).strip())
    if m:
        return slug(m.group(1) or m.group(2))[:40] or None
    return None


def _free_text(r, insp: FileInspection | None = None) -> bool:
    """Free text varies: a column holding one or two long labels (a ticked checkbox option) is not a comment,
    nor one of options joined by ``;`` (a multiple choice exported as one cell)."""
    if not (r.n_distinct >= 3 and r.n_distinct >= 0.2 * r.n):
        return False
    values = _values(insp, r.column) if insp is not None else []
    joined = [v for v in values if ";" in str(v)]
    if values and len(joined) >= 0.3 * len(values):
        parts = {p.strip() for v in values for p in str(v).split(";") if p.strip()}
        return len(parts) > 0.5 * len(values)
    return True


def _rows(insp: FileInspection) -> list:
    """The column profile as a list of records with attribute access (itertuples is slow on small frames)."""
    return [SimpleNamespace(**r) for r in insp.columns.to_dict("records")]


def _subject(raw: str, question: str) -> str:
    """A short id for a family member: the part of the name that tells it apart."""
    text = question if question and len(question) < 80 else raw
    parts = re.split(r"\s+[-\u2013:]\s+", text)
    text = parts[-1] if len(parts) > 1 else text
    text = re.sub(r"(?i)\b(how|likely|are|you|is|it|that|to|would|recommend|please|the|our|your|a|an|of|on|in|"
                  r"for|with|what|why|did|do|we|us|this|score|rating)\b|\?", " ", text)
    return slug(text)[:24].strip("_") if re.search(r"[A-Za-z0-9]", text) else slug(raw)[:24]


def _found(table: str, r, insp: FileInspection) -> list[tuple[float, str, str, str | None]]:
    """(score, canonical, why, flag message or None) for one column."""
    spec = TABLES[table]
    raw, q, kind, norm = r.column, r.question, r.kind, norm_name(r.column)
    text = q or (raw if len(raw.split()) >= 3 else "")
    found: list[tuple[float, str, str, str | None]] = []
    if raw in spec.names or family_of(raw, table) is not None:
        found.append((100, raw, "named as in the data model", None))
    for canon, words in SYNONYMS.get(table, {}).items():
        if norm in words:
            found.append((90 - words.index(norm) * 0.5, canon, f"name `{raw}` is a synonym of {canon}", None))
    if table in ("responses", "mentions") and any(norm.startswith(w) or norm.endswith(w) for w in LABEL_WORDS) \
            and kind in ("category", "bool") and not _words_scale(_values(insp, raw)):
        found.append((86, "label_" + slug(raw)[:30], f"`{raw}` holds labels (e.g. {r.examples}): kept as the "
                                                    "client's own labels, usable as hand codes", None))
    if table == "responses" and text:
        for canon, pattern in QUESTION_PATTERNS:
            if pattern.search(text) and (canon != "comment" or kind in ("text", "category", "id", "empty")):
                found.append((75, canon, f"question \"{short_text(text)}\"", None))
    if table == "responses" and kind == "category" and _words_scale(_values(insp, raw)):
        subject = slug(raw.rsplit(" - ", 1)[-1])[:40]
        found.append((62, "rating_" + subject, f"a five-point answer ({r.examples}) about {raw.rsplit(' - ', 1)[-1]}",
                      f"column `{short_text(raw, 50)}` holds five-point answers ({r.examples}): the rating of "
                      f"`{subject}`? confirm"))
    if table == "responses" and kind in ("int", "float", "labelled", "category"):
        subject = _rating_subject(raw, q)
        if subject and (kind == "category" or r.high and as_number(r.high) <= 10):
            canon = "rating_" + subject
            where = f"question \"{short_text(q)}\"" if q else f"name `{raw}`"
            found.append((60, canon, f"{where} rates {subject.replace('_', ' ')}",
                          f"column `{raw}` ({where}, values {r.low or r.examples}) looks like the rating of a "
                          f"touchpoint: mapped to `{canon}` (touchpoint id `{subject}`)? confirm"))
    if table == "responses" and kind == "int" and r.high and _rating_subject(raw, q) is None \
            and as_number(r.low) in (0, 1) and as_number(r.high) in (5, 7) and r.n_distinct >= 3:
        # a bare touchpoint name over 1-5 (0-5: 0 for "not applicable") answers: "Seat comfort", "Inflight wifi"
        subject = slug(raw)[:40]
        found.append((45, "rating_" + subject, f"`{raw}` holds {r.low}-{r.high} answers: the rating of {raw}",
                      f"column `{raw}` holds {r.low}-{r.high} answers: the rating of touchpoint `{subject}`? confirm"))
    if table in ("responses", "mentions") and kind == "category" and 2 <= r.n_distinct <= 30:
        canon = "segment" if any(w in norm for w in SEGMENT_WORDS) else "group_" + slug(raw)[:30]
        found.append((22 if canon == "segment" else 20, canon, f"`{raw}` has {r.n_distinct} values "
                                                              f"(e.g. {r.examples}): a breakdown of the answers",
                      None))
    if table in ("responses", "mentions") and kind == "text" and _free_text(r, insp):
        found.append((35 if table == "responses" else 30, "comment" if table == "responses" else "text",
                      f"`{raw}` holds free text (e.g. {r.examples})",
                      f"column `{raw}` holds free text: kept as a comment? confirm" if table == "responses"
                      and not text else None))
    if table == "responses" and kind in ("int", "labelled") and r.high:
        lo, hi = as_number(r.low), as_number(r.high)
        if lo >= 0 and hi in (10, 11) and r.n_distinct >= 5:
            found.append((40, "nps", f"values {r.low}-{r.high}", f"column `{raw}` has values {r.low}-{r.high}: "
                                                                  "likelihood to recommend (nps)? confirm"))
    if table in ("responses", "mentions") and kind in ("category", "bool", "int", "labelled"):
        values = _values(insp, raw)
        if looks_binary(values, "satisfied") and any(re.search(r"(?i)satisf|good|bad|happy", str(v)) for v in values):
            found.append((55, "satisfied", f"`{raw}` holds satisfied / not satisfied answers (e.g. {r.examples})",
                          None))
        if "recommend" in (text or norm).lower() and looks_binary(values, "recommend"):
            found.append((70, "recommend", f"`{raw}` holds yes / no recommend answers (e.g. {r.examples})", None))
    return found


def map_columns(insp: FileInspection, table: str) -> ColumnMapping:
    """Map a file's columns onto ``table``'s canonical columns; the score says how well the file fits."""
    spec = TABLES[table]
    rows = _rows(insp)
    candidates: list[tuple[float, int, str, str, str, str | None]] = []  # score, order, raw, canon, why, flag
    misfit: dict[str, str] = {}
    for order, r in enumerate(rows):
        if norm_name(r.column) in PERSONAL or r.column in QUALTRICS_META and table != "responses":
            continue
        for score, canon, why, flag in _found(table, r, insp):
            if _fits(table, canon, r, insp):
                candidates.append((score, -order, r.column, canon, why, flag))
            elif score >= 60:
                want = canonical_kind(table, canon)
                misfit.setdefault(r.column, f"its name suggests `{canon}` but its values ({r.kind}, e.g. {r.examples}) "
                                            f"are not {want} values: recode them in the export, then map it")
    if table == "interactions":
        candidates += _interaction_values(insp, rows, candidates)
    columns, evidence, flagged, losers = _resolve(candidates, rows, table)
    order = {r.column: i for i, r in enumerate(rows)}
    columns = dict(sorted(columns.items(), key=lambda kv: order[kv[0]]))
    unmapped = []
    for r in rows:
        if r.column in columns:
            continue
        if norm_name(r.column) in PERSONAL:
            note = "personal data: left out on purpose (never stored or reported)"
        elif r.column in QUALTRICS_META:
            note = "survey-tool metadata"
        else:
            note = losers.get(r.column) or misfit.get(r.column) or "matches no column of the data model"
        detail = f"{r.kind}, {r.n_distinct} distinct" + (f", {r.low}-{r.high}" if r.low else "") + \
            (f", e.g. {r.examples}" if r.examples and r.kind in ("category", "id", "text") else "")
        unmapped.append((r.column, f"{note} ({detail})"))
    return ColumnMapping(columns, evidence, flagged, unmapped, _score(table, columns, insp, spec))


def _interaction_values(insp, rows, candidates) -> list:
    out = []
    named = {c[3] for c in candidates}
    for order, r in enumerate(rows):
        if any(c[2] == r.column for c in candidates) or r.kind != "category":
            continue
        values = {str(v).strip().lower() for v in insp.sample[r.column].dropna().unique()}
        if "channel" not in named and values and values <= set(CHANNELS):
            out.append((40, -order, r.column, "channel", f"values are channels ({', '.join(sorted(values))})", None))
            named.add("channel")
        elif "stage" not in named and values and len(values & set(STAGE_ORDER)) >= max(2, 0.6 * len(values)):
            out.append((40, -order, r.column, "stage", "values are lifecycle stages", None))
            named.add("stage")
    return out


def _resolve(candidates, rows, table):
    """Strongest first: one canonical column per raw column and vice versa, families taking the overflow."""
    questions = {r.column: r.question for r in rows}
    columns: dict[str, str] = {}
    evidence: dict[str, str] = {}
    flagged: dict[str, str] = {}
    taken: dict[str, str] = {}
    losers: dict[str, str] = {}
    groups = 0
    for score, _, raw, canon, why, flag in sorted(candidates, key=lambda c: (-c[0], -c[1])):
        if raw in columns:
            continue
        if canon.startswith("group_"):
            if groups >= _MAX_GROUPS:
                continue
        if canon in taken:
            prefix = _SPILL.get(canon)
            if prefix is None or (canon == "segment" and groups >= _MAX_GROUPS):
                losers.setdefault(raw, f"also looks like `{canon}`, already taken by `{taken[canon]}`")
                continue
            member = prefix + _subject(raw, questions.get(raw, ""))
            n = 2
            while member in taken:
                member, n = f"{prefix}{_subject(raw, questions.get(raw, ''))}_{n}", n + 1
            if canon == "nps":
                flag = (f"several likelihood-to-recommend questions: `{taken['nps']}` is the main one (nps) and "
                        f"`{raw}` is kept as `{member}`; confirm (client.yaml `outcome:` chooses the one reported)")
            why, canon = f"{why}; a further {canon} column", member
        if canon.startswith("group_"):
            groups += 1
        columns[raw], evidence[raw], taken[canon] = canon, why, raw
        if flag:
            flagged[raw] = flag
    return columns, evidence, flagged, losers


def _score(table: str, columns: dict[str, str], insp: FileInspection, spec) -> float:
    have = set(columns.values())
    required = [c.name for c in spec.columns if c.required and not (spec.generated_key and c.name == spec.key)]
    share = sum(c in have for c in required) / len(required) if required else 1.0
    score = 10 * share + sum(1 for c in have if c not in required) * 0.5 + (3 if spec.key in have else 0) \
        + (4 if any(h in norm_name(insp.path.stem) for h in TABLE_HINTS[table]) else 0)
    if table == "responses":
        score += 6 * (insp.format in VOICE_FORMATS) + 3 * sum(is_outcome(c) for c in have) \
            + min(5, sum(c.startswith("rating_") for c in have))
    if table == "mentions":
        strong = [raw for raw, c in columns.items() if c == "text" and norm_name(raw) not in ("comment", "comments")]
        score += 3 * bool(strong) + 2 * sum(c in have for c in ("title", "stars", "engagement", "posted_at")) \
            - 4 * (insp.format in VOICE_FORMATS)
    return score


def short_text(text: str, n: int = 60) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def as_number(text) -> float:
    """``float(text)``, NaN when it is not a number."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def eligible(table: str, m: ColumnMapping, insp: FileInspection) -> bool:
    """Can this file be this table? Survey answers need a score, rating or comment; posts a text; the others
    their key and half their required columns."""
    return why_not(table, m, insp) is None


def why_not(table: str, m: ColumnMapping, insp: FileInspection) -> str | None:
    """What the file lacks to be ``table`` (None when it can be), in words for the user."""
    spec = TABLES[table]
    have = set(m.columns.values())
    if table == "responses":
        if any(is_outcome(c) or c.startswith("rating_") or c == "comment" or c.startswith("comment_") for c in have):
            return None
        return "survey answers need a score (likelihood to recommend, satisfaction, stars, a recommend yes/no), " \
               "a rating or a comment column: none found"
    if table == "mentions":
        return None if "text" in have else "posts and reviews need a text column: none found"
    required = [c.name for c in spec.columns if c.required]
    missing = [c for c in required if c not in have]
    if spec.key not in have:
        return f"{table} need `{spec.key}`" + (f" and {', '.join(f'`{c}`' for c in missing if c != spec.key)}"
                                                if len(missing) > 1 else "")
    if len(missing) > len(required) / 2:
        return f"{table} need {', '.join(f'`{c}`' for c in missing)}"
    return None
