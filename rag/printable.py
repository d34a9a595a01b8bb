"""One owner for making a metadata field safe to show: titles, sources, file names, on the terminal and in the UI.

A PDF's /Title or a file's name can carry terminal escape sequences (clear the screen, retitle the
window, fake a prompt), other control characters, or bidirectional overrides that make a name read
backwards. Shown fields keep their printable text only; whitespace runs (tabs, newlines) become one space.
"""
from __future__ import annotations

import re
import unicodedata

# ESC sequences whole: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-character escapes;
# and their 8-bit forms (U+009B CSI, U+009D OSC).
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                      r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?|\x1b[ -~]?")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def printable(value: object) -> str:
    text = _ESCAPES.sub("", "" if value is None else str(value))
    text = "".join(" " if ch in "\t\n\r\f\v" else ch for ch in text
                   if ch in "\t\n\r\f\v" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI))
    return " ".join(text.split())
