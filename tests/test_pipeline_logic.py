"""Pipeline scheduling of searches and landmarking, with a scripted finder and landmarker."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from companion.model import Box, Face, Frame, HeadPose, RGBImage
from companion.pipeline import Pipeline, PipelineConfig
from companion.vision.tiling import Detection


@dataclass
class World:
    """Where faces are at each time; both fakes read it."""

    faces: dict[str, Box] = field(default_factory=dict)
    searches: int = 0
    closed: list[str] = field(default_factory=list)


class ScriptedFinder:
    def __init__(self, world: World) -> None:
        self.world = world

    def find(self, pixels: RGBImage, within: Box | None = None) -> list[Detection]:
        self.world.searches += 1
        return [Detection(b, 0.9) for b in self.world.faces.values()]

    def close(self) -> None:
        self.world.closed.append("finder")


class ScriptedLandmarker:
    """Returns a face when one of the world's faces lies in the crop's middle."""

    def __init__(self, world: World) -> None:
        self.world = world

    def landmark(self, pixels: RGBImage, crop: Box, t: float) -> Face | None:
        for box in self.world.faces.values():
            if crop.contains_point(box.cx, box.cy):
                pts = np.zeros((478, 3), np.float32)
                pts[:, 0] = np.linspace(box.x, box.x + box.w, 478)
                pts[:, 1] = np.linspace(box.y, box.y + box.h, 478)
                return Face(pts, np.zeros(52, np.float32), HeadPose(0, 0, 0), t)
        return None

    def close(self) -> None:
        self.world.closed.append("landmarker")


def _frame(t: float) -> Frame:
    return Frame(np.zeros((720, 1280, 3), np.uint8), t, Box(0, 0, 1280, 720))


def _pipeline(world: World, **config: object) -> Pipeline:
    return Pipeline(
        ScriptedFinder(world),
        lambda: ScriptedLandmarker(world),
        PipelineConfig(**config),  # type: ignore[arg-type]
    )


def test_searches_rarely_while_everyone_is_tracked() -> None:
    world = World({"a": Box(100, 100, 80, 80), "b": Box(600, 100, 80, 80)})
    pipe = _pipeline(world, detect_interval_s=1.0)
    results = [pipe.step(_frame(i / 30)) for i in range(90)]  # three seconds
    assert world.searches == 3
    assert all(len(r.faces) == 2 for r in results)
    assert {p.id for p in results[-1].participants} == {"p1", "p2"}


def test_a_missing_face_triggers_quicker_searches_and_keeps_its_id() -> None:
    world = World({"a": Box(100, 100, 80, 80)})
    pipe = _pipeline(world, detect_interval_s=10.0, lost_detect_interval_s=0.25)
    pipe.step(_frame(0.0))
    hidden = world.faces.pop("a")
    for i in range(1, 16):  # half a second without the face
        pipe.step(_frame(i / 30))
    searches_while_missing = world.searches
    world.faces["a"] = hidden
    result = pipe.step(_frame(16 / 30))
    assert searches_while_missing >= 2
    assert [p.id for p in result.participants] == ["p1"]
    assert "p1" in result.faces


def test_excluded_region_gets_no_participant() -> None:
    world = World({"me": Box(100, 100, 80, 80), "them": Box(600, 100, 80, 80)})
    pipe = _pipeline(world, exclude=(Box(0, 0, 400, 400),))
    result = pipe.step(_frame(0.0))
    assert len(result.participants) == 1
    assert result.participants[0].box.x == 600


def test_close_releases_every_native_resource() -> None:
    world = World({"a": Box(100, 100, 80, 80), "b": Box(600, 100, 80, 80)})
    pipe = _pipeline(world)
    pipe.step(_frame(0.0))
    pipe.close()
    assert sorted(world.closed) == ["finder", "landmarker", "landmarker"]


def test_landmarkers_of_departed_participants_are_freed() -> None:
    world = World({"a": Box(100, 100, 80, 80)})
    pipe = _pipeline(world)
    pipe.step(_frame(0.0))
    world.faces.clear()
    for i in range(1, 100):
        pipe.step(_frame(i / 30))
    assert world.closed == ["landmarker"]
