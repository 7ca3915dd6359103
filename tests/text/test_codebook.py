"""Codebook loading and validation."""

import pytest
import yaml

from cxlib.errors import CodebookError
from cxlib.text.codebook import codebook_from_dict, load_codebook, starter_codebook, starter_codebook_path

PARENTS = {
    "billing": ["unexpected_charges", "confusing_invoice", "payment_problems"],
    "waiting": ["long_wait", "no_updates"],
    "effort": ["repeat_information", "handoffs", "unresolved"],
    "staff": ["rude_staff", "helpful_staff"],
    "digital": ["app_problems", "website_usability"],
    "onboarding": ["setup_difficult", "delivery_delay"],
    "value": ["too_expensive", "good_value"],
    "product": ["reliability", "quality_praise"],
}


def test_starter_codebook_has_exactly_the_fixed_ids():
    cb = starter_codebook()
    expected = set(PARENTS) | {f"{p}.{leaf}" for p, leaves in PARENTS.items() for leaf in leaves}
    assert set(cb.ids) == expected
    for p, leaves in PARENTS.items():
        assert cb.theme(p).parent is None
        for leaf in leaves:
            t = cb.theme(f"{p}.{leaf}")
            assert t.parent == p and t.include and t.examples and t.description and t.label


def test_starter_examples_are_coded_with_their_own_theme():
    import pandas as pd

    from cxlib.text.coding import code_comments

    cb = starter_codebook()
    rows = [(f"{t.id}#{i}", t.id, ex) for t in cb.leaves() for i, ex in enumerate(t.examples)]
    df = pd.DataFrame({"response_id": [r[0] for r in rows], "comment": [r[2] for r in rows]})
    coded = code_comments(df, cb)
    got = set(zip(coded["comment_ref"], coded["theme"]))
    missed = [r for r in rows if (r[0], r[1]) not in got]
    assert not missed


def _write(tmp_path, themes, **top):
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump({"themes": themes, **top}), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "themes, needle",
    [
        ([{"id": "a.b", "parent": "a", "include": ["x"]}], "unknown parent 'a'"),
        ([{"id": "a", "include": ["re:(unclosed"]}], "not a valid regular expression"),
        ([{"id": "a", "include": ["x"]}, {"id": "a", "include": ["y"]}], "duplicate theme id"),
        ([{"id": "a", "include": ["ov*er"]}], "`*` that is not at the end"),
        ([{"id": "a", "include": ["re:x*"]}], "matches the empty string"),
        ([{"id": "a", "include": ["x"], "inclde": ["y"]}], "unknown key"),
        ([{"id": "Billing", "include": ["x"]}], "invalid id"),
        ([{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"}], "cycle"),
        ([{"id": "uncoded"}], "reserved"),
        ([{"id": "a", "include": [""]}], "empty"),
    ],
)
def test_invalid_codebooks_raise_with_file_theme_and_problem(tmp_path, themes, needle):
    path = _write(tmp_path, themes)
    with pytest.raises(CodebookError) as exc:
        load_codebook(path)
    msg = str(exc.value)
    assert str(path) in msg and needle in msg
    if needle not in ("cycle",):
        assert repr(themes[-1]["id"]) in msg or "theme #" in msg


def test_unquoted_no_in_negators_gets_a_hint(tmp_path):
    p = tmp_path / "cb.yaml"
    p.write_text("themes:\n  - id: a\n    include: [x]\nsentiment_negators: [not, no]\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="quote it"):
        load_codebook(p)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes: [\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(bad)
    with pytest.raises(CodebookError, match="themes"):
        codebook_from_dict({"topics": []})


def test_patterns_compile_to_word_bounded_regex():
    cb = codebook_from_dict({"themes": [{"id": "a", "include": ["Hidden  Fee*", "re:\\bx+y\\b"]}]})
    p1, p2 = cb.theme("a").include
    assert (p1.kind, p1.text, p1.suffix) == ("phrase", "hidden fee", True)
    assert p2.kind == "regex" and p2.text == "\\bx+y\\b"
    import re

    rx = re.compile(p1.regex(), re.I)
    assert rx.search("no hidden fees here") and not rx.search("unhidden fees")


def test_starter_path_exists():
    assert starter_codebook_path().exists()
