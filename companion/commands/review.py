"""``companion review VIDEO``: the moments of your own recording, as a report or a replay."""

from __future__ import annotations

import argparse
import sys

from companion.cli import progress_bar


def handle(args: argparse.Namespace) -> int:
    """Review ``args.video``: write the report and the JSON, or open the player."""
    from companion.review.run import run_review

    done = run_review(
        args.video, args.out, args.json, report=not args.player, progress=progress_bar
    )
    if done.report is not None:
        sys.stdout.write(f"report: {done.report}\n")
    if done.json is not None:
        sys.stdout.write(f"moments: {done.json}\n")
    if args.player:
        from companion.ui.review_player import show_player

        return show_player(args.video, done.review)
    return 0
