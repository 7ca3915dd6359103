"""The canonical tables: self-assessment, customers, interactions, responses, mentions, and the planted invalid rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlib.demo.common import date_text, make_ids, stamp, stamp_text
from cxlib.demo.specs import OWNER_GAP_EXPECTED
from cxlib.schema import rating_column

__all__ = ["FrameBuilder"]


class FrameBuilder:
    """The canonical tables: self-assessment, customers, interactions, responses, mentions, and the planted invalid rows. (a part of :class:`cxlib.demo.simulate.Simulation`)."""

    def draw_self_assessment(self) -> None:
        rng = self.rng
        R = self.resp["ratings"][self.resp["is_rel"]]
        rows = []
        self.top_box = {}
        self.mean_rating = {}
        for j, t in enumerate(self.tps):
            col = R[:, j]
            col = col[~np.isnan(col)]
            mean = float(col.mean()) if len(col) else 3.0    # nobody rated it (tiny clients only)
            top = float((col == 5).mean()) if len(col) else 0.0
            self.top_box[t.id], self.mean_rating[t.id] = top, mean
            if t.id in self.spec.gap:
                sr, sup, exp = 5, True, float(rng.integers(70, 86))
                if t.department == self.spec.owner_gap:  # planted: this owner promises nearly everyone a 5/5
                    exp = OWNER_GAP_EXPECTED
            elif t.id in self.spec.no_gap:        # the company sees itself as its customers do
                sr, sup = int(np.clip(np.rint(mean), 1, 5)), False
                exp = float(np.clip(np.rint(100 * top + rng.uniform(-3, 3)), 0, 100))
            else:                                  # a mild, ordinary optimism
                sr, sup = int(np.clip(np.rint(mean + 0.7), 1, 5)), False
                exp = float(np.clip(np.rint(100 * top + 15), 0, 100))
            rows.append({"touchpoint": t.id, "self_rating": sr, "believes_superior": sup,
                         "expected_top_box_pct": exp, "promise": t.promise,
                         "owner": t.department.replace("_", " ").title()})
        self.self_assessment = pd.DataFrame(rows)

    # ------------------------------------------------------------------ canonical frames
    def build_frames(self) -> None:
        spec, n = self.spec, self.n
        seg_names = np.array([s[0] for s in spec.segments])
        cid = make_ids(f"{spec.prefix}-C", n, 6)
        self.cid = cid.to_numpy(dtype=object)
        acq_txt = date_text(self.acq)
        churn_txt = date_text(self.churn_day).where(pd.Series(self.churned), None)
        self.customers = pd.DataFrame({
            "customer_id": cid, "segment": pd.Series(seg_names[self.seg], dtype="string"),
            "region": pd.Series(np.array(spec.regions)[self.region], dtype="string"),
            "acquired_on": acq_txt, "annual_value": self.value,
            "churned": pd.array(self.churned, dtype="boolean"), "churned_on": churn_txt.astype("string"),
        })
        # interactions, in journey order per customer
        order = np.lexsort((self.i_t, self.i_cust))
        self.i_order = order
        m = len(order)
        iid = make_ids(f"{spec.prefix}-I", m, 7)
        self.iid_of = np.empty(m, dtype=object)
        self.iid_of[order] = iid.to_numpy(dtype=object)
        o = order
        case = self.i_case[o]
        case_txt = pd.Series(np.where(case > 0, case, 0), dtype="int64").astype("string").str.zfill(6)
        case_txt = (f"{spec.prefix}-K" + case_txt).where(pd.Series(case > 0), None)
        upd = self.i_updates[o]
        res = self.i_resolved[o]
        wait = self.i_wait[o]
        self.interactions = pd.DataFrame({
            "interaction_id": iid,
            "customer_id": pd.Series(self.cid[self.i_cust[o]], dtype="string"),
            "occurred_at": stamp(self.i_t[o]),
            "stage": pd.Series(np.array(spec.stages)[self.stage_of[self.i_tp[o]]], dtype="string"),
            "channel": pd.Series(np.array(self.channels)[self.i_ch[o]], dtype="string"),
            "touchpoint": pd.Series(np.array(self.tp_ids)[self.i_tp[o]], dtype="string"),
            "department": pd.Series(np.array(spec.departments)[self.i_dept[o]], dtype="string"),
            "case_id": case_txt.astype("string"),
            "resolved": pd.arrays.BooleanArray(res == 1, res < 0),
            "wait_minutes": np.round(wait, 1),
            "asked_known_info": pd.array(self.i_asked[o], dtype="boolean"),
            "updates_sent": pd.arrays.IntegerArray(np.maximum(upd, 0).astype("int64"), upd < 0),
        })
        # responses
        r, d = self.resp, self.dups
        src = np.concatenate([np.arange(len(r["rid"])), d["src"]])
        day = np.concatenate([r["day"], d["day"]])
        rid = np.concatenate([r["rid"], d["rid"]])
        dur = np.concatenate([r["dur"], d["dur"]])
        inter = r["inter"][src]
        frame = pd.DataFrame({
            "response_id": pd.Series(rid, dtype="string"),
            "customer_id": pd.Series(self.cid[r["cust"][src]], dtype="string"),
            "interaction_id": pd.Series(np.where(inter >= 0, self.iid_of[np.maximum(inter, 0)], None),
                                        dtype="string"),
            "answered_at": stamp_text(day),
            "survey": pd.Series(np.where(r["is_rel"][src], "relationship", "transactional"), dtype="string"),
            "nps": pd.array(np.where(np.isnan(r["nps"][src]), None, r["nps"][src]), dtype="Int64"),
            "csat": pd.array(np.where(np.isnan(r["csat"][src]), None, r["csat"][src]), dtype="Int64"),
            "ces": pd.array(np.where(np.isnan(r["ces"][src]), None, r["ces"][src]), dtype="Int64"),
            "comment": pd.Series(r["comment"][src], dtype="string"),
            "duration_seconds": dur,
        })
        rat = r["ratings"][src]
        for j, t in enumerate(self.tp_ids):
            frame[rating_column(t)] = pd.array(np.where(np.isnan(rat[:, j]), None, rat[:, j]), dtype="Int64")
        frame["_day"] = day
        self.responses = frame.sort_values(["_day", "response_id"], kind="stable").reset_index(drop=True)
        mm = self.mention
        reply = mm["reply_day"]
        mentions = pd.DataFrame({
            "mention_id": pd.Series(mm["ids"], dtype="string"),
            "source": pd.Series(mm["source"], dtype="string"),
            "posted_at": stamp_text(mm["day"]),
            "text": pd.Series(mm["text"], dtype="string"),
            "customer_id": pd.Series(np.where(mm["linked"], self.cid[mm["cust"]], None), dtype="string"),
            "stars": pd.array(np.where(np.isnan(mm["stars"]), None, mm["stars"]), dtype="Int64"),
            "engagement": mm["engagement"],
            "replied_at": stamp_text(np.nan_to_num(reply)).where(pd.Series(~np.isnan(reply)), None),
        })
        # in time order, as an export is (the planted incident's posts were drawn last)
        self.mentions = mentions.iloc[np.argsort(mm["day"], kind="stable")].reset_index(drop=True)

    # ------------------------------------------------------------- planted invalid rows
    def plant_invalid_rows(self) -> None:
        rng, spec = self.rng, self.spec
        p = spec.prefix
        inv: dict[str, dict[str, int]] = {}
        ids: dict[str, list[str]] = {}
        # customers: appended rows with no interactions
        cu = self.customers
        bad = cu.iloc[[0, 1]].copy()
        bad["customer_id"] = [f"{p}-C9{self.n + 1:06d}", f"{p}-C9{self.n + 2:06d}"]
        bad["segment"] = pd.array([spec.segments[0][0], "platinum_plus"], dtype="string")
        bad["annual_value"] = [-250.0, float(cu["annual_value"].iloc[1])]
        self.customers = pd.concat([cu, bad], ignore_index=True)
        inv["customers"] = {"negative_annual_value": 1, "unknown_segment": 1}
        ids["customers"] = list(bad["customer_id"])
        # interactions: copies of non-case events, with new ids nothing refers to
        it = self.interactions
        pool = np.flatnonzero(it["case_id"].isna().to_numpy())
        src = rng.choice(pool, 4, replace=False)
        bad = it.iloc[src].copy()
        base = len(it)
        bad["interaction_id"] = list(make_ids(f"{p}-I", 4, 7, start=base + 1))
        bad["customer_id"] = pd.array([f"{p}-C8{1:06d}", f"{p}-C8{2:06d}", bad["customer_id"].iloc[2],
                                       bad["customer_id"].iloc[3]], dtype="string")
        bad["wait_minutes"] = [bad["wait_minutes"].iloc[0], bad["wait_minutes"].iloc[1], -5.0,
                               bad["wait_minutes"].iloc[3]]
        bad["touchpoint"] = pd.array(list(bad["touchpoint"].iloc[:3]) + ["teleportation"], dtype="string")
        inv["interactions"] = {"unknown_customer_id": 2, "negative_wait_minutes": 1, "unknown_touchpoint": 1}
        if spec.layout != "canonical":        # text files can also hold a date that is not a date
            extra = it.iloc[[int(rng.choice(pool))]].copy()
            extra["interaction_id"] = list(make_ids(f"{p}-I", 1, 7, start=base + 5))
            bad = pd.concat([bad, extra])
            self.bad_time_id = str(extra["interaction_id"].iloc[0])
            inv["interactions"]["unparsable_date"] = 1
        self.interactions = pd.concat([it, bad], ignore_index=True)
        ids["interactions"] = list(bad["interaction_id"])
        # responses: nps 11, unknown customers, dates that are not dates
        rs = self.responses
        rel_rows = (rs["survey"] == "relationship").to_numpy()
        pool = np.flatnonzero(rel_rows & rs["comment"].isna().to_numpy())
        if len(pool) < 6:
            pool = np.flatnonzero(rel_rows) if rel_rows.sum() >= 6 else np.arange(len(rs))
        src = rng.choice(pool, 6, replace=False)
        bad = rs.iloc[src].copy()
        bad["response_id"] = list(make_ids(f"{p}-R", 6, 6, start=900001))
        bad["nps"] = pd.array([11, 11] + list(bad["nps"].iloc[2:]), dtype="Int64")
        bad["answered_at"] = pd.array(list(bad["answered_at"].iloc[:4]) + ["2025-02-30 09:15:00", "31/31/2025 25:61"],
                                      dtype="string")
        bad["comment"] = pd.array([None] * 6, dtype="string")
        # nps-11 and bad-date rows belong to customers who did not answer otherwise, so that they
        # cannot look like duplicate respondents
        free = self.cid[~self.respond][:4]
        bad["customer_id"] = pd.array([free[0], free[1], f"{p}-C7{1:06d}", f"{p}-C7{2:06d}", free[2], free[3]],
                                      dtype="string")
        self.responses = pd.concat([rs, bad], ignore_index=True).sort_values(["_day", "response_id"], kind="stable")
        self.responses = self.responses.drop(columns="_day").reset_index(drop=True)
        inv["responses"] = {"nps_out_of_range": 2, "unknown_customer_id": 2, "unparsable_date": 2}
        ids["responses"] = list(bad["response_id"])
        # mentions
        mn = self.mentions
        bad = mn.iloc[[0, 1]].copy()
        bad["mention_id"] = list(make_ids(f"{p}-M", 2, 6, start=900001))
        bad["posted_at"] = pd.array(["sometime in March", bad["posted_at"].iloc[1]], dtype="string")
        bad["customer_id"] = pd.array([None, f"{p}-C7{3:06d}"], dtype="string")
        bad["text"] = pd.array(["Still waiting.", "Never again."], dtype="string")
        self.mentions = pd.concat([mn, bad], ignore_index=True)
        inv["mentions"] = {"unparsable_date": 1, "unknown_customer_id": 1}
        ids["mentions"] = list(bad["mention_id"])
        self.invalid, self.invalid_ids = inv, ids
