"""The citation marker syntax, one owner: `[n]` (or `[n, m]`) after the claim that passage n supports.

Prompts number their passages `[n]`, models and the extractive backend write markers after claims,
grounding reads and renumbers them, the UI turns a finished answer's markers into links. A finished
answer carries one number per marker, `[1]`, `[2]`, …, numbering its citations.
"""
from __future__ import annotations

import re

_NUMBERS = r"\d+(?:\s*,\s*\d+)*"
MARKER = re.compile(r"\s?\[(" + _NUMBERS + r")\]")  # one marker, its numbers in group 1
MARKER_RUN = re.compile(r"(?:\s*\[" + _NUMBERS + r"\])+")  # markers one after another
CITATION = re.compile(r"\[(\d{1,3})\]")  # a marker of a finished answer
LEADING = re.compile(r"[ \t]*\[(\d+)\][ \t]*")  # a marker a model wrote before its claim
LEADING_PART = re.compile(r"[ \t]*(?:\[\d*(?:\][ \t]*)?)?")  # ... possibly still streaming in
_ANY = re.compile(r"\s*\[" + _NUMBERS + r"\]")


def numbers(marker_text: str) -> list[int]:
    """[2, 3] -> [2, 3] (every number in a marker or a run of markers)."""
    return [int(n) for n in re.findall(r"\d+", marker_text)]


def cite(*ns: int) -> str:
    """The markers for passages `ns`: cite(1, 3) -> "[1][3]"."""
    return "".join(f"[{n}]" for n in ns)


def strip(text: str, replacement: str = "") -> str:
    """The text without its markers (and the space before each)."""
    return _ANY.sub(replacement, text)
