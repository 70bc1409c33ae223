"""``companion review``: analyse a recording, then write the report, the JSON or open the player."""

from __future__ import annotations

import logging
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from companion.atomic import check_writable, write_json_atomic
from companion.offline.recording import Progress, no_progress, process_file
from companion.review.report import (
    Review,
    check_report_dir,
    default_out_dir,
    review_video,
    write_report_dir,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewRun:
    """What ``companion review`` produced."""

    review: Review
    report: Path | None
    json: Path | None


def run_review(
    video: Path,
    out_dir: Path | None = None,
    json_out: Path | None = None,
    report: bool = True,
    progress: Progress = no_progress,
) -> ReviewRun:
    """Analyse ``video`` and write what was asked; nothing is written before it all worked.

    ``report`` False skips the page unless ``out_dir`` is given (the player's case).
    """
    from companion.review.html import render_html
    from companion.review.plot import timeline_png
    from companion.review.thumbs import face_crops

    target = out_dir if out_dir is not None else default_out_dir(video) if report else None

    def check_outputs() -> None:
        if target is not None:
            check_report_dir(target)
        if json_out is not None:
            check_writable(json_out)

    review = process_file(video, review_video, prepare=check_outputs, progress=progress)
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
        href = Path(os.path.relpath(video.resolve(), target.resolve())).as_posix()
        crops = face_crops(video, review.apex_frames())
        page = render_html(review, crops, plot, urllib.parse.quote(href))
    written = write_report_dir(target, page) if target is not None and page is not None else None
    if json_out is not None:
        write_json_atomic(json_out, review.to_json())
    return ReviewRun(review, written, json_out)
