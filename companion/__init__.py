"""Companion: notices brief facial movements in video calls and suggests asking, never assumes."""

__version__ = "0.1.0"
