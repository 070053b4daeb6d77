"""Change images: a change drawn as a PNG with Pillow (no browser), and its alt text.

For the web archive's ``/articles/{id}/diff/{from}/{to}.png`` and for
notifications that attach the change (Mastodon and Bluesky bots). Private
modules: ``_render`` lays out and draws; ``_fonts`` finds the machine's fonts
and picks one per character.
"""

from ._render import ShownChange, ShownPassage, alt_text, printable, render_change_png

__all__ = ["ShownChange", "ShownPassage", "alt_text", "printable", "render_change_png"]
