"""Bringing a client's own files: inspect a folder, propose a ``client.yaml``, say what data is missing.

``cx init <client> --from <folder>`` calls :func:`init_client`: every file in the
folder is read (never changed, never copied), its format, encoding, delimiter,
title rows, column names, value types, ranges and likely scales are found,
each file is matched to a workspace table and each column to a canonical column
(by name, by synonym, by the question text of a Qualtrics export, or by its
values), and a commented ``data/<client>/client.yaml`` is written.

What the tool is not sure about is *flagged*: in the YAML as a
``# CONFIRM[<id>]: <evidence>`` comment above the line, and in Python as
:attr:`Proposal.flags`. :meth:`Proposal.confirm` and
:func:`cxlib.onboard.confirm.confirm_file` resolve flags (as proposed, or with
another answer). Columns that match nothing are listed in the YAML, not dropped
silently. Paths in the YAML are relative to ``data/<client>/`` when the client's
folder is inside the project, absolute otherwise (``paths=`` overrides).

:func:`missing_data_sections` tells which report sections a client's data
supports and what to provide to unlock the others.

Examples
--------
>>> proposal = propose_config("acme", "incoming/acme", root=".")     # doctest: +SKIP
>>> [f.id for f in proposal.flags]                                     # doctest: +SKIP
['stages', 'tables.responses.scales.nps']
>>> proposal.confirm(answers={"tables.responses.scales.nps": "0-10"}).write()   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io as _io
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

import numpy as np
import pandas as pd

from cxlib.ingest import io, parsing, scales
from cxlib.errors import ConfigError, DataError
from cxlib.schema import CHANNELS, RATING_PREFIX, TABLE_ORDER, TABLES

__all__ = [
    "Flag",
    "FileInspection",
    "Proposal",
    "inspect_file",
    "inspect_folder",
    "propose_config",
    "init_client",
    "SYNONYMS",
]

PathMode = Literal["auto", "relative", "absolute"]

_DATA_EXTENSIONS = {".csv", ".tsv", ".txt", ".tab", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq", ".sav", ".zsav"}
_SKIP_NAMES = {"client.yaml", "codebook.yaml", "planted.yaml", "planted_codes.csv", "hand_coded.csv"}
_SAMPLE_BYTES = 32 * 1024 * 1024  # text files above this are inspected on their first 32 MiB
_MAX_TITLE_ROWS = 10

# --------------------------------------------------------------------------- vocabulary
_CUSTOMER_ID = ["customerid", "custid", "customerno", "customernumber", "customernr", "customerref",
                "customerreference", "clientid", "clientnumber", "accountid", "accountnumber", "accountno",
                "memberid", "membernumber", "custno", "custnumber", "kundennummer", "cid"]

#: Raw column names (normalised: lower-case ASCII letters and digits only, text in brackets dropped)
#: recognised for each canonical column, per table; earlier entries are stronger evidence.
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "customers": {
        "customer_id": _CUSTOMER_ID + ["id"],
        "segment": ["segment", "customersegment", "custsegment", "segmentname", "customertype", "customergroup",
                    "tier", "market"],
        "region": ["region", "area", "territory", "salesregion", "country", "state", "province"],
        "acquired_on": ["acquiredon", "acquired", "acquisitiondate", "customersince", "since", "signupdate",
                        "signedup", "joindate", "joined", "joinedon", "startdate", "contractstart",
                        "contractstartdate", "onboarded", "opendate", "accountopened", "createdat", "createddate"],
        "annual_value": ["annualvalue", "annualrevenue", "revenue", "arr", "yearlyrevenue", "yearlyvalue",
                         "annualspend", "spend", "customervalue", "acv", "value"],
        "churned": ["churned", "churn", "haschurned", "ischurned", "churnflag", "left", "hasleft", "cancelled",
                    "canceled", "lost"],
        "churned_on": ["churnedon", "churndate", "churnedat", "cancellationdate", "cancelledon", "canceledon",
                       "leftdate", "lefton", "enddate", "contractend", "contractenddate", "closedate", "closedon"],
    },
    "interactions": {
        "interaction_id": ["interactionid", "contactid", "eventid", "touchid", "activityid", "interactionno",
                           "interactionnumber", "contactnumber", "contactno", "id"],
        "customer_id": _CUSTOMER_ID,
        "occurred_at": ["occurredat", "occurred", "datetime", "timestamp", "eventtime", "eventdate", "contactdate",
                        "contacttime", "contactdatetime", "interactiondate", "interactiontime", "date", "datetime",
                        "time", "createdat", "created", "when", "startedat", "starttime"],
        "stage": ["stage", "lifecyclestage", "journeystage", "customerstage", "phase", "lifecycle"],
        "channel": ["channel", "contactchannel", "interactionchannel", "medium", "via", "contactmethod"],
        "touchpoint": ["touchpoint", "touchpointid", "touchpointname", "tp", "interactiontype", "eventtype",
                       "contactreason", "activitytype", "activity", "type", "reason"],
        "department": ["department", "dept", "departement", "team", "unit", "businessunit", "function", "owner"],
        "case_id": ["caseid", "case", "casenumber", "caseno", "ticketid", "ticket", "ticketnumber", "ticketno",
                    "incidentid", "incident", "issueid"],
        "resolved": ["resolved", "isresolved", "solved", "resolution", "fcr", "firstcontactresolution"],
        "wait_minutes": ["waitminutes", "waittime", "wait", "waitmins", "waitingtime", "waitinminutes",
                         "queuetime", "holdtime", "timetoanswer"],
        "asked_known_info": ["askedknowninfo", "hadtorepeatinfo", "hadtorepeat", "repeatedinfo", "repeatinfo",
                             "repeatedinformation", "askedagain", "askedforknowninfo", "knowninfoasked"],
        "updates_sent": ["updatessent", "proactiveupdates", "updates", "statusupdates", "notificationssent",
                         "notifications"],
    },
    "responses": {
        "response_id": ["responseid", "respid", "respondentid", "surveyresponseid", "responsenumber", "recordid",
                        "id"],
        "customer_id": _CUSTOMER_ID + ["externalreference", "externaldatareference", "extref"],
        "interaction_id": ["interactionid", "contactid", "eventid", "transactionid"],
        "answered_at": ["answeredat", "recordeddate", "submittedat", "submitted", "completedat", "completed",
                        "responsedate", "surveydate", "enddate", "date", "datetime", "timestamp"],
        "survey": ["survey", "surveytype", "surveykind"],
        "nps": ["nps", "npsscore", "likelihoodtorecommend", "ltr", "recommend", "recommendation", "npsrating"],
        "csat": ["csat", "satisfaction", "overallsatisfaction", "csatscore", "sat", "satisfied"],
        "ces": ["ces", "effort", "customereffort", "customereffortscore", "cesscore", "ease"],
        "comment": ["comment", "comments", "verbatim", "feedback", "opentext", "freetext", "openended", "remarks",
                    "why", "reason", "text"],
        "duration_seconds": ["durationseconds", "duration", "durationinseconds", "timetaken", "secondstocomplete",
                             "completiontime", "responsetime"],
    },
    "mentions": {
        "mention_id": ["mentionid", "postid", "reviewid", "complaintid", "messageid", "id"],
        "source": ["source", "platform", "site", "network", "channel"],
        "posted_at": ["postedat", "posted", "publishedat", "published", "reviewdate", "date", "createdat",
                      "datetime", "timestamp"],
        "text": ["text", "body", "content", "message", "post", "review", "reviewtext", "complaint",
                 "complainttext", "comment"],
        "customer_id": _CUSTOMER_ID,
    },
    "self_assessment": {
        "touchpoint": ["touchpoint", "touchpointid"],
        "self_rating": ["selfrating", "ourrating", "internalrating", "companyrating", "selfscore", "rating", "score"],
        "believes_superior": ["believessuperior", "superior", "bestinclass", "weexcel"],
        "expected_top_box_pct": ["expectedtopboxpct", "expectedtopbox", "expectedpct"],
        "promise": ["promise", "brandpromise", "statedpromise"],
        "owner": ["owner", "department", "team"],
    },
}

# Question texts of survey exports (Qualtrics' second header row).
_QUESTION_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("nps", re.compile(r"(?i)\brecommend")),
    ("csat", re.compile(r"(?i)\bsatisf")),
    ("ces", re.compile(r"(?i)\b(easy|easier|ease|effort)\b")),
    ("comment", re.compile(r"(?i)\bwhy\b|tell us|anything else|comment|what could we|main reason|please explain"
                           r"|feedback|in your own words")),
]
_RATING_QUESTION = re.compile(r"(?i)\b(rate|rating)\b")
_RATING_NAME = re.compile(r"(?i)^(?:rating|rate|score|sat(?:isfaction)?)[\s_:-]+(.+)$|^(.+?)[\s_:-]+(?:rating|score)$")

#: Qualtrics columns that identify a person; never mapped (so never stored or reported).
_PERSONAL = {"ipaddress", "recipientlastname", "recipientfirstname", "recipientemail", "locationlatitude",
             "locationlongitude", "email", "emailaddress", "phone", "phonenumber", "firstname", "lastname", "name",
             "fullname", "agentname", "address"}

_TABLE_HINTS: dict[str, tuple[str, ...]] = {
    "customers": ("customer", "crm", "account", "member", "client"),
    "interactions": ("interaction", "contact", "touch", "event", "log", "ticket", "case", "call", "journey", "activit"),
    "responses": ("survey", "response", "nps", "feedback", "qualtrics", "csat", "answer"),
    "mentions": ("mention", "social", "review", "complaint", "post", "tweet"),
    "self_assessment": ("self", "assessment", "internal", "audit"),
}

#: Usual lifecycle stage names, in order; stages found in the data are sorted by this.
_STAGE_ORDER = ["awareness", "aware", "discover", "discovery", "research", "consider", "consideration", "evaluate",
                "quote", "buy", "purchase", "order", "sale", "sign", "contract", "deliver", "delivery", "install",
                "onboard", "onboarding", "setup", "activate", "activation", "use", "usage", "service", "support",
                "care", "complaint", "bill", "billing", "renew", "renewal", "retain", "retention", "loyalty",
                "advocacy", "leave", "exit", "churn"]
_SALE_WORDS = ("buy", "purchase", "order", "sale", "sign", "contract")
_CURRENCIES = {"eur": "EUR", "€": "EUR", "usd": "USD", "$": "USD", "gbp": "GBP", "£": "GBP", "chf": "CHF",
               "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "cad": "CAD", "aud": "AUD", "jpy": "JPY"}

_SCORE_TARGETS = {"nps": "nps", "csat": "csat", "ces": "ces"}


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
class FileInspection:
    """What one client file looks like.

    Attributes
    ----------
    path : Path
    format : str or None
        ``csv``, ``excel``, ``parquet``, ``spss`` or ``qualtrics``; None when unreadable.
    encoding, delimiter : str or None
        Text files only.
    sheet : str or int
        Excel sheet read.
    skip_rows : int
        Title rows above the header.
    n_rows : int
        Data rows (of the sample, for very large text files; see ``notes``).
    columns : DataFrame
        One row per column: ``column`` (raw name), ``question`` (survey question text or ""),
        ``kind`` (id, int, float, bool, date, datetime, labelled, category, text, empty),
        ``n`` (non-empty cells), ``n_missing``, ``n_distinct``, ``low``, ``high`` (as text, for
        numbers and dates), ``examples`` (up to 3 distinct values, text).
    notes : tuple of str
        How the file was read.
    error : str or None
        Why the file could not be read (then ``format`` is None).
    """

    path: Path
    format: str | None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    skip_rows: int = 0
    n_rows: int = 0
    columns: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: tuple[str, ...] = ()
    error: str | None = None
    sample: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def questions(self) -> dict[str, str]:
        """Raw column -> question text, for survey exports that have them."""
        if self.columns.empty:
            return {}
        return {c: q for c, q in zip(self.columns["column"], self.columns["question"]) if q}


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


# --------------------------------------------------------------------------- inspection
def _norm(name: str) -> str:
    """Normalised column name: camelCase split, accents, brackets and punctuation dropped, lower-case."""
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", str(name))
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", s)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s or "x"


def _decoded_head(path: Path, encoding: str, size: int = 256 * 1024) -> str:
    with path.open("rb") as f:
        raw = f.read(size)
    text = raw.decode(encoding, errors="ignore")  # a sample only: a cut multi-byte character at the end is fine
    return text.lstrip("\ufeff")


def _csv_layout(text: str) -> tuple[int, str]:
    """(title rows above the header, delimiter) of a text file's head."""
    lines = _io.StringIO(text, newline="").readlines()
    if len(lines) > 2:
        lines = lines[:-1] if not lines[-1].endswith(("\n", "\r")) else lines
    for k in range(0, min(_MAX_TITLE_ROWS + 1, max(len(lines) - 1, 1))):
        if not lines[k].strip():
            continue
        rest = "".join(lines[k:])
        delim = io.sniff_delimiter(rest)
        header = next(csv.reader(_io.StringIO(rest, newline=""), delimiter=delim), [])
        named = sum(bool(c.strip()) for c in header)
        if len(header) >= 2 and named >= max(2, 0.6 * len(header)):
            return k, delim
    return 0, io.sniff_delimiter(text)


def _excel_layout(path: Path) -> tuple[str | int, int, list[str]]:
    """(sheet, title rows above the header, other non-empty sheets) of a workbook."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a broken workbook: let io.read_table say so
        raise DataError(f"{path.name}: cannot be opened as an .xlsx workbook ({type(e).__name__}: {e}).") from None
    try:
        found: list[tuple[str, list[list]]] = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows = []
            for _, cells in zip(range(40), ws.iter_rows(values_only=True)):
                rows.append([c for c in cells])
            if any(any(c not in (None, "") for c in r) for r in rows):
                found.append((ws.title, rows))
    finally:
        wb.close()
    if not found:
        return 0, 0, []
    sheet, rows = found[0]
    filled = [[i for i, c in enumerate(r) if c not in (None, "")] for r in rows]
    skip = 0
    for k, cols in enumerate(filled[: _MAX_TITLE_ROWS + 1]):
        if not cols:
            continue
        below = [max(c) + 1 for c in filled[k + 1: k + 21] if c]
        width = max(below) if below else max(cols) + 1
        texts = sum(isinstance(rows[k][i], str) for i in cols)
        if len(cols) >= max(2, 0.6 * width) and texts >= 0.6 * len(cols):
            skip = k
            break
    # io.read_table skips `skip` rows then takes the first non-empty row as the header: blank rows
    # between a title and the header need no counting, so report the rows above the header's own row
    return sheet, skip, [name for name, _ in found[1:]]


def _qualtrics_questions(path: Path, encoding: str, delimiter: str) -> dict[str, str]:
    """Column -> question text from the second header row of a Qualtrics export ({} when absent)."""
    text = _decoded_head(path, encoding)
    records = [r for _, r in zip(range(3), csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter))]
    if len(records) < 2:
        return {}
    header, second = records[0], records[1]
    third = records[2] if len(records) > 2 else []
    import_row = sum(c.strip().startswith('{"ImportId"') for c in third) * 2 >= max(1, sum(bool(c) for c in third))
    start = dict(zip(header, second)).get("StartDate", "")
    if not (import_row and third) and start.strip().lower() != "start date":
        return {}
    return {h: q.strip() for h, q in zip(header, second) if q.strip() and q.strip() != h}


_INT_TEXT = re.compile(r"[+-]?\d+(?:\.0+)?")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?")
_LABELLED_TEXT = re.compile(r"^\s*\d+\s*[-\u2013=:.)]\s*\D")
_DATE_LIKE = re.compile(r"(?i)\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                        r"[a-z]*\b")
_CLOCK = re.compile(r"\d:\d")
_WORDS = re.compile(r"\s\S+\s\S+\s")


def _share(values: list[str], pattern: re.Pattern, how: str = "fullmatch") -> float:
    test = getattr(pattern, how)
    return sum(bool(test(v)) for v in values) / len(values) if values else 0.0


def _describe(present: pd.Series) -> tuple[str, str, str, list[str]]:
    """(kind, low, high, distinct texts) of a raw column's non-empty cells; low/high as text for numbers and dates."""
    s = present
    if len(s) == 0:
        return "empty", "", "", []
    if s.dtype != object and not isinstance(s.dtype, pd.StringDtype):
        uniq = [str(v) for v in pd.unique(s)[:5000]]
        if pd.api.types.is_bool_dtype(s.dtype):
            return "bool", "", "", uniq
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            kind = "date" if (s.dt.normalize() == s).all() else "datetime"
            return kind, str(s.min())[:19], str(s.max())[:19], [v[:10] if kind == "date" else v for v in uniq]
        if pd.api.types.is_numeric_dtype(s.dtype):
            values = s.astype("float64")
            kind = "int" if np.all(values == np.round(values)) else "float"
            return kind, f"{values.min():g}", f"{values.max():g}", uniq
    # text cells: judge the distinct values (plain Python on a few thousand values is cheap)
    uniq = [str(v).strip() for v in pd.unique(s.astype("string").str.strip())[:5000]]
    lowered = {v.lower() for v in uniq}
    if lowered <= (parsing.TRUE_TOKENS | parsing.FALSE_TOKENS) and not lowered <= {"0", "1", "0.0", "1.0"}:
        return "bool", "", "", uniq
    if _share(uniq, _INT_TEXT) >= 0.98:
        num = [float(v) for v in uniq if _INT_TEXT.fullmatch(v)]
        return "int", f"{min(num):g}", f"{max(num):g}", uniq
    if _share(uniq, _NUMBER_TEXT) >= 0.98:
        c = parsing.coerce(pd.Series(uniq, dtype="string"), "float")
        if c.errors.isna().mean() >= 0.98:
            num = c.values.dropna()
            kind = "int" if np.all(num == np.round(num)) else "float"
            return kind, f"{num.min():g}", f"{num.max():g}", uniq
    if _share(uniq, _LABELLED_TEXT, "match") >= 0.6:
        return "labelled", "", "", uniq
    if _share(uniq, _DATE_LIKE, "search") >= 0.9:
        dt = parsing.coerce(pd.Series(uniq, dtype="string"), "datetime")
        if dt.errors.isna().mean() >= 0.9 or dt.errors.fillna("").str.contains("ambiguous|day-first").mean() > 0.3:
            values = dt.values.dropna()
            low, high = (str(values.min())[:19], str(values.max())[:19]) if len(values) else ("", "")
            if len(values) and (values.dt.normalize() == values).all() and not any(_CLOCK.search(v) for v in uniq):
                return "date", low, high, uniq
            return "datetime", low, high, uniq
    if sum(map(len, uniq)) / len(uniq) > 30 or _share(uniq, _WORDS, "search") > 0.5:
        return "text", "", "", uniq
    if len(uniq) <= max(30, 0.05 * len(s)):
        return "category", "", "", uniq
    return "id", "", "", uniq


def _profile(frame: pd.DataFrame, questions: dict[str, str]) -> pd.DataFrame:
    rows = []
    for name in frame.columns:
        col = frame[name]
        present = col.dropna()
        if isinstance(present.dtype, pd.StringDtype) or present.dtype == object:
            present = present[present.astype("string").str.strip() != ""]
        kind, low, high, distinct = _describe(present)
        rows.append({
            "column": str(name),
            "question": questions.get(str(name), ""),
            "kind": kind,
            "n": int(len(present)),
            "n_missing": int(len(col) - len(present)),
            "n_distinct": int(len(distinct)),
            "low": low,
            "high": high,
            "examples": ", ".join(repr(v)[:40] for v in distinct[:3]),
        })
    return pd.DataFrame(rows, columns=["column", "question", "kind", "n", "n_missing", "n_distinct", "low", "high",
                                       "examples"]).astype({"n": "int64", "n_missing": "int64", "n_distinct": "int64"})


def inspect_file(path: str | os.PathLike) -> FileInspection:
    """Inspect one client file: format, encoding, delimiter, title rows, columns and their values.

    Parameters
    ----------
    path : path
        The file. It is only read.

    Returns
    -------
    FileInspection
        ``format`` None and ``error`` set when the file cannot be read (the reason says why).

    Notes
    -----
    Title rows: the header is the first row (of the first 11) that has at least two
    named cells making up 60% of the row's width (the width the following rows use),
    mostly text. Delimiter: :func:`cxlib.ingest.io.sniff_delimiter` on the lines from the header
    down. Encoding: :func:`cxlib.ingest.io.detect_encoding` (strict; cp1252 only when unambiguous).
    Text files above 32 MiB are profiled on their first 32 MiB.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "contacts.csv"
    >>> _ = p.write_bytes("Export of June\\nid;Département\\n1;Sérvice\\n".encode("cp1252"))
    >>> f = inspect_file(p)
    >>> f.format, f.encoding, f.delimiter, f.skip_rows, list(f.columns["column"])
    ('csv', 'cp1252', ';', 1, ['id', 'Département'])
    """
    path = Path(path)
    try:
        fmt = io.detect_format(path)
    except DataError as e:
        return FileInspection(path=path, format=None, error=str(e))
    encoding = delimiter = None
    skip, sheet, notes = 0, 0, []
    questions: dict[str, str] = {}
    read_path = path
    tmp_dir = None
    try:
        if fmt in ("csv", "qualtrics"):
            encoding = io.detect_encoding(path)
            skip, delimiter = _csv_layout(_decoded_head(path, encoding))
            questions = _qualtrics_questions(path, encoding, delimiter) if skip == 0 else {}
            if path.stat().st_size > _SAMPLE_BYTES:
                tmp_dir = tempfile.mkdtemp(prefix="cx-init-")
                read_path = Path(tmp_dir) / path.name
                with path.open("rb") as src, read_path.open("wb") as dst:
                    head = src.read(_SAMPLE_BYTES)
                    dst.write(head[: head.rfind(b"\n") + 1])
                notes.append(f"Large file: inspected its first {_SAMPLE_BYTES // 2**20} MiB only.")
        elif fmt == "excel":
            sheet, skip, others = _excel_layout(path)
            if others:
                notes.append(f"Workbook has other sheets with data: {', '.join(others)} (not inspected).")
        raw = io.read_table(read_path, encoding=encoding, delimiter=delimiter, sheet=sheet, skip_rows=skip)
    except DataError as e:
        return FileInspection(path=path, format=None, encoding=encoding, delimiter=delimiter, skip_rows=skip,
                              error=str(e).replace(str(read_path), str(path)))
    finally:
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    if any(n.startswith("Qualtrics") for n in raw.notes):
        fmt = "qualtrics"
    notes = [*raw.notes, *notes]
    if skip:
        notes.insert(0, f"{skip} title row(s) above the header.")
    frame = raw.frame
    return FileInspection(path=path, format=fmt, encoding=encoding, delimiter=delimiter, sheet=sheet,
                          skip_rows=skip, n_rows=len(frame), columns=_profile(frame, questions),
                          notes=tuple(n.replace(str(read_path), str(path)) for n in notes), sample=frame)


def inspect_folder(folder: str | os.PathLike) -> list[FileInspection]:
    """Inspect every data file directly in ``folder`` (sorted by name; hidden and tool files skipped).

    Examples
    --------
    >>> [f.path.name for f in inspect_folder("incoming/acme")]   # doctest: +SKIP
    ['contacts.csv', 'customers.xlsx', 'survey.csv']
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder. Give `cx init <client> --from <folder>` the folder that "
                          "holds the client's exported files.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                   and p.suffix.lower() in _DATA_EXTENSIONS and p.name not in _SKIP_NAMES)
    if not files:
        raise ConfigError(f"{folder} holds no data files (looked for "
                          f"{', '.join(sorted(_DATA_EXTENSIONS))}). Put the client's exports there.")
    return [inspect_file(p) for p in files]


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
class _Mapping:
    columns: dict[str, str]  # raw -> canonical
    evidence: dict[str, str]  # raw -> why
    flagged: dict[str, str]  # raw -> flag message (mapping needs confirmation)
    unmapped: list[tuple[str, str]]
    score: float


def _canonical_kind(table: str, canon: str) -> str | None:
    if table == "responses" and canon.startswith(RATING_PREFIX):
        return "int"
    try:
        return TABLES[table].column(canon).kind
    except KeyError:
        return None


def _fits(table: str, canon: str, kind: str, profile) -> bool:
    if canon in _SCORE_TARGETS or canon.startswith(RATING_PREFIX):
        return kind in _SCORE_KINDS
    want = _canonical_kind(table, canon)
    if want is None or kind not in _COMPATIBLE[want]:
        return False
    if want == "bool" and kind == "int":
        return profile.low in ("0", "1") and profile.high in ("0", "1")
    return True


def _rating_subject(name: str, question: str) -> str | None:
    if question and _RATING_QUESTION.search(question):
        subject = re.split(r"\s+[-\u2013:]\s+", question)[-1] if re.search(r"\s[-\u2013:]\s", question) \
            else re.sub(r"(?i).*\brate\b\s+(the|our|your)?\s*", "", question)
        return _slug(re.sub(r"(?i)\bthe\b|\bour\b|\byour\b|\?", "", subject))[:40] or None
    m = _RATING_NAME.match(str(name).strip())
    if m:
        return _slug(m.group(1) or m.group(2))[:40] or None
    return None


def _rows(insp: FileInspection) -> list:
    """The column profile as a list of records with attribute access (itertuples is slow on small frames)."""
    from types import SimpleNamespace

    return [SimpleNamespace(**r) for r in insp.columns.to_dict("records")]


def _map_columns(insp: FileInspection, table: str) -> _Mapping:
    spec = TABLES[table]
    rows = _rows(insp)
    synonyms = SYNONYMS[table]
    candidates: list[tuple[float, int, str, str, str, str | None]] = []  # score, order, raw, canon, why, flag
    misfit: dict[str, str] = {}
    for order, r in enumerate(rows):
        raw, q, kind, norm = r.column, r.question, r.kind, _norm(r.column)
        found: list[tuple[float, str, str, str | None]] = []
        if raw in spec.names or (table == "responses" and raw.startswith(RATING_PREFIX)):
            found.append((100, raw, "named as in the data model", None))
        for canon, words in synonyms.items():
            if norm in words:
                found.append((90 - words.index(norm) * 0.5, canon, f"name `{raw}` is a synonym of {canon}", None))
        if table == "responses" and q:
            for canon, pattern in _QUESTION_PATTERNS:
                if pattern.search(q) and (canon != "comment" or kind in ("text", "category", "empty")):
                    found.append((75, canon, f"question \"{_short(q)}\"", None))
        if table == "responses" and kind in ("int", "float", "labelled"):
            subject = _rating_subject(raw, q)
            if subject and r.high and _num(r.high) <= 10:
                canon = RATING_PREFIX + subject
                where = f"question \"{_short(q)}\"" if q else f"name `{raw}`"
                found.append((60, canon, f"{where} rates {subject.replace('_', ' ')}",
                              f"column `{raw}` ({where}, values {r.low}-{r.high}) looks like the rating of a "
                              f"touchpoint: mapped to `{canon}` (touchpoint id `{subject}`)? confirm"))
        for score, canon, why, flag in found:
            if _fits(table, canon, kind, r):
                candidates.append((score, -order, raw, canon, why, flag))
            else:
                want = _canonical_kind(table, canon)
                misfit.setdefault(raw, f"its name suggests `{canon}` but its values ({kind}, e.g. {r.examples}) "
                                       f"are not {want} values: recode them in the export, then map it")
    # value-based guesses for score columns nobody named (responses only)
    if table == "responses":
        named = {c[3] for c in candidates}
        for order, r in enumerate(rows):
            if any(c[2] == r.column for c in candidates) or r.kind not in ("int", "labelled") or not r.high:
                continue
            lo, hi = _num(r.low), _num(r.high)
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
            elif "stage" not in named and values and len(values & set(_STAGE_ORDER)) >= max(2, 0.6 * len(values)):
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
        if _norm(r.column) in _PERSONAL:
            note = "personal data: left out on purpose (never stored or reported)"
        elif r.column in _QUALTRICS_META:
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
        + (4 if any(h in _norm(insp.path.stem) for h in _TABLE_HINTS[table]) else 0) \
        + (6 if table == "responses" and insp.format == "qualtrics" else 0)
    return _Mapping(columns, evidence, flagged, unmapped, score)


_QUALTRICS_META = {"StartDate", "EndDate", "Status", "Progress", "Finished", "DistributionChannel", "UserLanguage",
                   "RecordedDate", "ResponseId", "ExternalReference", "Duration (in seconds)"}


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def _eligible(table: str, m: _Mapping, insp: FileInspection) -> bool:
    spec = TABLES[table]
    have = set(m.columns.values())
    required = [c.name for c in spec.columns if c.required]
    share = sum(c in have for c in required) / len(required)
    keyed = spec.key in have or (table == "responses" and insp.format == "qualtrics")
    return keyed and share >= 0.5


# --------------------------------------------------------------------------- proposal
def _yaml_path(file: Path, workspace: Path, root: Path, mode: PathMode) -> str:
    file = file.resolve()
    if mode == "absolute" or (mode == "auto" and not _inside(file, root)):
        return str(file)
    return os.path.relpath(file, workspace.resolve())


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _glob_for(names: list[str], all_names: list[str]) -> str | None:
    """A pattern ``prefix*suffix`` matching exactly ``names`` among ``all_names``, or None."""
    import fnmatch

    prefix = os.path.commonprefix(names)
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    if re.search(r"\d", prefix[-1:] or ""):  # "nps-2025-0" -> "nps-": next year's files match too
        m = re.match(r"^(.*?[^\d_-])([_-]?)[\d_-]*$", prefix)
        prefix = m.group(1) + m.group(2) if m else ""
    if not prefix or len(prefix) + len(suffix) >= min(len(n) for n in names):
        return None
    pattern = f"{prefix}*{suffix}"
    matched = sorted(n for n in all_names if fnmatch.fnmatchcase(n, pattern))
    return pattern if matched == sorted(names) else None


class _Builder:
    """Accumulates the proposed config, its comments and its flags."""

    def __init__(self):
        self.flags: list[Flag] = []
        self.comments: dict[tuple, str] = {}
        self.dayfirst: dict[str, bool] = {}

    def flag(self, key: tuple, message: str, proposed=None, options=()) -> None:
        fid = ".".join(re.sub(r"[^A-Za-z0-9_-]+", "_", str(k)) for k in key)
        ids = {f.id for f in self.flags}
        base, n = fid, 2
        while fid in ids:
            fid, n = f"{base}_{n}", n + 1
        self.flags.append(Flag(fid, tuple(key), " ".join(message.split()), proposed, tuple(options)))


def _table_entry(b: _Builder, table: str, files: list[FileInspection], m: _Mapping, paths: list[str],
                 pattern: str | None) -> dict:
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
    if first.format == "qualtrics":
        entry["format"] = "qualtrics"
        b.comments[base + ("format",)] = "Qualtrics export (question-text and ImportId header rows)"
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
    used_as_named = [raw for raw, canon in m.columns.items() if raw == canon]
    if used_as_named:
        b.comments[base + ("columns",)] = "used as named: " + ", ".join(used_as_named)
    _scales(b, table, files, m, entry)
    _dates(b, table, files, m, entry)
    spec = TABLES[table]
    missing = [c.name for c in spec.columns if c.required and c.name not in m.columns.values()]
    if missing:
        b.flag(base + ("columns",), f"required column(s) {', '.join(missing)} not found in {names}; map a column "
                                    f"to each (`Raw name: {missing[0]}`) or the table cannot be used", entry.get("columns"))
    return entry


def _scales(b: _Builder, table: str, files: list[FileInspection], m: _Mapping, entry: dict) -> None:
    if table != "responses":
        return
    frame = pd.concat([f.sample for f in files], ignore_index=True) if len(files) > 1 else files[0].sample
    questions = files[0].questions
    for raw, canon in m.columns.items():
        target = _SCORE_TARGETS.get(canon) or ("rating" if canon.startswith(RATING_PREFIX) else None)
        if target is None or raw not in frame:
            continue
        guess = scales.detect_scale(frame[raw], target=target)
        key = ("tables", table, "scales", canon)
        what = f"column `{raw}`" + (f" (\"{_short(questions[raw], 50)}\")" if raw in questions else "")
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


def _dates(b: _Builder, table: str, files: list[FileInspection], m: _Mapping, entry: dict) -> None:
    frame = pd.concat([f.sample for f in files], ignore_index=True) if len(files) > 1 else files[0].sample
    decided: set[bool] = set()
    ambiguous: list[str] = []
    for raw, canon in m.columns.items():
        kind = _canonical_kind(table, canon)
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


def _values(files: list[FileInspection], raw: str | None) -> pd.Series:
    if raw is None:
        return pd.Series([], dtype="string")
    parts = [f.sample[raw] for f in files if raw in f.sample]
    if not parts:
        return pd.Series([], dtype="string")
    s = pd.concat(parts, ignore_index=True).dropna()
    return s.astype("string").str.strip().replace("", pd.NA).dropna()


def _raw_for(m: _Mapping | None, canon: str) -> str | None:
    if m is None:
        return None
    return next((raw for raw, c in m.columns.items() if c == canon), None)


def _stage_rank(stage: str) -> float:
    s = _norm(stage)
    for i, word in enumerate(_STAGE_ORDER):
        if s == word or s.startswith(word):
            return float(i)
    return float("inf")


def _settings(b: _Builder, client: str, chosen: dict[str, tuple[list[FileInspection], _Mapping]]) -> dict:
    get = lambda t: chosen.get(t, (None, None))  # noqa: E731
    inter_files, inter_map = get("interactions")
    cust_files, cust_map = get("customers")
    resp_files, resp_map = get("responses")
    cfg: dict[str, Any] = {"display_name": " ".join(w.capitalize() for w in re.split(r"[-_]+", client) if w)}
    # currency: from a value column's name when it says
    currency = None
    value_raw = _raw_for(cust_map, "annual_value")
    if value_raw:
        low = value_raw.lower()
        currency = next((code for sym, code in _CURRENCIES.items() if sym in low), None)
    cfg["currency"] = currency or "EUR"
    if currency:
        b.comments[("currency",)] = f"from the column name `{value_raw}`"
    elif value_raw:
        b.flag(("currency",), f"customers have values (column `{value_raw}`) but no currency was found: EUR? confirm",
               "EUR")
    # period: the survey dates
    when_raw = _raw_for(resp_map, "answered_at")
    if when_raw:
        dates = parsing.coerce(_values(resp_files, when_raw), "datetime",
                               dayfirst=b.dayfirst.get("responses")).values.dropna()
        if len(dates):
            cfg["period"] = {"start": dates.min().date().isoformat(), "end": dates.max().date().isoformat()}
            b.comments[("period",)] = f"first and last answer in `{when_raw}`"
    # stages
    stage_raw = _raw_for(inter_map, "stage")
    stage_values = _values(inter_files, stage_raw) if inter_files else pd.Series([], dtype="string")
    if len(stage_values):
        found = list(dict.fromkeys(stage_values.tolist()))
        order = sorted(found, key=lambda s: (_stage_rank(s), found.index(s)))
        cfg["stages"] = order
        b.flag(("stages",), f"stages {', '.join(order)} are the values of `{stage_raw}` in "
                            f"{inter_files[0].path.name}, ordered by usual lifecycle order: is this the order of "
                            "the client's journey? confirm", order)
    else:
        cfg["stages"] = ["discover", "buy", "onboard", "use", "support", "renew"]
        b.flag(("stages",), "no lifecycle stage column was found: using the default stages; confirm or replace "
                            "with the client's", cfg["stages"])
    sale = next((s for s in cfg["stages"] if any(_norm(s).startswith(w) for w in _SALE_WORDS)), None)
    cfg["sale_stage"] = sale or cfg["stages"][min(1, len(cfg["stages"]) - 1)]
    if sale is None:
        b.flag(("sale_stage",), f"no stage looks like the sale: `{cfg['sale_stage']}`? confirm", cfg["sale_stage"],
               tuple(cfg["stages"]))
    # segments
    seg_raw = _raw_for(cust_map, "segment")
    seg_values = _values(cust_files, seg_raw) if cust_files else pd.Series([], dtype="string")
    if len(seg_values):
        counts = seg_values.value_counts()
        cfg["segments"] = sorted(counts.index.tolist())
        many = " (many values: is this really a segment?)" if len(counts) > 20 else ""
        b.flag(("segments",), f"segments {', '.join(cfg['segments'][:12])} are the values of `{seg_raw}` in "
                              f"{cust_files[0].path.name}{many}; confirm", cfg["segments"])
    else:
        cfg["segments"] = ["all"]
        b.comments[("segments",)] = "no customer segments in the data (a CRM extract would give them)"
    # channels
    ch_raw = _raw_for(inter_map, "channel")
    ch_values = _values(inter_files, ch_raw) if inter_files else pd.Series([], dtype="string")
    if len(ch_values):
        found = sorted(set(ch_values.tolist()))
        if set(found) <= set(CHANNELS):
            cfg["channels"] = [c for c in CHANNELS if c in found]
            b.comments[("channels",)] = f"values of `{ch_raw}`"
        else:
            cfg["channels"] = found
            odd = [c for c in found if c not in CHANNELS]
            b.flag(("channels",), f"channel values {', '.join(odd[:8])} in `{ch_raw}` are not the standard names "
                                  f"({', '.join(CHANNELS)}); they are listed as found and compared exactly: "
                                  "confirm (or recode them in the export)", found)
    # touchpoints: from interactions, then from rating columns
    tps: dict[str, dict] = {}
    tp_raw = _raw_for(inter_map, "touchpoint")
    bad_ids = []
    if tp_raw:
        frame = pd.concat([f.sample for f in inter_files], ignore_index=True)
        values = _values(inter_files, tp_raw)
        for value in dict.fromkeys(values.tolist()):
            tid = value if re.fullmatch(r"[A-Za-z0-9_]+", value) else _slug(value)
            if tid != value:
                bad_ids.append(value)
            item: dict[str, Any] = {"id": tid, "label": value.replace("_", " ").capitalize() if tid == value else value}
            rows = frame[frame[tp_raw].astype("string").str.strip() == value]
            for canon in ("stage", "department"):
                raw = _raw_for(inter_map, canon)
                if raw:
                    mode = rows[raw].dropna().astype("string").str.strip().mode()
                    if len(mode):
                        item[canon] = str(mode.iloc[0])
            tps[tid] = item
    if resp_map:
        for raw, canon in resp_map.columns.items():
            if canon.startswith(RATING_PREFIX) and canon[len(RATING_PREFIX):] not in tps:
                tid = canon[len(RATING_PREFIX):]
                q = resp_files[0].questions.get(raw, "")
                label = re.split(r"\s+[-\u2013:]\s+", q)[-1].strip() if q else tid.replace("_", " ").capitalize()
                tps[tid] = {"id": tid, "label": label or tid}
    if tps:
        cfg["touchpoints"] = list(tps.values())
        source = f"the values of `{tp_raw}`" if tp_raw else "the rating columns of the survey"
        b.flag(("touchpoints",), f"{len(tps)} touchpoint(s) from {source}, stage and department from the most "
                                 "frequent ones: confirm ids, labels and stages", cfg["touchpoints"])
        if bad_ids:
            b.flag(("touchpoints", "ids"), f"touchpoint values {', '.join(repr(v) for v in bad_ids[:5])} are not "
                                           "valid ids (letters, digits, _); the ids proposed will not match the "
                                           "file's values, so recode the export's values to the ids: confirm",
                   None)
    else:
        cfg["touchpoints"] = [{"id": "overall", "label": "Overall experience"}]
        b.flag(("touchpoints",), "no touchpoints in the data (no interaction log, no rating columns): a single "
                                 "`overall` placeholder; replace with the client's touchpoints", cfg["touchpoints"])
    cfg["min_n"] = 30
    cfg["min_n_quotes"] = 50
    b.comments[("min_n",)] = "groups with fewer answers show no score"
    b.comments[("min_n_quotes",)] = "no verbatim quotes from groups smaller than this"
    return cfg


def propose_config(
    client: str,
    source: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    paths: PathMode = "auto",
    codebook: bool = True,
) -> Proposal:
    """Inspect the client's folder and propose a ``client.yaml`` (nothing is written).

    Parameters
    ----------
    client : str
        Client name: the workspace is ``<root>/data/<client>/``.
    source : path
        Folder holding the client's exported files (only read).
    root : path, optional
        Project folder (:func:`cxlib.workspace.project_root`).
    paths : {"auto", "relative", "absolute"}
        How file paths are written: relative to ``data/<client>/`` when the source folder is
        inside the project (``auto``, portable with the project), absolute otherwise.
    codebook : bool
        Propose the bundled starter codebook (copied to ``data/<client>/codebook.yaml`` by
        :meth:`Proposal.write`) when neither the workspace nor the source folder has one.

    Returns
    -------
    Proposal
        ``config`` (the YAML as data), ``flags`` (to confirm), ``unmapped`` columns, ``unused_files``.

    Notes
    -----
    Each file is scored against each table: ``10 × share of the table's required columns
    found + 0.5 × optional columns found + 3 if its key column is found + 4 if the file name
    says so (survey, contacts, crm…) + 6 for a Qualtrics export and the responses table``.
    A file goes to its best table among those whose key column and half of whose required
    columns were found. Several files for one table are combined when they are read the same
    way and map the same columns (monthly exports), as a ``prefix*suffix`` pattern when one
    matches exactly those files. Columns are matched, strongest first, by exact canonical name,
    by synonym (:data:`SYNONYMS`), by survey question text, then by values; a match whose values
    do not fit the column's type is refused.

    Examples
    --------
    >>> p = propose_config("acme", "incoming/acme", root=".")   # doctest: +SKIP
    >>> p.config["tables"]["responses"]["scales"]                # doctest: +SKIP
    {'nps': '1-10', 'csat': '1-5'}
    """
    from cxlib.config import CLIENT_NAME
    from cxlib.workspace import project_root

    if not CLIENT_NAME.match(client):
        raise ConfigError(f"{client!r} is not a valid client name: use lower-case letters, digits, '-' and '_'.")
    base = project_root(root)
    workspace = base / "data" / client
    source = Path(source).resolve()
    inspections = inspect_folder(source)
    b = _Builder()
    unused: list[tuple[str, str]] = []
    best: dict[str, list[tuple[FileInspection, _Mapping]]] = {}
    for insp in inspections:
        if insp.format is None:
            unused.append((insp.path.name, f"cannot be read: {insp.error}"))
            continue
        scored = [(t, _map_columns(insp, t)) for t in TABLE_ORDER]
        ok = [(t, m) for t, m in scored if _eligible(t, m, insp)]
        if not ok:
            cols = ", ".join(insp.columns["column"].head(8))
            unused.append((insp.path.name, f"its columns ({cols}) match no table"))
            continue
        table, mapping = max(ok, key=lambda tm: tm[1].score)
        best.setdefault(table, []).append((insp, mapping))
    chosen: dict[str, tuple[list[FileInspection], _Mapping]] = {}
    tables: dict[str, dict] = {}
    unmapped: dict[str, list] = {}
    assignments: dict[str, str] = {}
    all_names = [p.name for p in source.iterdir() if p.is_file()]
    for table in TABLE_ORDER:
        if table not in best:
            continue
        groups: dict[tuple, list[tuple[FileInspection, _Mapping]]] = {}
        for insp, m in best[table]:
            sig = (insp.format, insp.encoding, insp.delimiter, insp.skip_rows, str(insp.sheet),
                   tuple(sorted(m.columns.items())))
            groups.setdefault(sig, []).append((insp, m))
        ranked = sorted(groups.values(), key=lambda g: (-max(m.score for _, m in g), -sum(i.n_rows for i, _ in g)))
        group = ranked[0]
        for other in ranked[1:]:
            for insp, _ in other:
                unused.append((insp.path.name, f"also looks like {table}, but is read differently or has other "
                                               f"columns than {group[0][0].path.name}"))
                b.flag(("files", insp.path.name), f"{insp.path.name} also looks like {table} but differs from "
                                                  f"{group[0][0].path.name} (columns or format): left out; confirm "
                                                  "(or make the exports alike and list both under `path`)")
        files = [i for i, _ in group]
        m = group[0][1]
        yaml_paths = [_yaml_path(f.path, workspace, base, paths) for f in files]
        pattern = None
        if len(files) > 1 and not os.path.isabs(yaml_paths[0]):
            glob = _glob_for([f.path.name for f in files], all_names)
            if glob:
                pattern = str(Path(yaml_paths[0]).parent / glob) if Path(yaml_paths[0]).parent != Path(".") else glob
        chosen[table] = (files, m)
        assignments.update({f.path.name: table for f in files})
        tables[table] = _table_entry(b, table, files, m, yaml_paths, pattern)
        if "dayfirst" in tables[table]:
            b.dayfirst[table] = tables[table]["dayfirst"]
        unmapped[table] = m.unmapped
    if "responses" not in tables:
        b.flag(("tables", "responses"), "no file looks like survey responses (response id, date, NPS): add the "
                                        "survey export to the folder, or write `tables: responses:` by hand")
    settings = _settings(b, client, chosen)
    config: dict[str, Any] = {**settings}
    copy_from = None
    if (source / "codebook.yaml").exists():
        config["codebook"] = _yaml_path(source / "codebook.yaml", workspace, base, paths)
    else:
        config["codebook"] = "codebook.yaml"
        if codebook and not (workspace / "codebook.yaml").exists():
            # the file cxlib.text.codebook.starter_codebook_path() names; importing cxlib.text would load
            # its models' libraries just to name a file
            copy_from = Path(__file__).resolve().parents[1] / "resources" / "codebook_starter.yaml"
            b.flag(("codebook",), "no codebook in the client's folder: the generic starter codebook is copied to "
                                  f"data/{client}/codebook.yaml; adapt its themes to the client (see docs/guide.md)",
                   "codebook.yaml")
    config["tables"] = tables
    for fname, why in unused:
        b.comments.setdefault(("unused", fname), why)
    top = [*config, "files"]
    flags = sorted(b.flags, key=lambda f: (top.index(f.key[0]) if f.key[0] in top else len(top),
                                           TABLE_ORDER.index(f.key[1]) if f.key[0] == "tables" and len(f.key) > 1
                                           and f.key[1] in TABLE_ORDER else 0))
    return Proposal(client=client, source=source, path=workspace / "client.yaml", config=config,
                    flags=tuple(flags), files=tuple(inspections), comments=b.comments, unmapped=unmapped,
                    unused_files=tuple(unused), assignments=assignments, copy_codebook=copy_from)


def init_client(
    client: str,
    source: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    paths: PathMode = "auto",
    codebook: bool = True,
    overwrite: bool = False,
) -> Proposal:
    """What ``cx init <client> --from <folder>`` does: propose a config and write it.

    Returns the :class:`Proposal` written to ``<root>/data/<client>/client.yaml`` (its
    ``flags`` are the ``# CONFIRM`` items in the file). The client's files are only read.

    Examples
    --------
    >>> p = init_client("acme", "incoming/acme", root=".")      # doctest: +SKIP
    >>> from cxlib.onboard.confirm import confirm_file
    >>> confirm_file(p.path)                                     # doctest: +SKIP
    []
    """
    proposal = propose_config(client, source, root=root, paths=paths, codebook=codebook)
    proposal.write(overwrite=overwrite)
    return proposal
