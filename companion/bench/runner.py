"""Run the real pipeline on a gallery, then the naive baseline, in one process.

Two pacings. ``live`` (the default) presents the gallery as a screen capture would: a
frame every ``1/fps`` seconds of wall-clock time, stamped with that time; a step that
runs late makes the next frames drop (the UI keeps only the latest frame), so rates are
what a user would get on this machine at its current load. ``frames`` stamps frames at
``fps`` and runs them back to back: the budget then holds in CPU seconds per second of
frame time, and rates and ``cpu_cores`` are per second of frame time, independent of how
busy the machine is with other work (per-call CPU costs still rise a little under load).
Composing a gallery frame stands in for the screen capture; its CPU time is reported
separately and left out of ``cpu_cores``.
"""

from __future__ import annotations

import logging
import math
import os
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.bench.gallery import Gallery, GalleryLayout
from companion.errors import InputError
from companion.model import Box, RGBImage

log = logging.getLogger(__name__)

SCHEMA = "companion.bench/1"

DEFAULT_CLIPS: tuple[str, ...] = (
    "liveportrait_d13.mp4",
    "grid_bbaf2n.mpg",
    "videoretalking_face3.mp4",
    "liveportrait_d19.mp4",
    "grid_lrwp9a.mpg",
    "tpsmm_driving.mp4",
    "sadtalker_WDA_KatieHill_000.mp4",
    "grid_swiz3n.mpg",
    "liveportrait_d9.mp4",
    "videoretalking_face2.mp4",
    "grid_brbk7n.mpg",
    "iplap_129.mp4",
    "liveportrait_d18.mp4",
    "grid_lbax4n.mpg",
    "videoretalking_face4.mp4",
    "dpe_s.mp4",
    "grid_lwbsza.mpg",
    "liveportrait_d10.mp4",
    "mead_eamm_happy.mp4",
    "grid_sbwe5n.mpg",
    "videoretalking_face1.mp4",
    "pcavs_vox_Audio_Source_00104.mp4",
    "grid_lbbc2a.mpg",
    "liveportrait_d3.mp4",
    "videoretalking_face5.mp4",
)
"""Single-face talking-head clips (frontal or nearly), varied people and rooms; the
first N*N fill an N x N gallery. They come from the shared evaluation media."""


def default_clip_dir() -> Path:
    """Where the evaluation clips live: ``$COMPANION_TEST_DATA/clips`` or ``../shared/data``."""
    override = os.environ.get("COMPANION_TEST_DATA")
    repo = Path(__file__).resolve().parents[2]
    root = Path(override) if override else repo.parent / "shared" / "data"
    return root / "clips"


def default_clips(count: int) -> list[Path]:
    """The first ``count`` default clips (repeating when more tiles than clips)."""
    folder = default_clip_dir()
    paths = [folder / name for name in DEFAULT_CLIPS]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise InputError(
            f"default bench clips not found in {folder} (missing {', '.join(missing[:3])}); "
            "name clips on the command line or set COMPANION_TEST_DATA"
        )
    return [paths[i % len(paths)] for i in range(count)]


@dataclass
class BenchConfig:
    """What to run: the gallery, how long, at what capture rate and CPU budget."""

    clips: Sequence[Path]
    grid: int = 3
    size: tuple[int, int] = (1920, 1080)
    seconds: float = 10.0
    fps: float = 30.0
    warmup_s: float = 2.0
    """Seconds at the start left out of the figures (finding everyone, model start-up)."""
    budget_cores: float | None = 1.0
    naive_frames: int = 30
    raw_faces: int = 3
    """How many participants' crops the raw model timing runs over."""
    pacing: str = "live"
    """``live`` (wall clock, frames drop when late) or ``frames`` (back to back)."""


@dataclass
class _Record:
    t: float
    wall_ms: float
    cpu_ms: float
    found: int
    participants: int
    focus_tile: int | None


@dataclass
class _Tally:
    samples: Counter[int] = field(default_factory=Counter)
    model: Counter[int] = field(default_factory=Counter)
    ids: defaultdict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def run_bench(config: BenchConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the bench and return the `companion.bench/1` document."""
    from companion.vision.face_networks import NetworkTimer
    from companion.vision.pipeline import PipelineConfig
    from companion.vision.scheduler import SchedulerConfig
    from companion.vision.stack import open_pipeline

    say = progress or (lambda _msg: None)
    load_before = _load()
    width, height = config.size
    layout = GalleryLayout.grid(config.grid, width, height)
    say(f"decoding {len(config.clips)} clip(s) into a {config.grid}x{config.grid} gallery")
    gallery = Gallery(config.clips, layout, max_loop_s=3.0)
    timer = NetworkTimer(time.process_time)
    pipeline = open_pipeline(
        PipelineConfig(scheduler=SchedulerConfig(budget_cores=config.budget_cores)), timer
    )
    say(f"running the pipeline live for {config.seconds:g} s at {config.fps:g} fps")
    try:
        records, tally, window = _run_live(gallery, pipeline, config, timer)
        rss_peak = _rss_peak_mb()
        boxes = window["last_boxes"]
        stats = pipeline.stats
    finally:
        pipeline.close()
    say("timing the landmarker alone and the naive whole-frame run")
    standalone_ms, standalone_calls = _raw_model_ms(gallery, boxes, config)
    timed = window["model_timed"]
    raw_ms = 1000 * window["model_s"] / timed if timed else math.nan
    naive = _naive(gallery, config)
    tiles = list(layout.tiles)
    measured = [r for r in records if r.t >= config.warmup_s]
    span = window["span_s"]
    focus_tile = _most_common([r.focus_tile for r in measured])
    clip_names = [Path(c).name if c is not None else None for c in gallery.clips]
    focus_clip = clip_names[focus_tile % len(clip_names)] if focus_tile is not None else None
    rates = {i: tally.samples[i] / span for i in range(len(tiles))}
    model_rates = {i: tally.model[i] / span for i in range(len(tiles))}
    others = [rates[i] for i in rates if i != focus_tile]
    others_model = [model_rates[i] for i in model_rates if i != focus_tile]
    model_calls = window["model_calls"]
    pipeline_cpu = window["cpu_s"] - window["capture_cpu_s"]
    per_call_ms = 1000 * window["steps_s"] / model_calls if model_calls else math.nan
    delivered = sum(tally.samples.values())
    return {
        "schema": SCHEMA,
        "grid": config.grid,
        "size": [width, height],
        "clips": [Path(c).name if c is not None else None for c in config.clips],
        "seconds": config.seconds,
        "fps": config.fps,
        "budget_cores": config.budget_cores,
        "pacing": config.pacing,
        "warmup_s": config.warmup_s,
        "faces_expected": len(tiles),
        "faces_found": _median([r.found for r in measured]),
        "participants_median": _median([r.participants for r in measured]),
        "id_changes": sum(max(0, len(ids) - 1) for ids in tally.ids.values()),
        "focus_clip": focus_clip,
        "focus_fps": _round(rates.get(focus_tile, math.nan) if focus_tile is not None else None),
        "others_fps_min": _round(min(others) if others else None),
        "others_fps_median": _round(statistics.median(others) if others else None),
        "focus_model_fps": _round(model_rates.get(focus_tile) if focus_tile is not None else None),
        "others_model_fps_min": _round(min(others_model) if others_model else None),
        "others_model_fps_median": _round(
            statistics.median(others_model) if others_model else None
        ),
        "carried_share": _round(1 - sum(tally.model.values()) / delivered if delivered else None),
        "frames": len(measured),
        "frames_dropped": window["dropped"],
        "frame_ms_p50": _round(_percentile([r.wall_ms for r in measured], 50)),
        "frame_ms_p95": _round(_percentile([r.wall_ms for r in measured], 95)),
        "frame_cpu_ms_p50": _round(_percentile([r.cpu_ms for r in measured], 50)),
        "cpu_cores": _round(pipeline_cpu / window["wall_s"]),
        "capture_cpu_cores": _round(window["capture_cpu_s"] / window["wall_s"]),
        "step_cpu_cores": _round(window["steps_s"] / window["wall_s"]),
        "model_ms_per_face": _round(raw_ms),
        "model_ms_per_face_standalone": _round(standalone_ms),
        "model_calls_timed": timed,
        "standalone_calls_timed": standalone_calls,
        "pipeline_ms_per_model_call": _round(per_call_ms),
        "overhead_ratio": _round(per_call_ms / raw_ms if raw_ms and model_calls else None, 3),
        "model_calls_per_s": _round(model_calls / window["wall_s"]),
        "detector_calls": stats.detector_calls,
        "rss_mb_peak": _round(rss_peak),
        "gallery_mb": _round(gallery.nbytes / 2**20),
        "naive": naive,
        "load_before": load_before,
        "load_after": _load(),
    }


def _run_live(
    gallery: Gallery, pipeline: Any, config: BenchConfig, timer: Any
) -> tuple[list[_Record], _Tally, dict[str, Any]]:
    tiles = list(gallery.layout.tiles)
    records: list[_Record] = []
    tally = _Tally()
    period = 1.0 / config.fps
    live = config.pacing == "live"
    start = time.perf_counter()
    index = 0
    tick = 0
    dropped = 0
    capture_cpu = 0.0
    window: dict[str, Any] = {}
    last_boxes: list[Box] = []
    while True:
        if live:
            # Like a capture thread beside the worker: take the latest frame captured; wait
            # only when it was already processed.
            latest = math.floor((time.perf_counter() - start) / period)
            if latest < tick:
                time.sleep(max(0.0, tick * period - (time.perf_counter() - start)))
                latest = tick
            dropped += max(0, latest - tick) if window else 0
            tick = latest
        now = tick * period
        if now >= config.seconds:
            break
        if not window and now >= config.warmup_s:
            window = {
                "t0": now,
                "cpu0": time.process_time(),
                "capture0": capture_cpu,
                "calls0": pipeline.stats.model_calls,
                "model0": (timer.seconds, timer.calls),
                "steps0": pipeline.stats.total_s,
            }
        cap_started = time.process_time()
        frame = gallery.frame(now, index)
        capture_cpu += time.process_time() - cap_started
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        result = pipeline.step(frame)
        wall_ms = 1000 * (time.perf_counter() - wall_started)
        cpu_ms = 1000 * (time.process_time() - cpu_started)
        last_boxes = [p.box for p in result.participants]
        found = {_tile_of(tiles, p.box) for p in result.participants} - {None}
        focus_tile = None
        for p in result.participants:
            if p.id == result.focus:
                focus_tile = _tile_of(tiles, p.box)
        count = len(result.participants)
        records.append(_Record(now, wall_ms, cpu_ms, len(found), count, focus_tile))
        if window:
            for pid, face in result.faces.items():
                tile = _tile_of(tiles, face.box)
                if tile is None:
                    continue
                tally.samples[tile] += 1
                tally.ids[tile].add(pid)
                if pid not in result.carried:
                    tally.model[tile] += 1
        index += 1
        tick += 1
    end = time.perf_counter() - start if live else tick * period
    if not window:
        raise InputError(
            f"bench ran {config.seconds:g} s, not past the {config.warmup_s:g} s warm-up"
        )
    window.update(
        end_t=end,
        wall_s=end - window["t0"],
        span_s=max(period, end - window["t0"]),
        cpu_s=time.process_time() - window["cpu0"],
        capture_cpu_s=capture_cpu - window["capture0"],
        model_calls=pipeline.stats.model_calls - window["calls0"],
        model_s=timer.seconds - window["model0"][0],
        steps_s=pipeline.stats.total_s - window["steps0"],
        model_timed=timer.calls - window["model0"][1],
        dropped=dropped,
        last_boxes=last_boxes,
    )
    return records, tally, window


def _raw_model_ms(gallery: Gallery, faces: Sequence[Box], config: BenchConfig) -> tuple[float, int]:
    from companion.vision.imaging import CROP_MAX_SIDE, crop_fitted
    from companion.vision.model_file import read_model
    from companion.vision.pipeline import PipelineConfig
    from companion.vision.rawmodel import raw_seconds_per_face

    tiles = list(gallery.layout.tiles)
    sequences: list[list[RGBImage]] = []
    frames = [gallery.frame(i / config.fps).pixels for i in range(40)]
    for box in list(faces)[: config.raw_faces]:
        # The crop the pipeline makes from landmarks, prepared the way the landmarker does.
        side = max(box.w, box.h) * PipelineConfig().crop_from_landmarks
        crop = Box(box.cx - side / 2, box.cy - side / 2, side, side)
        tile_index = _tile_of(tiles, box)
        within = tiles[tile_index] if tile_index is not None else None
        crops = [crop_fitted(f, crop, CROP_MAX_SIDE, within)[0] for f in frames]
        sequences.append(crops)
    if not sequences:
        return math.nan, 0
    seconds, calls = raw_seconds_per_face(read_model(), sequences, time.process_time, config.fps)
    return 1000 * seconds, calls


def _naive(gallery: Gallery, config: BenchConfig) -> dict[str, Any]:
    from companion.vision.model_file import read_model
    from companion.vision.rawmodel import NaiveLandmarker

    tiles = list(gallery.layout.tiles)
    found: list[int] = []
    wall: list[float] = []
    cpu: list[float] = []
    with NaiveLandmarker(read_model(), num_faces=len(tiles)) as naive:
        for i in range(config.naive_frames):
            frame = gallery.frame(i / config.fps, i)
            w0, c0 = time.perf_counter(), time.process_time()
            boxes = naive.faces(frame.pixels, frame.t)
            wall.append(1000 * (time.perf_counter() - w0))
            cpu.append(1000 * (time.process_time() - c0))
            found.append(len({_tile_of(tiles, b) for b in boxes} - {None}))
    skip = min(3, len(found) - 1)
    return {
        "faces_found": _median(found[skip:]),
        "frame_ms_p50": _round(_percentile(wall[skip:], 50)),
        "frame_cpu_ms_p50": _round(_percentile(cpu[skip:], 50)),
        "frames": len(found),
    }


def _tile_of(tiles: Sequence[Box], box: Box) -> int | None:
    for i, tile in enumerate(tiles):
        if tile.contains_point(box.cx, box.cy):
            return i
    return None


def _most_common(values: Sequence[int | None]) -> int | None:
    counts = Counter(v for v in values if v is not None)
    return counts.most_common(1)[0][0] if counts else None


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _round(value: float | None, digits: int = 2) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _rss_peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _load() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None
