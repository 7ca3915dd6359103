"""Matching a file's columns to the canonical columns of a table: by name, synonym, question text, values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cxlib.onboard.inspect import FileInspection
from cxlib.onboard.vocabulary import (PERSONAL, QUALTRICS_META, QUESTION_PATTERNS, RATING_NAME, RATING_QUESTION,
                                      SCORE_TARGETS, STAGE_ORDER, SYNONYMS, TABLE_HINTS, norm_name, slug)
from cxlib.schema import CHANNELS, RATING_PREFIX, TABLES

__all__ = ["ColumnMapping", "canonical_kind", "map_columns", "short_text", "as_number", "eligible"]

# --------------------------------------------------------------------------- column mapping
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


@dataclass
class ColumnMapping:
    columns: dict[str, str]  # raw -> canonical
    evidence: dict[str, str]  # raw -> why
    flagged: dict[str, str]  # raw -> flag message (mapping needs confirmation)
    unmapped: list[tuple[str, str]]
    score: float


def canonical_kind(table: str, canon: str) -> str | None:
    if table == "responses" and canon.startswith(RATING_PREFIX):
        return "int"
    try:
        return TABLES[table].column(canon).kind
    except KeyError:
        return None


def _fits(table: str, canon: str, kind: str, profile) -> bool:
    if canon in SCORE_TARGETS or canon.startswith(RATING_PREFIX):
        return kind in _SCORE_KINDS
    want = canonical_kind(table, canon)
    if want is None or kind not in _COMPATIBLE[want]:
        return False
    if want == "bool" and kind == "int":
        return profile.low in ("0", "1") and profile.high in ("0", "1")
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


def _rows(insp: FileInspection) -> list:
    """The column profile as a list of records with attribute access (itertuples is slow on small frames)."""
    from types import SimpleNamespace

    return [SimpleNamespace(**r) for r in insp.columns.to_dict("records")]


def map_columns(insp: FileInspection, table: str) -> ColumnMapping:
    spec = TABLES[table]
    rows = _rows(insp)
    synonyms = SYNONYMS[table]
    candidates: list[tuple[float, int, str, str, str, str | None]] = []  # score, order, raw, canon, why, flag
    misfit: dict[str, str] = {}
    for order, r in enumerate(rows):
        raw, q, kind, norm = r.column, r.question, r.kind, norm_name(r.column)
        found: list[tuple[float, str, str, str | None]] = []
        if raw in spec.names or (table == "responses" and raw.startswith(RATING_PREFIX)):
            found.append((100, raw, "named as in the data model", None))
        for canon, words in synonyms.items():
            if norm in words:
                found.append((90 - words.index(norm) * 0.5, canon, f"name `{raw}` is a synonym of {canon}", None))
        if table == "responses" and q:
            for canon, pattern in QUESTION_PATTERNS:
                if pattern.search(q) and (canon != "comment" or kind in ("text", "category", "empty")):
                    found.append((75, canon, f"question \"{short_text(q)}\"", None))
        if table == "responses" and kind in ("int", "float", "labelled"):
            subject = _rating_subject(raw, q)
            if subject and r.high and as_number(r.high) <= 10:
                canon = RATING_PREFIX + subject
                where = f"question \"{short_text(q)}\"" if q else f"name `{raw}`"
                found.append((60, canon, f"{where} rates {subject.replace('_', ' ')}",
                              f"column `{raw}` ({where}, values {r.low}-{r.high}) looks like the rating of a "
                              f"touchpoint: mapped to `{canon}` (touchpoint id `{subject}`)? confirm"))
        for score, canon, why, flag in found:
            if _fits(table, canon, kind, r):
                candidates.append((score, -order, raw, canon, why, flag))
            else:
                want = canonical_kind(table, canon)
                misfit.setdefault(raw, f"its name suggests `{canon}` but its values ({kind}, e.g. {r.examples}) "
                                       f"are not {want} values: recode them in the export, then map it")
    # value-based guesses for score columns nobody named (responses only)
    if table == "responses":
        named = {c[3] for c in candidates}
        for order, r in enumerate(rows):
            if any(c[2] == r.column for c in candidates) or r.kind not in ("int", "labelled") or not r.high:
                continue
            lo, hi = as_number(r.low), as_number(r.high)
            if "nps" not in named and lo >= 0 and hi in (10, 11) and r.n_distinct >= 5:
                candidates.append((40, -order, r.column, "nps", f"values {r.low}-{r.high}",
                                   f"column `{r.column}` has values {r.low}-{r.high}: likelihood to recommend "
                                   f"(nps)? confirm"))
        for order, r in enumerate(rows):
            if "comment" not in named and r.kind == "text" and not any(c[2] == r.column for c in candidates):
                candidates.append((35, -order, r.column, "comment", "long free text",
                                   f"column `{r.column}` holds free text (e.g. {r.examples}): the comment? confirm"))
                break
    if table == "interactions":
        named = {c[3] for c in candidates}
        for order, r in enumerate(rows):
            if any(c[2] == r.column for c in candidates) or r.kind != "category":
                continue
            values = {str(v).strip().lower() for v in insp.sample[r.column].dropna().unique()}
            if "channel" not in named and values and values <= set(CHANNELS):
                candidates.append((40, -order, r.column, "channel", f"values are channels ({', '.join(sorted(values))})",
                                   None))
                named.add("channel")
            elif "stage" not in named and values and len(values & set(STAGE_ORDER)) >= max(2, 0.6 * len(values)):
                candidates.append((40, -order, r.column, "stage", "values are lifecycle stages", None))
                named.add("stage")
    columns: dict[str, str] = {}
    evidence: dict[str, str] = {}
    flagged: dict[str, str] = {}
    taken: dict[str, str] = {}
    losers: dict[str, str] = {}
    for score, _, raw, canon, why, flag in sorted(candidates, key=lambda c: (-c[0], -c[1])):
        if raw in columns:
            continue
        if canon in taken:
            losers.setdefault(raw, f"also looks like `{canon}`, already taken by `{taken[canon]}`")
            continue
        columns[raw], evidence[raw], taken[canon] = canon, why, raw
        if flag:
            flagged[raw] = flag
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
    required = [c.name for c in spec.columns if c.required]
    have = set(columns.values())
    score = 10 * sum(c in have for c in required) / len(required) \
        + sum(1 for c in have if c not in required) * 0.5 \
        + (3 if spec.key in have else 0) \
        + (4 if any(h in norm_name(insp.path.stem) for h in TABLE_HINTS[table]) else 0) \
        + (6 if table == "responses" and insp.format == "qualtrics" else 0)
    return ColumnMapping(columns, evidence, flagged, unmapped, score)


def short_text(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def as_number(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def eligible(table: str, m: ColumnMapping, insp: FileInspection) -> bool:
    spec = TABLES[table]
    have = set(m.columns.values())
    required = [c.name for c in spec.columns if c.required]
    share = sum(c in have for c in required) / len(required)
    keyed = spec.key in have or (table == "responses" and insp.format == "qualtrics")
    return keyed and share >= 0.5

