"""``companion review``: analyse a recording, then write the report, the JSON or open the player."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from companion.atomic import check_writable, write_json_atomic
from companion.capture.video import VideoFileSource
from companion.errors import OutputError
from companion.review.report import Review, default_out_dir, review_video, write_report_dir

log = logging.getLogger(__name__)

Progress = Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]
"""``progress(total_frames, label)`` -> a context giving the per-frame tick."""


@dataclass(frozen=True)
class ReviewRun:
    """What ``companion review`` produced."""

    review: Review
    report: Path | None
    json: Path | None


@contextlib.contextmanager
def _no_progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    yield lambda done: None


def run_review(
    video: Path,
    out_dir: Path | None = None,
    json_out: Path | None = None,
    report: bool = True,
    progress: Progress = _no_progress,
) -> ReviewRun:
    """Analyse ``video`` and write what was asked; nothing is written before it all worked.

    ``report`` False skips the page unless ``out_dir`` is given (the player's case).
    """
    from companion.pipeline import PipelineConfig
    from companion.review.html import render_html
    from companion.review.plot import timeline_png
    from companion.review.thumbs import face_crops
    from companion.vision.stack import open_pipeline

    with VideoFileSource(video) as source:
        target = out_dir if out_dir is not None else default_out_dir(video) if report else None
        if target is not None and not target.parent.is_dir():
            raise OutputError(f"{target}: cannot write, folder {target.parent} does not exist")
        if json_out is not None:
            check_writable(json_out)
        pipeline = open_pipeline(PipelineConfig.offline())
        try:
            with progress(source.info.frame_count, video.name) as tick:
                review = review_video(source, pipeline, on_frame=tick)
        finally:
            pipeline.close()
    if review.recording.truncated:
        log.warning("%s: the file may be truncated; reviewed what could be decoded", video)
    page = None
    if target is not None:
        signals = review.signals
        plot = (
            timeline_png(signals, review.moments, review.recording.duration_s)
            if signals is not None and len(signals.t)
            else None
        )
        page = render_html(review, face_crops(video, review.apex_frames()), plot)
    written = write_report_dir(target, page) if target is not None and page is not None else None
    if json_out is not None:
        write_json_atomic(json_out, review.to_json())
    return ReviewRun(review, written, json_out)
