"""The bench's human-readable table."""

from __future__ import annotations

from typing import Any

_ROWS: tuple[tuple[str, str, str], ...] = (
    ("faces found (median per frame)", "faces_found", "{} of {faces_expected:g}"),
    ("focused participant, samples/s", "focus_fps", "{}"),
    ("others, slowest, samples/s", "others_fps_min", "{}"),
    ("others, median, samples/s", "others_fps_median", "{}"),
    ("focused participant, model calls/s", "focus_model_fps", "{}"),
    ("others, slowest, model calls/s", "others_model_fps_min", "{}"),
    ("samples kept without a model call", "carried_share", "{}"),
    ("frame time p50 / p95, ms", "frame_ms_p50", "{} / {frame_ms_p95}"),
    ("frames measured / dropped", "frames", "{} / {frames_dropped}"),
    ("CPU, cores (pipeline)", "cpu_cores", "{}"),
    ("CPU, cores (gallery synthesis)", "capture_cpu_cores", "{}"),
    (
        "networks per landmark call, ms",
        "model_ms_per_face",
        "{} (MediaPipe's whole call alone: {model_ms_per_face_standalone})",
    ),
    ("pipeline CPU per model call, ms", "pipeline_ms_per_model_call", "{}"),
    ("overhead ratio", "overhead_ratio", "{}"),
    ("id changes after warm-up", "id_changes", "{}"),
    ("peak memory, MB (gallery frames)", "rss_mb_peak", "{} ({gallery_mb} held by the gallery)"),
)


def table(doc: dict[str, Any]) -> str:
    """The bench figures as aligned text lines, naive baseline last."""
    width, height = doc["size"]
    grid = doc["grid"]
    lines = [
        f"companion bench: {grid}x{grid} gallery at {width}x{height}, {doc['fps']:g} fps, "
        f"{doc['seconds']:g} s, budget {doc['budget_cores']} core(s)",
    ]
    label_width = max(len(label) for label, _, _ in _ROWS)
    for label, key, fmt in _ROWS:
        value = doc.get(key)
        text = fmt.format("-" if value is None else value, **doc)
        lines.append(f"  {label:<{label_width}}  {text}")
    naive = doc["naive"]
    lines.append(
        f"  {'naive whole frame (num_faces=' + str(doc['faces_expected']) + ')':<{label_width}}  "
        f"{naive['faces_found']} faces, {naive['frame_ms_p50']} ms per frame"
    )
    if doc.get("load_before") and doc.get("load_after"):
        lines.append(
            f"  {'machine load (1/5/15 min)':<{label_width}}  "
            f"before {doc['load_before']}, after {doc['load_after']}"
        )
    return "\n".join(lines)
