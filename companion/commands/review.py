"""``companion review VIDEO``: the moments of your own recording, as a report or a replay."""

from __future__ import annotations

import argparse
import sys

from companion.cli import progress_bar


def handle(args: argparse.Namespace) -> int:
    """Review ``args.video``: write the report and the JSON, or open the player."""
    from companion.review.run import run_review

    if args.player:
        from companion.ui.qtenv import require_display

        require_display()
    _check_outputs(args)
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


def _check_outputs(args: argparse.Namespace) -> None:
    """Fail now, not after the whole analysis, when an output could not be written."""
    from companion.atomic import check_writable, check_writable_folder
    from companion.review.report import default_out_dir

    if args.json is not None:
        check_writable(args.json)
    if args.out is not None:
        check_writable_folder(args.out)
    elif not args.player and args.video.is_file():
        # Beside a missing video, the missing folder would hide the clearer "no such file".
        check_writable_folder(default_out_dir(args.video))
