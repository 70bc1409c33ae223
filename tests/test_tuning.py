"""Tuning on tune clips only: the replay builds what analyze builds, the search and the split."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

from companion.analysis import analyze_file
from companion.cues.engine import CueConfig
from companion.cues.rules import load_rules
from companion.evaluation import Split
from companion.tuning import (
    ClipRecording,
    config_for,
    default_params,
    descend,
    record_clip,
    replay,
    tune_split,
)

ClipFinder = Callable[[str], Path]
CLIPS = ("grid_bbaf2n.mpg", "liveportrait_d19.mp4", "grid_brbk7n.mpg")


def test_the_default_settings_are_the_engines_own() -> None:
    assert config_for(default_params()) == CueConfig()
    louder = config_for({"on": 0.8, "lip_scale": 1.3})
    assert louder.events.on == 0.8 and louder.events.off == 0.8 * 0.6
    assert louder.units.press == CueConfig().units.press * 1.3
    assert louder.per_cue["blink"].min_duration_s == CueConfig().per_cue["blink"].min_duration_s


def test_descent_finds_the_best_value_of_each_setting_in_turn() -> None:
    tried: list[dict[str, float]] = []

    def score(p: dict[str, float]) -> float:
        tried.append(dict(p))
        return -((p["a"] - 2) ** 2) - (p["b"] - 1) ** 2

    best = descend(score, {"a": 0.0, "b": 0.0}, {"a": (0.0, 1.0, 2.0, 3.0), "b": (0.0, 1.0, 2.0)})
    assert best == {"a": 2.0, "b": 1.0}
    assert tried[0] == {"a": 0.0, "b": 0.0}  # starts from the given settings


@functools.cache
def _recorded(path: Path) -> ClipRecording:
    """Each clip through the pipeline once for the whole module."""
    return record_clip(path)


def test_a_replay_of_the_recorded_faces_is_the_analysis(clip: ClipFinder) -> None:
    path = clip("liveportrait_d19.mp4")
    replayed = replay(_recorded(path), CueConfig(), load_rules(None))
    analysed = analyze_file(path).to_json()
    assert replayed == analysed


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
