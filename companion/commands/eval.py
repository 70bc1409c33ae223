"""``companion eval``: score the cue engine against the hand-labelled clips."""

from __future__ import annotations

import argparse
import logging
import sys

from companion.atomic import check_writable

log = logging.getLogger("companion")


def handle(args: argparse.Namespace) -> int:
    """Analyse every labelled clip, print the table and optionally write the JSON."""
    from companion.atomic import write_json_atomic
    from companion.evaluation import evaluate_clips

    if args.json is not None:
        check_writable(args.json)
    report = evaluate_clips(
        args.labels, args.clips, rules=args.rules, on_clip=lambda name: log.info("%s", name)
    )
    if args.json is not None:
        write_json_atomic(args.json, report.to_json())
    sys.stdout.write(report.table() + "\n")
    return 0
