"""``companion analyze VIDEO --json OUT``: the analysis JSON of a recorded video."""

from __future__ import annotations

import argparse
import logging
import sys

from companion.cli import progress_bar, say

log = logging.getLogger("companion")


def handle(args: argparse.Namespace) -> int:
    """Analyse ``args.video``, write the JSON (and the signals CSV) and print a summary.

    The outputs are checked once the video has opened, before the face model loads (see
    `companion.offline.recording.process_file`). A video with no face at all is not an error: the
    JSON is written, and a hint says so.
    """
    from companion.cues.engine import CueEngine
    from companion.offline.analysis import analyze_file

    engine = CueEngine(rules=args.rules)
    analysis = analyze_file(
        args.video,
        engine=engine,
        context=args.context,
        json_out=args.json,
        signals_csv=args.signals_csv,
        progress=progress_bar,
    )
    if analysis.truncated:
        say(
            f"companion: warning: {args.video}: only {analysis.frames} of "
            f"{analysis.declared_frames} frames could be decoded; the file may be truncated"
        )
    log.info("analysed %d frames, %d participants", analysis.frames, len(analysis.participants))
    people = analysis.participants
    sys.stdout.write(
        f"{args.json}: {analysis.frames} frames, {len(people)} participant(s), "
        f"{sum(len(p.events) for p in people)} movement(s), "
        f"{sum(len(p.clusters) for p in people)} cluster(s), "
        f"{sum(len(p.prompts) for p in people)} prompt(s)\n"
    )
    if not people:
        say(f"companion: no face found in {args.video}; {args.json} lists no participants")
    return 0
