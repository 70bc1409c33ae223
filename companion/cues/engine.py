"""The cue engine: faces over time in, movement events and clusters out, per participant.

    engine = CueEngine()                 # packaged rules; CueEngine(rules=path) for a copy
    update = engine.update(t, faces)     # faces: participant id -> Face landmarked at t
    update.events, update.clusters, update.ready
    engine.finish(t)                     # at the end of a video

Each participant is scored from their first frame against a neutral (`baseline.Neutral`)
that starts at the population's resting face (`population`) and moves to the calm middle of
the person's own last minute as it builds up; a recording (`CueEngine.prime`) is scored
against the minute around each moment. ``ready[pid]`` says when the neutral is mostly the
person's own.
A face turned away, in profile or while looking away from where it rests (see
`CueConfig.max_yaw_deg`), counts neither towards the warm-up nor the baseline, and only its
head movements (`look_away`, `head_down`) are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from companion.cues.baseline import Neutral, NeutralConfig, Prior, Vector
from companion.cues.events import EventDetector, EventParams, RawEvent, acceptable
from companion.cues.population import Population, load_population
from companion.cues.rules import ClusterMatcher, Pattern, load_rules
from companion.cues.scoring import CUES, MEASURE_FLOOR, Units, frozen_measures, intensities
from companion.cues.signals import LOWER_FACE, MEASURES, M, measure
from companion.cues.speech import SpeechConfig, SpeechState
from companion.model import Cluster, CueEvent, Face

_LOWER_FACE = np.array([name in LOWER_FACE for name in MEASURES], dtype=bool)
_POSE_CUES = frozenset({"look_away", "head_down"})
_FACE_CUES = np.array([cue not in _POSE_CUES for cue in CUES], dtype=bool)
"""The cues read from the face itself rather than from where the head points."""
_LOOK_AWAY = CUES.index("look_away")

_DEFAULT_EVENTS: dict[str, EventParams] = {
    "blink": EventParams(min_duration_s=0.05, max_duration_s=0.5, needs_onset=False),
    # Where a head rests depends on where the camera stands, not on the person: a head
    # turned or tipped from the first frame is how they sit, until it moves.
    "look_away": EventParams(needs_onset=True),
    "head_down": EventParams(needs_onset=True),
}


@dataclass(frozen=True)
class CueConfig:
    """Every tunable of the engine, with the values chosen on the labelled clips."""

    neutral: NeutralConfig = field(default_factory=NeutralConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    units: Units = field(default_factory=Units)
    events: EventParams = field(default_factory=lambda: EventParams(needs_onset=False))
    """Event thresholds for every cue without an entry in ``per_cue``. A movement already
    under way at a face's first frame is reported: it is measured against the population's
    neutral, not against itself."""
    per_cue: Mapping[str, EventParams] = field(default_factory=lambda: dict(_DEFAULT_EVENTS))
    speech_cues: frozenset[str] = frozenset({"lip_press", "mouth_corners_down"})
    """Cues that speech imitates: lips close for /p/ /b/ /m/ and the corners move with them."""
    speech_factor: float = 1.5
    """While speaking, those cues must reach this many times their usual ``on`` ..."""
    speech_min_s: float = 0.4
    """... and last this long (a /p/ /b/ /m/ closure lasts about 0.1 s)."""
    strength_full: float = 2.0
    """Peak intensity that counts as strength 1 (an intensity of 1 is a clear movement)."""
    lost_after_s: float = 1.0
    """A participant unseen this long has their open events closed at their last frame
    (longer than the gap between two samples of a participant the scheduler round-robins)."""
    max_yaw_deg: float = 40.0
    """A face turned further than this from the camera (towards profile) is not read for
    facial movements, nor learned from: its far side is hidden and its landmarks guessed.
    Nor is a face while it looks away (`look_away` at 1 or more, a turn of `Units.yaw_deg`
    from where it rests): the pose correction of the measures is least trusted on a turn,
    and on the clips tried, turns were read as drawn brows and pressed lips."""

    def params(self, cue: str) -> EventParams:
        """Event thresholds of one cue."""
        return self.per_cue.get(cue, self.events)

    def with_sensitivity(self, level: str) -> CueConfig:
        """This configuration with every event threshold scaled for the user's choice.

        ``low`` asks for clearer movements (thresholds x1.25), ``high`` notices smaller
        ones (x0.8); ``medium`` is the tuned default.
        """
        if level not in SENSITIVITY_SCALE:
            raise ValueError(f"sensitivity must be one of {sorted(SENSITIVITY_SCALE)}: {level!r}")
        k = SENSITIVITY_SCALE[level]

        def scaled(e: EventParams) -> EventParams:
            return replace(e, on=e.on * k, off=e.off * k)

        per_cue = {cue: scaled(e) for cue, e in self.per_cue.items()}
        return replace(self, events=scaled(self.events), per_cue=per_cue)


SENSITIVITY_SCALE: Mapping[str, float] = {"low": 1.25, "medium": 1.0, "high": 0.8}
"""How the overlay's sensitivity setting scales the event thresholds."""


@dataclass(frozen=True)
class CueUpdate:
    """What one call of `CueEngine.update` or `CueEngine.finish` produced."""

    events: list[CueEvent]
    """Events that ended by this update (complete onset..offset)."""
    clusters: list[Cluster]
    """Clusters completed by this update."""
    ready: dict[str, bool]
    """Whether each participant seen so far has a ready baseline (scored only when True)."""


class _Person:
    """Everything the engine keeps about one participant."""

    def __init__(
        self, pid: str, config: CueConfig, patterns: tuple[Pattern, ...], prior: Population
    ) -> None:
        self.pid = pid
        self.config = config
        self.neutral = self._neutral(prior.rest)
        self.closed = self._neutral(prior.closed)
        """The neutral of the frames with closed lips (lip cues are judged against it)."""
        self.speech = SpeechState(config.speech)
        self.detectors = {cue: EventDetector(config.params(cue)) for cue in CUES}
        self.matcher = ClusterMatcher(patterns)
        self.last_t: float | None = None
        self.away = False
        """Unseen for longer than ``lost_after_s``, with open events already closed."""

    def _neutral(self, prior: Prior) -> Neutral:
        return Neutral(prior, MEASURE_FLOOR, self.config.neutral, M["mouth_activity"], _LOWER_FACE)

    def prime(self, samples: Sequence[tuple[float, Vector]]) -> None:
        """Learn the neutral from the whole recording before it is scored."""
        upright = [(t, x) for t, x in samples if not self._in_profile(x)]
        self.neutral.prime(upright)
        self.closed.prime([(t, x) for t, x in upright if self._lips_closed(x)])

    def observe(self, t: float, x: Vector, events: list[CueEvent], clusters: list[Cluster]) -> None:
        self.last_t = t
        self.away = False
        speaking = self.speech.update(t, float(x[M["lip_gap"]]))
        self._score(t, x, speaking, events, clusters)

    def _in_profile(self, x: Vector) -> bool:
        return bool(abs(x[M["yaw"]]) > self.config.max_yaw_deg)

    def _lips_closed(self, x: Vector) -> bool:
        return bool(x[M["lip_gap"]] < self.config.units.lips_closed)

    def close(self, events: list[CueEvent], clusters: list[Cluster]) -> None:
        self.away = True
        for cue, detector in self.detectors.items():
            self._emit(cue, detector.finish(), events, clusters)

    def _score(
        self,
        t: float,
        x: Vector,
        speaking: bool,
        events: list[CueEvent],
        clusters: list[Cluster],
    ) -> None:
        rest, spread = self.neutral.at(t)
        closed, _ = self.closed.at(t)
        values = intensities(x, rest, self.config.units, closed, spread)
        cfg = self.config
        turned = self._in_profile(x) or values[_LOOK_AWAY] >= 1.0
        if turned:
            values[_FACE_CUES] = 0.0
        for cue, value in zip(CUES, values, strict=True):
            detector = self.detectors[cue]
            if cue in cfg.speech_cues:
                strict_on = cfg.params(cue).on * cfg.speech_factor
                raw = detector.update(t, float(value), strict_on=strict_on, strict=speaking)
            else:
                raw = detector.update(t, float(value))
            self._emit(cue, raw, events, clusters)
        if turned:
            return
        active = np.array([self.detectors[c].active for c in CUES], dtype=bool)
        frozen = frozen_measures(active)
        self.neutral.add(t, x, frozen)
        if self._lips_closed(x):
            self.closed.add(t, x, frozen)

    def _emit(
        self,
        cue: str,
        raw: RawEvent | None,
        events: list[CueEvent],
        clusters: list[Cluster],
    ) -> None:
        if raw is None:
            return
        cfg = self.config
        strict_min = cfg.speech_min_s if cue in cfg.speech_cues else None
        if not acceptable(raw, cfg.params(cue), strict_min):
            return
        event = CueEvent(
            participant=self.pid,
            cue=cue,
            start=raw.start,
            end=raw.end,
            peak=raw.peak_t,
            strength=float(min(1.0, max(0.0, raw.peak / cfg.strength_full))),
        )
        events.append(event)
        clusters.extend(self.matcher.add(event))


class CueEngine:
    """Movement events and clusters for every participant of a call or video."""

    def __init__(
        self,
        rules: str | Path | None = None,
        config: CueConfig | None = None,
        patterns: tuple[Pattern, ...] | None = None,
        prior: Population | None = None,
    ) -> None:
        """``rules`` is a rules file (None: the packaged one); ``patterns``, rules already
        loaded (`companion.cues.rules.load_rules`), takes its place when given. ``prior`` is
        the population's resting face (None: the packaged `companion.cues.population`)."""
        self.config = config or CueConfig()
        self.patterns = patterns if patterns is not None else load_rules(rules)
        self.prior = prior if prior is not None else load_population()
        self._people: dict[str, _Person] = {}

    def update(self, t: float, faces: Mapping[str, Face]) -> CueUpdate:
        """Score the faces landmarked at ``t`` (participants absent were not sampled)."""
        return self.update_measures(t, {pid: measure(face) for pid, face in faces.items()})

    def update_measures(self, t: float, measures: Mapping[str, Vector]) -> CueUpdate:
        """`update` from precomputed `companion.cues.signals.measure` vectors."""
        events: list[CueEvent] = []
        clusters: list[Cluster] = []
        for pid, x in measures.items():
            self._person(pid).observe(t, x, events, clusters)
        for pid, person in self._people.items():
            if person.away or pid in measures or person.last_t is None:
                continue
            if t - person.last_t > self.config.lost_after_s:
                person.close(events, clusters)
        return CueUpdate(events, clusters, self.ready())

    def prime(self, samples: Mapping[str, Sequence[tuple[float, Vector]]]) -> None:
        """Learn each participant's neutral from a whole recording (times and `measure`
        vectors) before scoring it: the neutral at each moment is then the calm middle of
        the minute around it, so nothing the face did first is taken for its rest."""
        for pid, rows in samples.items():
            self._person(pid).prime(rows)

    def _person(self, pid: str) -> _Person:
        person = self._people.get(pid)
        if person is None:
            person = self._people[pid] = _Person(pid, self.config, self.patterns, self.prior)
        return person

    def ready(self) -> dict[str, bool]:
        """Whether each participant's neutral rests on enough of their own face
        (`NeutralConfig.ready_s`); before that it leans on the population prior."""
        return {pid: p.neutral.ready for pid, p in self._people.items()}

    def forget(self, participant_id: str) -> None:
        """Free a participant's state (they left); unknown ids are ignored."""
        self._people.pop(participant_id, None)

    def finish(self, t: float) -> CueUpdate:
        """Close every event still under way (end of a video).

        ``t`` is the end time; each event ends at its last frame above threshold, at or
        before it.
        """
        events: list[CueEvent] = []
        clusters: list[Cluster] = []
        for person in self._people.values():
            person.close(events, clusters)
        return CueUpdate(events, clusters, self.ready())
