"""Soak: feed a long call's worth of frames through the live path and watch memory.

The live session (pipeline, cue engine, prompter) runs on a gallery built from real clips
as fast as the machine allows, with frames stamped at 30 fps of call time. Every 30 s of
call time one tile empties and the next 30 s it fills again (in galleries of more than one
tile), so participants leave and new ones arrive, as in a real call; their state must be
freed. Resident memory is
sampled all along; the figure that matters is growth after the warm-up, per 100,000 face
samples (about an hour of a 3x3 call at the rates the scheduler gives).
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from companion.bench.gallery import Gallery, GalleryLayout

log = logging.getLogger(__name__)

SCHEMA = "companion.soak/1"
CALL_FPS = 30.0
SWAP_EVERY_S = 30.0
"""Call time between a tile emptying and filling again."""
WARMUP_SAMPLES = 3000
"""Face samples before the starting memory is read (models, caches and baselines settle)."""
SAMPLE_EVERY_FRAMES = 150


def current_rss_mb() -> float:
    """Resident memory of this process now (Linux); the peak elsewhere."""
    try:
        with Path("/proc/self/statm").open() as handle:
            pages = int(handle.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except (OSError, IndexError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def run_soak(
    clips: Sequence[Path],
    grid: int,
    size: tuple[int, int],
    minutes: float,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the live path for ``minutes`` of wall time; the `companion.soak/1` document."""
    from companion.cues.engine import CueEngine
    from companion.live import LiveSession
    from companion.prompts.pacing import Prompter
    from companion.settings import Settings
    from companion.vision.pipeline import PipelineConfig
    from companion.vision.stack import open_pipeline

    say = progress or (lambda _msg: None)
    layout = GalleryLayout.grid(grid, *size)
    full = Gallery(clips, layout, max_loop_s=3.0)
    emptied = list(full.clips)
    emptied[len(emptied) // 2] = None
    # A one-tile call has no one else to keep on screen while the tile empties.
    gappy = Gallery(emptied, layout, max_loop_s=3.0) if any(emptied) else full
    session = LiveSession(
        open_pipeline(PipelineConfig.offline()), CueEngine(), Prompter("meeting"), Settings()
    )
    say(f"soaking a {grid}x{grid} gallery for {minutes:g} min")
    points: list[tuple[int, float]] = []
    samples = frames = prompts = 0
    ids: set[str] = set()
    end = time.monotonic() + minutes * 60
    started = time.monotonic()
    try:
        while time.monotonic() < end:
            t = frames / CALL_FPS
            gallery = gappy if int(t // SWAP_EVERY_S) % 2 else full
            result = session.step(gallery.frame(t, frames))
            frames += 1
            samples += sum(1 for _ in result.participants)
            ids.update(p.id for p in result.participants)
            prompts += result.prompt is not None
            if frames % SAMPLE_EVERY_FRAMES == 0:
                points.append((samples, current_rss_mb()))
                if len(points) % 20 == 0:
                    say(f"{samples} face samples, {points[-1][1]:.0f} MB")
    finally:
        session.pipeline.close()
    wall = time.monotonic() - started
    return _report(points, samples, frames, wall, len(ids), prompts, grid)


def _report(
    points: list[tuple[int, float]],
    samples: int,
    frames: int,
    wall: float,
    participants: int,
    prompts: int,
    grid: int,
) -> dict[str, Any]:
    settled = [p for p in points if p[0] >= WARMUP_SAMPLES] or points
    start_mb = settled[0][1] if settled else float("nan")
    end_mb = settled[-1][1] if settled else float("nan")
    slope = float("nan")
    if len(settled) >= 3:
        x = np.array([p[0] for p in settled], dtype=np.float64)
        y = np.array([p[1] for p in settled], dtype=np.float64)
        if np.ptp(x) > 0:
            slope = float(np.polyfit(x, y, 1)[0]) * 100_000
    measured = settled[-1][0] - settled[0][0] if settled else 0
    return {
        "schema": SCHEMA,
        "grid": grid,
        "wall_s": round(wall, 1),
        "call_s": round(frames / CALL_FPS, 1),
        "frames": frames,
        "face_samples": samples,
        "face_samples_measured": measured,
        "participants_seen": participants,
        "prompts": prompts,
        "rss_mb_start": round(start_mb, 1),
        "rss_mb_end": round(end_mb, 1),
        "rss_growth_pct": round(100 * (end_mb - start_mb) / start_mb, 2) if start_mb else None,
        "rss_mb_per_100k_samples": round(slope, 2),
        "rss_mb_series": [[s, round(m, 1)] for s, m in points],
    }


def soak_table(doc: dict[str, Any]) -> str:
    """The soak result for the terminal."""
    rows = [
        ("call time simulated, s", doc["call_s"]),
        ("wall time, s", doc["wall_s"]),
        ("face samples (after warm-up)", f"{doc['face_samples']} ({doc['face_samples_measured']})"),
        ("participants seen (tiles emptied and refilled)", doc["participants_seen"]),
        ("prompts offered", doc["prompts"]),
        ("resident memory at start / end, MB", f"{doc['rss_mb_start']} / {doc['rss_mb_end']}"),
        ("growth, %", doc["rss_growth_pct"]),
        ("slope, MB per 100,000 face samples", doc["rss_mb_per_100k_samples"]),
    ]
    width = max(len(name) for name, _ in rows)
    head = f"companion bench --soak: {doc['grid']}x{doc['grid']} gallery"
    return "\n".join([head, *(f"  {name:<{width}}  {value}" for name, value in rows)])
