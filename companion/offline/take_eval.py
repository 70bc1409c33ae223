"""The whole-take check: the self-tape review's reading scored against the labels.

`companion review` reads one face of a finished recording with the cue engine's whole-take
mode (`companion.cues.take`): its neutral learned over the take, plus the readings a take
needs. This scores that reading on every labelled clip of one labelled person, with the
matching rule of `companion eval`, so a change to the take's reading is judged on the
tune clips and reported on validation like any change to the engine. A take reads no
clusters, so only the cues are scored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from companion.cues.take import read_take
from companion.model import Box
from companion.offline.evaluation import Report, evaluate, load_labelled_clips
from companion.offline.recording import Recording, main_face
from companion.offline.tuning import record_clips


def take_analysis(recording: Recording) -> dict[str, Any]:
    """The whole-take reading of ``recording``'s main face, as an analysis document (one
    participant or none, its events only) that `companion.offline.evaluation` can score."""
    face = main_face(recording)
    people: list[dict[str, Any]] = []
    if face is not None:
        reading = read_take(face.participant, face.t, face.measures)
        events = [{"cue": e.cue, "start_s": e.start, "end_s": e.end} for e in reading.events]
        box = Box.median(face.boxes).as_list(6)
        people.append({"id": face.participant, "box": box, "events": events})
    return {"duration_s": recording.duration_s, "participants": people}


def take_clips(
    labels_dirs: Sequence[Path],
    clips_dir: Path,
    on_clip: Callable[[str], None] | None = None,
) -> Report:
    """The evaluation of the whole-take reading on every labelled clip of one person."""
    docs = [
        _without_clusters(d)
        for d in load_labelled_clips(labels_dirs, clips_dir)
        if len(d["participants"]) == 1
    ]
    recordings = record_clips(docs, clips_dir, on_clip)
    return evaluate(docs, lambda doc: take_analysis(recordings[str(doc["source"])]), [])


def _without_clusters(labels: Mapping[str, Any]) -> dict[str, Any]:
    people = [{k: v for k, v in p.items() if k != "clusters"} for p in labels["participants"]]
    return {**labels, "participants": people}
