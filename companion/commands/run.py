"""``companion run``: watch a meeting window (or a screen region) with the overlay beside it."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from companion.cli import say
from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.capture.windows import WindowLister

WAIT_POLL_S = 0.5
"""How often ``--wait`` looks for the window."""

_LIST_HINT = "`companion windows --all` lists what can be attached to"


def handle(args: argparse.Namespace) -> int:
    """Watch until told to stop: with the overlay, or ``--headless`` writing events only."""
    from companion.atomic import check_writable
    from companion.capture.windows import WAYLAND_MESSAGE, display_server
    from companion.errors import InputError
    from companion.live import EventsLog, LiveRunner, build_runner, open_events, run_headless
    from companion.settings import Settings, load_settings

    if not args.headless:
        from companion.ui.qtenv import require_display

        require_display()
    if display_server() == "wayland":
        if not args.headless:
            from companion.ui.app import show_message

            show_message(WAYLAND_MESSAGE)
        raise InputError(WAYLAND_MESSAGE)
    if args.events_jsonl is not None:
        check_writable(args.events_jsonl)
    if args.region is None and not args.self_check:
        from companion.capture.windows import open_lister

        wait_for_window(args.attach, args.wait, open_lister)
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


def wait_for_window(
    attach: str | None,
    wait_s: float | None,
    open_lister: Callable[[], WindowLister],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Say once on stderr what ``run`` waits for, when no matching window is there yet.

    With ``wait_s`` it waits here, looking every `WAIT_POLL_S`, and raises `InputError`
    when no window has appeared after that many seconds; without it, it returns at once
    and the runner goes on looking for as long as the run lasts. ``open_lister`` gives the
    window lister (a fake one in tests); windows match as `WindowFollower` matches them
    (`matcher_for`, so by owner while the lister says ``titles_hidden``).
    """
    from companion.capture.windows.follow import matcher_for
    from companion.capture.windows.matching import best_match, meeting_matcher, title_matcher
    from companion.errors import InputError

    try:
        lister = open_lister()
    except InputError:
        if wait_s is not None:
            raise
        return  # no window system to ask: the runner reports that, as it always has
    # Judged as the follower will judge it: by owner too while macOS hides titles.
    hidden = bool(getattr(lister, "titles_hidden", False))
    matcher = matcher_for(title_matcher(attach) if attach else meeting_matcher, hidden)
    ours = frozenset({os.getpid()})
    try:
        if best_match(lister.windows(), matcher, ours) is not None:
            return
        if wait_s is None:
            say(f"companion: waiting for {_wanted(attach)} (Ctrl+C to stop)")
            return
        say(f"companion: waiting up to {wait_s:g} s for {_wanted(attach)} (Ctrl+C to stop)")
        deadline = clock() + wait_s
        while (left := deadline - clock()) > 0:
            sleep(min(WAIT_POLL_S, left))
            if best_match(lister.windows(), matcher, ours) is not None:
                return
        raise InputError(f"{_wanted(attach)} did not appear within {wait_s:g} s; {_LIST_HINT}")
    finally:
        lister.close()


def _wanted(attach: str | None) -> str:
    return f'a window with "{attach}" in its title' if attach else "a Zoom, Meet or Teams window"


def _not_found(attach: str | None) -> str:
    return f"{_wanted(attach)} never appeared; {_LIST_HINT}"
