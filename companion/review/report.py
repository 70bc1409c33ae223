"""A review from a video file: analysis, the ``companion.review/1`` JSON, and the report folder.

    review = review_video(source, pipeline, on_frame=tick)
    html = render_html(review, face_crops(path, review.apex_frames()), timeline_png(...))
    write_report_dir(out_dir, html)

Nothing is written until everything is computed, and the report folder appears whole or
not at all (see `write_report_dir`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from companion.atomic import current_umask, write_text_atomic
from companion.capture.video import VideoFileSource
from companion.cues.take import TakeReading
from companion.errors import OutputError
from companion.model import Box
from companion.offline.recording import FaceSeries, Recording, main_face, record
from companion.review import wording
from companion.review.moments import Flag, Moment, find_moments, other_movements
from companion.review.signals import analyse_face
from companion.vision.pipeline import Pipeline

SCHEMA = "companion.review/1"


@dataclass(frozen=True, eq=False)
class Review:
    """One reviewed recording: its main face's moments and what the report shows."""

    recording: Recording
    face: FaceSeries | None
    signals: TakeReading | None
    moments: tuple[Moment, ...]
    others: tuple[Flag, ...]

    @property
    def blinks_per_min(self) -> float | None:
        """The person's blink rate over the time their face was seen (None: too short)."""
        if self.signals is None or self.signals.seen_s < 10.0:
            return None
        blinks = sum(e.cue == "blink" for e in self.signals.events)
        return 60.0 * blinks / self.signals.seen_s

    def summary(self) -> list[str]:
        """The plain-words summary (see `wording.summary`)."""
        return wording.summary(
            self.moments,
            self.recording.duration_s,
            self.blinks_per_min,
            len(self.others),
            face_found=self.face is not None,
        )

    def apex(self, moment: Moment) -> tuple[int, Box]:
        """The video frame index and face box closest to a moment's apex."""
        face = self.face
        if face is None or not len(face):
            return 0, Box(0, 0, self.recording.width, self.recording.height)
        i = int(np.argmin(np.abs(face.t - moment.apex)))
        x, y, w, h = (float(v) for v in face.boxes[i])
        return int(face.frame[i]), Box(x, y, w, h)

    def apex_frames(self) -> list[tuple[int, Box]]:
        """`apex` of every moment, in order."""
        return [self.apex(m) for m in self.moments]

    def to_json(self) -> dict[str, Any]:
        """The ``companion.review/1`` document: the same moments as the report."""
        rec = self.recording
        span = self.signals.baseline_span if self.signals is not None else None
        return {
            "schema": SCHEMA,
            "source": rec.source,
            "fps": round(rec.fps, 3),
            "frames": rec.frames,
            "duration_s": round(rec.duration_s, 3),
            "participant": self.face.participant if self.face is not None else None,
            "baseline_s": [round(v, 3) for v in span] if span is not None else None,
            "blinks_per_min": _round(self.blinks_per_min, 1),
            "summary": self.summary(),
            "moments": [self.moment_json(n, m) for n, m in enumerate(self.moments, start=1)],
            "other_movements": [
                {
                    "start_s": round(f.start, 3),
                    "end_s": round(f.end, 3),
                    "peak_s": round(f.apex, 3),
                    "cues": list(f.cues),
                    "what_moved": wording.moved(f.cues),
                    "why_not_a_moment": wording.why_not_a_moment(f.cues),
                }
                for f in self.others
            ],
        }

    def moment_json(self, number: int, m: Moment) -> dict[str, Any]:
        """One moment as exported (and as the report lists it)."""
        frame, _ = self.apex(m)
        return {
            "number": number,
            "start_s": round(m.start, 3),
            "end_s": round(m.end, 3),
            "apex_s": round(m.apex, 3),
            "apex_frame": frame,
            "duration_s": round(m.duration, 3),
            "brief": m.brief,
            "flags": list(m.kinds),
            "title": wording.title(m),
            "moved": list(m.moved),
            "what_moved": wording.moved(m.moved),
            "details": wording.details(m),
            "tip": wording.tip(m),
        }


def review_video(
    source: VideoFileSource,
    pipeline: Pipeline,
    on_frame: Callable[[int], None] | None = None,
) -> Review:
    """Run the pipeline over ``source`` and find the moments of its main face."""
    return review_recording(record(source, pipeline, on_frame))


def review_recording(recording: Recording) -> Review:
    """The moments of the main face of a recording made already."""
    face = main_face(recording)
    if face is None:
        return Review(recording, None, None, (), ())
    signals = analyse_face(face)

    def eyes(start: float, end: float) -> float:
        values = signals.trace_at("eyes_narrowed", start, end)
        return float(np.median(values)) if len(values) else 0.0

    moments = tuple(find_moments(signals.events, eyes, signals.seen_s))
    others = tuple(other_movements(signals.events, moments))
    return Review(recording, face, signals, moments, others)


def default_out_dir(video: Path) -> Path:
    """``<video stem>-review`` next to the video."""
    return video.with_name(f"{video.stem}-review")


def check_report_dir(out_dir: Path) -> None:
    """Raise `OutputError` now if the report folder could not be written later."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder")
    if not out_dir.parent.is_dir():
        raise OutputError(f"{out_dir}: cannot write, folder {out_dir.parent} does not exist")


def write_report_dir(out_dir: Path, html: str) -> Path:
    """Write ``out_dir/index.html`` whole or not at all; returns the page's path.

    A new folder is filled under a temporary name beside it and renamed at the end, so a
    failure leaves no folder; an existing folder has its page replaced in one step.
    """
    out_dir = Path(out_dir)
    check_report_dir(out_dir)
    parent = out_dir.parent
    if out_dir.is_dir():
        write_text_atomic(out_dir / "index.html", html)
        return out_dir / "index.html"
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write ({exc.strerror})") from exc
    try:
        write_text_atomic(tmp / "index.html", html)  # the page gets the umask's mode
        tmp.chmod(0o777 & ~current_umask())  # mkdtemp makes it owner-only; as mkdir would
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir / "index.html"


def _round(value: float | None, ndigits: int) -> float | None:
    return None if value is None else round(value, ndigits)
