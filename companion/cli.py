"""The ``companion`` command.

Exit codes: 0 done; 1 unexpected internal error; 2 bad command line; 3 unusable input
(including no display for the overlay, and no window before ``run --wait`` ran out);
4 face model missing or altered; 5 output cannot be written; 130 interrupted.
Every error is one line on stderr; ``--verbose`` adds the details. With no command at all
``companion`` is ``companion run``: app bundles and desktop entries start it that way.

The Windows app is a windowed executable, which Python starts with ``sys.stdout`` and
``sys.stderr`` set to None: `main` then writes them to the null device (the log file still
gets every error).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TypeAlias

from companion import __version__
from companion.errors import CompanionError
from companion.logs import configure_logging
from companion.netguard import block_internet_sockets
from companion.prompts.library import CONTEXTS

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
        "suggests asking, never assumes. With no command, opens the overlay (companion run).",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log details and native library output"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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
        choices=CONTEXTS,
        default="meeting",
        help="who you are in the call; shapes the wording of prompts (default: meeting)",
    )
    analyze.add_argument(
        "--rules", type=Path, metavar="FILE", help="cluster rules file (default: the packaged one)"
    )
    _add_eval_command(commands)
    _add_bench_command(commands)
    _add_live_commands(commands)
    _add_review_command(commands)
    _add_label_command(commands)
    return parser


def _add_eval_command(commands: _Commands) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="score the cue engine against hand-labelled clips",
        description="Run the analysis on every clip that has a companion.labels/1 file and "
        "report precision, recall and F1 per cue and per pattern, and false alarms on clips "
        "labelled neutral (matching rule of DESIGN.md).",
    )
    evaluate.add_argument(
        "--labels",
        type=Path,
        required=True,
        action="append",
        metavar="DIR",
        help="a folder of companion.labels/1 files (repeat for several folders)",
    )
    evaluate.add_argument("--clips", type=Path, required=True, metavar="DIR", help="the clips")
    evaluate.add_argument("--json", type=Path, metavar="OUT", help="write companion.eval/1 here")
    evaluate.add_argument(
        "--rules", type=Path, metavar="FILE", help="cluster rules file (default: the packaged one)"
    )
    evaluate.add_argument(
        "--split",
        type=Path,
        metavar="FILE",
        help="companion.split/1 file naming the tune and validation clips (eval/split.json in "
        "the repository); figures are then reported per set, validation first",
    )
    evaluate.add_argument(
        "--gallery",
        type=int,
        metavar="N",
        help="instead play the clips of one labelled person N x N in a call gallery and "
        "score each tile as the live pipeline read it (minutes)",
    )
    evaluate.add_argument(
        "--gallery-fill",
        choices=("webcam", "letterbox"),
        default="webcam",
        help="with --gallery: each video a 16:9 webcam picture filling its tile edge to edge "
        "(webcam, as Meet and Teams draw them; the default) or whole with black bars "
        "(letterbox, as Zoom)",
    )
    evaluate.add_argument(
        "--gallery-run",
        choices=("live", "analyze"),
        default="live",
        help="with --gallery: read the gallery as a call does (live, under the CPU budget; "
        "the default) or as companion analyze reads a recorded gallery, every face on every "
        "frame (analyze)",
    )
    evaluate.add_argument(
        "--early-movement",
        action="store_true",
        help="instead score each clip of one labelled person as if it started with that "
        "person's longest brow or lip movement (does a moving start spoil what follows?)",
    )
    evaluate.add_argument(
        "--take",
        action="store_true",
        help="instead score each clip of one labelled person as `companion review` reads a "
        "self-tape (its neutral learned over the whole take)",
    )
    evaluate.add_argument(
        "--tune",
        action="store_true",
        help="search the engine's main settings on the split's tune clips only, then score the "
        "validation clips with them (a few minutes more)",
    )


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
    bench.add_argument("--seconds", type=float, metavar="S", help="default 10 (15 with --page)")
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
    zoo = bench.add_argument_group(
        "layout zoo",
        "instead: open a call page of the zoo/ folder in chromium and score `companion run "
        "--headless` against it (companion.zoo/1 in --json; uses --seconds, default 15)",
    )
    zoo.add_argument("--page", metavar="NAME_OR_PATH", help="a zoo page name, an HTML file, or all")
    zoo.add_argument(
        "--screen",
        type=_size,
        metavar="WxH",
        help="screen of the Xvfb started when DISPLAY is unset (default: the page's own)",
    )
    zoo.add_argument(
        "--window",
        type=_window,
        metavar="WxH|maximized|fullscreen",
        help="the page's window (default: the page's own; an HTML file gets 1440x820 on a "
        "1600x900 screen); with --screen, the page is meant for that screen",
    )
    zoo.add_argument(
        "--scale",
        type=_scale,
        metavar="F",
        help="draw the pages at this device scale factor (2: a HiDPI monitor at 200%%; "
        "default: the page's own, 1 for an HTML file)",
    )
    zoo.add_argument(
        "--tabs",
        action="store_true",
        help="open the pages in a browser window with its tab strip and address bar, as a "
        "call in a browser tab (default: an app window with nothing above the page)",
    )
    zoo.add_argument(
        "--shots",
        type=Path,
        metavar="DIR",
        help="save a screenshot per page here, and companion's verbose log of the run (new "
        "participants, ids freed and taken back, duplicates dropped)",
    )


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.5 <= value <= 4.0:
        raise argparse.ArgumentTypeError(f"a scale factor from 0.5 to 4, got {text!r}")
    return value


def _window(text: str) -> tuple[int, int] | str:
    return text.lower() if text.lower() in ("maximized", "fullscreen") else _size(text)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH such as 1920x1080, got {text!r}") from None
    if w < 64 or h < 64:
        raise argparse.ArgumentTypeError(f"size too small: {text!r}")
    return w, h


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
        "--wait",
        type=_seconds,
        metavar="SECONDS",
        help="give up (exit code 3) when no matching window appears within this long "
        "(default: wait until stopped)",
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
    windows = commands.add_parser(
        "windows",
        help="list the meeting windows companion can attach to, with their geometry",
    )
    windows.add_argument("--all", action="store_true", help="list every window")


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return seconds


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


def _add_label_command(commands: _Commands) -> None:
    label = commands.add_parser(
        "label",
        help="label a clip's movements frame by frame (companion.labels/1 for companion eval)",
        description="Open a player that marks each movement's first and last frame for each "
        "person of the clip and writes the companion.labels/1 file that companion eval reads, "
        "after every change. An existing file is opened again to go on with.",
    )
    label.add_argument("video", type=Path, help="the clip (mp4, mov, mpg, gif, ...)")
    label.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="labels file (default: <video file name>.json in the current folder)",
    )
    label.add_argument(
        "--cues",
        type=_cue_list,
        metavar="CUE,CUE",
        help="the cues to label, keys 1-9 in this order (default: brow_lower, lip_press, "
        "mouth_corners_down, inner_brow_raise, smile)",
    )


def _cue_list(text: str) -> tuple[str, ...]:
    from companion.cues.scoring import CUES

    cues = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [c for c in cues if c not in CUES]
    if unknown or not 0 < len(cues) <= 9 or len(set(cues)) < len(cues):
        raise argparse.ArgumentTypeError(
            f"expected one to nine different cues of: {', '.join(CUES)}"
        )
    return cues


def run() -> int:
    """The ``companion`` executable: the command line with the network guard on."""
    return main(network_guard=True)


def main(argv: Sequence[str] | None = None, network_guard: bool = False) -> int:
    """Run the command line; returns the exit code.

    ``network_guard`` refuses internet sockets for the rest of the process's life (see
    `companion.netguard`); the executable turns it on, in-process callers may not want it.
    """
    with _standard_streams():
        return _main(argv, network_guard)


def _main(argv: Sequence[str] | None, network_guard: bool) -> int:
    args = parse_args(argv)
    configure_logging(verbose=args.verbose)
    if network_guard:
        block_internet_sockets()
    try:
        with _quiet_native_stderr(enabled=not args.verbose):
            return _handler(args.command)(args)
    except CompanionError as exc:
        log.info("error (exit %d): %s", exc.exit_code, exc)
        say(f"companion: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        say("companion: interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.info("internal error", exc_info=True)
        say(f"companion: internal error: {type(exc).__name__}: {exc} (run with --verbose)")
        return EXIT_INTERNAL


def missing_streams(stdout: object, stderr: object) -> tuple[str, ...]:
    """The names of the standard streams that are None (both in a windowed build)."""
    return tuple(name for name, s in (("stdout", stdout), ("stderr", stderr)) if s is None)


@contextlib.contextmanager
def _standard_streams() -> Iterator[None]:
    """Give a missing ``sys.stdout`` / ``sys.stderr`` the null device for the command's
    length, so printing, `say`, argparse and logging to stderr write nowhere instead of
    raising; the streams are put back as they were afterwards."""
    missing = missing_streams(sys.stdout, sys.stderr)
    if not missing:
        yield
        return
    sink = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 (closed below)
    for name in missing:
        setattr(sys, name, sink)
    try:
        yield
    finally:
        for name in missing:
            setattr(sys, name, None)
        sink.close()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line (``sys.argv`` when None); no command means ``run``.

    Exits with code 2 and one line on stderr when the command line is wrong.
    """
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(words)
    if args.command is None:
        args = parser.parse_args([*words, "run"])
    if args.command == "run" and args.wait is not None and args.region is not None:
        parser.error("--wait waits for a window to appear; it does not go with --region")
    return args


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The handler of ``command``, its module imported only now (see `companion.commands`)."""
    module = importlib.import_module(f"companion.commands.{command}")
    handler: Callable[[argparse.Namespace], int] = module.handle
    return handler


def say(line: str) -> None:
    """One line on stderr, at once: how the commands speak to the user besides their output.

    Nothing when there is no stderr (a windowed build outside `main`).
    """
    stream = sys.stderr
    if stream is None:
        return
    stream.write(line + "\n")
    stream.flush()


@contextlib.contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on an interactive terminal; silent otherwise.

    A `companion.offline.recording.Progress`."""
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
