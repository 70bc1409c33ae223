"""Prompts for a recorded video: the overlay's pacing, applied in video time."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from companion.model import Cluster
from companion.prompts.library import default_library
from companion.prompts.offline import prompt_record, prompts_for
from companion.prompts.pacing import PacingConfig


def _c(who: str, pattern: str, start: float, end: float) -> Cluster:
    cues = {"tension": ("brow_lower", "lip_press"), "drop": ("inner_brow_raise",)}
    return Cluster(who, pattern, cues.get(pattern, ("gaze_down", "smile")), start, end)


def test_clusters_in_any_order_become_paced_prompts() -> None:
    clusters = [
        _c("p2", "drop", 100.1, 100.8),  # over a minute after p1's card: shown
        _c("p2", "drop", 90.0, 90.4),  # under a minute after p1's card: dropped
        _c("p1", "tension", 3.1, 3.6),  # video start: baselines forming, dropped
        _c("p1", "tension", 40.0, 40.5),  # first card at 40.5
        _c("p3", "masked", 41.0, 42.0),  # p1's card still showing: dropped
        _c("p1", "masked", 160.0, 161.0),  # p1's cooldown (180 s): dropped
        _c("p3", "masked", 230.0, 231.2),  # spaced out enough: shown
    ]
    prompts = prompts_for(clusters, "meeting")
    assert [(p.participant, p.pattern, p.t) for p in prompts] == [
        ("p1", "tension", 40.5),
        ("p2", "drop", 100.8),
        ("p3", "masked", 231.2),
    ]
    lib = default_library()
    for p in prompts:
        assert p.text in lib.lines(p.pattern, "meeting")
        assert p.detail == lib.movement(p.pattern)


def test_context_and_config_are_honoured() -> None:
    # Both inside the default warm-up: held by default, shown by an eager configuration.
    clusters = [_c("p1", "drop", 5.0, 5.5), _c("p1", "drop", 8.0, 8.5)]
    assert PacingConfig().warmup_s > 8.5
    assert prompts_for(clusters, "candidate") == []
    eager = PacingConfig(warmup_s=0, participant_cooldown_s=0, card_s=1, max_per_minute=5)
    prompts = prompts_for(clusters, "candidate", eager)
    assert [p.t for p in prompts] == [5.5, 8.5]
    assert all(p.text in default_library().lines("drop", "candidate") for p in prompts)


def test_same_clusters_same_prompts() -> None:
    clusters = [_c(f"p{i % 3}", "tension", 50.0 + 70 * i, 50.5 + 70 * i) for i in range(12)]
    shuffled = clusters[5:] + clusters[:5]
    prompts = prompts_for(clusters, "interviewer")
    assert len(prompts) >= 4
    assert prompts == prompts_for(shuffled, "interviewer")


def test_prompt_record_fits_the_analysis_schema() -> None:
    prompts = prompts_for([_c("p1", "tension", 40.0, 40.4567)], "one-on-one")
    record = prompt_record(prompts[0])
    assert record == {"t_s": 40.457, "pattern": "tension", "text": prompts[0].text}
    text = (resources.files("companion.schemas") / "analysis-1.schema.json").read_text()
    schema = json.loads(text)
    item = schema["properties"]["participants"]["items"]["properties"]["prompts"]["items"]
    jsonschema.validate(record, item)
