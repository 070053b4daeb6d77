"""redline: track news articles, store every version, show how they were rewritten."""

from ._version import __version__

__all__ = ["__version__"]
