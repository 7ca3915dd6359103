"""Survey answers: the relationship survey, transactional answers, and the responses table with its comments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlib.demo.common import END_DAY, make_ids, stamp_text
from cxlib.demo.specs import KEY_SLOPE, OTHER_SLOPE, SILENT_NPS

__all__ = ["SurveyDraws"]


class SurveyDraws:
    """Survey answers: the relationship survey, transactional answers, and the responses table with its comments. (a part of :class:`cxlib.demo.simulate.Simulation`)."""

    # ------------------------------------------------------------------- relationship survey
    def draw_relationship_survey(self) -> None:
        rng, n, T = self.rng, self.n, self.T
        key = self.i_cust * T + self.i_tp
        cnt = np.bincount(key, minlength=n * T).reshape(n, T)
        tot = np.bincount(key, self.i_q, minlength=n * T).reshape(n, T)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_q = tot / cnt
        lat = mean_q + rng.normal(0.0, 0.55, (n, T))
        R = np.where(cnt > 0, np.clip(np.rint(lat), 1, 5), np.nan)
        rk = np.where(np.isnan(R[:, self.key]), np.clip(mean_q[:, self.key], 1, 5), R[:, self.key])
        others = np.delete(R, self.key, axis=1) - 3.4
        n_o = (~np.isnan(others)).sum(1)
        mean_o = np.where(n_o > 0, np.nansum(others, 1) / np.maximum(n_o, 1), 0.0)
        nps = (6.9 + KEY_SLOPE * (rk - 3.4) + OTHER_SLOPE * mean_o + SILENT_NPS * self.cust_cases["n_silent"]
               + rng.normal(0.0, 1.2, n))
        self.nps_rel = np.clip(np.rint(nps), 0, 10)
        skip = rng.random((n, T)) < 0.08
        self.R = np.where(skip, np.nan, R)
        self.mean_q = mean_q
        self.respond = rng.random(n) < 0.5
        lo = np.maximum(0.0, self.acq + 30.0)
        self.rel_day = lo + rng.random(n) * (self.end_day - lo)

    # ---------------------------------------------------------------- transactional survey
    def draw_transactional_survey(self) -> None:
        rng = self.rng
        m = len(self.i_t)
        ok = (self.i_t >= 0) & (self.i_t < 362.0)
        pick = ok & (rng.random(m) < np.where(self.i_incase, 0.25, 0.08))
        self.tx = np.flatnonzero(pick)
        q = self.i_q[self.tx]
        k = len(self.tx)
        self.tx_day = np.minimum(self.i_t[self.tx] + rng.uniform(0.02, 2.0, k), END_DAY)
        self.tx_csat = np.clip(np.rint(q + rng.normal(0, 0.5, k)), 1, 5)
        ces = (5.4 + 0.6 * (q - 3.6) - 1.2 * self.i_asked[self.tx] - 1.0 * self.i_hand[self.tx]
               - 1.0 * self.i_unres[self.tx] - 0.8 * self.i_silent[self.tx] - 0.4 * self.i_repeat[self.tx]
               + rng.normal(0, 0.9, k))
        self.tx_ces = np.clip(np.rint(ces), 1, 7)
        tnps = np.clip(np.rint(6.8 + 1.3 * (q - 3.6) + rng.normal(0, 1.5, k)), 0, 10)
        self.tx_nps = np.where(rng.random(k) < 0.35, tnps, np.nan)

    # -------------------------------------------------------------------------- themes
    def draw_responses(self) -> None:
        rng, spec, T = self.rng, self.spec, self.T
        rel = np.flatnonzero(self.respond)
        nr, nt = len(rel), len(self.tx)
        # -- relationship rows
        cc = self.cust_cases
        tone_r = np.where(self.nps_rel[rel] >= 9, 1, np.where(self.nps_rel[rel] <= 6, -1, 0))
        has_r = rng.random(nr) < 0.62 + 0.13 * (tone_r < 0) - 0.1 * (tone_r > 0)
        staff_c = np.bincount(self.i_cust, self.assisted[self.i_ch] & self.i_incase, minlength=self.n) > 0
        Pr = self.theme_matrix(known=self.n_known[rel], silent=cc["n_silent"][rel], long=cc["n_long"][rel],
                                hand=cc["n_handoff"][rel], unres=cc["n_unres"][rel],
                                low=np.nan_to_num(self.R[rel], nan=5) <= 2, tone=tone_r, seg=self.seg[rel],
                                staff=staff_c[rel])
        # -- transactional rows
        tx = self.tx
        tone_t = np.where(self.tx_csat >= 4, 1, np.where(self.tx_csat <= 2, -1, 0))
        has_t = rng.random(nt) < 0.45
        low_t = np.zeros((nt, T), bool)
        low_t[np.arange(nt), self.i_tp[tx]] = self.tx_csat <= 2
        Pt = self.theme_matrix(known=self.i_asked[tx].astype(int), silent=self.i_silent[tx].astype(int),
                                long=self.i_long[tx].astype(int), hand=self.i_hand[tx].astype(int),
                                unres=self.i_unres[tx].astype(int), low=low_t, tone=tone_t,
                                seg=self.seg[self.i_cust[tx]], staff=self.assisted[self.i_ch[tx]])
        # -- one frame, sorted by time
        day = np.concatenate([self.rel_day[rel], self.tx_day])
        n_all = nr + nt
        cust = np.concatenate([rel, self.i_cust[tx]])
        is_rel = np.concatenate([np.ones(nr, bool), np.zeros(nt, bool)])
        inter = np.concatenate([np.full(nr, -1), tx])
        nps = np.concatenate([self.nps_rel[rel], self.tx_nps])
        csat = np.concatenate([np.full(nr, np.nan), self.tx_csat])
        ces = np.concatenate([np.full(nr, np.nan), self.tx_ces])
        ratings = np.concatenate([self.R[rel], np.full((nt, T), np.nan)])
        tone = np.concatenate([tone_r, tone_t])
        has = np.concatenate([has_r, has_t])
        P = np.concatenate([Pr, Pt])
        # nobody answers in under half the typical time, except the planted speeders below
        dur = np.where(is_rel, np.maximum(rng.lognormal(np.log(240.0), 0.3, n_all), 120.0),
                       np.maximum(rng.lognormal(np.log(100.0), 0.3, n_all), 50.0))
        # planted straight-liners (relationship, at least 4 ratings answered)
        answered = (~np.isnan(ratings)).sum(1)
        cand = np.flatnonzero(is_rel & (answered >= 4))
        n_sl = min(len(cand), max(2, int(round(0.015 * len(cand)))))
        sl = rng.choice(cand, n_sl, replace=False) if n_sl else np.array([], np.int64)
        val = rng.choice([5.0, 4.0, 3.0, 1.0], n_sl, p=[.45, .25, .2, .1])
        ratings[sl] = np.where(np.isnan(ratings[sl]), np.nan, val[:, None])
        # planted speeders
        n_sp = max(3, int(round(0.02 * n_all)))
        sp = rng.choice(n_all, n_sp, replace=False)
        dur[sp] = np.where(is_rel[sp], rng.uniform(8, 50, n_sp), rng.uniform(4, 22, n_sp))
        dur = np.round(dur, 1)
        order = np.argsort(day, kind="stable")
        ids = make_ids(f"{spec.prefix}-R", n_all, 6)
        rid = np.empty(n_all, dtype=object)
        rid[order] = ids.to_numpy(dtype=object)
        # comments
        has_idx = np.flatnonzero(has)
        has_idx = has_idx[np.argsort(day[has_idx], kind="stable")]
        themes = self.draw_themes(P[has_idx], tone[has_idx])
        texts, stats = self.write_texts(themes, tone[has_idx], table="responses", ids=list(rid[has_idx]), social=False,
                                   pii_rate=0.03, hostile_rate=0.01, brand_handle=spec.display_name.replace(" ", ""))
        comment = np.full(n_all, None, dtype=object)
        comment[has_idx] = texts
        codes = [(rid[i], th) for i, ths in zip(has_idx, themes) for th in ths]
        self.comment_stats = stats
        # planted duplicate respondents: the same relationship answer sent twice (never a speeder,
        # never a comment with personal data or hostile text, so those counts stay exact)
        plain = np.array([r not in stats["special_ids"] for r in rid])
        not_sp = np.ones(n_all, bool)
        not_sp[sp] = False
        rel_rows = np.flatnonzero(is_rel & plain & not_sp)
        n_dup = min(len(rel_rows), max(2, int(round(0.01 * len(rel_rows)))))
        dup_src = np.sort(rng.choice(rel_rows, n_dup, replace=False))
        self.planted_quality = {"speeders": int(n_sp), "straightliners_planted": int(n_sl),
                                "duplicate_respondents": int(n_dup)}
        self.resp = dict(rid=rid, cust=cust, inter=inter, day=day, is_rel=is_rel, nps=nps, csat=csat, ces=ces,
                         comment=comment, dur=dur, ratings=ratings, order=order)
        # duplicates appended (same answers, a few minutes later, new ids)
        dup_day = np.minimum(day[dup_src] + rng.uniform(5, 240, n_dup) / 1440.0, END_DAY)
        dup_ids = make_ids(f"{spec.prefix}-R", n_dup, 6, start=n_all + 1).to_numpy(dtype=object)
        self.dups = dict(src=dup_src, day=dup_day, rid=dup_ids,
                         dur=np.round(np.maximum(rng.lognormal(np.log(240.0), 0.3, n_dup), 120.0), 1))
        by_id: dict[str, list[str]] = {}
        for r_, th in codes:
            by_id.setdefault(r_, []).append(th)
        codes += [(dup_ids[j], th) for j, s in enumerate(dup_src) for th in by_id.get(rid[s], [])]
        self.codes = codes
        self.n_comments = len(has_idx) + int(sum(comment[s] is not None for s in dup_src))

    # ------------------------------------------------------------------ planted benchmark
    def draw_benchmark(self) -> None:
        """Relationship answers about competitors, for the client whose survey covers several companies."""
        spec = self.spec
        self.benchmark = None
        if not spec.competitors:
            return
        rng = self.rng2
        rel = self.responses[(self.responses["survey"] == "relationship").to_numpy(bool)]
        own = rel["nps"].astype("float64").dropna().to_numpy()
        base = float(own.mean())
        frames = []
        k = max(60, int(round(0.3 * self.n)))
        for j, (company, shift) in enumerate(spec.competitors):
            # the shift moves the 0-10 answers by shift/25 points: about `shift` NPS points
            x = np.clip(np.rint(rng.normal(base + shift / 25.0, 1.9, k)), 0, 10)
            day = np.sort(rng.uniform(0.0, END_DAY, k))
            frames.append(pd.DataFrame({
                "response_id": make_ids(f"{spec.prefix}-B{j + 1}", k, 5).to_numpy(),
                "company": company, "survey": "relationship", "answered_at": stamp_text(day).to_numpy(),
                "nps": x.astype("int64")}))
        self.benchmark = pd.concat(frames, ignore_index=True)
