"""What was planted, measured on the generated data and written to ``planted.yaml``."""

from __future__ import annotations

import numpy as np

from cxlib.demo.common import auc, mean_or_nan
from cxlib.demo.specs import (CHANNEL_PENALTY, KEY_SLOPE, LONG_WAIT_MIN, OTHER_SLOPE, OWNER_GAP_EXPECTED, SILENT_NPS,
                              SOCIAL_SOURCES)
from cxlib.schema import rating_column

__all__ = ["PlantedTruth"]


class PlantedTruth:
    """What was planted, measured on the generated data and written to ``planted.yaml``. (a part of :class:`cxlib.demo.simulate.Simulation`)."""

    def measure_planted(self) -> None:
        spec = self.spec
        it = self.interactions.iloc[: len(self.i_t)]
        chan = it["channel"].to_numpy()
        asked = it["asked_known_info"].to_numpy(dtype=bool)
        on = chan == spec.repeated_channel
        # post-sale decay, measured on transactional CSAT and on relationship ratings
        st = self.stage_of[self.i_tp[self.tx]]
        s_idx = spec.stages.index(spec.sale_stage)
        later = list(range(s_idx + 1, len(spec.stages)))
        csat_by = {s: mean_or_nan(self.tx_csat[st == s]) for s in range(len(spec.stages))}
        drop_csat = csat_by[s_idx] - np.nanmean([csat_by[s] for s in later]) if any(
            np.isfinite([csat_by[s] for s in later])) else float("nan")
        tp_stage = {s: [t.id for t in self.tps if t.stage == spec.stages[s]] for s in range(len(spec.stages))}
        st_mean = {s: mean_or_nan([self.mean_rating[t] for t in tp_stage[s]]) for s in tp_stage}
        drop_rat = st_mean[s_idx] - mean_or_nan([st_mean[s] for s in later])
        # channel inconsistency, on transactional CSAT
        it_tp, it_ch = spec.inconsistent
        sel = self.i_tp[self.tx] == self.tp_ids.index(it_tp)
        on_ch = self.i_ch[self.tx] == self.channels.index(it_ch)
        gap_ch = mean_or_nan(self.tx_csat[sel & ~on_ch]) - mean_or_nan(self.tx_csat[sel & on_ch])
        # theme concentration, share of comments carrying the theme
        theme, segment = spec.concentration
        rs = self.responses
        seg_of = dict(zip(self.customers["customer_id"], self.customers["segment"]))
        with_comment = rs.loc[rs["comment"].notna(), ["response_id", "customer_id"]]
        coded = {r for r, th in self.codes if th == theme}
        in_seg = with_comment["customer_id"].map(seg_of).to_numpy() == segment
        has = with_comment["response_id"].isin(coded).to_numpy()
        # churn: journey friction against the best single touchpoint rating, among relationship respondents
        resp = self.respond
        y = self.churned
        auc_f = auc(self.friction[resp], y[resp])
        single = {}
        for j, t in enumerate(self.tp_ids):
            ok = resp & ~np.isnan(self.R[:, j])
            single[t] = (auc(-self.R[ok, j], y[ok]), auc(self.friction[ok], y[ok]))
        best = max(single, key=lambda k: np.nan_to_num(single[k][0], nan=-1.0))
        n_silent_cases = int(self.cust_cases["n_silent"].sum())
        bad_ids = set(self.invalid_ids["responses"])
        rat = rs.loc[~rs["response_id"].isin(bad_ids), [rating_column(t) for t in self.tp_ids]].astype("float64")
        n_straight = int(((rat.notna().sum(axis=1) >= 4) & (rat.max(axis=1) == rat.min(axis=1))).sum())
        self.planted_quality["straightliners_total"] = n_straight
        self.planted = {
            "client": spec.name,
            "seed": self.seed,
            "n_customers": self.n,
            "effects": {
                "key_driver": {"touchpoint": spec.key_driver, "nps_per_rating_point": KEY_SLOPE,
                               "other_ratings_nps_per_point": OTHER_SLOPE},
                "post_sale_decay": {"peak_stage": spec.sale_stage, "later_stages": [spec.stages[s] for s in later],
                                    "drop": round(float(drop_csat), 2), "drop_measured_on": "transactional csat",
                                    "drop_in_touchpoint_ratings": round(float(drop_rat), 2),
                                    "stage_offsets": dict(zip(spec.stages, map(float, spec.stage_offsets)))},
                "delivery_gap": {"touchpoints": list(spec.gap),
                                 "customer_top_box_pct": {t: round(100 * self.top_box[t], 1) for t in spec.gap},
                                 "self_rating": 5, "believes_superior": True},
                "no_gap_touchpoints": list(spec.no_gap),
                "repeated_info": {"channel": spec.repeated_channel, "rate": round(mean_or_nan(asked[on]), 3),
                                  "baseline_rate": round(mean_or_nan(asked[~on]), 3)},
                "silent_waits": {"nps_effect_per_silent_case": SILENT_NPS, "long_wait_minutes": LONG_WAIT_MIN,
                                 "definition": "a case contact with wait_minutes >= long_wait_minutes and "
                                               "updates_sent == 0; short waits stay under 600 minutes and the "
                                               "gap to a case's next contact under 2 days",
                                 "n_silent_cases": n_silent_cases},
                "channel_inconsistency": {"touchpoint": it_tp, "channel": it_ch,
                                          "quality_penalty": CHANNEL_PENALTY, "csat_gap": round(float(gap_ch), 2)},
                "theme_concentration": {"theme": theme, "segment": segment,
                                        "share_in_segment": round(mean_or_nan(has[in_seg]), 3),
                                        "share_elsewhere": round(mean_or_nan(has[~in_seg]), 3)},
                "churn_link": {"sign": "negative", "journey_beats_single_touchpoint": True,
                               "friction": "asked_known_info contacts + repeat contacts + silent cases + "
                                           "unresolved cases + hand-offs, plus peak-end of quality",
                               "churn_rate": round(float(y.mean()), 3),
                               "auc_journey_friction": round(auc_f, 3),
                               "best_single_touchpoint": best,
                               "auc_best_single_touchpoint": round(single[best][0], 3)},
                "good_touchpoints_poor_journey": {"n_customers": int(self.gtpj.sum()),
                                                  "customer_ids": [str(c) for c in self.cid[self.gtpj]]},
                "comment_themes": {"file": "planted_codes.csv", "n_comments": int(self.n_comments),
                                   "n_codes": len(self.codes)},
                "mention_themes": {"file": "planted_mention_codes.csv"},
                **self.measure_issue14(),
            },
            "pii_comments": int(self.comment_stats["pii"]),
            "hostile_comments": int(self.comment_stats["hostile"]),
            "pii_by_kind": self.comment_stats["pii_by_kind"],
            "hostile_by_kind": self.comment_stats["hostile_by_kind"],
            "not_pii": self.comment_stats["not_pii"],
            "decoy_comments": int(self.comment_stats["decoy"]),
            "pii_mentions": int(self.mention_stats["pii"]),
            "hostile_mentions": int(self.mention_stats["hostile"]),
            "pii_file": "planted_pii.csv",
            "data_quality": {"invalid_rows": self.invalid, "invalid_ids": self.invalid_ids,
                             **self.planted_quality},
        }

    def measure_issue14(self) -> dict:
        """The effects planted for the social, department, owner and benchmark analyses, as measured."""
        spec, mm = self.spec, self.mention
        inc = self.incident
        start = np.datetime64("2025-01-01") + np.timedelta64(int(inc["start_day"]), "D")
        mag = spec.magnified
        n_posts = len(mm["ids"])
        with_mag = {r for r, th in self.mention_codes if th == mag}
        commented = int(self.n_comments)
        with_mag_c = {r for r, th in self.codes if th == mag}
        bad = self.i_bad_handoff[: len(self.i_t)]
        other = self.i_hand[: len(self.i_t)] & ~bad
        asked = self.i_asked[: len(self.i_t)]
        src, dst = spec.handoff_problem
        owned = [t.id for t in self.tps if t.id in spec.gap and t.department == spec.owner_gap]
        social = np.isin(np.asarray(mm["source"]).astype(str), sorted(SOCIAL_SOURCES))
        replied = ~np.isnan(mm["reply_day"])
        out = {
            "social_spike": {"start": str(start), "days": 3, "theme": inc["theme"], "source": inc["source"],
                             "n_posts": int(inc["n_posts"])},
            "magnified_theme": {"theme": mag, "share_posts": round(len(with_mag) / max(n_posts, 1), 3),
                                "share_comments": round(len(with_mag_c) / max(commented, 1), 3)},
            "handoff_problem": {"from_department": src, "to_department": dst, "n": int(bad.sum()),
                                "asked_again": round(mean_or_nan(asked[bad]), 3),
                                "asked_again_other_handoffs": round(mean_or_nan(asked[other]), 3)},
            "owner_promise_gap": {"owner": spec.owner_gap.replace("_", " ").title(), "department": spec.owner_gap,
                                  "touchpoints": owned, "expected_top_box_pct": OWNER_GAP_EXPECTED,
                                  "customer_top_box_pct": {t: round(100 * self.top_box[t], 1) for t in owned}},
            "public_replies": {"social_reply_rate": round(mean_or_nan(replied[social & ~mm["incident"]]), 3),
                               "incident_reply_rate": round(mean_or_nan(replied[mm["incident"]]), 3)},
        }
        if self.benchmark is not None:
            b = self.benchmark
            rel = self.responses[(self.responses["survey"] == "relationship").to_numpy(bool)]

            def nps(x) -> float:
                x = np.asarray(x, dtype="float64")
                x = x[~np.isnan(x)]
                return round(float(100 * ((x >= 9).mean() - (x <= 6).mean())), 1)

            out["benchmark"] = {"file": "benchmark_responses.csv", "column": "company", "client": spec.display_name,
                                "client_nps": nps(rel["nps"].astype("float64")),
                                "competitors": {c: {"n": int((b["company"] == c).sum()),
                                                    "nps": nps(b.loc[b["company"] == c, "nps"])}
                                                for c, _ in spec.competitors}}
        return out
