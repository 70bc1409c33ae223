"""The bad-input matrix for `companion analyze`: each row one clear line, or a clean result.

Rows that are not errors (odd sizes, no faces, many faces, a face cut by the edge) must
finish with valid JSON; rows that are errors must print one line on stderr, exit with the
documented code, show no traceback and leave no output behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from companion.cli import main

ClipFinder = Callable[[str], Path]


def _write_video(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> Path:
    height, width = frames[0].shape[:2]
    color = frames[0].ndim == 3
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height), color
    )
    for frame in frames:
        writer.write(frame)
    writer.release()
    assert path.stat().st_size > 0
    return path


def _face_crop(clip: ClipFinder) -> np.ndarray:
    """A real face (BGR) from the first frame of a talking-head clip."""
    capture = cv2.VideoCapture(str(clip("liveportrait_d19.mp4")))
    ok, frame = capture.read()
    capture.release()
    assert ok
    return np.ascontiguousarray(frame[60:420, 60:420])


def _analyze(video: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["analyze", str(video), "--json", str(out)])
    return code, capsys.readouterr().err


def _ok(video: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    out = tmp_path / "out.json"
    code, err = _analyze(video, out, capsys)
    assert code == 0, err
    assert "Traceback" not in err
    return dict(json.loads(out.read_text()))


def test_one_by_one_pixel_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = _write_video(tmp_path / "dot.avi", [np.zeros((1, 1, 3), np.uint8)] * 3)
    out = tmp_path / "out.json"
    code, err = _analyze(video, out, capsys)
    assert code == 0  # no face is an answer, not an error: the JSON is written
    doc = json.loads(out.read_text())
    assert doc["participants"] == [] and doc["frames"] == 3
    assert err == f"companion: no face found in {video}; {out} lists no participants\n"


def _sine_wav(path: Path) -> Path:
    samples = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * 12000).astype("<i2")
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(samples.tobytes())
    return path


def _sine_m4a(path: Path) -> Path:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is not installed")
    sine = "sine=frequency=440:duration=1"
    subprocess.run(
        [ffmpeg, "-loglevel", "error", "-y", "-f", "lavfi", "-i", sine, str(path)],
        check=True,
        timeout=60,
    )
    return path


@pytest.mark.parametrize("make", [_sine_wav, _sine_m4a], ids=["wav", "m4a"])
def test_a_sound_file_has_no_video_track(
    make: Callable[[Path], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound = make(tmp_path / f"talk.{make.__name__[-3:]}")
    out = tmp_path / "out.json"
    code, err = _analyze(sound, out, capsys)
    assert code == 3
    assert err == f"companion: error: {sound} has no video track, only sound\n"
    assert not out.exists()


def test_an_output_folder_that_cannot_be_written_fails_before_the_model_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_model(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the analysis started")

    monkeypatch.setattr("companion.vision.stack.open_pipeline", no_model)
    video = _write_video(tmp_path / "v.avi", [np.zeros((32, 32, 3), np.uint8)] * 3)
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    code, err = _analyze(video, tmp_path / "notes.txt" / "out.json", capsys)  # even for root
    assert code == 5
    assert err.count("\n") == 1 and "notes.txt is a file, not a folder" in err
    if os.name != "posix" or os.geteuid() == 0:
        return  # root writes into read-only folders; the case above covers it
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        code, err = _analyze(video, locked / "out.json", capsys)
    finally:
        locked.chmod(0o700)
    assert code == 5
    assert err.count("\n") == 1 and "is not writable" in err
    assert list(locked.iterdir()) == []


def test_review_checks_its_report_folder_before_the_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_review(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the analysis started")

    monkeypatch.setattr("companion.review.run.run_review", no_review)
    video = _write_video(tmp_path / "take.avi", [np.zeros((32, 32, 3), np.uint8)] * 3)
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    for argv in (["--out", str(tmp_path / "notes.txt" / "report")], ["--out", str(video)]):
        assert main(["review", str(video), *argv]) == 5
        assert capsys.readouterr().err.count("\n") == 1


def test_8k_frame_with_a_face(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = np.full((4320, 7680, 3), 40, np.uint8)
    face = _face_crop(clip)
    frame[2000 : 2000 + face.shape[0], 3000 : 3000 + face.shape[1]] = face
    video = _write_video(tmp_path / "8k.avi", [frame] * 2)
    doc = _ok(video, tmp_path, capsys)
    assert len(doc["participants"]) <= 1  # found or not, never a crash or a stray person


def test_grayscale_video_is_analysed(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gray = cv2.cvtColor(_face_crop(clip), cv2.COLOR_BGR2GRAY)
    video = _write_video(tmp_path / "gray.avi", [gray] * 5)
    doc = _ok(video, tmp_path, capsys)
    assert len(doc["participants"]) == 1


def test_image_with_alpha_is_one_frame(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bgra = cv2.cvtColor(_face_crop(clip), cv2.COLOR_BGR2BGRA)
    bgra[:, :, 3] = 128
    path = tmp_path / "face.png"
    assert cv2.imwrite(str(path), bgra)
    doc = _ok(path, tmp_path, capsys)
    assert doc["frames"] == 1


def test_face_cut_by_the_frame_edge(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    face = _face_crop(clip)
    half = np.ascontiguousarray(face[:, face.shape[1] // 2 :])  # the left half is off-frame
    video = _write_video(tmp_path / "edge.avi", [half] * 5)
    doc = _ok(video, tmp_path, capsys)
    assert len(doc["participants"]) <= 1


def test_thirty_six_faces(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    face = cv2.resize(_face_crop(clip), (150, 150))
    frame = np.full((1080, 1920, 3), 25, np.uint8)
    for row in range(6):
        for col in range(6):
            y, x = 15 + row * 177, 40 + col * 310
            frame[y : y + 150, x : x + 150] = face
    video = _write_video(tmp_path / "crowd.avi", [frame] * 3)
    doc = _ok(video, tmp_path, capsys)
    people = doc["participants"]
    assert isinstance(people, list)
    assert len(people) >= 30, len(people)


def test_unsupported_codec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write_video(tmp_path / "good.avi", [np.full((64, 64, 3), 90, np.uint8)] * 5)
    strange = tmp_path / "strange.avi"
    strange.write_bytes(good.read_bytes().replace(b"MJPG", b"ZZZ9"))
    good.unlink()
    out = tmp_path / "out.json"
    code, err = _analyze(strange, out, capsys)
    assert code == 3
    assert err.count("\n") == 1 and "strange.avi" in err
    assert not out.exists()


def test_altered_model_is_exit_4_with_one_line(
    clip: ClipFinder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from companion.vision import model_file

    altered = tmp_path / "face_landmarker.task"
    data = bytearray(model_file.read_model())
    data[-1] ^= 0xFF
    altered.write_bytes(bytes(data))
    monkeypatch.setattr(model_file, "bundled_model", lambda: altered)
    out = tmp_path / "out.json"
    code, err = _analyze(clip("grid_bbaf2n.mpg"), out, capsys)
    assert code == 4
    assert err.count("\n") == 1 and "altered" in err and "reinstall" in err
    assert not out.exists()


def test_truncated_video_is_analysed_with_a_warning(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    code, err = _analyze(clip("mead_eamm_sad.mp4"), out, capsys)
    assert code == 0
    assert err.count("\n") == 1 and "only 110 of 157 frames" in err
    assert json.loads(out.read_text())["frames"] == 110


def test_malformed_rules_file(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "patterns.json"
    rules.write_text('{"schema": "companion.patterns/1", "patterns": [{"name": "tension"}]}')
    out = tmp_path / "out.json"
    code = main(
        ["analyze", str(clip("grid_bbaf2n.mpg")), "--json", str(out), "--rules", str(rules)]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and "patterns.json" in err
    assert not out.exists()


def test_zero_size_region_is_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "companion", "run", "--region", "0,0,0,0", "--headless"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--region" in proc.stderr


def test_a_headless_run_without_a_screen_says_why_and_fails() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = ["run", "--region", "0,0,64,48", "--headless", "--exit-after", "8"]
    proc = subprocess.run(
        [sys.executable, "-m", "companion", *command],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("companion: error: nothing could be analysed: cannot capture")
