"""A mixin for objects that hold native resources and are closed explicitly."""

from __future__ import annotations

from typing import Any, Self


class Closeable:
    """``with obj:`` closes ``obj`` at the end; subclasses implement `close`.

    MediaPipe's and OpenCV's finalisers are unreliable at interpreter exit, so every
    holder of a native handle is closed explicitly, never left to ``__del__``.
    """

    def close(self) -> None:
        """Release the resource. Safe to call twice."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
