"""Frame sources: video files now, the screen and cameras through the same protocol."""

from companion.capture.source import FrameSource
from companion.capture.video import VideoFileSource, VideoInfo

__all__ = ["FrameSource", "VideoFileSource", "VideoInfo"]
