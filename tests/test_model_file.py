"""The bundled face model is verified before use; nothing is downloaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from companion.errors import ModelError
from companion.vision.face_networks import DETECTOR_MEMBER, bundle_member
from companion.vision.model_file import MODEL_SHA256, bundled_model, read_model


def test_bundled_model_is_inside_the_package_and_verified() -> None:
    data = read_model()
    assert hashlib.sha256(data).hexdigest() == MODEL_SHA256
    assert "companion" in str(bundled_model())
    assert len(bundle_member(data, DETECTOR_MEMBER)) > 100_000


def test_altered_model_is_refused(tmp_path: Path) -> None:
    altered = tmp_path / "face_landmarker.task"
    data = bytearray(read_model())
    data[1000] ^= 0xFF
    altered.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="altered"):
        read_model(altered)


def test_missing_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        read_model(tmp_path / "face_landmarker.task")


def test_bundle_without_detector_is_refused() -> None:
    with pytest.raises(ModelError, match="face_detector"):
        bundle_member(b"not a zip", DETECTOR_MEMBER)
