"""Turn an article's raw text into clean prose plus metadata.

Two kinds of dirt are handled, each by rules that describe the kind, not any one site:
- encoding damage: ftfy for classic mojibake, plus the remnants of invisible format characters whose
  UTF-8 lost a byte on the way (see `_lost_byte_remnants`);
- site chrome: comment forms, share and navigation links, bylines, forum footers and the user posts
  before them, `Source:` and date lines (kept as metadata, not text), repeated headlines.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import ftfy


@dataclass
class Cleaned:
    text: str
    title: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    source: str = ""
    author: str = ""


# --- encoding damage ---------------------------------------------------------------------------

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"


def _lost_byte_remnants() -> re.Pattern[str]:
    """Invisible operators U+2061–U+2064 are E2 81 A1–A4 in UTF-8. Pages that drop the 0x81 byte leave
    E2 A1–A4, which then shows up decoded as a legacy code page ("â˘", "â¢", "âŁ", "â¤"), or, when the next
    character's lead byte (C2 of a no-break space) was dropped too, fused with its continuation byte into
    one Braille / arrow character (U+2860–U+293F) standing where a space was."""
    pairs = set()
    for second in (0xA1, 0xA2, 0xA3, 0xA4):
        for codec in ("cp1250", "cp1252", "latin-1"):
            try:
                pairs.add(bytes([0xE2, second]).decode(codec))
            except UnicodeDecodeError:
                pass
    pair_alt = "|".join(sorted(map(re.escape, pairs), key=len, reverse=True))
    return re.compile(rf"(?:{pair_alt})")


_PAIR_REMNANT = _lost_byte_remnants()
_FUSED_REMNANT = re.compile(r" ?[\u2860-\u287f\u28a0-\u28bf\u28e0-\u28ff\u2920-\u293f] ?")


def fix_encoding(text: str) -> str:
    text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    text = _FUSED_REMNANT.sub(" ", text)
    text = _PAIR_REMNANT.sub("", text)
    text = text.translate({ord(c): None for c in _INVISIBLE})
    text = text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


# --- site chrome -------------------------------------------------------------------------------

# Lines that are chrome wherever they stand.
_CHROME_LINE = re.compile(
    r"^(?:share(?: this| on \w+)?:?|tweet|whatsapp|email|print|click to (?:share|print|email).*"
    r"|like this:?|loading\.\.\.|advertisement|skip to (?:main )?content|back(?: to)? top|back|top"
    r"|(?:read|see) (?:more|also):?|subscribe(?: now)?|sign up.*newsletter.*)$",
    re.IGNORECASE,
)
# Lines that open the trailer of a page: everything from there on is comments, related links or footer.
_TRAILER_START = re.compile(
    r"^(?:post a comment|leave a (?:reply|comment)(?: cancel reply)?|\d+ comments?|comments?"
    r"|related posts?|related articles?|you (?:may|might) also like|more (?:stories|news)(?: from .*)?"
    r"|previous post(?: next post)?|next post|older posts?|newer posts?|previous|next"
    r"|forum statistics|similar threads|share this (?:article|story|post)?:?"
    r"|your email address will not be published.*|tags?:.*|filed under:?.*)$",
    re.IGNORECASE,
)
_FORUM_TRAILER = re.compile(r"^(?:forum statistics|similar threads|latest member)$", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^(?:source|sources|courtesy|via)\s*:\s*(.{1,200})$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?i:by|written by|posted by|author:)\s+([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})$")
_DATE_PREFIX = r"(?:(?:published|posted|updated|last updated|date)(?: on)?:?\s*)?"
_MONTHS = ("january february march april may june july august september october november december")
_MONTH_RE = r"(?:" + "|".join(m[:3] + r"[a-z]{0,6}\.?" for m in _MONTHS.split()) + r")"
_DATE_PATTERNS = [
    (re.compile(rf"^{_DATE_PREFIX}(?:\w+day,?\s+)?({_MONTH_RE})\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.I), "mdy"),
    (re.compile(rf"^{_DATE_PREFIX}(?:\w+day,?\s+)?(\d{{1,2}})\s+({_MONTH_RE}),?\s+(\d{{4}})$", re.I), "dmy"),
    (re.compile(rf"^{_DATE_PREFIX}(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[T ][\d:]+.*)?$", re.I), "iso"),
    (re.compile(rf"^{_DATE_PREFIX}(\d{{4}})/(\d{{2}})/(\d{{2}})$", re.I), "iso"),  # 2024/01/05
]
_POST_SEPARATOR = re.compile(r"^[ \t\u00a0\u200b]*\u00a0[ \t\u00a0\u200b]*$")  # a "blank" line of no-break spaces


def parse_date_line(line: str) -> str:
    """ISO date when the whole line is a date (optionally "Published on …"), else ""."""
    line = line.strip()
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        try:
            if order == "iso":
                return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
            month, day = (m[1], m[2]) if order == "mdy" else (m[2], m[1])
            month_no = [x[:3] for x in _MONTHS.split()].index(month[:3].lower()) + 1
            return datetime(int(m[3]), month_no, int(day)).date().isoformat()
        except ValueError:
            return ""
    return ""


def _cut_forum_posts(lines: list[str]) -> list[str]:
    """On a forum page (it has a forum footer), the article is the first post; replies follow it,
    separated by lines of no-break spaces. Keep the first post only."""
    if not any(_FORUM_TRAILER.match(line.strip()) for line in lines):
        return lines
    for i, line in enumerate(lines):
        if _POST_SEPARATOR.match(line) and i > 0:
            return lines[:i]
    return lines


def _cut_trailer(lines: list[str]) -> list[str]:
    """Cut at the first trailer line in the latter part of the page (chrome can't open an article)."""
    body_chars = sum(len(line) for line in lines)
    seen = 0
    for i, line in enumerate(lines):
        if seen > body_chars * 0.3 and _TRAILER_START.match(line.strip()):
            return lines[:i]
        seen += len(line)
    return lines


def clean_text(raw: str) -> Cleaned:
    lines = _cut_forum_posts(raw.split("\n"))
    text = fix_encoding("\n".join(lines))
    meta = Cleaned(text="")
    kept: list[str] = []
    for line in _cut_trailer(text.split("\n")):
        stripped = re.sub(r"[ \t]+", " ", line).strip()
        if (m := _SOURCE_LINE.match(stripped)):
            meta.source = meta.source or m.group(1).strip()
            continue
        if (m := _BYLINE.match(stripped)):
            meta.author = meta.author or m.group(1)
            continue
        if (iso := parse_date_line(stripped)):
            meta.date = meta.date or iso
            continue
        if _CHROME_LINE.match(stripped):
            continue
        previous = next((k for k in reversed(kept) if k), None)
        if stripped and stripped == previous:
            continue  # a headline or teaser repeated by the page template
        kept.append(stripped)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    meta.text = body
    meta.title = title_from(body)
    return meta


def title_from(body: str, limit: int = 120) -> str:
    """The headline: the first line, or, when the page has none (the first line is a paragraph), its
    opening words."""
    first = next((line for line in body.split("\n") if line.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
