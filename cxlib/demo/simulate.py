"""One demo client's simulation: every table drawn from one seeded random stream, in a fixed order.

:class:`Simulation` combines the table-by-table draws (:mod:`~cxlib.demo.journeys`,
:mod:`~cxlib.demo.surveys`, :mod:`~cxlib.demo.voice`, :mod:`~cxlib.demo.frames`) and the planted
truth (:mod:`~cxlib.demo.planted`). The order of the steps is part of the output: the same seed
gives byte-identical files only because every draw happens in the same order.
"""

from __future__ import annotations

import random
import zlib

import numpy as np

from cxlib.demo.common import ASSISTED, Progress
from cxlib.demo.frames import FrameBuilder
from cxlib.demo.journeys import JourneyDraws
from cxlib.demo.planted import PlantedTruth
from cxlib.demo.specs import CHANNEL_ORDER, ClientSpec
from cxlib.demo.surveys import SurveyDraws
from cxlib.demo.text import LEAF_THEMES, VOCAB
from cxlib.demo.voice import VoiceDraws

__all__ = ["Simulation"]


class Simulation(JourneyDraws, SurveyDraws, VoiceDraws, FrameBuilder, PlantedTruth):
    """Draws every table of one client; fills ``customers``, ``interactions``, ``responses`` ..."""

    def __init__(self, spec: ClientSpec, n: int, seed: int, say: Progress):
        self.spec, self.n, self.seed, self.say = spec, n, seed, say
        self.rng = np.random.default_rng([seed, zlib.crc32(spec.name.encode())])
        self.rnd = random.Random(int(self.rng.integers(2**62)))
        # a second, independent stream for the effects planted later (issue 14): adding them leaves
        # every draw of the first stream where it was
        self.rng2 = np.random.default_rng([seed, zlib.crc32(spec.name.encode()), 2])
        self.rnd2 = random.Random(int(self.rng2.integers(2**62)))
        self.tps = spec.touchpoints
        self.tp_ids = [t.id for t in self.tps]
        self.T = len(self.tps)
        self.channels = sorted({c for t in self.tps for c in t.channels}, key=lambda c: CHANNEL_ORDER.index(c))
        self.C = len(self.channels)
        cum = np.zeros((self.T, self.C))
        for j, t in enumerate(self.tps):
            p = np.array([t.channels.get(c, 0.0) for c in self.channels])
            cum[j] = np.cumsum(p / p.sum())
        self.ch_cum = cum
        self.stage_of = np.array([spec.stages.index(t.stage) for t in self.tps])
        self.dept_of = np.array([spec.departments.index(t.department) for t in self.tps])
        self.tp_quality = np.array([4.45 + spec.stage_offsets[s] + t.quality for s, t in zip(self.stage_of, self.tps)])
        self.key = self.tp_ids.index(spec.key_driver)
        self.assisted = np.array([c in ASSISTED for c in self.channels])
        self.vocab = VOCAB[spec.industry]
        self.leaf = {t: i for i, t in enumerate(LEAF_THEMES)}
        self.planted: dict = {}
        self.pii_rows: list[tuple[str, str, str, str, bool]] = []

    def run(self) -> None:
        """Draw every table, in the order that keeps the output byte-identical for a seed."""
        name = self.spec.name
        self.say(f"{name}: customers")
        self.draw_customers()
        self.say(f"{name}: interactions")
        self.draw_events()
        self.draw_cases()
        self.combine_interactions()
        self.draw_churn()
        self.say(f"{name}: survey responses")
        self.draw_relationship_survey()
        self.draw_transactional_survey()
        self.say(f"{name}: comments")
        self.draw_responses()
        self.draw_mentions()
        self.draw_incident()
        self.draw_public_voice()
        self.draw_self_assessment()
        self.build_frames()
        self.draw_benchmark()
        self.plant_invalid_rows()
        self.measure_planted()
