"""Generated test articles: fictional towns, each with facts only its own article states.

Names are built from syllables so no article resembles another, and each can be asked about:
"Who is the mayor of Belkaro?" is answered only by belkaro.txt.
"""
from __future__ import annotations

from pathlib import Path

_A = ["bel", "dor", "fen", "gal", "hor", "kes", "lum", "mar", "nov", "pel", "quin", "ros", "sal", "tam", "vel"]
_B = ["karo", "wick", "dale", "mont", "brae", "stow", "lind", "more", "ford", "holm"]
_FIRST = ["Anna", "Boris", "Clara", "Dmitri", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemal", "Lena"]
_LAST = ["Aldane", "Brevik", "Castell", "Dorsey", "Ekwall", "Fontaine", "Garrow", "Hallam", "Ivers", "Jessup",
         "Kellner", "Lindqvist", "Morrow", "Nyberg"]


SENTENCES = 36  # of filler facts per article: 30 articles hold more sentence vectors than Chroma keeps in its log


def town(i: int) -> str:
    return (_A[i % len(_A)] + _B[(i * 7 + i // len(_A)) % len(_B)]).capitalize()


def mayor(i: int) -> str:
    return f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 5 + 3) % len(_LAST)]}"


def article(i: int) -> str:
    name = town(i)
    return (f"{name} council approves a new library\nSource: Town Wire\nDate: 2025-{1 + i % 12:02d}-{1 + i % 27:02d}\n\n"
            f"The mayor of {name}, {mayor(i)}, announced on Monday that the town will build a new public library. "
            f"The library will cost {120 + 7 * i} thousand euros and hold {3000 + 250 * i} books.\n"
            f"Residents of {name} asked for the library for many years, the council said in a statement. "
            f"Building work is due to begin in the spring and to last about {6 + i % 9} months.\n"
            + " ".join(f"In {1990 + k}, {name} counted {1000 + 37 * k + i} households and {4 + (k * i) % 11} schools."
                       for k in range(SENTENCES)) + "\n")


def write_towns(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"{town(i).lower()}.txt"
        path.write_text(article(i), encoding="utf-8")
        paths.append(path)
    return paths
