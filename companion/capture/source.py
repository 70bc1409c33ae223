"""The one seam every frame enters the pipeline through."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from companion.model import Frame


class FrameSource(Protocol):
    """Anything that yields frames stamped once, at capture, in increasing time."""

    def frames(self) -> Iterator[Frame]:
        """Yield frames until the source ends or is closed."""
        ...

    def close(self) -> None:
        """Release the device, file or screen handle. Safe to call twice."""
        ...
