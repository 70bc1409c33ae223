"""``companion label VIDEO``: mark movements frame by frame into a labels file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from companion.cli import progress_bar


def handle(args: argparse.Namespace) -> int:
    """Open the labelling tool on ``args.video``, from its labels file when there is one."""
    from companion.atomic import check_writable
    from companion.capture.video import VideoFileSource
    from companion.offline.labelling import DEFAULT_CUES, LabelSheet
    from companion.offline.recording import record_file
    from companion.ui.qtenv import require_display

    require_display()
    video: Path = args.video
    out: Path = args.out or Path(f"{video.name}.json")
    if out.is_file():
        with VideoFileSource(video) as source:  # a missing or broken video says so first
            fps, frames = source.info.fps, source.info.frame_count
        sheet = LabelSheet.load(out, video.name, fps, frames)
        sys.stdout.write(f"going on with {out}\n")
    else:
        check_writable(out)
        recording = record_file(video, progress=progress_bar)
        sheet = LabelSheet.from_recording(recording, args.cues or DEFAULT_CUES)
        sheet.save(out)
        sys.stdout.write(f"people found: {len(sheet.people)}; labels: {out}\n")
    from companion.ui.label_tool import show_label_tool

    return show_label_tool(video, sheet, out)
