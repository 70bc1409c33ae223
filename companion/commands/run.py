"""``companion run``: watch a meeting window (or a screen region) with the overlay beside it."""

from __future__ import annotations

import argparse

from companion.cli import say
from companion.errors import CompanionError


def handle(args: argparse.Namespace) -> int:
    """Watch until told to stop: with the overlay, or ``--headless`` writing events only."""
    import time

    from companion.capture.windows import WAYLAND_MESSAGE, display_server
    from companion.errors import InputError
    from companion.live import EventsLog, LiveRunner, build_runner, open_events, run_headless
    from companion.settings import Settings, load_settings

    if display_server() == "wayland":
        if not args.headless:
            from companion.ui.app import show_message

            show_message(WAYLAND_MESSAGE)
        raise InputError(WAYLAND_MESSAGE)
    events_file = open_events(args.events_jsonl)
    events = EventsLog(events_file, time.monotonic()) if events_file is not None else None

    def make_runner(settings: Settings, log_to: EventsLog | None) -> LiveRunner:
        return build_runner(args.attach, args.region, settings, log_to)

    try:
        if args.headless:
            loaded = load_settings()
            if loaded.notice:
                say(f"companion: {loaded.notice}")
            runner = build_runner(args.attach, args.region, loaded.settings, events)
            outcome = run_headless(runner, args.exit_after, lambda line: say(f"companion: {line}"))
            if isinstance(runner.failure, CompanionError):
                raise runner.failure
            if runner.failure is not None:
                raise RuntimeError(str(runner.failure)) from runner.failure
            if outcome.frames == 0 and outcome.error is not None:
                raise InputError(f"nothing could be analysed: {outcome.error}")
            if not outcome.watched:
                raise InputError(_not_found(args.attach))
            return 0
        from companion.ui.app import OverlayOptions, run_overlay

        options = OverlayOptions(
            args.attach, args.region, args.exit_after, self_check=args.self_check
        )
        return run_overlay(options, make_runner, events)
    finally:
        if events_file is not None:
            events_file.close()


def _not_found(attach: str | None) -> str:
    wanted = f'a window with "{attach}" in its title' if attach else "a Zoom, Meet or Teams window"
    return f"{wanted} never appeared; `companion windows --all` lists what can be attached to"
