"""One table's entry of the proposed client.yaml: path, reading settings, column mapping, scales, date order.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from cxlib.ingest import parsing, scales
from cxlib.onboard.inspect import FileInspection
from cxlib.onboard.mapping import ColumnMapping, canonical_kind, short_text
from cxlib.onboard.proposal import Builder
from cxlib.ingest.columns import target_for
from cxlib.onboard.vocabulary import norm_name, slug
from cxlib.schema import TABLES

__all__ = ["table_entry", "column_values", "raw_for", "source_of"]


def source_of(insp: FileInspection) -> str:
    """What kind of posts a mentions file holds, from its columns: twitter, reviews, complaints, tickets, posts.

    Used as the constant ``source`` when the export has no source column.
    """
    names = {norm_name(c) for c in insp.columns["column"]} if not insp.columns.empty else set()
    if names & {"tweetid", "retweetcount", "tweetcreated", "userscreenname", "retweeted", "favoritecount", "idstr"}:
        return "twitter"
    if names & {"packagename", "reviewsubmitdateandtime", "appversionname"}:
        return "google_play"
    if names & {"reviewstars", "reviewcreatedutc", "referenceid"}:
        return "trustpilot"
    if names & {"consumercomplaintnarrative", "complaintid", "complaint", "complainttext"}:
        return "complaints"
    if names & {"ticketid", "requester", "assignee", "ticketsubject"}:
        return "tickets"
    if names & {"stars", "starrating", "rating", "reviewtext", "reviewtitle", "review", "reviewrating"}:
        return "reviews"
    return slug(insp.path.stem)[:30] or "posts"


def table_entry(b: Builder, table: str, files: list[FileInspection], m: ColumnMapping, paths: list[str],
                pattern: str | None) -> dict:
    """The client.yaml entry of one table: path, reading settings, columns, constants, scales, date order."""
    first = files[0]
    entry: dict[str, Any] = {"path": pattern if pattern else (paths[0] if len(paths) == 1 else paths)}
    base = ("tables", table)
    how = [first.format or "?"]
    if first.encoding:
        how.append(first.encoding)
    if first.delimiter:
        how.append(f"delimiter {first.delimiter!r}")
    how.append(f"{sum(f.n_rows for f in files):,} rows")
    names = ", ".join(f.path.name for f in files)
    b.comments[base] = f"{names}: {', '.join(how)}"
    if pattern:
        b.comments[base + ("path",)] = f"matches {len(files)} files; new files matching it are picked up"
    if first.format in ("qualtrics", "surveymonkey"):
        entry["format"] = first.format
        b.comments[base + ("format",)] = ("Qualtrics export (question-text and ImportId header rows)"
                                          if first.format == "qualtrics" else
                                          "SurveyMonkey export (question row and answer-option row)")
    if first.pivot:
        entry["pivot"] = dict(first.pivot)
        b.comments[base + ("pivot",)] = "long file: one row per respondent and question, pivoted to one row each"
    if first.encoding and first.encoding not in ("utf-8", "utf-8-sig"):
        entry["encoding"] = first.encoding
        b.comments[base + ("encoding",)] = "not UTF-8: detected from the bytes"
    if first.delimiter and first.delimiter != ",":
        entry["delimiter"] = first.delimiter
    if first.format == "excel" and first.sheet != 0:
        entry["sheet"] = first.sheet
    if first.skip_rows:
        entry["skip_rows"] = first.skip_rows
        b.comments[base + ("skip_rows",)] = "title row(s) above the header"
    renames = {raw: canon for raw, canon in m.columns.items() if raw != canon}
    if renames:
        entry["columns"] = renames
    for raw, canon in m.columns.items():
        key = base + ("columns", raw)
        if raw in renames:
            b.comments[key] = m.evidence[raw]
        if raw in m.flagged:
            b.flag(key, m.flagged[raw], canon)
        if canon == "wait_minutes" and re.search(r"(?i)\bhour|\bhrs?\b|\bsec", raw):
            b.flag(key, f"column `{raw}` is mapped to wait_minutes but its name suggests another unit; "
                        "the data model wants minutes (convert in the export)? confirm", canon)
    if table == "mentions" and "source" not in m.columns.values():
        entry["constants"] = {"source": source_of(first)}
        b.comments[base + ("constants",)] = "the export names no source: every post gets this one"
    used_as_named = [raw for raw, canon in m.columns.items() if raw == canon]
    if used_as_named:
        b.comments[base + ("columns",)] = "used as named: " + ", ".join(used_as_named)
    _scales(b, table, files, m, entry)
    _dates(b, table, files, m, entry)
    spec = TABLES[table]
    missing = [c.name for c in spec.columns if c.required and c.name not in m.columns.values()
               and not (spec.generated_key and c.name == spec.key)
               and not (c.name in entry.get("constants", {}))]
    if missing:
        b.flag(base + ("columns",), f"required column(s) {', '.join(missing)} not found in {names}; map a column "
                                    f"to each (`Raw name: {missing[0]}`) or the table cannot be used", entry.get("columns"))
    return entry


def _scales(b: Builder, table: str, files: list[FileInspection], m: ColumnMapping, entry: dict) -> None:
    if table not in ("responses", "mentions"):
        return
    frame = pd.concat([f.sample for f in files], ignore_index=True) if len(files) > 1 else files[0].sample
    questions = files[0].questions
    for raw, canon in m.columns.items():
        target = target_for(canon)
        if target in (None, "binary") or raw not in frame:
            continue
        guess = scales.detect_scale(frame[raw], target=target)
        key = ("tables", table, "scales", canon)
        what = f"column `{raw}`" + (f" (\"{short_text(questions[raw], 50)}\")" if raw in questions else "")
        if _zero_means_not_applicable(frame[raw], target):
            entry.setdefault("scales", {})[canon] = "1-5"
            entry.setdefault("missing_codes", {})[canon] = [0]
            b.flag(("tables", table, "missing_codes", canon),
                   f"{what}: answers are 0-5 on a 1-5 question: 0 probably means 'not applicable' (never a score)? "
                   "confirm", [0])
            continue
        proposed = guess.scale
        if guess.ambiguous:
            proposed, options = _scale_choice(guess, target)
            entry.setdefault("scales", {})[canon] = proposed
            b.flag(key, f"{what}: {guess.evidence}: {canon} on a {proposed} scale? confirm", proposed, options)
        elif proposed is None:
            b.flag(key, f"{what}: {guess.evidence}; declare its scale (e.g. \"0-10\") or unmap it", None)
        else:
            entry.setdefault("scales", {})[canon] = proposed
            b.comments[key] = guess.evidence.split(";")[0]
        codes = re.search(r"coded ([-\d, ]+), probably", guess.evidence)
        if codes:
            values = [int(float(c)) for c in codes.group(1).split(",") if c.strip()]
            entry.setdefault("missing_codes", {})[canon] = values
            b.flag(("tables", table, "missing_codes", canon),
                   f"{what}: answers coded {', '.join(map(str, values))} lie outside the scale: 'not applicable' "
                   "codes (never scores)? confirm", values)


def _zero_means_not_applicable(values: pd.Series, target: str) -> bool:
    """Ratings 0-5 for a 1-5 question: airline and hotel surveys write 0 for "not applicable"."""
    if target not in ("rating", "csat", "stars"):
        return False
    x = pd.to_numeric(values, errors="coerce").dropna()
    return len(x) > 0 and x.min() == 0 and x.max() == 5 and set(x.unique()) <= {0, 1, 2, 3, 4, 5} \
        and (x == 0).mean() < 0.5


def _scale_choice(guess: scales.ScaleGuess, target: str) -> tuple[str, tuple]:
    ev = guess.evidence
    if target == "nps":
        if "0-100" in ev or "slider" in ev:
            return "0-100", ("0-100",)
        return "1-10", ("1-10", "0-10")
    if target == "ces":
        return "1-5", ("1-5", "1-7")
    options = tuple(re.findall(r"\d+-\d+", ev.split("could be", 1)[-1])) if "could be" in ev else ()
    return (options[0] if options else f"{scales.TARGET_RANGES[target][0]}-{scales.TARGET_RANGES[target][1]}"), options


def _dates(b: Builder, table: str, files: list[FileInspection], m: ColumnMapping, entry: dict) -> None:
    frame = pd.concat([f.sample for f in files], ignore_index=True) if len(files) > 1 else files[0].sample
    decided: set[bool] = set()
    ambiguous: list[str] = []
    for raw, canon in m.columns.items():
        kind = canonical_kind(table, canon)
        if kind not in ("date", "datetime") or raw not in frame:
            continue
        s = frame[raw].dropna()
        if not len(s) or pd.api.types.is_datetime64_any_dtype(s.dtype):
            continue
        text = s.astype("string").str.strip()
        if not text.str.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}").any():
            continue
        bad_first = parsing.coerce(text, kind, dayfirst=True).errors.notna().sum()
        bad_month = parsing.coerce(text, kind, dayfirst=False).errors.notna().sum()
        if bad_first < bad_month:
            decided.add(True)
        elif bad_month < bad_first:
            decided.add(False)
        else:
            ambiguous.append(raw)
    key = ("tables", table, "dayfirst")
    if len(decided) == 1:
        entry["dayfirst"] = decided.pop()
        b.comments[key] = "dates like " + ("31/01/2025 (day first)" if entry["dayfirst"] else "01/31/2025 (month first)")
    elif decided or ambiguous:
        guess = files[0].delimiter == ";" or files[0].encoding == "cp1252" or not decided or True in decided
        entry["dayfirst"] = bool(guess)
        cols = ", ".join(f"`{c}`" for c in ambiguous) or "the date columns"
        b.flag(key, f"{cols} hold dates like 03/04/2025 whose day and month cannot be told apart: "
                    f"{'day' if guess else 'month'} first? confirm", bool(guess), (True, False))


def column_values(files: list[FileInspection], raw: str | None) -> pd.Series:
    if raw is None:
        return pd.Series([], dtype="string")
    parts = [f.sample[raw] for f in files if raw in f.sample]
    if not parts:
        return pd.Series([], dtype="string")
    s = pd.concat(parts, ignore_index=True).dropna()
    return s.astype("string").str.strip().replace("", pd.NA).dropna()


def raw_for(m: ColumnMapping | None, canon: str) -> str | None:
    if m is None:
        return None
    return next((raw for raw, c in m.columns.items() if c == canon), None)

