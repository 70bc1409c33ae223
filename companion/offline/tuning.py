"""Tuning on the tune clips, judged on the validation clips: how well settings carry to faces
they were not tuned on.

    recordings = record_clips(labels, clips_dir)          # the pipeline runs once per clip
    result = tune_split(labels, recordings, patterns, split)

Each clip is recorded once (`companion.offline.recording`); every candidate setting then
replays the recording through the cue engine (`replay`), which builds the same analysis
document `companion analyze` writes. The search (`descend`) is a coordinate descent over a
few settings with a meaning (`SEARCH`), starting from the defaults, on the tune clips of
the fixed split (`companion.evaluation.Split`) only; the validation clips are then scored
with what it picked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from companion.cues.engine import CueConfig, CueEngine
from companion.cues.events import EventParams
from companion.cues.rules import Pattern
from companion.errors import InputError
from companion.offline.analysis import analyze_recording
from companion.offline.evaluation import Report, Split, evaluate, load_labelled_clips
from companion.offline.recording import Recording, record_file

Params = Mapping[str, float]

SEARCH: Mapping[str, tuple[float, ...]] = {
    "on": (0.8, 1.0, 1.2),
    "off_ratio": (0.5, 0.6, 0.75),
    "min_duration_s": (0.1, 0.15, 0.2),
    "merge_gap_s": (0.1, 0.2, 0.25, 0.35, 0.5),
    "calm_fraction": (0.5, 0.65, 0.8),
    "brow_scale": (0.75, 1.0, 1.3),
    "lip_scale": (0.75, 1.0, 1.3),
    "speech_factor": (1.0, 1.5, 2.0),
    "speech_min_s": (0.2, 0.3, 0.4),
}
"""The settings searched and the values tried: event thresholds (``on``, ``off`` as a ratio
of ``on``), event durations, the baseline's calm fraction, the brow and lip units scaled
together, and the bar for lip cues during speech."""


def default_params() -> dict[str, float]:
    """The engine's defaults in `SEARCH` terms (the scales at 1)."""
    config = CueConfig()
    events = config.events
    return {
        "on": events.on,
        "off_ratio": round(events.off / events.on, 6),
        "min_duration_s": events.min_duration_s,
        "merge_gap_s": events.merge_gap_s,
        "calm_fraction": config.baseline.calm_fraction,
        "brow_scale": 1.0,
        "lip_scale": 1.0,
        "speech_factor": config.speech_factor,
        "speech_min_s": config.speech_min_s,
    }


def config_for(params: Params) -> CueConfig:
    """The engine configuration for ``params`` (defaults for anything not given)."""
    p = {**default_params(), **params}
    base = CueConfig()
    u = base.units
    brow, lip = p["brow_scale"], p["lip_scale"]
    units = replace(
        u,
        brow_gap=u.brow_gap * brow,
        brow_drop=u.brow_drop * brow,
        lip_thin=u.lip_thin * lip,
        press=u.press * lip,
        roll=u.roll * lip,
        chin_raise=u.chin_raise * lip,
    )

    def own(events: EventParams) -> EventParams:
        # A cue with event settings of its own (`CueConfig.per_cue`) keeps them, its
        # thresholds moved with the search's.
        k = p["on"] / base.events.on
        return replace(events, on=events.on * k, off=events.off * k)

    return replace(
        base,
        units=units,
        events=replace(
            base.events,
            on=p["on"],
            off=p["on"] * p["off_ratio"],
            merge_gap_s=p["merge_gap_s"],
            min_duration_s=p["min_duration_s"],
        ),
        per_cue={cue: own(e) for cue, e in base.per_cue.items()},
        baseline=replace(base.baseline, calm_fraction=p["calm_fraction"]),
        speech_factor=p["speech_factor"],
        speech_min_s=p["speech_min_s"],
    )


def replay(
    recording: Recording, config: CueConfig, patterns: tuple[Pattern, ...]
) -> dict[str, Any]:
    """The analysis document of ``recording`` with the engine set to ``config``."""
    engine = CueEngine(config=config, patterns=patterns)
    return analyze_recording(recording, engine=engine).to_json()


def objective(report: Report) -> float:
    """What the search maximises: F1 of the two cues of a tension cluster, a quarter of the
    F1 of three more, the F0.5 of all clusters (precision counts double), and a penalty of
    0.3 per cluster on a neutral clip."""
    cues = report.cue_totals()

    def f1(cue: str) -> float:
        tally = cues.get(cue)
        return (tally.f1 or 0.0) if tally is not None else 0.0

    clusters = report.all_clusters()
    precision = clusters.precision if clusters.precision is not None else 1.0
    recall = clusters.recall or 0.0
    f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    others = f1("mouth_corners_down") + f1("smile") + f1("inner_brow_raise")
    neutral = int(report.neutral()["clusters"])
    return f1("brow_lower") + f1("lip_press") + 0.25 * others + f05 - 0.3 * neutral


class Scorer:
    """Scores settings on any subset of the labelled clips, replaying each clip once per
    setting (the same setting is asked for again and again across the held-out folds)."""

    def __init__(
        self,
        labels: Sequence[Mapping[str, Any]],
        recordings: Mapping[str, Recording],
        patterns: tuple[Pattern, ...],
    ) -> None:
        self.labels = {str(doc["source"]): doc for doc in labels}
        self.recordings = recordings
        self.patterns = patterns
        self._docs: dict[tuple[str, tuple[tuple[str, float], ...]], dict[str, Any]] = {}

    def report(self, params: Params, names: Sequence[str]) -> Report:
        """The evaluation of ``params`` on the clips ``names``."""
        key = tuple(sorted(params.items()))
        config = config_for(params)

        def analyse(doc: Mapping[str, Any]) -> Mapping[str, Any]:
            name = str(doc["source"])
            cached = self._docs.get((name, key))
            if cached is None:
                cached = replay(self.recordings[name], config, self.patterns)
                self._docs[(name, key)] = cached
            return cached

        return evaluate([self.labels[n] for n in names], analyse, [p.name for p in self.patterns])


def descend(
    score: Callable[[Params], float],
    start: Params,
    search: Mapping[str, Sequence[float]] = SEARCH,
    passes: int = 2,
) -> dict[str, float]:
    """Coordinate descent: try each value of each setting in turn, keep any that scores
    higher, and go round again (at most ``passes`` times) while something changed."""
    best_params = dict(start)
    best = score(best_params)
    for _ in range(passes):
        changed = False
        for name, values in search.items():
            for value in values:
                if value == best_params[name]:
                    continue
                trial = {**best_params, name: value}
                result = score(trial)
                if result > best + 1e-9:
                    best, best_params, changed = result, trial, True
        if not changed:
            break
    return best_params


@dataclass(frozen=True)
class Tuned:
    """Settings chosen on the tune clips, scored on the tune and the validation clips."""

    chosen: dict[str, float]
    """The settings the search picks on the tune clips."""
    tune: Report
    validation: Report
    """The validation clips scored with ``chosen``: faces the search never saw."""


def tune_split(
    labels: Sequence[Mapping[str, Any]],
    recordings: Mapping[str, Recording],
    patterns: tuple[Pattern, ...],
    split: Split,
    search: Mapping[str, Sequence[float]] = SEARCH,
) -> Tuned:
    """Search the settings on the tune clips only, then score the validation clips."""
    scorer = Scorer(labels, recordings, patterns)
    tune = split.names(labels, "tune")
    validation = split.names(labels, "validation")
    if not tune:
        raise InputError("the split names no labelled tune clip: nothing to tune on")
    chosen = descend(lambda p: objective(scorer.report(p, tune)), default_params(), search)
    return Tuned(chosen, scorer.report(chosen, tune), scorer.report(chosen, validation))


def tune_clips(
    labels_dirs: Sequence[Path],
    clips_dir: Path,
    split: Split,
    rules: Path | None = None,
    on_clip: Callable[[str], None] | None = None,
) -> Tuned:
    """`tune_split` on the labelled clips of ``labels_dirs`` found in ``clips_dir``."""
    from companion.cues.rules import load_rules

    labels = [
        doc
        for doc in load_labelled_clips(labels_dirs, clips_dir)
        if split.set_of(str(doc["source"])) != "unsplit"
    ]
    patterns = load_rules(rules)
    return tune_split(labels, record_clips(labels, clips_dir, on_clip), patterns, split)


def record_clips(
    labels: Sequence[Mapping[str, Any]],
    clips_dir: Path,
    on_clip: Callable[[str], None] | None = None,
) -> dict[str, Recording]:
    """`record_file` of each labelled clip, by name; ``on_clip`` is told each name first."""
    recordings = {}
    for doc in labels:
        name = str(doc["source"])
        if on_clip is not None:
            on_clip(name)
        recordings[name] = record_file(clips_dir / name)
    return recordings
