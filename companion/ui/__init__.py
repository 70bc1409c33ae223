"""The overlay: the only package that imports PyQt6.

Importing this package alone loads no Qt; `companion.ui.app.run_overlay` does.
Modules here that need no Qt (`qtenv`, `layout`) stay importable without it.
"""
