"""Tuning on tune clips only: the replay builds what analyze builds, the search and the split."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from companion.capture.video import VideoFileSource
from companion.cues.engine import CueConfig, CueEngine
from companion.cues.rules import load_rules
from companion.cues.signals import measure
from companion.offline.analysis import Analysis, CueRecords
from companion.offline.evaluation import Split
from companion.offline.recording import Recording, process_file, record_file
from companion.offline.tuning import (
    config_for,
    default_params,
    descend,
    replay,
    tune_split,
)
from companion.vision.pipeline import Pipeline

ClipFinder = Callable[[str], Path]
CLIPS = ("grid_bbaf2n.mpg", "liveportrait_d19.mp4", "grid_brbk7n.mpg")


def test_the_default_settings_are_the_engines_own() -> None:
    assert config_for(default_params()) == CueConfig()
    louder = config_for({"on": 0.8, "lip_scale": 1.3})
    assert louder.events.on == 0.8 and louder.events.off == 0.8 * 0.6
    assert louder.units.press == CueConfig().units.press * 1.3
    blink = CueConfig().per_cue["blink"]
    assert louder.per_cue["blink"].min_duration_s == blink.min_duration_s
    assert louder.per_cue["blink"].merge_gap_s == blink.merge_gap_s
    assert louder.per_cue["blink"].off == pytest.approx(blink.off * 0.8)


def test_descent_finds_the_best_value_of_each_setting_in_turn() -> None:
    tried: list[dict[str, float]] = []

    def score(p: dict[str, float]) -> float:
        tried.append(dict(p))
        return -((p["a"] - 2) ** 2) - (p["b"] - 1) ** 2

    best = descend(score, {"a": 0.0, "b": 0.0}, {"a": (0.0, 1.0, 2.0, 3.0), "b": (0.0, 1.0, 2.0)})
    assert best == {"a": 2.0, "b": 1.0}
    assert tried[0] == {"a": 0.0, "b": 0.0}  # starts from the given settings


@functools.cache
def _recorded(path: Path) -> Recording:
    """Each clip through the pipeline once for the whole module."""
    return record_file(path)


def _as_the_frames_come(path: Path, config: CueConfig) -> dict[str, object]:
    """The analysis document with the engine fed each frame's faces straight from the
    pipeline, as the overlay feeds it: no recording in between."""

    def work(source: VideoFileSource, pipeline: Pipeline, tick: object) -> Analysis:
        cues = CueRecords(CueEngine(config=config))
        for frame in source.frames():
            faces = pipeline.step(frame).faces
            measures = {pid: measure(face) for pid, face in faces.items()}
            cues.frame(frame.t, measures, {pid: face.box for pid, face in faces.items()})
        fps = source.info.fps
        return Analysis(source.path.name, fps, 0, cues.last_t + 1 / fps, cues.finish())

    return process_file(path, work).to_json()


def test_a_replay_of_the_recording_is_the_engine_on_the_frames_as_they_come(
    clip: ClipFinder,
) -> None:
    path = clip("liveportrait_d19.mp4")  # frowns and pressed lips: events and a cluster
    louder = config_for({"on": 0.8})
    for config in (CueConfig(), louder):
        replayed = replay(_recorded(path), config, load_rules(None))
        direct = _as_the_frames_come(path, config)
        assert replayed["participants"] and replayed["participants"][0]["events"]
        assert replayed["participants"] == direct["participants"]
        assert replayed["duration_s"] == direct["duration_s"]


def test_settings_are_picked_on_the_tune_clips_and_scored_on_the_validation_ones(
    clip: ClipFinder, shared_data: Path
) -> None:
    labels = [json.loads((shared_data / "labels" / f"{name}.json").read_text()) for name in CLIPS]
    recordings = {name: _recorded(clip(name)) for name in CLIPS}
    patterns = load_rules(None)
    split = Split(tune=frozenset(CLIPS[:2]), validation=frozenset(CLIPS[2:]))
    fixed = tune_split(labels, recordings, patterns, split, search={"on": (1.0,)})
    assert fixed.chosen == default_params()  # nothing to choose
    assert [c.source for c in fixed.tune.clips] == list(CLIPS[:2])
    assert [c.source for c in fixed.validation.clips] == list(CLIPS[2:])
    # the validation clip never takes part in the choice: changing its labels changes nothing
    muted = [dict(doc) for doc in labels]
    muted[2] = {**muted[2], "participants": []}
    searched = tune_split(labels, recordings, patterns, split, search={"on": (0.6, 1.0, 1.4)})
    again = tune_split(muted, recordings, patterns, split, search={"on": (0.6, 1.0, 1.4)})
    assert searched.chosen == again.chosen
