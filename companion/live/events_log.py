"""The events JSONL of ``companion run --events-jsonl``."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO, Any

from companion.capture.windows.follow import TargetState
from companion.live.session import LiveResult
from companion.model import Box


class EventsLog:
    """The events JSONL of ``companion run --events-jsonl`` (see DESIGN.md).

    Each line has ``type`` and ``t`` (seconds since the run started). Boxes are in screen
    coordinates. A ``participants`` line is written whenever the set of ids changes, the
    captured region moves, or someone's face moved further than half its size since the
    last such line (a gallery that reflowed when someone joined or left); a ``target`` line
    whenever the window state or region changes.
    """

    def __init__(self, handle: IO[str], t0: float) -> None:
        self._handle = handle
        self._t0 = t0
        self._lock = threading.Lock()
        self._last_ids: tuple[str, ...] | None = None
        self._last_boxes: dict[str, Box] = {}
        self._last_region: Box | None = None
        self._last_target: tuple[str, Box | None] | None = None

    def target(self, t: float, state: TargetState) -> None:
        """Log a change of the window state or region."""
        key = (state.status, state.region)
        if key == self._last_target:
            return
        self._last_target = key
        line: dict[str, Any] = {"type": "target", "status": state.status}
        if state.region is not None:
            line["region"] = state.region.as_list(0)
        if state.window is not None:
            line["title"] = state.window.title
        self._write(t, line)

    def result(self, result: LiveResult) -> None:
        """Log participants (when changed), events, clusters and the prompt of one frame."""
        ids = tuple(p.id for p in result.participants)
        if (
            ids != self._last_ids
            or result.region != self._last_region
            or any(_moved(self._last_boxes[p.id], p.box) for p in result.participants)
        ):
            self._last_ids, self._last_region = ids, result.region
            self._last_boxes = {p.id: p.box for p in result.participants}
            self._write(
                result.t,
                {
                    "type": "participants",
                    "count": len(ids),
                    "region": result.region.as_list(0),
                    "participants": [
                        {"id": p.id, "box": p.box.as_list()} for p in result.participants
                    ],
                },
            )
        for e in result.events:
            self._write(
                result.t,
                {
                    "type": "event",
                    "participant": e.participant,
                    "cue": e.cue,
                    "start_s": self._rel(e.start),
                    "end_s": self._rel(e.end),
                    "peak_s": self._rel(e.peak),
                    "strength": round(e.strength, 3),
                    "micro": e.micro,
                },
            )
        for c in result.clusters:
            self._write(
                result.t,
                {
                    "type": "cluster",
                    "participant": c.participant,
                    "pattern": c.pattern,
                    "cues": list(c.cues),
                    "start_s": self._rel(c.start),
                    "end_s": self._rel(c.end),
                },
            )
        if result.prompt is not None:
            p = result.prompt
            line = {"type": "prompt", "participant": p.participant, "pattern": p.pattern}
            self._write(result.t, {**line, "text": p.text, "detail": p.detail})

    def note(self, t: float, kind: str, **fields: Any) -> None:
        """Any other line (``pause``, ``error``, ...)."""
        self._write(t, {"type": kind, **fields})

    def _rel(self, t: float) -> float:
        return round(t - self._t0, 3)

    def _write(self, t: float, line: dict[str, Any]) -> None:
        line = {"type": line["type"], "t": self._rel(t), **line}
        with self._lock:  # the worker and the UI (pause, resume) both write
            self._handle.write(json.dumps(line) + "\n")
            self._handle.flush()


def _moved(before: Box, now: Box) -> bool:
    """Whether a face's centre moved further than half its size (not a head's sway)."""
    reach = max(before.w, before.h, now.w, now.h) / 2
    return abs(now.cx - before.cx) > reach or abs(now.cy - before.cy) > reach


def open_events(path: Path | None) -> IO[str] | None:
    """The events file opened for writing (line-buffered), or None."""
    if path is None:
        return None
    from companion.atomic import check_writable

    check_writable(path)
    return path.open("w", encoding="utf-8", buffering=1)
