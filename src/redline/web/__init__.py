"""The archive on the web: pages, diffs, feeds, search and a JSON API (``redline serve``)."""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
