"""`companion bench --soak` runs the live path and reports memory over face samples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from companion.bench.soak import _report
from companion.cli import main

ClipFinder = Callable[[str], Path]


def test_a_short_soak_reports_memory_and_participants(clip: ClipFinder, tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    code = main([
        "bench", str(clip("liveportrait_d19.mp4")), "--grid", "1", "--soak", "0.15",
        "--json", str(out),
    ])  # fmt: skip
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "companion.soak/1"
    assert doc["face_samples"] > 0 and doc["participants_seen"] >= 1
    assert doc["rss_mb_start"] > 50 and doc["rss_mb_end"] > 50
    assert all(mb > 0 for _, mb in doc["rss_mb_series"])


def test_growth_and_slope_are_read_after_the_warm_up() -> None:
    # (face samples, MB): a warm-up climb, then a steady 1 MB per 10,000 samples.
    points = [(1000, 500.0), (2000, 700.0)] + [
        (n, 800.0 + n / 10_000) for n in range(3000, 60_000, 3000)
    ]
    doc = _report(points, 60_000, 6000, 100.0, 9, 0, 3)
    assert doc["rss_mb_start"] == 800.3
    assert abs(doc["rss_mb_per_100k_samples"] - 10.0) < 1e-6
    assert 0 < doc["rss_growth_pct"] < 1
