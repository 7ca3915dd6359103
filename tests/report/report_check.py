"""The report check: what a partner would refuse to sign, found in a report's text, its findings and its PDF pages.

Each function returns a list of problems (empty: the report passes). Used by
``tests/report/test_report_check.py`` on every demo client (fast: the sections' HTML; slow: the
rendered HTML and PDF) and on every real-export fixture.

Rules (issue 13):

- no snake_case or code names in report text (``n_known_info``, ``tp_billing``, ``const``, ``NaN``);
- no developer message (parameter names, file keys, exception text, client.yaml instructions);
- every number on an executive page has its n or interval beside it, or is a count;
- every amount of money has its currency;
- no claim said against its evidence (:func:`cxlib.present.claims.problems`), and a claim that does
  not hold never appears, only its alternative;
- quotes: nothing unsafe or a placeholder, no duplicates;
- no empty section;
- executive at most 6 pages, and no heading in the last lines of a page.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Iterable

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b(?!\.(?:csv|parquet|xlsx|xls|sav|json|jsonl|txt|tsv)\b)")
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|parquet|xlsx|xls|sav|json|jsonl|txt|tsv)\b")
CODE_WORDS = re.compile(r"\b(const|NaN|nan|None|null|True|False|Traceback|DataError|KeyError|ValueError|ReportError|"
                        r"dtype|Series|DataFrame)\b")
DEVELOPER = [re.compile(p, re.I) for p in (
    r"client\.yaml", r"`", r"\bpass \w+\s*=", r"\b[a-z_]+=\S", r"\bcomment_ref\b", r"\bresponse_id\b", r"\btables:",
    r"provide it in", r"\(is \w+ the", r"not enough data to report \(", r"\bparameter\b", r"\bexception\b",
    r"\bstack trace\b", r"\.py\b", r"\bdef \w+\(", r"\bimport \w+")]
STATISTIC = re.compile(r"(?<![\w/])[−+-]?\d+(?:\.\d+)? ?%|(?<![\w/])[−+]\d+(?:\.\d+)?\b|\b\d+(?:\.\d+)? (?:percentage )?"
                       r"points\b")
SUPPORT = re.compile(r"95 % CI|\bn = \d|\b\d[\d,]* (?:of \d[\d,]* )?(?:respondents|customers|ratings|comments|rated "
                     r"contacts|contacts|cases|answers|posts|mentions|reviews|complaints|events)\b|\bof \d[\d,]*\b")
EXEMPT = re.compile(r"\d out of \d|\b\d-\d+\b|\b\d or \d of \d\b|\b\d of \d\b|\d{4}Q\d|\b\d{1,2} [A-Z][a-z]{2} \d{4}\b|"
                    r"\b20\d\d\b|smaller than \d+|at least \d+|minimum of \d+")
MONEY_WORDS = re.compile(r"\b(value|revenue|spend|worth up to [^.]*annual)\b", re.I)
CURRENCY = re.compile(r"(?:€|£|\$|¥|₹|\b[A-Z]{3} )−?\d")
BIG = re.compile(r"(?<![\w.,€£$¥₹])\d{1,3}(?:,\d{3})+(?![\d,])")
UNIT_AFTER = re.compile(r"^\s*(customers|respondents|ratings|comments|contacts|answers|rows|cases|recorded|"
                        r"relationship|interactions|on file|of (?=\d))")


def visible_text(page_html: str) -> str:
    """What a reader sees: the page without its style, markup and attribute values (CSV payloads included)."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page_html, flags=re.S | re.I)
    body = re.sub(r"\s*\n\s*", " ", body)  # a line break in the HTML source is a space on the page
    body = re.sub(r"<br\s*/?>|</(p|li|div|h\d|tr|td|th|blockquote|figure|summary)>", "\n", body, flags=re.I)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def _quotes(page_html: str) -> list[str]:
    return [visible_text(q).strip() for q in re.findall(r'<blockquote class="cx-quote">(.*?)<span', page_html, re.S)]


def without_quotes(page_html: str) -> str:
    """The page without customers' own words (they are checked as quotes, not as report text)."""
    return re.sub(r'<blockquote class="cx-quote">.*?</blockquote>', " ", page_html, flags=re.S)


def text_problems(page_html: str) -> list[str]:
    """Snake_case, code names and developer messages anywhere in the report's own text."""
    text = visible_text(without_quotes(page_html))
    names = FILE_NAME.sub(" ", text)  # the client's own file names are quoted as they are
    out = [f"code name in the report: {m.group(0)!r}" for m in SNAKE.finditer(names)]
    out += [f"code word in the report: {m.group(0)!r} in {_around(text, m)!r}" for m in CODE_WORDS.finditer(text)]
    for pattern in DEVELOPER:
        out += [f"developer text: {_around(text, m)!r}" for m in pattern.finditer(text)]
    return out


def _around(text: str, m: re.Match, width: int = 40) -> str:
    return text[max(0, m.start() - width):m.end() + width].replace("\n", " ")


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def number_problems(page_html: str) -> list[str]:
    """Executive text: every statistic has an interval or its n in its sentence (or card), or is a count."""
    body = without_quotes(page_html)
    body = re.sub(r'<p class="cx-note">.*?</p>', " ", body, flags=re.S)  # the basis and how-to-read notes
    body = re.sub(r"<figure.*?</figure>", " ", body, flags=re.S)
    out = []
    cards = re.findall(r'<div class="cx-kpi">(.*?)</div>', body, re.S)
    for card in cards:
        note = re.search(r'cx-kpi-note">(.*?)</span>', card, re.S)
        if not note or not SUPPORT.search(visible_text(note.group(1))):
            out.append(f"card without n or interval: {visible_text(card).strip()!r}")
    body = re.sub(r'<div class="cx-headline">.*?</div></div>', " ", body, flags=re.S)
    for s in sentences(visible_text(body)):
        stripped = EXEMPT.sub(" ", re.sub(r"95 % CI [^;)]*|95 % confidence interval", " ", s))
        if STATISTIC.search(stripped) and not SUPPORT.search(s):
            out.append(f"number without its n or interval: {s!r}")
    return out


def money_problems(page_html: str) -> list[str]:
    """Every amount of money has its currency (a large number in a sentence about value must carry one)."""
    out = []
    for s in sentences(visible_text(without_quotes(page_html))):
        if not MONEY_WORDS.search(s):
            continue
        for m in BIG.finditer(s):
            before, after = s[max(0, m.start() - 5):m.start()], s[m.end():]
            if re.search(r"(€|£|\$|¥|₹|[A-Z]{3} )−?$", before) or UNIT_AFTER.match(after):
                continue
            out.append(f"money without its currency: {s!r}")
    return out


def quote_problems(page_html: str) -> list[str]:
    from cxlib.present.quotes import has_placeholder, looks_unsafe

    quotes = [q.strip("\u201c\u201d ") for q in _quotes(page_html)]
    out = [f"unsafe or test-looking quote: {q!r}" for q in quotes if looks_unsafe(q)]
    out += [f"quote with a placeholder: {q!r}" for q in quotes if has_placeholder(q)]
    seen: set[str] = set()
    for q in quotes:
        key = " ".join(re.findall(r"[a-z']+", q.lower()))
        if key in seen:
            out.append(f"quote shown twice: {q!r}")
        seen.add(key)
    return out


def empty_section_problems(page_html: str) -> list[str]:
    """A heading followed by nothing but its own prose before the next heading."""
    out = []
    body = page_html.split("<main>", 1)[-1]
    chunks = re.split(r"(?=<h2[ >])", body)
    for chunk in chunks[1:]:
        title = visible_text(re.match(r"<h2[^>]*>.*?</h2>", chunk, re.S).group(0)).strip()
        rest = chunk.split("</h2>", 1)[1]
        rest = re.sub(r'<div class="cx-md">.*?</div>', " ", rest, count=1, flags=re.S)
        if not re.search(r"<figure|<table|<li>|<blockquote|cx-kpi|cx-answer|<p class=\"cx-note\"|<li ", rest):
            if title not in ("Method notes",):
                out.append(f"empty section: {title!r}")
    return out


def claim_problems(findings: Iterable, page_html: str) -> list[str]:
    """Findings said against their evidence, and claims that do not hold appearing in the page anyway."""
    from cxlib.present.claims import problems

    findings = [f for f in findings if f is not None]
    out = problems(findings)
    text = " ".join(visible_text(page_html).split())
    for f in findings:
        if not f.holds and f.text and " ".join(f.text.split()) in text:
            out.append(f"{f.kind}: said although its condition fails: {f.text!r}")
    return out


def report_findings(results) -> list:
    """Every finding of a run's results (answer sentences included)."""
    out = []
    for r in results.values():
        if r is not None:
            out += [*r.findings, *getattr(r, "answer", ())]
    return out


def html_problems(page_html: str, *, executive: bool) -> list[str]:
    """Every text rule on one page."""
    out = text_problems(page_html) + money_problems(page_html) + quote_problems(page_html) + \
        empty_section_problems(page_html)
    if executive:
        out += number_problems(page_html)
        if "not available" in visible_text(page_html):
            out.append("the executive report tells the reader what is not available")
    return out


def pdf_problems(path: Path, *, executive: bool, max_pages: int = 6, heading_size: tuple[float, float] = (14.0, 16.0),
                 min_lines_after: int = 3) -> list[str]:
    """Layout: at most ``max_pages`` pages (executive), no heading in the last lines of a page, no near-empty page 1."""
    import pdfplumber

    out = []
    with pdfplumber.open(str(path)) as pdf:
        if executive and len(pdf.pages) > max_pages:
            out.append(f"{path.name}: {len(pdf.pages)} pages, more than {max_pages}")
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
            if number == 1 and len(pdf.pages) > 1:
                marks = [o["bottom"] for kind in ("char", "curve", "rect", "line", "image")
                         for o in page.objects.get(kind, []) if o["top"] < page.height - 45]
                if not marks or max(marks) < 0.6 * page.height:
                    out.append(f"{path.name} page 1: its content ends before 60 % of the page")
            footer = page.height - 45  # the running footer sits in the bottom margin
            body = [w for w in words if w["top"] < footer]
            lines = sorted({round(w["top"]) for w in body})
            # section headings are 15 pt (the title is larger, card values 17 pt)
            heads = sorted({round(w["top"]) for w in body if heading_size[0] <= w["size"] <= heading_size[1]})
            for top in heads:
                below = [t for t in lines if t > top + 6]
                if len(below) < min_lines_after and number < len(pdf.pages):
                    text = " ".join(w["text"] for w in body if round(w["top"]) == top)
                    out.append(f"{path.name} page {number}: heading {text!r} with {len(below)} line(s) after it at "
                               "the foot of the page")
    return out
