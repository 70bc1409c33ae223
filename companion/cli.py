"""The ``companion`` command.

Exit codes: 0 done; 1 unexpected internal error; 2 bad command line; 3 unusable input;
4 face model missing or altered; 5 output cannot be written; 130 interrupted.
Every error is one line on stderr; ``--verbose`` adds the details.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TypeAlias

from companion import __version__
from companion.atomic import check_writable
from companion.errors import CompanionError
from companion.logs import configure_logging
from companion.netguard import block_internet_sockets

log = logging.getLogger("companion")

EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """Reports a bad command line in one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


_Commands: TypeAlias = "argparse._SubParsersAction[_Parser]"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="companion",
        description="On-device video-call companion: notices brief facial movements and "
        "suggests asking, never assumes.",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log details and native library output"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze",
        help="analyse a recorded video and write the analysis JSON",
        description="Analyse a recorded video: find and follow every face, write the "
        "companion.analysis/1 JSON and optionally the per-frame signals as CSV.",
    )
    analyze.add_argument("video", type=Path, help="video file (mp4, mov, mpg, gif, ...)")
    analyze.add_argument("--json", type=Path, required=True, metavar="OUT", help="analysis JSON")
    analyze.add_argument(
        "--signals-csv",
        type=Path,
        metavar="OUT",
        help="one row per participant per frame: time, head pose, 52 blendshapes",
    )
    analyze.add_argument(
        "--context",
        choices=("meeting", "interviewer", "candidate", "one-on-one"),
        default="meeting",
        help="who you are in the call; shapes the wording of prompts (default: meeting)",
    )
    analyze.add_argument(
        "--rules", type=Path, metavar="FILE", help="cluster rules file (default: the packaged one)"
    )
    analyze.set_defaults(handler=_cmd_analyze)
    _add_eval_command(commands)
    _add_bench_command(commands)
    _add_live_commands(commands)
    _add_review_command(commands)
    return parser


def run() -> int:
    """The ``companion`` executable: the command line with the network guard on."""
    return main(network_guard=True)


def main(argv: Sequence[str] | None = None, network_guard: bool = False) -> int:
    """Run the command line; returns the exit code.

    ``network_guard`` refuses internet sockets for the rest of the process's life (see
    `companion.netguard`); the executable turns it on, in-process callers may not want it.
    """
    args = build_parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    if network_guard:
        block_internet_sockets()
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        with _quiet_native_stderr(enabled=not args.verbose):
            return handler(args)
    except CompanionError as exc:
        log.info("error (exit %d): %s", exc.exit_code, exc)
        _say(f"companion: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say("companion: interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.info("internal error", exc_info=True)
        _say(f"companion: internal error: {type(exc).__name__}: {exc} (run with --verbose)")
        return EXIT_INTERNAL


def _cmd_analyze(args: argparse.Namespace) -> int:
    from companion.analysis import SignalsCsv, analyze_video
    from companion.atomic import atomic_text_writer, write_json_atomic
    from companion.capture.video import VideoFileSource
    from companion.cues.engine import CueEngine
    from companion.pipeline import PipelineConfig
    from companion.vision.stack import open_pipeline

    engine = CueEngine(rules=args.rules)
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(VideoFileSource(args.video))
        check_writable(args.json)
        signals = None
        if args.signals_csv is not None:
            check_writable(args.signals_csv)
            signals = SignalsCsv(stack.enter_context(atomic_text_writer(args.signals_csv)))
        pipeline = open_pipeline(PipelineConfig.offline())
        stack.callback(pipeline.close)
        with _progress(source.info.frame_count, args.video.name) as tick:
            analysis = analyze_video(
                source,
                pipeline,
                signals=signals,
                on_frame=tick,
                context=args.context,
                engine=engine,
            )
        write_json_atomic(args.json, analysis.to_json())
    if analysis.truncated:
        _say(
            f"companion: warning: {args.video}: only {analysis.frames} of "
            f"{source.info.frame_count} frames could be decoded; the file may be truncated"
        )
    log.info("analysed %d frames, %d participants", analysis.frames, len(analysis.participants))
    people = analysis.participants
    sys.stdout.write(
        f"{args.json}: {analysis.frames} frames, {len(people)} participant(s), "
        f"{sum(len(p.events) for p in people)} movement(s), "
        f"{sum(len(p.clusters) for p in people)} cluster(s), "
        f"{sum(len(p.prompts) for p in people)} prompt(s)\n"
    )
    return 0


def _add_eval_command(commands: _Commands) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="score the cue engine against hand-labelled clips",
        description="Run the analysis on every clip that has a companion.labels/1 file and "
        "report precision, recall and F1 per cue and per pattern, and false alarms on clips "
        "labelled neutral (matching rule of DESIGN.md).",
    )
    evaluate.add_argument("--labels", type=Path, required=True, metavar="DIR", help="labels")
    evaluate.add_argument("--clips", type=Path, required=True, metavar="DIR", help="the clips")
    evaluate.add_argument("--json", type=Path, metavar="OUT", help="write companion.eval/1 here")
    evaluate.add_argument(
        "--rules", type=Path, metavar="FILE", help="cluster rules file (default: the packaged one)"
    )
    evaluate.set_defaults(handler=_cmd_eval)


def _cmd_eval(args: argparse.Namespace) -> int:
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


def _add_bench_command(commands: _Commands) -> None:
    bench = commands.add_parser(
        "bench",
        help="measure the pipeline on a gallery built from real clips",
        description="Build an N x N gallery from clips in memory, run the pipeline on it live "
        "for a few seconds, then the naive whole-frame landmarker, and report companion.bench/1.",
    )
    bench.add_argument("clips", nargs="*", type=Path, metavar="CLIP", help="clips for the tiles")
    bench.add_argument("--grid", type=int, default=3, metavar="N", help="N x N tiles (default 3)")
    bench.add_argument(
        "--size", type=_size, default=(1920, 1080), metavar="WxH", help="default 1920x1080"
    )
    bench.add_argument("--seconds", type=float, default=10.0, metavar="S", help="default 10")
    bench.add_argument("--fps", type=float, default=30.0, help="capture rate (default 30)")
    bench.add_argument(
        "--budget", type=float, default=1.0, metavar="CORES", help="CPU budget (default 1)"
    )
    bench.add_argument(
        "--pacing",
        choices=("live", "frames"),
        default="live",
        help="live: frames on the wall clock, late ones dropped (default); frames: stamped "
        "at --fps and run back to back, rates per second of frame time (for a busy machine)",
    )
    bench.add_argument(
        "--soak",
        type=float,
        metavar="MINUTES",
        help="instead: run the live path this long as fast as possible and report memory growth",
    )
    bench.add_argument("--json", type=Path, metavar="OUT", help="write companion.bench/1 here")
    bench.set_defaults(handler=_cmd_bench)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH such as 1920x1080, got {text!r}") from None
    if w < 64 or h < 64:
        raise argparse.ArgumentTypeError(f"size too small: {text!r}")
    return w, h


def _cmd_bench(args: argparse.Namespace) -> int:
    from companion.atomic import write_json_atomic
    from companion.bench.report import table
    from companion.bench.runner import BenchConfig, default_clips, run_bench
    from companion.errors import InputError

    if args.grid < 1 or args.seconds <= 0 or args.fps <= 0 or args.budget <= 0:
        raise InputError("--grid, --seconds, --fps and --budget must be positive")
    if args.json is not None:
        check_writable(args.json)
    clips = list(args.clips) or default_clips(args.grid * args.grid)
    for clip in clips:
        if not clip.is_file():
            raise InputError(f"{clip}: no such file")
    if args.soak is not None:
        return _soak(args, clips)
    warmup = min(2.0, args.seconds / 3)
    config = BenchConfig(
        clips,
        args.grid,
        args.size,
        args.seconds,
        args.fps,
        warmup,
        budget_cores=args.budget,
        pacing=args.pacing,
    )
    doc = run_bench(config, progress=lambda msg: log.info("%s", msg))
    if args.json is not None:
        write_json_atomic(args.json, doc)
    sys.stdout.write(table(doc) + "\n")
    return 0


def _soak(args: argparse.Namespace, clips: list[Path]) -> int:
    from companion.atomic import write_json_atomic
    from companion.bench.soak import run_soak, soak_table
    from companion.errors import InputError

    if args.soak <= 0:
        raise InputError("--soak takes a positive number of minutes")
    doc = run_soak(clips, args.grid, args.size, args.soak, progress=lambda m: log.info("%s", m))
    if args.json is not None:
        write_json_atomic(args.json, doc)
    sys.stdout.write(soak_table(doc) + "\n")
    return 0


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on an interactive terminal; silent otherwise."""
    from tqdm import tqdm

    bar = tqdm(
        total=total or None,
        desc=label,
        unit="frame",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )

    def tick(done: int) -> None:
        bar.update(done - bar.n)

    try:
        yield tick
    finally:
        bar.close()


@contextlib.contextmanager
def _quiet_native_stderr(enabled: bool) -> Iterator[None]:
    """Send native libraries' stderr chatter (MediaPipe, TF Lite) to /dev/null.

    Python's own ``sys.stderr`` keeps writing where it did, so messages and the progress
    bar still show: when it is the process's stderr it moves to a copy of that stream.
    """
    if not enabled:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    original = sys.stderr
    if _writes_to_fd2(original):
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        quiet = sys.stderr
        quiet.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sys.stderr = original
        if quiet is not original:
            quiet.close()


def _writes_to_fd2(stream: object) -> bool:
    try:
        return bool(stream.fileno() == 2)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


def _add_review_command(commands: _Commands) -> None:
    review = commands.add_parser(
        "review",
        help="review your own recording: a report of its moments, or a replay player",
        description="Review your own recording (a self-tape, a practice answer): find the "
        "moments where your face moved away from its own resting face, and write a "
        "self-contained report, export them as JSON, or replay them in a player.",
    )
    review.add_argument("video", type=Path, help="your recording (mp4, mov, ...)")
    review.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="report folder (default: <video name>-review next to the video)",
    )
    review.add_argument("--json", type=Path, metavar="OUT", help="also write the moments as JSON")
    review.add_argument(
        "--player",
        action="store_true",
        help="open the replay player (writes the report only when --out is given)",
    )
    review.set_defaults(handler=_cmd_review)


def _cmd_review(args: argparse.Namespace) -> int:
    from companion.review.run import run_review

    done = run_review(args.video, args.out, args.json, report=not args.player, progress=_progress)
    if done.report is not None:
        sys.stdout.write(f"report: {done.report}\n")
    if done.json is not None:
        sys.stdout.write(f"moments: {done.json}\n")
    if args.player:
        from companion.ui.review_player import show_player

        return show_player(args.video, done.review)
    return 0


def _say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _add_live_commands(commands: _Commands) -> None:
    run = commands.add_parser(
        "run",
        help="watch a meeting window with the overlay beside it",
        description="Follow a meeting window (or a screen region), watch the participants "
        "on this device, and show an occasional check-in idea. Nothing is recorded.",
    )
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--attach",
        metavar="TITLE",
        help="follow the window whose title contains TITLE (default: any Zoom, Meet or "
        "Teams call window)",
    )
    where.add_argument(
        "--region",
        metavar="X,Y,W,H",
        type=_region,
        help="watch this screen rectangle instead (screen pixels)",
    )
    run.add_argument(
        "--events-jsonl", type=Path, metavar="FILE", help="log participants and prompts here"
    )
    run.add_argument("--exit-after", type=float, metavar="SECONDS", help="stop after this long")
    run.add_argument(
        "--headless", action="store_true", help="no overlay: watch and write the events only"
    )
    run.add_argument(
        "--self-check",
        action="store_true",
        help="start the overlay, confirm it is up, then quit (for installers and packaging)",
    )
    run.set_defaults(handler=_cmd_run)
    windows = commands.add_parser(
        "windows",
        help="list the meeting windows companion can attach to, with their geometry",
    )
    windows.add_argument("--all", action="store_true", help="list every window")
    windows.set_defaults(handler=_cmd_windows)


def _region(text: str) -> object:
    from companion.model import Box

    try:
        x, y, w, h = (float(v) for v in text.split(","))
        if w < 8 or h < 8:
            raise ValueError
        return Box(x, y, w, h)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected X,Y,W,H in pixels with W and H of 8 or more, got {text!r}"
        ) from None


def _cmd_run(args: argparse.Namespace) -> int:
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
    handle = open_events(args.events_jsonl)
    events = EventsLog(handle, time.monotonic()) if handle is not None else None

    def make_runner(settings: Settings, log_to: EventsLog | None) -> LiveRunner:
        return build_runner(args.attach, args.region, settings, log_to)

    try:
        if args.headless:
            loaded = load_settings()
            if loaded.notice:
                _say(f"companion: {loaded.notice}")
            runner = build_runner(args.attach, args.region, loaded.settings, events)
            outcome = run_headless(runner, args.exit_after, lambda line: _say(f"companion: {line}"))
            if isinstance(runner.failure, CompanionError):
                raise runner.failure
            if runner.failure is not None:
                raise RuntimeError(str(runner.failure)) from runner.failure
            if not outcome.watched:
                raise InputError(_not_found(args.attach))
            return 0
        from companion.ui.app import OverlayOptions, run_overlay

        options = OverlayOptions(
            args.attach, args.region, args.exit_after, self_check=args.self_check
        )
        return run_overlay(options, make_runner, events)
    finally:
        if handle is not None:
            handle.close()


def _not_found(attach: str | None) -> str:
    wanted = f'a window with "{attach}" in its title' if attach else "a Zoom, Meet or Teams window"
    return f"{wanted} never appeared; `companion windows --all` lists what can be attached to"


def _cmd_windows(args: argparse.Namespace) -> int:
    from companion.capture.windows import open_lister
    from companion.capture.windows.matching import meeting_kind

    lister = open_lister()
    try:
        windows = lister.windows()
    finally:
        lister.close()
    shown = 0
    for w in reversed(windows):
        kind = meeting_kind(w.title, w.owner)
        if kind is None and not args.all:
            continue
        shown += 1
        b = w.box
        state = " (minimised)" if w.minimized else ""
        sys.stdout.write(
            f"{kind or '-':6} {b.x:.0f},{b.y:.0f},{b.w:.0f},{b.h:.0f}  "
            f"{w.title!r}  [{w.owner or '?'} pid {w.pid}]{state}\n"
        )
    if not shown:
        _say(
            "companion: no meeting window found (Zoom Meeting, Zoom Webinar, Google Meet, "
            "Teams); 'companion windows --all' lists every window"
        )
    return 0
