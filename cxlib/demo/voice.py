"""Customer voice: the themes of each comment, the comment texts (with planted personal data and hostile text), mentions."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from cxlib.demo.common import make_ids
from cxlib.demo.specs import INCIDENT_SHARE, MAGNIFIED_P, REVIEW_SOURCES, SOCIAL_SOURCES
from cxlib.demo.text import HOSTILE_PAYLOADS, LEAF_THEMES, PII_KINDS, POSITIVE_THEMES, compose, not_pii_snippet, pii_snippet

__all__ = ["VoiceDraws"]


class VoiceDraws:
    """Customer voice: the themes of each comment, the comment texts (with planted personal data and hostile text), mentions. (a part of :class:`cxlib.demo.simulate.Simulation`)."""

    def theme_matrix(self, *, known, silent, long, hand, unres, low, tone, seg, staff) -> np.ndarray:
        """Probability of each leaf theme per comment, from what the respondent went through."""
        L, lf = len(LEAF_THEMES), self.leaf
        m = len(tone)
        P = np.zeros((m, L))
        P[:, lf["effort.repeat_information"]] = np.where(known > 0, np.minimum(0.3 + 0.1 * known, 0.7), 0)
        P[:, lf["waiting.no_updates"]] = np.where(silent > 0, 0.55, 0)
        P[:, lf["waiting.long_wait"]] = np.where(long > 0, 0.35, 0)
        P[:, lf["effort.handoffs"]] = np.where(hand > 0, np.minimum(0.3 + 0.1 * hand, 0.6), 0)
        P[:, lf["effort.unresolved"]] = np.where(unres > 0, 0.45, 0)
        inc = np.zeros((self.T, L))
        for j, t in enumerate(self.tps):
            for th in t.themes:
                inc[j, lf[th]] = 1
        tp_p = 1 - 0.65 ** (low.astype(float) @ inc)
        P = np.maximum(P, tp_p)
        pos, neg = tone > 0, tone < 0
        for th, p, extra in (("staff.helpful_staff", 0.3, 0.15), ("value.good_value", 0.2, 0),
                             ("product.quality_praise", 0.25, 0)):
            P[:, lf[th]] = np.maximum(P[:, lf[th]], np.where(pos, p + extra * staff, 0))
        for th, p, extra in (("value.too_expensive", 0.15, 0), ("product.reliability", 0.15, 0),
                             ("staff.rude_staff", 0.05, 0.07)):
            P[:, lf[th]] = np.maximum(P[:, lf[th]], np.where(neg, p + extra * staff, 0))
        theme, segment = self.spec.concentration
        s_idx = [s[0] for s in self.spec.segments].index(segment)
        P[:, lf[theme]] = np.where(seg == s_idx, 0.42, 0.03)
        return P

    def draw_themes(self, P: np.ndarray, tone: np.ndarray, *, rng: np.random.Generator | None = None,
                    ) -> list[tuple[str, ...]]:
        """Up to three themes per comment, drawn from its theme probabilities."""
        rng = self.rng if rng is None else rng
        m, L = P.shape
        B = rng.random((m, L)) < P
        prio = rng.random((m, L)) + (~B) * 2.0
        top = np.argsort(prio, axis=1, kind="stable")[:, :3]
        chosen = np.take_along_axis(B, top, axis=1)
        fb = rng.random(m)
        fb_pick = rng.random(m)
        conc = self.spec.concentration[0]
        pos_pool = sorted(POSITIVE_THEMES - {conc})
        neg_pool = [t for t in ("value.too_expensive", "product.reliability", "waiting.long_wait",
                                "effort.unresolved", "digital.website_usability") if t != conc]
        out: list[tuple[str, ...]] = []
        leaves = LEAF_THEMES
        for i in range(m):
            themes = tuple(leaves[top[i, j]] for j in range(3) if chosen[i, j])
            if not themes and tone[i] != 0 and fb[i] < 0.85:
                pool = pos_pool if tone[i] > 0 else neg_pool
                themes = (pool[int(fb_pick[i] * len(pool))],)
            out.append(themes)
        return out

    def write_texts(self, themes: list[tuple[str, ...]], tone: np.ndarray, *, table: str, ids: Sequence[str],
                    social: bool, pii_rate: float, hostile_rate: float, brand_handle: str,
                    rnd: random.Random | None = None) -> tuple[list[str], dict]:
        """Write the comments; put personal data, decoy numbers and hostile text into some of them."""
        rnd = self.rnd if rnd is None else rnd
        m = len(themes)
        order = list(range(m))
        rnd.shuffle(order)
        forced_h: dict[int, str] = {}
        forced_p: dict[int, str] = {}
        kinds_h = list(HOSTILE_PAYLOADS)
        pos = 0
        if m >= 40:
            for kind in kinds_h:
                forced_h[order[pos]] = kind
                pos += 1
            for kind in PII_KINDS * 2:
                forced_p[order[pos]] = kind
                pos += 1
        forced_np = set(order[pos:pos + 4]) if m >= 40 else set()
        texts: list[str] = []
        special: set[str] = set()
        stats = {"pii": 0, "hostile": 0, "pii_by_kind": {k: 0 for k in PII_KINDS},
                 "hostile_by_kind": {k: 0 for k in kinds_h}, "not_pii": {"order_number": 0, "date": 0},
                 "decoy": 0, "typo": 0, "names": 0}
        for i in range(m):
            text, meta = compose(themes[i], tone=int(tone[i]), rnd=rnd, vocab=self.vocab, social=social)
            for key in ("decoy", "typo", "names"):
                stats[key] += meta[key]
            if social and rnd.random() < 0.3:
                text = f"@{brand_handle} " + text
            pk = forced_p.get(i) or (rnd.choice(PII_KINDS) if rnd.random() < pii_rate else None)
            if pk:
                sent, value = pii_snippet(pk, rnd)
                text = f"{text} {sent[0].upper()}{sent[1:]}."
                stats["pii"] += 1
                stats["pii_by_kind"][pk] += 1
                self.pii_rows.append((table, ids[i], pk, value, True))
            if i in forced_np or rnd.random() < 0.03:
                sent, kind, value = not_pii_snippet(rnd)
                sent = sent[0].upper() + sent[1:]
                text = f"{sent}. {text}" if rnd.random() < 0.5 else f"{text} {sent}."
                stats["not_pii"][kind] += 1
                special.add(ids[i])
                self.pii_rows.append((table, ids[i], kind, value, False))
            hk = forced_h.get(i) or (rnd.choice(kinds_h) if rnd.random() < hostile_rate else None)
            if hk:
                payload = HOSTILE_PAYLOADS[hk]
                text = f"{payload} {text}" if hk == "formula" or rnd.random() < 0.5 else f"{text} {payload}"
                stats["hostile"] += 1
                stats["hostile_by_kind"][hk] += 1
            if pk or hk or i in forced_np:
                special.add(ids[i])
            texts.append(text)
        stats["special_ids"] = special
        return texts, stats

    # ------------------------------------------------------------------------ responses
    def draw_mentions(self) -> None:
        rng, spec = self.rng, self.spec
        nm = max(20, int(round(0.3 * self.n)))
        c = np.sort(rng.integers(0, self.n, nm))
        r = rng.random(nm)
        bad = self.peak_end[c] < np.median(self.peak_end)
        tone = np.where(r < np.where(bad, 0.7, 0.4), -1, np.where(r < 0.85, 1, 0))
        cc = self.cust_cases
        low = np.nan_to_num(self.mean_q[c], nan=5.0) < 2.8
        P = self.theme_matrix(known=self.n_known[c], silent=cc["n_silent"][c], long=cc["n_long"][c],
                               hand=cc["n_handoff"][c], unres=cc["n_unres"][c], low=low, tone=tone,
                               seg=self.seg[c], staff=np.zeros(nm, bool))
        # planted: one theme is magnified in public (the draws consume the stream exactly as before)
        mag = self.leaf[spec.magnified]
        P[:, mag] = np.maximum(P[:, mag], np.where(tone <= 0, MAGNIFIED_P, 0.0))
        lo = np.maximum(0.0, self.acq[c])
        day = lo + rng.random(nm) * (self.end_day[c] - lo)
        order = np.argsort(day, kind="stable")
        c, tone, P, day = c[order], tone[order], P[order], day[order]
        ids = list(make_ids(f"{spec.prefix}-M", nm, 6))
        themes = self.draw_themes(P, tone)
        texts, stats = self.write_texts(themes, tone, table="mentions", ids=ids, social=True, pii_rate=0.02,
                                   hostile_rate=0.01, brand_handle=spec.display_name.replace(" ", ""))
        src = [s for s, _ in spec.mention_sources]
        w = np.array([p for _, p in spec.mention_sources])
        linked = rng.random(nm) < 0.4
        self.mention = dict(ids=ids, cust=c, linked=linked, day=day, text=texts,
                            source=np.array(src)[rng.choice(len(src), nm, p=w / w.sum())], tone=tone)
        self.mention_codes = [(ids[i], th) for i, ths in enumerate(themes) for th in ths]
        self.mention_stats = stats

    # ------------------------------------------------------------------- planted incident
    def draw_incident(self) -> None:
        """A burst of negative posts about one theme over three days, mostly on one source."""
        rng, spec = self.rng2, self.spec
        day0, theme, main = spec.incident
        k = max(30, int(round(INCIDENT_SHARE * self.n)))
        days = day0 + rng.choice([0.0, 1.0, 2.0], k, p=[0.55, 0.35, 0.1]) + rng.random(k)
        days = np.sort(days)
        cust = rng.integers(0, self.n, k)
        tone = np.where(rng.random(k) < 0.9, -1, 0)
        L = len(LEAF_THEMES)
        P = np.zeros((k, L))
        P[:, self.leaf[theme]] = 1.0
        P[:, self.leaf["waiting.no_updates"]] = np.maximum(P[:, self.leaf["waiting.no_updates"]], 0.3)
        themes = self.draw_themes(P, tone, rng=rng)
        start = len(self.mention["ids"]) + 1
        ids = list(make_ids(f"{spec.prefix}-M", k, 6, start=start))
        texts, stats = self.write_texts(themes, tone, table="mentions", ids=ids, social=True, pii_rate=0.0,
                                        hostile_rate=0.0, brand_handle=spec.display_name.replace(" ", ""), rnd=self.rnd2)
        others = [s for s, _ in spec.mention_sources if s != main and s in SOCIAL_SOURCES | REVIEW_SOURCES]
        source = np.where(rng.random(k) < 0.75, main, rng.choice(others or [main], k))
        mm = self.mention
        self.mention = dict(ids=list(mm["ids"]) + ids, cust=np.r_[mm["cust"], cust],
                            linked=np.r_[mm["linked"], rng.random(k) < 0.4], day=np.r_[mm["day"], days],
                            text=list(mm["text"]) + texts, source=np.r_[mm["source"], source],
                            tone=np.r_[mm["tone"], tone], incident=np.r_[np.zeros(len(mm["ids"]), bool),
                                                                       np.ones(k, bool)])
        self.mention_codes += [(ids[i], th) for i, ths in enumerate(themes) for th in ths]
        for key in ("pii", "hostile", "decoy", "typo", "names"):
            self.mention_stats[key] += stats[key]
        for kind, v in stats["not_pii"].items():
            self.mention_stats["not_pii"][kind] = self.mention_stats["not_pii"].get(kind, 0) + v
        self.incident = {"start_day": float(day0), "theme": theme, "source": main, "n_posts": k}

    # --------------------------------------------------------------- reach and replies
    def draw_public_voice(self) -> None:
        """Engagement on social posts, stars on reviews, and the company's public replies (slow in the incident)."""
        rng, mm = self.rng2, self.mention
        m = len(mm["ids"])
        src = np.asarray(mm["source"]).astype(str)
        social = np.isin(src, sorted(SOCIAL_SOURCES))
        review = np.isin(src, sorted(REVIEW_SOURCES))
        inc = mm["incident"]
        engagement = np.where(social, np.round(rng.lognormal(1.2, 1.1, m) * np.where(inc, 4.0, 1.0)), np.nan)
        tone = mm["tone"]
        stars = np.where(tone < 0, rng.choice([1, 2], m, p=[0.6, 0.4]),
                         np.where(tone > 0, rng.choice([4, 5], m, p=[0.4, 0.6]), rng.choice([2, 3, 4], m)))
        stars = np.where(review, stars, np.nan)
        p_reply = np.where(social, 0.6, np.where(review, 0.35, 0.0))
        p_reply = np.where(inc, 0.1, p_reply)
        replied = rng.random(m) < p_reply
        hours = np.where(review, rng.lognormal(np.log(40.0), 0.6, m), rng.lognormal(np.log(3.0), 0.8, m))
        hours = np.where(inc, rng.lognormal(np.log(30.0), 0.7, m), hours)
        mm["engagement"] = engagement
        mm["stars"] = stars
        mm["reply_day"] = np.where(replied, mm["day"] + hours / 24.0, np.nan)
