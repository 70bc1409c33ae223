"""The cue engine over a recorded video, summarised as `companion.analysis/1`.

    analysis = analyze_file(path, engine=CueEngine(), json_out=out)   # records, then replays
    analysis = analyze_recording(recording, engine=CueEngine(config=other))

The video is recorded once (`companion.offline.recording`); the engine then replays the
recording frame by frame, as the frames came, so the evaluation and the tuning search can
replay the same recording under other settings and get the document `companion analyze`
would write with them.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from companion.atomic import atomic_text_writer, check_writable, write_json_atomic
from companion.cues.engine import CueEngine, CueUpdate, Reading
from companion.cues.scoring import CUES
from companion.cues.signals import MEASURES, Vector
from companion.model import BLENDSHAPE_NAMES, Box, Cluster, CueEvent, Prompt
from companion.offline.recording import FaceSeries, Progress, Recording, no_progress, record_file
from companion.prompts.offline import prompt_record, prompts_for

SCHEMA = "companion.analysis/1"
MIN_SAMPLES = 3
"""A participant landmarked in fewer frames than this is left out as a stray detection.

Deliberately fewer than the engine's minimum for a baseline (`BaselineConfig.min_samples`,
which the review asks of the face it reviews): a person in a short video is listed even
when too briefly seen to have movements."""

SIGNAL_COLUMNS: tuple[str, ...] = (
    "t_s",
    "frame",
    "participant",
    "yaw",
    "pitch",
    "roll",
    *BLENDSHAPE_NAMES,
    *(column for name in MEASURES for column in (name, f"{name}_neutral")),
    *(f"{cue}_intensity" for cue in CUES),
)
"""Pose, blendshapes, then each measure the cues read beside the neutral it was compared
with, then each cue's intensity (1: a clear movement). Neutrals and intensities are blank
while the person's neutral is still being learned."""


@dataclass
class ParticipantRecord:
    """Everything collected about one participant over a video."""

    id: str
    first_seen: float
    last_seen: float
    boxes: list[Box] = field(default_factory=list)
    events: list[CueEvent] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    baseline_ready: bool = False
    """Whether the cue engine ever had a baseline for this face (no events without one)."""
    prompts: list[Prompt] = field(default_factory=list)

    def median_box(self) -> Box:
        """The participant's median face box."""
        return Box.median([(b.x, b.y, b.w, b.h) for b in self.boxes])

    def to_json(self) -> dict[str, Any]:
        """The participant object of the analysis JSON."""
        return {
            "id": self.id,
            "box": self.median_box().as_list(),
            "first_seen_s": round(self.first_seen, 3),
            "last_seen_s": round(self.last_seen, 3),
            "baseline_ready": self.baseline_ready,
            "events": [
                {
                    "cue": e.cue,
                    "start_s": round(e.start, 3),
                    "end_s": round(e.end, 3),
                    "peak_s": round(e.peak, 3),
                    "strength": round(e.strength, 3),
                    "micro": e.micro,
                }
                for e in sorted(self.events, key=lambda e: (e.start, e.cue))
            ],
            "clusters": [
                {
                    "pattern": c.pattern,
                    "cues": list(c.cues),
                    "start_s": round(c.start, 3),
                    "end_s": round(c.end, 3),
                }
                for c in sorted(self.clusters, key=lambda c: (c.start, c.pattern))
            ],
            "prompts": [prompt_record(p) for p in sorted(self.prompts, key=lambda p: p.t)],
        }


@dataclass
class Analysis:
    """A finished analysis of one video."""

    source: str
    fps: float
    frames: int
    duration_s: float
    participants: list[ParticipantRecord]
    truncated: bool = False
    context: str = "meeting"
    declared_frames: int = 0
    """Frames the file's header announced (0: unknown); more than `frames` when truncated."""

    def to_json(self) -> dict[str, Any]:
        """The `companion.analysis/1` document (see docs and DESIGN.md)."""
        return {
            "schema": SCHEMA,
            "source": self.source,
            "fps": round(self.fps, 3),
            "frames": self.frames,
            "duration_s": round(self.duration_s, 3),
            "context": self.context,
            "participants": [p.to_json() for p in self.participants],
        }


class SignalsCsv:
    """One CSV row per participant per landmarked frame (`SIGNAL_COLUMNS`)."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(SIGNAL_COLUMNS)

    def write(
        self, frame_index: int, series: FaceSeries, row: int, reading: Reading | None
    ) -> None:
        """Append sample ``row`` of a face's ``series`` and the engine's ``reading`` of it."""
        yaw, pitch, roll = series.pose[row]
        x = series.measures[row]
        blank = [""] * len(MEASURES)
        neutral = blank if reading is None else [f"{v:.5f}" for v in reading.neutral]
        measures = [v for pair in zip((f"{v:.5f}" for v in x), neutral, strict=True) for v in pair]
        intensity = [""] * len(CUES) if reading is None else [f"{v:.3f}" for v in reading.intensity]
        self._writer.writerow(
            [
                f"{series.t[row]:.4f}",
                frame_index,
                series.participant,
                f"{yaw:.2f}",
                f"{pitch:.2f}",
                f"{roll:.2f}",
                *(f"{v:.5f}" for v in series.blendshapes[row]),
                *measures,
                *intensity,
            ]
        )


class CueRecords:
    """The analysis of a video built frame by frame: who was seen where, and their cues.

    `analyze_recording` feeds it a recording's frames in order, whatever the engine's
    settings, so every replay builds the document `companion analyze` would.
    """

    def __init__(self, engine: CueEngine, context: str = "meeting") -> None:
        self.engine = engine
        self.context = context
        self.records: dict[str, ParticipantRecord] = {}
        self.last_t = 0.0

    def frame(self, t: float, measures: Mapping[str, Vector], boxes: Mapping[str, Box]) -> None:
        """One frame: the `companion.cues.signals.measure` vector and box of each face."""
        for pid, box in boxes.items():
            rec = self.records.get(pid)
            if rec is None:
                rec = self.records[pid] = ParticipantRecord(pid, t, t)
            rec.last_seen = t
            rec.boxes.append(box)
        self._file(self.engine.update_measures(t, measures))
        self.last_t = t

    def finish(self) -> list[ParticipantRecord]:
        """Close the video: the participants seen often enough, with their prompts."""
        final = self.engine.finish(self.last_t)
        self._file(final)
        for rec in self.records.values():
            rec.baseline_ready = final.ready.get(rec.id, False)
        kept = [r for r in self.records.values() if len(r.boxes) >= MIN_SAMPLES]
        # The same pacing as the overlay: a viewer would have seen these, one at a time.
        for prompt in prompts_for([c for r in kept for c in r.clusters], self.context):
            self.records[prompt.participant].prompts.append(prompt)
        return kept

    def _file(self, update: CueUpdate) -> None:
        for event in update.events:
            self.records[event.participant].events.append(event)
        for cluster in update.clusters:
            self.records[cluster.participant].clusters.append(cluster)


def analyze_recording(
    recording: Recording,
    signals: SignalsCsv | None = None,
    context: str = "meeting",
    engine: CueEngine | None = None,
) -> Analysis:
    """Run the cue ``engine`` over every frame of ``recording``, as the frames came.

    ``engine`` defaults to a `CueEngine` with the packaged rules.
    """
    cues = CueRecords(engine or CueEngine(), context)
    faces = recording.faces
    for index, t, rows in recording.samples():
        measures = {pid: faces[pid].measures[row] for pid, row in rows.items()}
        cues.frame(t, measures, {pid: faces[pid].box(row) for pid, row in rows.items()})
        if signals is not None:
            for pid, row in rows.items():
                signals.write(index, faces[pid], row, cues.engine.reading(pid))
    return Analysis(
        source=recording.source,
        fps=recording.fps,
        frames=recording.frames,
        duration_s=cues.last_t + 1.0 / recording.fps if recording.frames else 0.0,
        participants=cues.finish(),
        truncated=recording.truncated,
        context=context,
        declared_frames=recording.declared_frames,
    )


def analyze_file(
    path: Path,
    *,
    engine: CueEngine | None = None,
    context: str = "meeting",
    json_out: Path | None = None,
    signals_csv: Path | None = None,
    progress: Progress = no_progress,
) -> Analysis:
    """`analyze_recording` of the video at ``path`` (see `record_file`), writing what is asked.

    ``json_out`` gets the analysis JSON and ``signals_csv`` the per-frame `SignalsCsv`;
    both are checked before the model loads and appear whole, only when everything worked.
    ``engine`` defaults to a `CueEngine` with the packaged rules.
    """

    def check_outputs() -> None:
        for out in (json_out, signals_csv):
            if out is not None:
                check_writable(out)

    recording = record_file(path, prepare=check_outputs, progress=progress)
    with contextlib.ExitStack() as stack:
        signals = None
        if signals_csv is not None:
            signals = SignalsCsv(stack.enter_context(atomic_text_writer(signals_csv)))
        analysis = analyze_recording(recording, signals=signals, context=context, engine=engine)
        if json_out is not None:
            write_json_atomic(json_out, analysis.to_json())
    return analysis
