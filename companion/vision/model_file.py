"""The face model bundled inside the package, verified before use."""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.abc import Traversable

from companion.errors import ModelError

MODEL_NAME = "face_landmarker.task"
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"


def bundled_model() -> Traversable:
    """Where the packaged model lives (inside ``companion/models``)."""
    return resources.files("companion.models") / MODEL_NAME


def read_model(resource: Traversable | None = None, sha256: str = MODEL_SHA256) -> bytes:
    """Return the model bytes after checking their sha256.

    Raises `ModelError` with the fix when the file is missing or differs from the one
    Companion was built with. Nothing is ever downloaded.
    """
    resource = resource if resource is not None else bundled_model()
    try:
        data = resource.read_bytes()
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise ModelError(
            f"face model {MODEL_NAME} is missing from the installation; reinstall Companion"
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ModelError(
            f"face model {MODEL_NAME} has been altered (sha256 {digest[:12]}..., "
            f"expected {sha256[:12]}...); reinstall Companion"
        )
    return data
