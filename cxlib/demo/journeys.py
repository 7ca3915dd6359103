"""Customers and their journeys: touchpoint events, cases with their friction, churn."""

from __future__ import annotations

import numpy as np

from cxlib.demo.common import END_DAY, choice_rows, cumcount, zscore
from cxlib.demo.specs import (BASE_RATE, CHANNEL_PENALTY, CHURN_RATE, HANDOFF_ASKED, HANDOFF_ROUTE, LONG_WAIT_MIN,
                              REPEAT_RATE)

__all__ = ["JourneyDraws"]


class JourneyDraws:
    """Customers and their journeys: touchpoint events, cases with their friction, churn. (a part of :class:`cxlib.demo.simulate.Simulation`)."""

    # ---------------------------------------------------------------------------- customers
    def draw_customers(self) -> None:
        rng, spec, n = self.rng, self.spec, self.n
        shares = np.array([s[1] for s in spec.segments])
        self.seg = rng.choice(len(shares), n, p=shares / shares.sum())
        w = np.linspace(1.6, 0.6, len(spec.regions))
        self.region = rng.choice(len(w), n, p=w / w.sum())
        self.acq = np.floor(END_DAY - rng.uniform(60, 3 * 365, n))
        med = np.array([s[2] for s in spec.segments])[self.seg]
        sig = np.array([s[3] for s in spec.segments])[self.seg]
        self.value = np.round(rng.lognormal(np.log(med), sig), 2)
        self.u = rng.normal(0.0, 0.35, n)
        self.f = rng.lognormal(-0.18, 0.6, n)
        self.gtpj = rng.random(n) < 0.025
        k = int(self.gtpj.sum())
        self.f[self.gtpj] = rng.uniform(3.0, 4.5, k)
        self.u[self.gtpj] = np.abs(self.u[self.gtpj]) + 0.6

    # ------------------------------------------------------------------------ journey events
    def draw_events(self) -> None:
        rng, n = self.rng, self.n
        ev = [j for j, t in enumerate(self.tps) if t.when != "case"]
        E = len(ev)
        yrs = np.clip((365.0 - self.acq) / 365.0, 0.2, 3.0)
        counts = np.zeros((n, E), dtype=np.int64)
        sale = [i for i, j in enumerate(ev) if self.tps[j].when == "sale"]
        ann = [i for i, j in enumerate(ev) if self.tps[j].when == "anniversary"]
        for i, j in enumerate(ev):
            t = self.tps[j]
            if t.when in ("pre", "onboard"):
                counts[:, i] = rng.poisson(t.rate, n)
            elif t.when == "recurring":
                counts[:, i] = rng.poisson(t.rate * yrs)
        w = np.array([self.tps[ev[i]].rate for i in sale])
        pick = rng.choice(sale, n, p=w / w.sum())
        counts[np.arange(n), pick] += 1
        extra = rng.random(n) < 0.12
        pick2 = rng.choice(sale, n, p=w / w.sum())
        counts[np.flatnonzero(extra), pick2[extra]] += 1
        n_ann = np.floor((END_DAY - self.acq) / 365.0).astype(np.int64)
        if ann:
            wa = np.array([self.tps[ev[i]].rate for i in ann])
            counts[:, ann] = rng.multinomial(n_ann, wa / wa.sum())
        if self.key in ev:
            k = ev.index(self.key)
            counts[:, k] = np.maximum(counts[:, k], 1)
        flat = np.repeat(np.arange(n * E), counts.ravel())
        cust = flat // E
        tp = np.array(ev)[flat % E]
        m = len(cust)
        when = np.array([self.tps[j].when for j in range(self.T)])[tp]
        acq = self.acq[cust]
        t = np.empty(m)
        for kind, lo, hi in (("pre", -45.0, -2.0), ("sale", 0.0, 1.0), ("onboard", 1.0, 30.0)):
            s = when == kind
            t[s] = acq[s] + rng.uniform(lo, hi, int(s.sum()))
        s = when == "recurring"
        lo = acq[s] + 31.0
        t[s] = lo + rng.random(int(s.sum())) * (END_DAY - lo)
        s = np.flatnonzero(when == "anniversary")
        k = cumcount(cust[s]) + 1
        t[s] = acq[s] + 365.0 * k - rng.uniform(0.0, 20.0, len(s))
        ch = choice_rows(rng, self.ch_cum[tp])
        wait = np.full(m, np.nan)
        assisted = self.assisted[ch]
        wait[assisted] = np.clip(rng.lognormal(np.log(4.0), 0.6, int(assisted.sum())), 0.5, 120.0)
        self.ev = dict(cust=cust, tp=tp, ch=ch, t=t, dept=self.dept_of[tp], wait=wait)

    # --------------------------------------------------------------------------------- cases
    def draw_cases(self) -> None:
        rng, n, f = self.rng, self.n, self.f
        case_tps = [j for j, t in enumerate(self.tps) if t.when == "case"]
        nc = rng.poisson(self.spec.case_rate * f ** 0.8)
        nc[self.gtpj] = rng.poisson(2.5, int(self.gtpj.sum())) + 2
        nc = np.minimum(nc, 8)
        case_c = np.repeat(np.arange(n), nc)
        K = len(case_c)
        w = np.array([self.tps[j].rate for j in case_tps])
        case_tp = rng.choice(case_tps, K, p=w / w.sum())
        g = self.gtpj[case_c]
        fc = f[case_c]
        p_more = np.where(g, 0.65, np.clip(0.16 * fc, 0.0, 0.75))
        ncont = 1 + rng.binomial(3, p_more)
        row = np.repeat(np.arange(K), ncont)
        M = len(row)
        first = np.cumsum(ncont) - ncont
        k = np.arange(M) - first[row]
        cust = case_c[row]
        tp = case_tp[row]
        fr, gr = f[cust], self.gtpj[cust]
        draw = choice_rows(rng, self.ch_cum[tp])
        keep = (k == 0) | (rng.random(M) < 0.45)
        ch = np.where(keep, draw[first[row]], draw)
        D = len(self.spec.departments)
        hand = (k > 0) & (rng.random(M) < np.where(gr, 0.7, np.clip(0.2 * fr ** 0.8, 0.0, 0.85)))
        step = np.where(hand, rng.integers(1, D, M), 0)
        cs = np.cumsum(step)
        dept = (self.dept_of[tp] + cs - cs[first[row]]) % D
        # planted hand-off problem: half the hand-offs out of one department go to one partner, which
        # then asks again for what the company knew (own random stream: the draws above are unchanged)
        src, dst = (self.spec.departments.index(d) for d in self.spec.handoff_problem)
        route = self.rng2.random(M) < HANDOFF_ROUTE
        for j in range(1, int(k.max(initial=0)) + 1):
            at = np.flatnonzero(k == j)
            prev = dept[at - 1]
            moved = np.where(hand[at], (prev + step[at]) % D, prev)
            dept[at] = np.where(hand[at] & (prev == src) & route[at], dst, moved)
        prev_dept = np.where(k > 0, np.r_[-1, dept[:-1]], -1)
        long = rng.random(M) < np.where(gr, 0.5, np.clip(0.13 * fr ** 0.8, 0.0, 0.8))
        wait = np.where(self.assisted[ch], np.clip(rng.lognormal(np.log(6.0), 0.6, M), 0.5, 120.0),
                        np.clip(rng.lognormal(np.log(60.0), 0.5, M), 5.0, 600.0))
        wait = np.where(long, LONG_WAIT_MIN + rng.exponential(2880.0, M), wait)
        silent = long & (rng.random(M) < np.where(gr, 0.8, np.clip(0.45 * fr ** 0.5, 0.05, 0.95)))
        updates = np.where(long & ~silent, 1 + rng.poisson(1.2, M), 0)
        last = k == ncont[row] - 1
        p_res = np.where(gr, 0.45, np.clip(0.9 - 0.12 * (fr - 1.0), 0.35, 0.97))
        resolved = last & (rng.random(M) < p_res)
        gap = wait / 1440.0 + rng.uniform(0.05, 1.2, M)
        cg = np.cumsum(gap)
        off = cg - gap - (cg - gap)[first[row]]
        dur = off[first + ncont - 1]
        lo = self.acq[case_c] + 31.0
        room = END_DAY - lo - dur
        start = lo + rng.random(K) * np.maximum(room, 0.0)
        scale = np.where(room < 0, (END_DAY - lo) / np.maximum(dur, 1e-9), 1.0)
        t = start[row] + off * scale[row]
        order = np.argsort(start, kind="stable")
        number = np.empty(K, dtype=np.int64)
        number[order] = np.arange(1, K + 1)
        self.case = dict(cust=cust, tp=tp, ch=ch, t=t, dept=dept, wait=wait, updates=updates, resolved=resolved,
                         last=last, k=k, hand=hand, long=long, silent=silent, case=number[row], row=row,
                         prev_dept=prev_dept)
        unres_case = ~resolved[first + ncont - 1]
        silent_case = np.bincount(row, silent, minlength=K) > 0
        long_case = np.bincount(row, long, minlength=K) > 0
        self.cust_cases = dict(
            n_cases=np.bincount(case_c, minlength=n),
            n_repeat=np.bincount(case_c, ncont - 1, minlength=n).astype(np.int64),
            n_silent=np.bincount(case_c, silent_case, minlength=n).astype(np.int64),
            n_long=np.bincount(case_c, long_case, minlength=n).astype(np.int64),
            n_unres=np.bincount(case_c, unres_case, minlength=n).astype(np.int64),
            n_handoff=np.bincount(cust, hand, minlength=n).astype(np.int64),
        )
        self.n_cases_total = K

    # ------------------------------------------------------------------- all interactions
    def combine_interactions(self) -> None:
        rng, e, c = self.rng, self.ev, self.case
        me, mc = len(e["cust"]), len(c["cust"])
        cat = np.concatenate
        self.i_cust = cat([e["cust"], c["cust"]])
        self.i_tp = cat([e["tp"], c["tp"]])
        self.i_ch = cat([e["ch"], c["ch"]])
        self.i_t = cat([e["t"], c["t"]])
        self.i_dept = cat([e["dept"], c["dept"]])
        self.i_wait = cat([e["wait"], c["wait"]])
        self.i_case = cat([np.zeros(me, np.int64), c["case"]])
        self.i_updates = cat([np.full(me, -1), c["updates"]])
        self.i_resolved = cat([np.full(me, -1), c["resolved"].astype(np.int64)])
        z = np.zeros(me, bool)
        self.i_incase = cat([z, np.ones(mc, bool)])
        self.i_hand = cat([z, c["hand"]])
        self.i_long = cat([z, c["long"]])
        self.i_silent = cat([z, c["silent"]])
        self.i_repeat = cat([z, c["k"] > 0])
        self.i_unres = cat([z, c["last"] & ~c["resolved"]])
        m = me + mc
        cust = self.i_cust
        base = np.full(self.C, BASE_RATE)
        base[self.channels.index(self.spec.repeated_channel)] = REPEAT_RATE
        p = base[self.i_ch] * self.f[cust] ** 0.7 + 0.08 * self.i_repeat
        src, dst = (self.spec.departments.index(d) for d in self.spec.handoff_problem)
        self.i_prev_dept = cat([np.full(me, -1), c["prev_dept"]])
        self.i_bad_handoff = self.i_hand & (self.i_prev_dept == src) & (self.i_dept == dst)
        p = p + HANDOFF_ASKED * self.i_bad_handoff
        self.i_asked = rng.random(m) < np.clip(p, 0.0, 0.95)
        it, ic = self.spec.inconsistent
        bad = (self.i_tp == self.tp_ids.index(it)) & (self.i_ch == self.channels.index(ic))
        pen = (-0.5 * self.i_asked - 0.8 * self.i_silent - 0.25 * (self.i_long & ~self.i_silent)
               - 0.35 * self.i_hand - 0.2 * self.i_repeat - 0.7 * self.i_unres)
        pen = np.where(self.gtpj[cust], 0.0, pen)
        self.i_q = (self.tp_quality[self.i_tp] + self.u[cust] + CHANNEL_PENALTY * bad + pen
                    + rng.normal(0.0, 0.45, m))
        self.n_known = np.bincount(cust, self.i_asked, minlength=self.n).astype(np.int64)

    # ------------------------------------------------------------------------------- churn
    def draw_churn(self) -> None:
        rng, n = self.rng, self.n
        cc = self.cust_cases
        self.friction = self.n_known + cc["n_repeat"] + cc["n_silent"] + cc["n_unres"] + cc["n_handoff"]
        order = np.lexsort((self.i_t, self.i_cust))
        cs = self.i_cust[order]
        starts = np.searchsorted(cs, np.arange(n), side="left")
        ends = np.searchsorted(cs, np.arange(n), side="right")
        q = self.i_q[order]
        self.q_min = np.minimum.reduceat(q, starts)
        self.q_last = q[ends - 1]
        self.peak_end = 0.5 * self.q_min + 0.5 * self.q_last
        seg_off = np.array([s[4] for s in self.spec.segments])[self.seg]
        x = 1.1 * zscore(np.log1p(self.friction)) - 0.45 * zscore(self.peak_end) + seg_off
        lo, hi = -10.0, 10.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.mean(1 / (1 + np.exp(-(mid + x)))) < CHURN_RATE:
                lo = mid
            else:
                hi = mid
        self.p_churn = 1 / (1 + np.exp(-(lo + x)))
        self.churned = rng.random(n) < self.p_churn
        first = np.maximum(0.0, self.acq + 30.0)
        self.churn_day = np.floor(first + rng.random(n) * (END_DAY - first))
        self.end_day = np.where(self.churned, self.churn_day + 0.95, END_DAY)
        # a churned customer's journey is the same journey, lived before leaving
        cust = self.i_cust
        a = self.acq[cust]
        squeeze = self.churned[cust] & (self.i_t > a)
        factor = (self.end_day[cust] - a) / (END_DAY - a)
        self.i_t = np.where(squeeze, a + (self.i_t - a) * factor, self.i_t)
