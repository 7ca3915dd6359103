"""The report check on every demo client and every real-export fixture (issue 13, "Done means").

- default run: each demo client's sections computed and shown for both audiences (no kernel, no
  PDF): no code names or developer text, numbers with their n or interval, money with its
  currency, quotes a partner would sign, and no claim against its evidence;
- ``slow``: each demo client rendered through the real notebook (HTML and PDF): the same text rules
  on the final pages, no empty section, and the PDF layout (executive at most 6 pages, no heading
  in the last lines of a page, page 1 not half empty);
- every real-export fixture (``tests/fixtures/exports/*``) the same way, once onboarding can build
  a workspace from it.

The rules themselves are tested on hand-made pages at the end (a check that cannot fail is a defect).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from . import report_check as rc

demo = pytest.importorskip("cxlib.demo", reason="cxlib.demo (demo clients) not available yet")

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"


def shown_page(data, audience: str, monkeypatch) -> tuple[str, list]:
    """The sections of one report as one page of HTML (what they display, under their titles), and every finding."""
    import IPython.display

    from cxlib.report.sections import ReportRun, sections

    parts: list[str] = []

    def record(*objs, raw=False, **kw):
        for o in objs:
            html = o._repr_html_() if hasattr(o, "_repr_html_") else None
            if html:
                parts.append(html)

    monkeypatch.setattr(IPython.display, "display", record)
    run = ReportRun(data, audience=audience, theme=False)
    for spec in sections(audience):
        before = len(parts)
        run.show(spec.id, audience=audience)
        if len(parts) > before:
            parts.insert(before, f"<h2>{spec.title}</h2>")
    return "<html><body><main>" + "\n".join(parts) + "</main></body></html>", rc.report_findings(run.results)


@pytest.fixture(scope="module", params=demo.DEMO_CLIENTS)
def demo_client(request, demo_root):
    from cxlib.report.context import report_data

    return request.param, report_data(request.param, root=str(demo_root), audience="analyst")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("audience", ["executive", "analyst"])
def test_every_demo_report_passes_the_text_and_claim_checks(demo_client, audience, monkeypatch):
    client, data = demo_client
    page, findings = shown_page(data, audience, monkeypatch)
    problems = rc.html_problems(page, executive=audience == "executive") + rc.claim_problems(findings, page)
    assert problems == [], f"{client} {audience}:\n" + "\n".join(problems)
    assert any(f.kind == "answer" for f in findings) and any(f.kind == "broken_share" for f in findings)


@pytest.fixture(scope="module")
def shipped_demo(tmp_path_factory):
    """The demo clients at the size `make demo` ships them (the page rules are about what users see)."""
    root = tmp_path_factory.mktemp("shipped-demo")
    demo.generate_demo(root)  # the defaults of `cx demo`
    return root


@pytest.mark.slow
@pytest.mark.parametrize("client", demo.DEMO_CLIENTS)
def test_every_rendered_demo_report_passes_the_report_check(shipped_demo, client, tmp_path):
    demo_root = shipped_demo
    from cxlib.report.execute import ExecutionSettings
    from cxlib.report.pipeline import ReportJob, render_client

    out = tmp_path / "reports"
    result = render_client(ReportJob(client=client, root=str(demo_root), out_dir=str(out),
                                     settings=ExecutionSettings(cell_timeout=600, start_timeout=60)))
    assert result.ok, f"{result.error_type}: {result.error}"
    problems = []
    for audience in ("executive", "analyst"):
        html = (out / client / f"{client}-{audience}.html").read_text(encoding="utf-8")
        problems += rc.html_problems(html, executive=audience == "executive")
        problems += rc.pdf_problems(out / client / f"{client}-{audience}.pdf", executive=audience == "executive")
    assert problems == [], "\n".join(problems)


def _export_dirs() -> list[Path]:
    return sorted(p for p in EXPORTS.iterdir() if p.is_dir()) if EXPORTS.is_dir() else []


@pytest.mark.slow
@pytest.mark.parametrize("folder", _export_dirs(), ids=lambda p: p.name)
def test_every_real_export_report_passes_the_report_check(folder, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cxlib.cli import app
    from cxlib.report.context import report_data

    client = folder.name
    shutil.copytree(folder, tmp_path / "incoming" / client)
    (tmp_path / "data").mkdir()
    onboarded = CliRunner().invoke(app, ["init", client, "--from", str(tmp_path / "incoming" / client),
                                         "--root", str(tmp_path), "--yes"])
    if onboarded.exit_code != 0:  # refused with a message (tests/onboard/test_corpus.py): no report to check
        assert onboarded.exception is None or isinstance(onboarded.exception, SystemExit), onboarded.output
        assert "Traceback" not in onboarded.output
        pytest.skip(f"{client}: cx init refuses it: {' '.join(onboarded.output.split())[:160]}")
    data = report_data(client, root=str(tmp_path), audience="analyst")
    for audience in ("executive", "analyst"):
        page, findings = shown_page(data, audience, monkeypatch)
        problems = rc.html_problems(page, executive=audience == "executive") + rc.claim_problems(findings, page)
        assert problems == [], f"{client} {audience}:\n" + "\n".join(problems)


# ------------------------------------------------------------------ the check can fail
def page(body: str) -> str:
    return f"<html><body><main>{body}</main></body></html>"


def test_the_check_finds_code_names_and_developer_text():
    bad = page('<h2>Friction</h2><table><tr><td>n_known_info</td><td>const</td></tr></table>'
               "<p>driver column(s) (none) not in the data; pass drivers= ...</p>"
               "<p>Theme impact: no coded comment has an NPS answer (is comment_ref the response_id?).</p>"
               "<p>Provide it in client.yaml `tables:`</p>")
    found = " | ".join(rc.text_problems(bad))
    for needle in ("n_known_info", "const", "drivers=", "comment_ref", "client.yaml", "`"):
        assert needle in found
    assert rc.text_problems(page("<p>Read from customers.csv, self_assessment.csv and 2020-12-other_questions-no-open.csv"
                                 ".</p>")) == []
    assert rc.text_problems(page("<p>Read other_questions-no-open from the file.</p>")) != []


def test_the_check_finds_numbers_without_n_or_interval_and_money_without_currency():
    bad = page('<div class="cx-headline"><div class="cx-kpi"><span class="cx-kpi-label">Churn</span>'
               '<span class="cx-kpi-value">15 %</span><span class="cx-kpi-note">customers who left</span></div></div>'
               "<ul><li>Billing explains 83 % of the variation.</li>"
               "<li>About 12 fewer churners and 29,000 of annual value kept.</li></ul>")
    problems = rc.number_problems(bad) + rc.money_problems(bad)
    assert any("card without n" in p for p in problems) and any("83 %" in p for p in problems)
    assert any("29,000" in p for p in problems)
    good = page("<ul><li>Relationship NPS is −38 (95 % CI −41 to −34; 1,468 respondents).</li>"
                "<li>About 175 customers kept (95 % CI 137 to 213), €370,000 of annual value (95 % CI €290,000 to "
                "€450,000).</li></ul>")
    assert rc.number_problems(good) == [] and rc.money_problems(good) == []
    wrapped = page("<p>Every number comes with its range (the 95 % confidence interval: where\nthe true value lies)."
                   "</p><p>Billing explains 83 %\nof the variation.</p>")
    assert [p for p in rc.number_problems(wrapped)] == ["number without its n or interval: 'Billing explains 83 % of "
                                                        "the variation.'"]


def test_the_check_finds_bad_quotes_and_empty_sections():
    quotes = page('<h2>Voice</h2><blockquote class="cx-quote">“Signal drops! \\input{/etc/passwd}”<span>x</span>'
                  '</blockquote><blockquote class="cx-quote">“My IBAN is [IBAN]”<span>x</span></blockquote>'
                  '<blockquote class="cx-quote">“Same words.”<span>x</span></blockquote>'
                  '<blockquote class="cx-quote">“same words”<span>x</span></blockquote>')
    found = " | ".join(rc.quote_problems(quotes))
    assert "unsafe" in found and "placeholder" in found and "twice" in found
    empty = page('<h2>The delivery gap</h2><div class="cx-md"><p>What the company believes…</p></div>'
                 '<h2>Next</h2><ul><li>x</li></ul>')
    assert rc.empty_section_problems(empty) == ["empty section: 'The delivery gap'"]


def test_the_check_finds_a_claim_said_against_its_evidence():
    import dataclasses

    import pandas as pd

    from cxlib.present.claims import drivers

    t = drivers.priority(pd.DataFrame({"driver": ["a", "b"], "driver_label": ["A", "B"], "rank": [1, 2],
                                       "share": [60.0, 40.0], "share_ci_low": [50.0, 30.0],
                                       "share_ci_high": [70.0, 45.0], "coef": [1.0, 0.5], "coef_ci_low": [0.5, 0.1],
                                       "coef_ci_high": [1.5, 0.9], "performance": [3.0, 4.0],
                                       "performance_n": [500, 500]}))
    weak = drivers.driver_top(t, r2=0.01, n=500)
    said_anyway = page(f"<ul><li>{weak.text}</li></ul>")
    assert any("condition fails" in p for p in rc.claim_problems([weak], said_anyway))
    assert any("against its evidence" in p for p in rc.claim_problems([dataclasses.replace(weak, holds=True)], page("")))
    assert rc.claim_problems([weak], page(f"<ul><li>{weak.alternative}</li></ul>")) == []
