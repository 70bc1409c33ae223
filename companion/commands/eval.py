"""``companion eval``: score the cue engine against the hand-labelled clips."""

from __future__ import annotations

import argparse
import logging
import sys

from companion.atomic import check_writable, write_json_atomic

log = logging.getLogger("companion")


def handle(args: argparse.Namespace) -> int:
    """Analyse every labelled clip, print the table and optionally write the JSON."""
    from companion.evaluation import evaluate_clips

    if args.json is not None:
        check_writable(args.json)
    if args.leave_one_out:
        return _leave_one_out(args)
    report = evaluate_clips(
        args.labels, args.clips, rules=args.rules, on_clip=lambda name: log.info("%s", name)
    )
    if args.json is not None:
        write_json_atomic(args.json, report.to_json())
    sys.stdout.write(report.table() + "\n")
    return 0


def _leave_one_out(args: argparse.Namespace) -> int:
    """In-sample figures of the settings the search picks, then the held-out figures."""
    from companion.tuning import default_params, leave_one_out_clips

    result = leave_one_out_clips(
        args.labels, args.clips, rules=args.rules, on_clip=lambda name: log.info("%s", name)
    )
    defaults = default_params()
    changed = {k: v for k, v in result.chosen.items() if v != defaults[k]}
    lines = [
        "settings picked on all clips: "
        + (", ".join(f"{k} {v:g}" for k, v in changed.items()) or "the defaults"),
        result.in_sample.table(),
        "",
        "leave-one-clip-out (each clip scored with the settings picked on the others)",
        result.held_out.table(),
    ]
    lines += [
        f"  without {name}: " + ", ".join(f"{k} {v:g}" for k, v in diff.items())
        for name, diff in result.folds.items()
        if diff
    ]
    if args.json is not None:
        doc = result.in_sample.to_json()
        doc["leave_one_out"] = {
            "picked": result.chosen,
            "folds": result.folds,
            "held_out": result.held_out.to_json(),
        }
        write_json_atomic(args.json, doc)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
