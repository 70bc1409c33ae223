"""Clips made ready for the browser: 16:9 WebM (VP8), cached by clip name, mode and size.

A webcam shows a 16:9 picture; most evaluation clips are square or portrait. ``fill`` pads
each clip to 16:9 with its own blurred, scaled-up picture behind it (as a phone or a
background-blur webcam looks in a call), ``raw`` keeps the clip's own shape (the page
letterboxes it). Clips are cut to `MAX_SECONDS` and loop in the page.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import cv2
import numpy as np

from companion.errors import InputError
from companion.model import RGBImage

log = logging.getLogger(__name__)

MAX_SECONDS = 10.0
"""Longest stretch of a clip kept (the page loops it)."""
MAX_FPS = 30.0
"""Faster clips (the 60 fps meeting room) keep every other frame."""
MODES = ("fill", "raw")
_BLUR_SCALE = 8
"""The background is blurred at 1/8 of the tile size (cheap, and blurrier)."""


def cache_dir() -> Path:
    """Where prepared media live: ``$COMPANION_ZOO_CACHE`` or the user cache folder."""
    override = os.environ.get("COMPANION_ZOO_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("companion")) / "zoo"


def media_path(clip: Path, mode: str, size: tuple[int, int], cache: Path) -> Path:
    """The cached WebM of ``clip`` in ``mode`` at ``size`` (not necessarily made yet)."""
    stat = clip.stat()
    key = hashlib.sha1(f"{clip.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return cache / f"{clip.stem}-{mode}-{size[0]}x{size[1]}-{key.hexdigest()[:8]}.webm"


def prepare(clip: Path, mode: str, size: tuple[int, int], cache: Path) -> Path:
    """The WebM of ``clip`` for a page, made once and then taken from ``cache``."""
    if mode not in MODES:
        raise InputError(f"unknown media mode {mode!r} (expected one of {', '.join(MODES)})")
    if not clip.is_file():
        raise InputError(f"{clip}: no such clip (set COMPANION_TEST_DATA)")
    out = media_path(clip, mode, size, cache)
    if out.is_file() and out.stat().st_size > 0:
        return out
    cache.mkdir(parents=True, exist_ok=True)
    log.info("preparing %s (%s, %dx%d)", clip.name, mode, *size)
    partial = out.with_suffix(".part.webm")
    _encode(clip, mode, size, partial)
    partial.replace(out)
    return out


def _encode(clip: Path, mode: str, size: tuple[int, int], out: Path) -> None:
    cap = cv2.VideoCapture(str(clip))
    if not cap.isOpened():
        raise InputError(f"{clip}: cannot be decoded")
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or 25.0
        step = 2 if fps > MAX_FPS + 1 else 1
        out_fps = fps / step
        src_w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        src_h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        frame_size = size if mode == "fill" else _fit(src_w, src_h, size)
        writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"VP80"), out_fps, frame_size)
        if not writer.isOpened():
            raise InputError("OpenCV cannot write WebM (VP8) here")
        written = 0
        index = 0
        limit = int(MAX_SECONDS * fps)
        try:
            while index < limit:
                ok, bgr = cap.read()
                if not ok:
                    break
                if index % step == 0:
                    if mode == "fill":
                        writer.write(fill_16_9(np.asarray(bgr, dtype=np.uint8), size))
                    else:
                        writer.write(cv2.resize(bgr, frame_size, interpolation=cv2.INTER_AREA))
                    written += 1
                index += 1
        finally:
            writer.release()
    finally:
        cap.release()
    if written == 0:
        out.unlink(missing_ok=True)
        raise InputError(f"{clip}: no frames could be decoded")


def _fit(src_w: int, src_h: int, size: tuple[int, int]) -> tuple[int, int]:
    """The clip's own shape at the height of ``size`` (even sides, for the encoder)."""
    h = size[1]
    w = max(16, round(src_w * h / max(1, src_h)))
    return w + (w % 2), h


def fill_16_9(image: RGBImage, size: tuple[int, int]) -> RGBImage:
    """``image`` fitted into ``size``, the rest filled with its own blurred, enlarged picture.

    Works on any 3-channel image (BGR or RGB alike).
    """
    w, h = size
    ih, iw = image.shape[:2]
    cover = max(w / iw, h / ih)
    small = (max(2, w // _BLUR_SCALE), max(2, h // _BLUR_SCALE))
    cw, ch = round(iw * cover), round(ih * cover)
    covered = cv2.resize(image, (cw, ch), interpolation=cv2.INTER_AREA)
    x0, y0 = (cw - w) // 2, (ch - h) // 2
    back = cv2.resize(covered[y0 : y0 + h, x0 : x0 + w], small, interpolation=cv2.INTER_AREA)
    back = cv2.GaussianBlur(back, (0, 0), sigmaX=max(2.0, small[0] / 40))
    enlarged = cv2.resize(back, (w, h), interpolation=cv2.INTER_LINEAR)
    canvas = np.asarray(enlarged.astype(np.float32) * 0.75, dtype=np.uint8)
    fit = min(w / iw, h / ih)
    fw, fh = max(1, round(iw * fit)), max(1, round(ih * fit))
    fitted = cv2.resize(image, (fw, fh), interpolation=cv2.INTER_AREA)
    fx, fy = (w - fw) // 2, (h - fh) // 2
    canvas[fy : fy + fh, fx : fx + fw] = fitted
    return canvas
