"""Livefeed: live news feeds for newsrooms."""

__version__ = "0.1.0"
