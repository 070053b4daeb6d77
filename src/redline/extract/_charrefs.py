"""Numeric character references to characters that carry no text, neutralised before parsing.

A single ``&#11;`` (or ``&#xFFFE;``, ...) puts a character into the tree that lxml
refuses to hand on, and the whole article is lost. Such references are rewritten
as the HTML standard reads them ("numeric character reference end state"), except
that a control or noncharacter, which the standard keeps but which carries no
text, is dropped, as the raw control bytes are (see ``_html``).
"""

from __future__ import annotations

import re

__all__ = ["neutralise_references"]

_REFERENCE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")
_REPLACEMENT = "\ufffd"
_MAX_DIGITS = 8  # past leading zeros; more is beyond U+10FFFF, and int() of many digits is slow


def neutralise_references(text: str) -> str:
    """``text`` with its references to controls, noncharacters, surrogates and beyond rewritten."""
    if "&#" not in text:
        return text
    return _REFERENCE.sub(_neutral, text)


def _neutral(reference: re.Match[str]) -> str:
    hexadecimal, decimal = reference.groups()
    digits = (hexadecimal or decimal).lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return _REPLACEMENT
    code = int(digits, 16 if hexadecimal else 10)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT
    if code == 0x0C:  # a form feed: white space, which libxml2 refuses
        return " "
    if 0x80 <= code <= 0x9F:
        return _windows_1252(code)
    if _is_control(code) or _is_noncharacter(code):
        return ""
    return reference.group(0)


def _windows_1252(code: int) -> str:
    """What the standard makes of a reference to a C1 control: the Windows-1252 character."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined: controls
        return ""


def _is_control(code: int) -> bool:
    return (code < 0x20 and chr(code) not in "\t\n\r") or code == 0x7F


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
