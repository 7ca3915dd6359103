"""Section results computed once and shared: the key, what invalidates it, and cached == fresh.

The in-process tests build one small demo client's report data and compare every section's result
computed fresh with the one saved and loaded again; the slow end-to-end test renders both audiences
three ways (no cache, cache being filled, cache read) and compares the published files.
"""

from __future__ import annotations

import json
import pickle
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from cxlib.errors import ReportError
from cxlib.report.results import (KEEP_KEYS, ResultsCache, cache_mode, open_results, prune, results_key, snapshot)

CLIENT = "acme-telecom"


@pytest.fixture(scope="module")
def small_client(tmp_path_factory) -> Path:
    from cxlib import demo

    root = tmp_path_factory.mktemp("results")
    demo.generate_client(CLIENT, root, n_customers=400, seed=3)
    return root


@pytest.fixture(scope="module")
def data(small_client):
    from cxlib.report.context import report_data

    return report_data(CLIENT, root=str(small_client), audience="analyst")


def assert_same(a, b, where: str = "result", depth: int = 0) -> None:
    """Deep equality of two results: frames and arrays exactly (NaN == NaN), everything else field by field."""
    import dataclasses

    import numpy as np
    import pandas as pd

    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, exact=True, obj=where)
    elif isinstance(a, np.ndarray):
        assert a.shape == b.shape and a.dtype == b.dtype, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), where
    elif isinstance(a, float):
        assert (a == b) or (np.isnan(a) and np.isnan(b)), f"{where}: {a} != {b}"
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]", depth + 1)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]", depth + 1)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}", depth + 1)
    elif hasattr(a, "__dict__") and depth < 6 and not isinstance(a, type):
        assert_same({k: v for k, v in vars(a).items() if not k.startswith("_")},
                    {k: v for k, v in vars(b).items() if not k.startswith("_")}, where, depth + 1)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def all_ids():
    from cxlib.report.sections import sections

    return [s.id for s in sections("analyst")]


def test_cache_mode_reads_the_environment(monkeypatch):
    monkeypatch.delenv("CX_RESULTS_CACHE", raising=False)
    assert cache_mode() == "off"
    monkeypatch.setenv("CX_RESULTS_CACHE", "on")
    assert cache_mode() == "on"
    assert cache_mode("fresh") == "fresh"
    with pytest.raises(ReportError, match="on, fresh or off"):
        cache_mode("sometimes")


def test_the_key_changes_with_inputs_parameters_client_and_code(data, small_client, tmp_path):
    key = results_key(data)
    assert key.client == CLIENT and "client.yaml" in key.inputs and key.parameters["seed"] == data.seed
    assert "audience" not in key.parameters  # both audiences share one key
    assert results_key(replace(data, audience="executive")).digest == key.digest
    assert results_key(replace(data, seed=data.seed + 1)).digest != key.digest
    assert results_key(replace(data, period="01 Jan 2025 to 31 Mar 2025")).digest != key.digest
    assert replace(key, client="other").digest != key.digest
    assert replace(key, code={**key.code, "source_sha256": "0" * 64}).digest != key.digest
    # any file of the client's folder, the codebook included, is in the key
    codebook = small_client / "data" / CLIENT / "codebook.yaml"
    assert "codebook.yaml" in key.inputs
    original = codebook.read_bytes()
    try:
        codebook.write_bytes(original + b"\n# a consultant's edit\n")
        assert results_key(data).digest != key.digest
    finally:
        codebook.write_bytes(original)
    assert results_key(data).digest == key.digest


def test_a_result_is_saved_atomically_and_read_back_only_under_its_full_key(data, tmp_path):
    key = results_key(data)
    cache = ResultsCache(tmp_path / "results", key)
    assert cache.load("headline") is None
    sha = cache.save("headline", {"nps": 12.5})
    assert cache.load("headline") == ({"nps": 12.5}, sha)
    assert not list(cache.folder.glob(".cx-tmp-*"))
    assert json.loads((cache.folder / "key.json").read_text())["client"] == CLIENT
    # another key (another client, other inputs) never reads it, even when pointed at the same folder
    other = ResultsCache(tmp_path / "results", replace(key, client="someone-else"))
    other.folder = cache.folder
    assert other.load("headline") is None
    # a damaged file is a miss (recomputed), not a failed report
    (cache.folder / "headline.pkl").write_bytes(b"not a pickle")
    assert ResultsCache(tmp_path / "results", key).load("headline") is None
    # fresh: never loads
    ResultsCache(tmp_path / "results", key).save("headline", {"nps": 1.0})
    assert ResultsCache(tmp_path / "results", key, mode="fresh").load("headline") is None


def test_a_kernel_that_looked_first_loads_what_the_other_saved_next(data, tmp_path):
    """Two audiences' kernels start together: the one that found no key.json yet must still load the
    results the other saves (it used to remember the miss and compute everything that came after again)."""
    key = results_key(data)
    waiting = ResultsCache(tmp_path / "results", key)
    assert waiting.load("headline") is None  # nothing saved yet: no key.json
    computing = ResultsCache(tmp_path / "results", key)
    sha = computing.save("headline", {"nps": 12.5})
    assert waiting.load("headline") == ({"nps": 12.5}, sha)


def test_only_the_most_recently_used_keys_are_kept(tmp_path):
    import os
    import time

    root = tmp_path / "results"
    for i in range(KEEP_KEYS + 2):
        (root / f"k{i}").mkdir(parents=True)
        os.utime(root / f"k{i}", (time.time() - 100 + i, time.time() - 100 + i))
    removed = prune(root)
    assert sorted(p.name for p in removed) == ["k0", "k1"]
    assert sorted(p.name for p in root.iterdir()) == [f"k{i}" for i in range(2, KEEP_KEYS + 2)]


def test_the_cache_is_off_unless_asked(data, monkeypatch):
    monkeypatch.delenv("CX_RESULTS_CACHE", raising=False)
    assert open_results(data) is None
    assert open_results(data, mode="on").folder.parent == Path(data.ws.build_dir) / "results"


def test_cached_results_equal_fresh_ones_section_by_section(data):
    """Every section: the result a new run loads from the file saved by a run with the cache == the result
    computed without one, and loading computes nothing and writes nothing."""
    import shutil

    from cxlib.report.files import sha256_bytes
    from cxlib.report.sections import ReportRun

    shutil.rmtree(Path(data.ws.build_dir) / "results", ignore_errors=True)
    fresh = ReportRun(data, theme=False, cache="off")
    saving = ReportRun(data, theme=False, cache="on")
    for sid in all_ids():
        fresh.result(sid)
        saving.result(sid)
    before = snapshot(data.ws.build_dir)
    assert {k.split("/")[1] for k in before} == {s for s in all_ids() if fresh.result(s) is not None}
    folder = saving._cache.folder
    loading = ReportRun(data, theme=False, cache="on")
    for sid in all_ids():
        got = loading.result(sid)
        if fresh.result(sid) is None:
            assert got is None
            continue
        blob = (folder / f"{sid}.pkl").read_bytes()
        assert_same(got, fresh.result(sid), sid)  # cached == fresh: every table, number and finding
        assert loading._sha[sid] == sha256_bytes(blob)
    assert snapshot(data.ws.build_dir) == before  # loading wrote nothing


def test_a_loaded_section_does_not_compute_the_sections_it_uses(data):
    """A section loaded from the cache does not compute the sections it uses (actions uses five)."""
    import shutil

    from cxlib.report.sections import ReportRun, section

    shutil.rmtree(Path(data.ws.build_dir) / "results", ignore_errors=True)
    first = ReportRun(data, theme=False, cache="on")
    first.result("actions")
    assert {"actions", *section("actions").uses} <= set(first.results)  # computed with what it uses
    loading = ReportRun(data, theme=False, cache="on")
    loading.result("actions")
    assert set(loading.results) == {"actions"} and "actions" in loading._sha


@pytest.mark.slow
def test_reports_from_cached_results_are_identical_to_fresh_reports(small_client):
    """Both audiences rendered without a cache, while filling it, and from it: the same HTML and PDF;
    the executed notebooks of the last two are byte-identical and name the results they used."""
    import shutil

    from cxlib.report.execute import ExecutionSettings
    from cxlib.report.manifest import read_manifest
    from cxlib.report.pipeline import ReportJob, render_client
    from cxlib.report.sections.base import SECTION_MIME

    settings = ExecutionSettings(cell_timeout=300)
    shutil.rmtree(small_client / "build" / CLIENT / "results", ignore_errors=True)
    outs = {}
    for name, mode in (("off", "off"), ("filling", "on"), ("reading", "on")):
        job = ReportJob(client=CLIENT, root=str(small_client), settings=settings, results=mode,
                        out_dir=str(small_client / name))
        result = render_client(job)
        assert result.ok, f"{result.error_type}: {result.error}"
        outs[name] = result.outputs
        manifest = read_manifest(small_client / name / CLIENT / "manifest.json")
        outs[name + "-results"] = manifest["run"]["results"]
    for ext in ("html", "pdf"):
        for audience in ("executive", "analyst"):
            name = f"{CLIENT}-{audience}.{ext}"
            assert outs["off"][name] == outs["filling"][name] == outs["reading"][name], name
    for audience in ("executive", "analyst"):
        name = f"{CLIENT}-{audience}.ipynb"
        assert outs["filling"][name] == outs["reading"][name]
    filling, reading = outs["filling-results"], outs["reading-results"]
    assert filling["key"] == reading["key"] and filling["key"]
    # computed once: each kernel computes some sections (the one waiting for the headline takes its own others
    # meanwhile) and loads what the other computed
    computed_e, computed_a = set(filling["computed"]["executive"]), set(filling["computed"]["analyst"])
    assert computed_e and computed_a and not computed_e & computed_a
    assert set(filling["loaded"]["executive"]) <= computed_a and set(filling["loaded"]["analyst"]) <= computed_e
    assert "headline" in computed_e | computed_a
    assert reading["computed"] == {"executive": [], "analyst": []}
    # the executed notebook names the key and each result file it showed, by content
    nb = json.loads((small_client / "reading" / CLIENT / f"{CLIENT}-analyst.ipynb").read_text())
    records = [o["data"][SECTION_MIME] for c in nb["cells"] for o in c.get("outputs", [])
               if SECTION_MIME in o.get("data", {}) and "results" in o["data"][SECTION_MIME]]
    assert records[0]["section"] == "results" and records[0]["results"]["key"] == reading["key"]
    folder = small_client / "build" / CLIENT / "results" / reading["key"]
    from cxlib.report.files import sha256_file

    for record in records[1:]:
        assert record["results"]["sha256"] == sha256_file(folder / f"{record['section']}.pkl")
    # the report a reader gets carries none of it
    for audience in ("executive", "analyst"):
        page = (small_client / "reading" / CLIENT / f"{CLIENT}-{audience}.html").read_text()
        assert reading["key"] not in page and "sha256" not in page


@pytest.mark.slow
def test_audiences_run_at_once_compute_each_shared_section_once(small_client):
    """cx report's parallel audiences: the same files as one after the other; no section computed twice."""
    import shutil

    from cxlib.report.execute import ExecutionSettings
    from cxlib.report.manifest import read_manifest
    from cxlib.report.pipeline import ReportJob, render_client

    settings = ExecutionSettings(cell_timeout=300)
    outs, info = {}, {}
    for name, parallel in (("sequential", False), ("parallel", True)):
        shutil.rmtree(small_client / "build" / CLIENT / "results", ignore_errors=True)
        result = render_client(ReportJob(client=CLIENT, root=str(small_client), settings=settings,
                                         parallel_audiences=parallel, out_dir=str(small_client / name)))
        assert result.ok, f"{result.error_type}: {result.error}"
        outs[name] = result.outputs
        info[name] = read_manifest(small_client / name / CLIENT / "manifest.json")["run"]["results"]
    # the reports are byte-identical; the executed notebooks too, but for the audit records' sha256 of a section
    # that builds on others (the headline): its pickle holds the results it used, which are shared objects when
    # computed in the same kernel and separate copies when loaded, so equal results pickle to different bytes
    reports = {k: v for k, v in outs["sequential"].items() if not k.endswith(".ipynb")}
    assert reports == {k: v for k, v in outs["parallel"].items() if not k.endswith(".ipynb")}
    for audience in ("executive", "analyst"):
        name = f"{CLIENT}-{audience}.ipynb"
        seq, par = (_without_result_hashes(small_client / run / CLIENT / name) for run in ("sequential", "parallel"))
        assert seq == par, name
    computed = info["parallel"]["computed"]
    both = computed["executive"] + computed["analyst"]
    # each section computed by one kernel only (the headline too, which builds on five others: the kernel that
    # waited on it used to remember that key.json was missing and compute it again)
    twice = sorted({s for s in both if both.count(s) > 1})
    assert twice == [], twice
    shown = {*computed["analyst"], *info["parallel"]["loaded"]["analyst"]}
    assert shown <= set(both)  # and every section the analyst report shows was computed by one of them


def _without_result_hashes(path: Path) -> list:
    """The notebook's cells with the sha256 of each shown section result left out (see the test above)."""
    from cxlib.report.sections.base import SECTION_MIME

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        for out in cell.get("outputs", []):
            record = out.get("data", {}).get(SECTION_MIME)
            if record and isinstance(record.get("results"), dict):
                record["results"].pop("sha256", None)
    return cells


@contextmanager
def held_by_another_kernel(cache: ResultsCache, section_id: str):
    """The section's lock held, meanwhile, by another holder of the same cache (as another kernel would)."""
    import threading

    held, release = threading.Event(), threading.Event()

    def other_kernel():
        with ResultsCache(cache.root, cache.key).computing(section_id):
            held.set()
            release.wait(120)

    thread = threading.Thread(target=other_kernel)
    thread.start()
    try:
        assert held.wait(30)
        yield
    finally:
        release.set()
        thread.join()


def test_a_kernel_waiting_for_a_section_computes_its_other_sections_meanwhile(data):
    """The two audiences' kernels start at the same headline: the one that finds it locked computes the other
    sections meanwhile (from the end of the report, the other audience's too), instead of waiting."""
    from cxlib.report.sections import ReportRun, sections

    run = ReportRun(replace(data, seed=11), audience="executive", theme=False, cache="on")  # its own key
    cache = run._cache
    with held_by_another_kernel(cache, "headline"):
        assert cache.busy("headline")
        with cache.computing("headline", wait=False) as mine:
            assert mine is False
        run._while_busy("headline")
        taken = list(run.results)
    assert not cache.busy("headline")
    possible = [s.id for s in sections() if not run.missing(s.id)]
    assert set(possible) - {s.id for s in sections("executive")}  # the analyst's sections are taken too
    assert taken[0] == possible[-1]  # from the end of the report
    assert "headline" not in taken and set(taken) == set(possible) - {"headline"}
    assert all(cache.has(s) for s in taken)  # saved for the other kernel
    assert run.result("headline") is not None and cache.has("headline")
    fresh = ReportRun(replace(data, seed=11), theme=False, cache="off")
    for sid in ("owners", "actions", "headline"):
        assert_same(run.result(sid), fresh.result(sid), sid)


def test_a_section_that_fails_while_waiting_is_left_to_the_kernel_that_shows_it(data, monkeypatch):
    """Work taken while waiting must not break this report: a section that raises is skipped, not saved, and
    raises again where it is shown."""
    import dataclasses

    from cxlib.report.sections import ReportRun, registry

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("owners broke")

    specs = tuple(dataclasses.replace(s, compute=broken) if s.id == "owners" else s for s in registry._all())
    monkeypatch.setattr(registry, "_all", lambda: specs)
    run = ReportRun(replace(data, seed=12), audience="executive", theme=False, cache="on")
    cache = run._cache
    with held_by_another_kernel(cache, "headline"):
        run._while_busy("headline")  # does not raise
    assert len(calls) == 1  # tried once, not again in each later pass
    assert "owners" not in run.results and not cache.has("owners") and not cache.busy("owners")
    assert cache.has("departments")  # the others were taken
    with pytest.raises(RuntimeError, match="owners broke"):
        ReportRun(replace(data, seed=12), audience="analyst", theme=False, cache="on").result("owners")


def test_the_key_does_not_change_with_the_processes_the_kernel_was_given(data):
    """One kernel alone gets every core, two side by side half each: the same numbers, so the same key
    (a report of one audience after both used to compute everything again)."""
    assert results_key(replace(data, processes=data.processes + 3)).digest == results_key(data).digest
    assert "processes" not in results_key(data).parameters


def _counting(monkeypatch):
    """Count the calls of the comments' coding and sentiment (what the shared tables save)."""
    from cxlib import text

    calls = {"code_comments": 0, "mention_sentiment": 0}
    for name in calls:
        original = getattr(text, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(text, name, counted)
    return calls


def _kernel_data(data, cache_root, journal=None):
    """A fresh copy of the report data, as another kernel of the same run holds it, on its own cache object."""
    copy = replace(data)
    copy._memo["results_cache"] = ResultsCache(cache_root, results_key(data), journal=journal)
    return copy


def test_kernels_side_by_side_code_and_score_the_comments_once(data, tmp_path, monkeypatch):
    import threading

    import pandas as pd

    from cxlib.report.context import SHARED_ENV

    monkeypatch.setenv(SHARED_ENV, "1")
    calls = _counting(monkeypatch)
    journal = tmp_path / "journal.txt"
    kernels = [_kernel_data(data, tmp_path / "results", journal) for _ in range(2)]
    got: dict[int, object] = {}
    start = threading.Barrier(2)

    def run(i):
        start.wait()
        got[i] = kernels[i].comment_mentions()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert calls == {"code_comments": 1, "mention_sentiment": 1}
    pd.testing.assert_frame_equal(got[0], got[1], check_exact=True)
    pd.testing.assert_frame_equal(kernels[0].coded_comments(), kernels[1].coded_comments(), check_exact=True)
    # the same frames as computed in one kernel with nothing shared
    monkeypatch.delenv(SHARED_ENV)
    alone = replace(data)
    pd.testing.assert_frame_equal(alone.comment_mentions(), got[0], check_exact=True)
    # shared tables are not sections: the manifest's list of computed sections does not name them
    assert not journal.exists() or not journal.read_text().strip()


def test_one_kernel_keeps_the_comments_to_itself(data, tmp_path, monkeypatch):
    from cxlib.report.context import SHARED_ENV

    monkeypatch.delenv(SHARED_ENV, raising=False)
    calls = _counting(monkeypatch)
    for kernel in [_kernel_data(data, tmp_path / "results") for _ in range(2)]:
        kernel.comment_mentions()
    assert calls == {"code_comments": 2, "mention_sentiment": 2}
    assert not list((tmp_path / "results").rglob("_*.pkl"))  # nothing written where nothing is shared
