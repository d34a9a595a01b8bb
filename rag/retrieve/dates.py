"""Dates a question mentions ("in 2019", "in March 2024", "on 14 May 2024") as date-number ranges.

A question naming a time prefers articles published then: the retriever fetches extra candidates
restricted to that range and ranks passages dated inside it first among comparable ones.
"""
from __future__ import annotations

import calendar
import re

from rag.store.schema import date_number

MONTH_NAMES = tuple(m.lower() for m in calendar.month_name if m)
WEEKDAYS = tuple(d.lower() for d in calendar.day_name)
CALENDAR_WORDS = frozenset(MONTH_NAMES) | frozenset(WEEKDAYS)  # "last Friday", "in March": dates, not names
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"((?:19|20)\d\d)"
_ISO = re.compile(r"\b" + _YEAR + r"-(\d\d)-(\d\d)\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b", re.I)
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"\b", re.I)
_BARE_YEAR = re.compile(r"(?<![\d$£€.,-])\b" + _YEAR + r"\b(?![\d%,.]\d)(?!\s*(?:people|percent|%|troops|"
                        r"dollars|tonnes|km|kilomet|metres|meters|units|members|votes|cases)\b)", re.I)


def is_year(token: str) -> bool:
    """A four-digit year of news ("2016"), as a whole token."""
    return re.fullmatch(_YEAR, token) is not None


def month_number(name: str) -> int:
    """1-12 for a month's name, whole or abbreviated ("Feb.", "september"); 0 for anything else."""
    return _MONTHS.get(name.lower().rstrip(".")[:3], 0)


def _day_range(y: int, m: int, d: int) -> tuple[int, int] | None:
    if 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
        n = y * 10000 + m * 100 + d
        return n, n
    return None


def _month_range(y: int, m: int) -> tuple[int, int] | None:
    if 1 <= m <= 12:
        return y * 10000 + m * 100 + 1, y * 10000 + m * 100 + calendar.monthrange(y, m)[1]
    return None


def query_date_ranges(question: str) -> list[tuple[int, int]]:
    """Inclusive (from, to) date numbers (YYYYMMDD) for each time the question names, most specific first."""
    ranges: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []

    def add(span: tuple[int, int], rng: tuple[int, int] | None) -> None:
        if rng and not any(a <= span[0] < b for a, b in taken):
            ranges.append(rng)
            taken.append(span)

    for m in _ISO.finditer(question):
        add(m.span(), _day_range(int(m[1]), int(m[2]), int(m[3])))
    for m in _DAY_MONTH_YEAR.finditer(question):
        add(m.span(), _day_range(int(m[3]), month_number(m[2]), int(m[1])))
    for m in _MONTH_DAY_YEAR.finditer(question):
        add(m.span(), _day_range(int(m[3]), month_number(m[1]), int(m[2])))
    for m in _MONTH_YEAR.finditer(question):
        add(m.span(), _month_range(int(m[2]), month_number(m[1])))
    for m in _BARE_YEAR.finditer(question):
        y = int(m[1])
        add(m.span(), (y * 10000 + 101, y * 10000 + 1231))
    return ranges


def in_ranges(date: str, ranges: list[tuple[int, int]]) -> bool:
    num = date_number(date or "")
    return bool(num) and any(a <= num <= b for a, b in ranges)


def iso_day(n: int) -> str:
    """20240514 -> "2024-05-14" (the inverse of schema.date_number)."""
    return f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}"


def as_filters(rng: tuple[int, int]) -> dict[str, str]:
    return {"since": iso_day(rng[0]), "until": iso_day(rng[1])}
