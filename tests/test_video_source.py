"""Video files decode into RGB frames stamped with their real video time."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from companion.capture.video import VideoFileSource
from companion.errors import InputError

ClipFinder = Callable[[str], Path]


def _stamps(path: Path) -> tuple[list[float], VideoFileSource]:
    with VideoFileSource(path) as source:
        frames = list(source.frames())
    for f in frames:
        assert f.pixels.dtype == np.uint8 and f.pixels.shape[2] == 3
    return [f.t for f in frames], source


@pytest.mark.parametrize(
    ("name", "fps"),
    [("liveportrait_d13.mp4", 30.0), ("grid_bbaf2n.mpg", 25.0)],
)
def test_constant_rate_stamps_follow_the_frame_rate(
    clip: ClipFinder, name: str, fps: float
) -> None:
    stamps, source = _stamps(clip(name))
    assert source.info.fps == pytest.approx(fps, rel=1e-3)
    assert len(stamps) == source.info.frame_count
    assert np.allclose(np.diff(stamps), 1 / fps, atol=2e-3)
    assert stamps[0] == 0.0


def test_variable_frame_rate_mov_keeps_its_own_timing(clip: ClipFinder) -> None:
    stamps, _source = _stamps(clip("pyfeat_noface_face.mov"))
    steps = np.diff(stamps)
    assert np.all(steps > 0)
    # The header's nominal rate would put the last frame elsewhere: the stamps are real.
    assert steps.max() > 1.5 * steps.min()
    assert stamps[-1] == pytest.approx(6.345, abs=0.05)


def test_gif_frames_carry_their_own_delays(clip: ClipFinder) -> None:
    stamps, _ = _stamps(clip("intel_classroom.gif"))
    assert len(stamps) == 45
    assert np.all(np.diff(stamps) > 0)
    assert stamps[-1] == pytest.approx(2.93, abs=0.05)


def test_truncated_file_decodes_what_it_can_and_says_so(clip: ClipFinder) -> None:
    stamps, source = _stamps(clip("mead_eamm_sad.mp4"))
    assert len(stamps) == 110
    assert source.truncated


def test_frames_are_rgb_not_bgr(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "red.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 32))
    for _ in range(3):
        writer.write(np.full((32, 32, 3), (0, 0, 255), np.uint8))  # pure red in BGR
    writer.release()
    with VideoFileSource(path) as source:
        first = next(iter(source.frames()))
    r, g, b = first.pixels[16, 16]
    assert r > 200 and g < 50 and b < 50


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        VideoFileSource(tmp_path / "nope.mp4")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        VideoFileSource(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(InputError, match="empty"):
        VideoFileSource(path)


def test_text_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("these are meeting notes, not a video\n" * 50)
    with pytest.raises(InputError, match=r"notes\.mp4"):
        VideoFileSource(path)


def test_header_only_video_has_no_decodable_frame(clip: ClipFinder, tmp_path: Path) -> None:
    path = tmp_path / "cut.mp4"
    path.write_bytes(clip("liveportrait_d19.mp4").read_bytes()[:2000])
    with pytest.raises(InputError, match=r"cut\.mp4"):
        VideoFileSource(path)


def test_a_header_that_overcounts_by_a_few_frames_is_not_truncation(clip: ClipFinder) -> None:
    _, source = _stamps(clip("pyfeat_no_face.mp4"))  # header says 98, 95 decode
    assert source.info.frame_count - source.frames_decoded == 3
    assert not source.truncated


def test_a_sound_file_has_no_video_track(tmp_path: Path) -> None:
    path = tmp_path / "talk.wav"
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\0\1" * 800)
    with pytest.raises(InputError, match=r"talk\.wav has no video track, only sound"):
        VideoFileSource(path)
    renamed = path.rename(tmp_path / "talk.mp4")  # not named as sound: the general answer
    with pytest.raises(InputError, match=r"not a readable video .*or no video track"):
        VideoFileSource(renamed)
