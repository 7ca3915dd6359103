"""The explorer's HTML: escaped everywhere, search hits marked, quotes apart from their labels.

Customer text is untrusted: every piece is escaped with :func:`html.escape` before it is wrapped
in markup, and hits are marked (``<mark>``) on the escaped pieces, so a comment can never add a
tag. Styles are inline (a widget's HTML has no report stylesheet).

Examples
--------
>>> marked, hits = highlight("The <b>bill</b> was wrong; billing ignored me", ("bill",))
>>> hits, marked.replace(MARK, "<mark>")
(1, 'The &lt;b&gt;<mark>bill</mark>&lt;/b&gt; was wrong; billing ignored me')
"""

from __future__ import annotations

import html
import re

import pandas as pd

from cxlib.interactive.verbatims import term_pattern

__all__ = ["highlight", "quotes_block", "note", "warning", "table_block", "headline_block", "compare_block",
           "drill_block", "social_block", "search_block", "strip_tags", "MARK"]

_E = html.escape
_QUOTE = ("margin:6px 0 10px 0;padding:2px 0 2px 10px;border-left:3px solid {colour};line-height:1.4")
_META = "display:block;margin-top:2px;color:#5B6472;font-size:88%"
#: The opening tag of a search hit.
MARK = '<mark style="background:#FFE38A;padding:0 1px">'


def highlight(text: str, terms: tuple[str, ...]) -> tuple[str, int]:
    """``text`` escaped, with every term marked; returns (html, number of marks)."""
    pattern = term_pattern(tuple(terms))
    text = "" if text is None else str(text)
    if pattern is None:
        return _E(text), 0
    out, last, count = [], 0, 0
    for m in pattern.finditer(text):
        out.append(_E(text[last:m.start()]))
        out.append(f"{MARK}{_E(m.group())}</mark>")
        last, count = m.end(), count + 1
    out.append(_E(text[last:]))
    return "".join(out), count


def note(text: str) -> str:
    return f'<p style="color:#5B6472;margin:4px 0">{_E(text)}</p>'


def warning(text: str) -> str:
    return (f'<div style="padding:6px 10px;border-left:4px solid #C0392B;background:#FDF2F0;margin:4px 0">'
            f"{_E(text)}</div>")


def quotes_block(rows: pd.DataFrame, *, terms: tuple[str, ...] = (), colour: str = "#1F3A5F",
                 meta: tuple[str, ...] = ("label", "survey", "nps", "answered_at")) -> str:
    """Redacted quotes as block quotes; the label line sits under the closing quotation mark, apart.

    Parameters
    ----------
    rows : DataFrame
        ``quote`` (already redacted) and the ``meta`` columns present.
    terms : tuple of str
        Search terms to mark.
    """
    parts = []
    for _, row in rows.iterrows():
        body, _ = highlight(row["quote"], terms)
        bits = []
        for col in meta:
            if col not in row or pd.isna(row[col]) or row[col] == "":
                continue
            value = row[col]
            if col == "nps":
                bits.append(f"NPS {int(value)}")
            elif col in ("answered_at", "posted_at"):
                bits.append(f"{pd.Timestamp(value):%d %b %Y}")
            else:
                bits.append(str(value))
        label = f'<span style="{_META}">\u2014 {_E(" · ".join(bits))}</span>' if bits else ""
        parts.append(f'<blockquote style="{_QUOTE.format(colour=colour)}">\u201c{body}\u201d{label}</blockquote>')
    return "".join(parts)


def table_block(frame: pd.DataFrame, *, columns: dict[str, str], caption: str = "", formats: dict | None = None,
                ci: dict | None = None) -> str:
    """A table through :func:`cxlib.present.tables.table` (escaped, suppression shown in words)."""
    from cxlib.present import tables

    if frame is None or not len(frame):
        return note(f"{caption}: nothing to show." if caption else "Nothing to show.")
    kwargs = {"columns": columns, "caption": caption}
    if formats:
        kwargs["formats"] = formats
    if ci:
        kwargs["ci"] = ci
    if "suppressed" not in frame:
        kwargs["suppressed"] = None
    return tables.table(frame, **kwargs).html


def headline_block(headline, *, display_name: str) -> str:
    table = table_block(headline.table, columns={"survey": "Survey", "n": "n", "nps": "NPS"},
                        formats={"nps": "signed1"}, ci={"nps": ("ci_low", "ci_high")},
                        caption=f"{display_name}: NPS of the selection (95 % interval)") if "survey" in headline.table \
        else table_block(headline.table, columns={"n": "n", "nps": "NPS"}, formats={"nps": "signed1"},
                         ci={"nps": ("ci_low", "ci_high")}, caption=f"{display_name}: NPS of the selection")
    return (f'<div class="cx-headline"><p style="margin:4px 0"><b data-cx="selected">{headline.selected:,}</b> '
            f"responses selected.</p>{table}{note(headline.sentence)}</div>")


def search_block(result, *, colour: str) -> str:
    head = f'<p style="margin:4px 0" data-cx="matches">{_E(result.sentence)}</p>'
    if result.filler:
        head += note(f"{result.filler:,} of them say nothing (\u201cok\u201d, \u201cno comment\u201d…) and are not "
                     "quoted.")
    if result.suppressed:
        return head + note("Fewer comments in this selection than the client's minimum for quotes: none are shown.")
    if not len(result.shown):
        return head
    more = result.matches - result.filler - len(result.shown)
    tail = note(f"… and {more:,} more (newest first; export the table for all).") if more > 0 else ""
    return head + quotes_block(result.shown, terms=result.query.terms, colour=colour) + tail


def drill_block(drill, *, label: str, colour: str, terms: tuple[str, ...] = ()) -> str:
    head = (f'<h4 style="margin:6px 0">Behind {_E(label)}: <span data-cx="drill-n">{drill.responses:,}</span> '
            f"responses</h4>{note(f'{drill.with_nps:,} of them answered the NPS question (the n of the bar).')}")
    if drill.suppressed:
        quotes = note("Fewer comments than the client's minimum for quotes: none are shown.")
    elif len(drill.comments):
        quotes = quotes_block(drill.comments, terms=terms, colour=colour)
    else:
        quotes = note("No comments behind this bar.")
    customers = table_block(drill.customers.head(20), columns={
        "customer_id": "Customer", "segment": "Segment", "responses": "Responses", "last_nps": "Last NPS",
        "last_answered": "Last answer", "churned": "Churned"}, caption=f"Customers ({len(drill.customers):,}; "
                                                                         "the 20 with most responses)")
    return head + quotes + customers


def compare_block(comparison) -> str:
    table = comparison.table
    if not len(table):
        return note(comparison.sentence)
    cols = {"survey": "Survey", "n_selection": "n (selection)", "nps_selection": "NPS (selection)",
            "n_other": "n (other)", "nps_other": "NPS (other)", "diff": "Difference", "p_adjusted": "p (Holm)"}
    block = table_block(table, columns={k: v for k, v in cols.items() if k in table},
                        formats={"nps_selection": "signed1", "nps_other": "signed1", "diff": "signed1",
                                 "p_adjusted": "p"}, ci={"diff": ("ci_low", "ci_high")},
                        caption=f"{comparison.label_a} against {comparison.label_b}")
    return block + f'<p style="margin:4px 0" data-cx="compare">{_E(comparison.sentence)}</p>'


def social_block(social: dict, *, colour: str, terms: tuple[str, ...] = ()) -> str:
    parts = [f'<p style="margin:4px 0" data-cx="posts">{social["posts"]:,} social posts and reviews in the '
             f'selection; {social["matches"]:,} match the search.</p>']
    if social.get("note"):
        parts.append(note(social["note"]))
    if len(social["by_source"]):
        parts.append(table_block(social["by_source"], columns={"source": "Source", "posts": "Posts",
                                                                "negative_pct": "% negative",
                                                                "positive_pct": "% positive"},
                                 formats={"negative_pct": "pct0", "positive_pct": "pct0"}, caption="By source"))
    if len(social["shown"]):
        parts.append(quotes_block(social["shown"], terms=terms, colour=colour, meta=("label", "posted_at")))
    return "".join(parts)


def strip_tags(fragment: str) -> str:
    """Visible text of a fragment (for tests and plain-text status lines)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))
