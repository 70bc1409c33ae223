"""``companion bench``: measure the pipeline on a gallery built from real clips."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from companion.atomic import check_writable, check_writable_folder, write_json_atomic

log = logging.getLogger("companion")


def handle(args: argparse.Namespace) -> int:
    """Run the benchmark (or with ``--soak``, the soak run) and print its table."""
    from companion.bench.report import table
    from companion.bench.runner import BenchConfig, default_clips, run_bench
    from companion.errors import InputError

    if args.page is not None:
        return _zoo(args)
    if args.seconds is None:
        args.seconds = 10.0
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
    from companion.bench.soak import run_soak, soak_table
    from companion.errors import InputError

    if args.soak <= 0:
        raise InputError("--soak takes a positive number of minutes")
    doc = run_soak(clips, args.grid, args.size, args.soak, progress=lambda m: log.info("%s", m))
    if args.json is not None:
        write_json_atomic(args.json, doc)
    sys.stdout.write(soak_table(doc) + "\n")
    return 0


def _zoo(args: argparse.Namespace) -> int:
    from companion.bench.zoo.catalog import in_window
    from companion.bench.zoo.run import ZooConfig, pages_named, run_zoo, table
    from companion.cli import say
    from companion.errors import InputError

    seconds = 15.0 if args.seconds is None else args.seconds
    if seconds <= 0:
        raise InputError("--seconds must be positive")
    if args.json is not None:
        check_writable(args.json)
    if args.shots is not None:
        # The screenshots' folder is created with its parents: the first existing one counts.
        check_writable_folder(next(p for p in (args.shots, *args.shots.parents) if p.exists()))
    pages = pages_named(args.page)
    if args.window is not None:
        pages = [in_window(page, args.window, args.screen) for page in pages]
    if args.scale is not None:
        pages = [replace(page, scale=args.scale) for page in pages]
    if args.tabs:
        pages = [replace(page, tabs=True) for page in pages]
    config = ZooConfig(pages, seconds, args.screen, args.shots)
    doc = run_zoo(config, progress=lambda msg: say(f"companion: {msg}"))
    if args.json is not None:
        write_json_atomic(args.json, doc)
    sys.stdout.write(table(doc) + "\n")
    return 0
