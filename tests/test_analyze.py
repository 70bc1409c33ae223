"""`companion analyze` on real clips with the real model."""

from __future__ import annotations

import csv
import itertools
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from companion.capture.video import VideoFileSource
from companion.cli import main
from companion.model import Frame
from companion.offline.analysis import SIGNAL_COLUMNS, analyze_recording
from companion.offline.recording import process_file, record
from companion.vision.pipeline import Pipeline, PipelineConfig
from companion.vision.stack import open_pipeline

ClipFinder = Callable[[str], Path]


def _schema() -> dict[str, Any]:
    text = (resources.files("companion.schemas") / "analysis-1.schema.json").read_text()
    return dict(json.loads(text))


class _FirstSeconds(VideoFileSource):
    """A real clip cut to its first seconds, to keep the suite quick."""

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(path)
        self.seconds = seconds

    def frames(self) -> Iterator[Frame]:
        return itertools.takewhile(lambda f: f.t < self.seconds, super().frames())


def _analyze(path: Path, seconds: float | None = None) -> dict[str, Any]:
    source = _FirstSeconds(path, seconds) if seconds else VideoFileSource(path)
    pipeline = open_pipeline(PipelineConfig.offline())
    try:
        doc = analyze_recording(record(source, pipeline)).to_json()
    finally:
        pipeline.close()
        source.close()
    jsonschema.validate(doc, _schema())
    return doc


def test_talking_head_is_one_participant_seen_through_the_clip(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    csv_out = tmp_path / "signals.csv"
    code = main([
        "analyze", str(clip("liveportrait_d13.mp4")), "--json", str(out),
        "--signals-csv", str(csv_out),
    ])  # fmt: skip
    assert code == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, _schema())
    summary = capsys.readouterr().out.strip()
    person = doc["participants"][0]
    assert summary == (
        f"{out}: 352 frames, 1 participant(s), {len(person['events'])} movement(s), "
        f"{len(person['clusters'])} cluster(s), {len(person['prompts'])} prompt(s)"
    )
    assert doc["frames"] == 352 and doc["fps"] == 30.0
    (person,) = doc["participants"]
    assert person["first_seen_s"] < 0.1
    assert person["last_seen_s"] > doc["duration_s"] - 0.1
    x, y, w, _h = person["box"]
    assert 120 < x < 260 and 300 < y < 450 and 300 < w < 450  # the face, in source pixels
    # The labelled closing smile turns into a masked cluster after the warm-up, and the
    # overlay's pacing lets one prompt through for it.
    assert person["baseline_ready"] is True
    assert {"smile", "lip_press"} <= {e["cue"] for e in person["events"]}
    assert any(c["pattern"] == "masked" for c in person["clusters"])
    (prompt,) = person["prompts"]
    assert prompt["pattern"] == "masked" and prompt["t_s"] >= 10.0 and prompt["text"]
    rows = csv_out.read_text().splitlines()
    assert rows[0].split(",") == list(SIGNAL_COLUMNS)
    assert len(rows) - 1 >= 0.97 * 352  # a face in nearly every frame
    assert {r.split(",")[2] for r in rows[1:]} == {"p1"}
    # The neutral in use: blank while it is learned (the first 2 s), then beside each
    # measure on every row; the smile reaches a clear movement's intensity.
    table = list(csv.DictReader(csv_out.read_text().splitlines()))
    learning = [r for r in table if float(r["t_s"]) < 1.5]
    scored = [r for r in table if float(r["t_s"]) > 2.5]
    assert learning and all(r["brow_gap_neutral"] == "" for r in learning)
    assert scored and all(r["brow_gap_neutral"] and r["lip_press_intensity"] for r in scored)
    assert len({r["lip_red_neutral"] for r in scored}) > 1  # it follows the face slowly
    assert max(float(r["smile_intensity"]) for r in scored) >= 1.0


def test_clip_without_a_face_has_no_participant(clip: ClipFinder) -> None:
    doc = _analyze(clip("pyfeat_no_face.mp4"))
    assert doc["participants"] == []
    assert doc["frames"] > 0


def test_face_entering_partway_is_first_seen_then(clip: ClipFinder) -> None:
    doc = _analyze(clip("pyfeat_noface_face.mov"))
    (person,) = doc["participants"]
    assert 1.0 < person["first_seen_s"] < doc["duration_s"] - 1.0
    assert person["last_seen_s"] > doc["duration_s"] - 0.2


def test_four_people_at_a_table_are_four_participants(clip: ClipFinder) -> None:
    doc = _analyze(clip("jctvc_FourPeople_1280x720_60.mp4"), seconds=2.0)
    people = doc["participants"]
    assert len(people) == 4
    centres = sorted(p["box"][0] + p["box"][2] / 2 for p in people)
    assert all(b - a > 150 for a, b in itertools.pairwise(centres))  # four distinct places


BAD_INPUTS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda d: d / "nope.mp4", "no such file"),
    ("folder", lambda d: d, "folder"),
    ("empty", lambda d: _write(d / "empty.mp4", b""), "empty"),
    ("text", lambda d: _write(d / "notes.mp4", b"not a video\n" * 100), "not a readable video"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("case", "make", "message"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_clear_line_and_no_output(
    tmp_path: Path, case: str, make: Callable[[Path], Path], message: str
) -> None:
    src_dir = tmp_path / "in"
    src_dir.mkdir()
    video = make(src_dir)
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "companion", "analyze", str(video), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert message in lines[0] and video.name in lines[0]
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == [src_dir]


def test_unwritable_output_folder_is_exit_5_and_nothing_left(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["analyze", str(clip("grid_bbaf2n.mpg")), "--json", str(tmp_path / "no/out.json")])
    assert code == 5
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_no_partial_files(
    clip: ClipFinder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("stage failed")

    monkeypatch.setattr("companion.offline.analysis.analyze_recording", explode)
    out, csv_out = tmp_path / "a.json", tmp_path / "a.csv"
    code = main([
        "analyze", str(clip("grid_bbaf2n.mpg")), "--json", str(out), "--signals-csv", str(csv_out)
    ])  # fmt: skip
    assert code == 1
    assert list(tmp_path.iterdir()) == []


def test_the_video_is_released_when_the_work_on_it_fails(clip: ClipFinder) -> None:
    opened: list[VideoFileSource] = []

    def work(source: VideoFileSource, pipeline: Pipeline, tick: Callable[[int], None]) -> None:
        opened.append(source)
        assert next(iter(source.frames())).index == 0
        raise RuntimeError("stage failed")

    with pytest.raises(RuntimeError, match="stage failed"):
        process_file(clip("grid_bbaf2n.mpg"), work)
    (source,) = opened
    assert list(source.frames()) == []  # the decoder was let go


def test_an_unusable_video_is_reported_before_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = tmp_path / "missing.mp4"
    code = main(["analyze", str(video), "--json", str(tmp_path / "no" / "out.json")])
    assert code == 3
    assert "missing.mp4: no such file" in capsys.readouterr().err
