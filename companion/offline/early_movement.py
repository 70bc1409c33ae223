"""The early-movement check: does a movement in a face's first seconds spoil what follows?

A face that frowns or presses its lips while the engine learns its neutral can take that
movement for its resting face, and then miss the same movement later. The labelled clips
mostly start at rest, so `companion eval` alone does not show it. This check builds, from
each clip with one labelled person, a clip that *starts* with that person's longest
`brow_lower` or `lip_press` movement: the movement's own frames, repeated to fill
`LEAD_S`, then the whole clip. The labels move with it, and the added lead is labelled as
the movement it shows. Scored with the same rule as `companion eval`, the figures say how
much a moving start costs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from companion.offline.evaluation import Report, evaluate, load_labelled_clips
from companion.offline.recording import Recording
from companion.offline.tuning import record_clips, replay

LEAD_S = 2.0
"""Seconds of movement put before each clip: the engine's warm-up (`BaselineConfig`)."""
LEAD_CUES = ("brow_lower", "lip_press")
MIN_MOVEMENT_S = 0.4
"""Shorter movements are not used as a lead: a few frames looped would jitter."""


def lead_movement(labels: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The labelled movement a clip's lead is made of: its one person's longest
    `LEAD_CUES` event of at least `MIN_MOVEMENT_S`; None when the clip does not have one
    or has not exactly one labelled person."""
    people = labels["participants"]
    if len(people) != 1:
        return None
    movements = [
        e
        for e in people[0]["events"]
        if e["cue"] in LEAD_CUES and e["end_s"] - e["start_s"] >= MIN_MOVEMENT_S
    ]
    return max(movements, key=lambda e: e["end_s"] - e["start_s"]) if movements else None


def with_early_movement(
    recording: Recording, labels: Mapping[str, Any], lead_s: float = LEAD_S
) -> tuple[Recording, dict[str, Any]] | None:
    """``recording`` and its ``labels`` with a moving lead (see the module notes); None
    when the clip has no `lead_movement` or no frame inside it."""
    movement = lead_movement(labels)
    if movement is None or recording.fps <= 0:
        return None
    t = recording.frame_t
    inside = np.flatnonzero((t >= movement["start_s"]) & (t <= movement["end_s"]))
    if not len(inside):
        return None
    step = 1.0 / recording.fps
    count = max(1, round(lead_s / step))
    shift = count * step
    order = np.concatenate([inside[np.arange(count) % len(inside)], np.arange(len(t))])
    times = np.concatenate([np.arange(count) * step, t + shift])
    doc = copy.deepcopy(dict(labels))
    person = doc["participants"][0]
    for event in person["events"]:
        event["start_s"] += shift
        event["end_s"] += shift
    person["events"].insert(
        0, {"cue": movement["cue"], "start_s": 0.0, "end_s": shift, "confidence": "clear"}
    )
    return recording.retimed(order, times), doc


def early_movement_clips(
    labels_dirs: Sequence[Path],
    clips_dir: Path,
    rules: Path | None = None,
    on_clip: Callable[[str], None] | None = None,
) -> Report:
    """The evaluation of every labelled clip with a `lead_movement`, given that lead."""
    from companion.cues.engine import CueConfig
    from companion.cues.rules import load_rules

    patterns = load_rules(rules)
    config = CueConfig()
    leading = [
        labels for labels in load_labelled_clips(labels_dirs, clips_dir) if lead_movement(labels)
    ]
    docs: list[dict[str, Any]] = []
    analyses: dict[str, dict[str, Any]] = {}
    recordings = record_clips(leading, clips_dir, on_clip).values()
    for labels, recording in zip(leading, recordings, strict=True):
        made = with_early_movement(recording, labels)
        if made is None:
            continue
        moved, doc = made
        docs.append(doc)
        analyses[str(doc["source"])] = replay(moved, config, patterns)
    return evaluate(docs, lambda doc: analyses[str(doc["source"])], [p.name for p in patterns])
