"""From a client's files to one frame of canonical columns: renames, constants, long files, generated ids.

Each file's raw columns are renamed to the canonical ones (client.yaml ``columns:``), constant
columns added (``constants: {source: twitter}``), long files pivoted (one row per respondent and
question, ``pivot:``), stable ids made for files without one, and the files of one table
stacked, remembering each row's file and line and the question each column answers.

Examples
--------
>>> target_for("nps_app"), target_for("rating_billing"), target_for("satisfied"), target_for("comment")
('nps', 'rating', 'binary', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cxlib.config import TableSource
from cxlib.errors import DataError
from cxlib.ingest import binary, parsing, readers, scales
from cxlib.schema import Column, TableSpec, family_of

__all__ = ["SCORE_TARGETS", "target_for", "column_spec", "map_file_columns", "pivot_long", "generated_ids",
           "Combined", "combine", "check_required", "coerce_column", "GENERATED"]

#: Canonical score columns and the scale each maps onto (:data:`cxlib.ingest.scales.TARGET_RANGES`).
SCORE_TARGETS = {"nps": "nps", "csat": "csat", "ces": "ces", "stars": "stars"}
#: How ``Combined.raw_of`` names a key column the tool made.
GENERATED = "(generated)"


def target_for(column: str) -> str | None:
    """The scale a canonical column maps onto, ``"binary"`` for yes/no outcomes, or None."""
    if column in SCORE_TARGETS:
        return SCORE_TARGETS[column]
    if column in binary.BINARY_TARGETS:
        return "binary"
    fam = family_of(column)
    if fam is not None and fam.name in ("rating", "nps"):
        return fam.name
    return None


def column_spec(spec: TableSpec, name: str) -> Column | None:
    """The :class:`Column` of a canonical name in ``spec``, or of the family it belongs to (None if neither)."""
    if name in spec.names:
        return spec.column(name)
    fam = family_of(name, spec.name)
    if fam is None:
        return None
    return Column(name, fam.kind, required=False, nullable=True, low=fam.low, high=fam.high, description=fam.description)


def map_file_columns(raw: readers.RawTable, source: TableSource,
                     spec: TableSpec) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Rename one file's raw columns to canonical names; return frame, canonical->raw, unused raw columns."""
    frame = raw.frame
    mapping = dict(source.columns)
    absent = [r for r in mapping if r not in frame.columns and mapping[r] not in frame.columns]
    if absent:
        raise DataError(
            f"{raw.source.name}: client.yaml maps column(s) {', '.join(f'{a!r} (to {mapping[a]})' for a in absent)} "
            "but the file has no such column and no column of the canonical name either. "
            f"The file's columns are: {', '.join(map(str, frame.columns[:30]))}. Fix `tables.{spec.name}.columns`."
        )
    canonical_of = {c: mapping.get(c, c) for c in frame.columns}
    keep = {raw_name: canon for raw_name, canon in canonical_of.items() if column_spec(spec, canon) is not None}
    targets = list(keep.values())
    dupes = sorted({t for t in targets if targets.count(t) > 1})
    if dupes:
        raise DataError(f"{raw.source.name}: more than one column maps to {', '.join(dupes)}. Map each canonical column once.")
    clash = [c for c in source.constants if c in targets]
    if clash:
        raise DataError(f"{raw.source.name}: `{clash[0]}` is both a column of the file and a constant in client.yaml. "
                        f"Remove it from `tables.{spec.name}.constants` or from `columns`.")
    unused = [str(c) for c in frame.columns if c not in keep]
    out = frame[list(keep)].rename(columns=keep)
    return out, {v: k for k, v in keep.items()}, unused


def pivot_long(raw: readers.RawTable, pivot: dict[str, str]) -> readers.RawTable:
    """One row per respondent from a long file (one row per respondent and question).

    The ``question`` column's values become columns holding the ``answer`` column's values;
    other columns keep each respondent's first value. A row without a respondent id or a
    question is excluded with its row number; an answer given twice keeps the first (noted).

    Examples
    --------
    >>> import numpy as np
    >>> from pathlib import Path
    >>> f = pd.DataFrame({"id": ["a", "a", "b"], "q": ["NPS", "Why", "NPS"], "v": ["9", "fast", "3"]})
    >>> t = readers.RawTable(frame=f, source=Path("long.csv"), row_numbers=np.array([2, 3, 4]))
    >>> w = pivot_long(t, {"id": "id", "question": "q", "answer": "v"})
    >>> w.frame["Why"].tolist(), w.row_numbers.tolist()
    (['fast', <NA>], [2, 4])
    """
    f = raw.frame
    idc, qc, ac = pivot["id"], pivot["question"], pivot["answer"]
    absent = [c for c in (idc, qc, ac) if c not in f.columns]
    if absent:
        raise DataError(f"{raw.source.name}: `pivot:` names column(s) {', '.join(map(repr, absent))} that the file "
                        f"does not have. Its columns are: {', '.join(map(str, f.columns[:30]))}.")
    ids = f[idc].astype("string").str.strip()
    questions = f[qc].astype("string").str.strip()
    bad = (ids.isna() | (ids == "") | questions.isna() | (questions == "")).fillna(True).to_numpy(dtype=bool)
    rows = np.asarray(raw.row_numbers)
    excluded = readers.base.exclusions(rows[bad].tolist(), ["long file: the row has no respondent id or no question"]
                                       * int(bad.sum()))
    keep = f.loc[~bad].assign(_id=ids[~bad], _q=questions[~bad], _row=rows[~bad])
    twice = keep.duplicated(["_id", "_q"], keep="first")
    conflicts = int((keep[twice].merge(keep[~twice][["_id", "_q", ac]], on=["_id", "_q"], suffixes=("", "_first"))
                     .pipe(lambda d: (d[ac].astype("string") != d[f"{ac}_first"].astype("string")).fillna(True))
                     .sum()))
    keep = keep[~twice]
    order = list(dict.fromkeys(keep["_id"]))
    wide = keep.pivot(index="_id", columns="_q", values=ac).reindex(order)
    wide.columns = [str(c) for c in wide.columns]
    question_order = list(dict.fromkeys(keep["_q"]))
    others = [c for c in f.columns if c not in (idc, qc, ac)]
    clash = [q for q in question_order if q in others or q == idc]
    if clash:
        raise DataError(f"{raw.source.name}: question {clash[0]!r} of the long file has the name of one of its "
                        "columns; rename the column or the question in the export.")
    first = keep.groupby("_id", sort=False)[[*others, "_row"]].first().reindex(order)
    out = pd.concat([pd.Series(order, name=idc, dtype="string").to_frame().set_index(idc, drop=False),
                     first[others].set_axis(order), wide[question_order].set_axis(order)], axis=1)
    out = out.reset_index(drop=True)
    for c in question_order:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].astype("string")
    notes = [*raw.notes, f"long format: {len(f):,} rows (one per respondent and question) pivoted to "
                         f"{len(out):,} respondents and {len(question_order)} questions."]
    if conflicts:
        notes.append(f"{conflicts} answer(s) given twice with different values for one respondent and question: "
                     "the first is used.")
    return replace(raw, frame=out, row_numbers=first["_row"].to_numpy(dtype=np.int64),
                   excluded=pd.concat([raw.excluded, excluded], ignore_index=True), notes=tuple(notes))


def generated_ids(file: str, rows: np.ndarray) -> pd.Series:
    """Stable ids for the rows of a file without an id: the file name's stem and the row number.

    The same file gives the same ids on every run; a re-export with rows added at the end keeps
    the ids of the rows before them.

    >>> generated_ids("NPS export (June).csv", np.array([2, 3])).tolist()
    ['nps-export-june-2', 'nps-export-june-3']
    """
    stem = re.sub(r"[^a-z0-9]+", "-", file.rsplit(".", 1)[0].lower()).strip("-") or "row"
    return pd.Series([f"{stem}-{r}" for r in np.asarray(rows)], dtype="string")


@dataclass
class Combined:
    """One table's files stacked, in canonical columns, with where each row came from."""

    frame: pd.DataFrame
    raw_of: dict[str, str]
    unused: list[str]
    files: np.ndarray
    rows: np.ndarray
    excluded: pd.DataFrame
    value_labels: dict
    missing_codes: dict
    notes: list[str]
    rows_read: int
    #: canonical column -> the question it answers (survey exports), when known
    questions: dict[str, str] = field(default_factory=dict)


def combine(raws: list[readers.RawTable], source: TableSource, spec: TableSpec) -> Combined:
    """Stack one table's files (e.g. monthly exports) into one frame, remembering each row's file and line."""
    frames, files, rows, excluded, notes = [], [], [], [], []
    raw_of: dict[str, str] = {}
    questions: dict[str, str] = {}
    unused: list[str] = []
    labels: dict = {}
    codes: dict = {}
    for raw in raws:
        if source.pivot:
            raw = pivot_long(raw, source.pivot)
        frame, mapping, extra = map_file_columns(raw, source, spec)
        for canon, value in source.constants.items():
            frame[canon] = pd.Series([None if value is None else str(value)] * len(frame), dtype="string",
                                     index=frame.index)
            mapping[canon] = f"(constant {value!r})"
        if spec.generated_key and spec.key not in frame.columns:
            frame[spec.key] = generated_ids(raw.source.name, raw.row_numbers).set_axis(frame.index)
            mapping[spec.key] = GENERATED
            notes.append(f"no `{spec.key}` column: ids made from the file name and row number "
                         "(stable while the file is unchanged)")
        frames.append(frame)
        files.append(np.full(len(frame), raw.source.name, dtype=object))
        rows.append(np.asarray(raw.row_numbers))
        if len(raw.excluded):
            excluded.append(raw.excluded.assign(file=raw.source.name))
        raw_of.update(mapping)
        unused += [u for u in extra if u not in unused]
        for canon, raw_name in mapping.items():
            if raw_name in raw.value_labels:
                labels[raw_name] = raw.value_labels[raw_name]
            if raw_name in raw.missing_codes:
                codes[raw_name] = raw.missing_codes[raw_name]
            question = raw.questions.get(raw_name) or (raw_name if len(str(raw_name).split()) >= 3 else "")
            if question and canon not in questions:
                questions[canon] = question
        notes += [f"{raw.source.name}: {note}" if len(raws) > 1 else note for note in raw.notes]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return Combined(
        frame=frame,
        raw_of=raw_of,
        unused=unused,
        files=np.concatenate(files) if files else np.array([], dtype=object),
        rows=np.concatenate(rows) if rows else np.array([], dtype="int64"),
        excluded=pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame(columns=["row", "reason", "file"]),
        value_labels=labels,
        missing_codes=codes,
        notes=list(dict.fromkeys(notes)),
        rows_read=len(frame) + sum(len(e) for e in excluded),
        questions=questions,
    )


def check_required(frame: pd.DataFrame, spec: TableSpec, file: str) -> None:
    """Refuse a table whose files lack a required column, naming what the files have."""
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise DataError(
            f"{file}: required column(s) {', '.join(f'`{m}`' for m in missing)} missing for table {spec.name}. "
            f"The file has: {', '.join(map(str, frame.columns[:30]))}. Rename them in the file or map them with "
            f"`tables.{spec.name}.columns` in client.yaml."
        )


def coerce_column(frame, col: Column, name: str, combined: Combined, source: TableSource):
    """Convert one canonical column: scores through their scale, yes/no outcomes by label, the rest by kind."""
    series = frame[name]
    raw_name = combined.raw_of[name]
    target = target_for(name)
    missing = list(source.missing_codes.get(name, [])) + list(combined.missing_codes.get(raw_name, []))
    if target == "binary":
        return binary.map_binary(series, target=name, missing_codes=missing,
                                 value_labels=combined.value_labels.get(raw_name))
    if target is not None and series.isna().all():  # nobody answered: nothing to map, nothing wrong
        return parsing.Coerced(pd.Series(pd.NA, index=series.index, dtype="Int64"),
                               pd.Series(pd.NA, index=series.index, dtype="string"))
    if target is not None:
        return scales.map_scale(
            series,
            target=target,
            scale=source.scales.get(name),
            missing_codes=missing,
            value_labels=combined.value_labels.get(raw_name),
            column=name,
            file=source.label,
            row_numbers=combined.rows,
        )
    labels = combined.value_labels.get(raw_name)
    if labels and col is not None and col.kind in ("category", "str"):
        series = series.map(lambda v: labels.get(v, labels.get(_num(v), v)) if pd.notna(v) else v).astype("string")
    return parsing.coerce(series, col.kind, low=col.low, high=col.high, dayfirst=source.dayfirst, missing=missing)


def _num(v):
    try:
        f = float(v)
        return int(f) if f.is_integer() else f
    except (TypeError, ValueError):
        return v
