"""A paper's reference list is not evidence: pure functions.

A PDF's bibliography names other works' titles ("Superglue: A stickier benchmark for general-purpose language
understanding systems, 2019."), which read to the sentence model like a statement about their topic. An entry
spans several sentences once split: its authors ("A. Wang, Y. Pruksachatkun, and S. R. Bowman."), its title,
its venue ("arXiv preprint arXiv:1909.08053."). A sentence is an entry's part when it has the marks of one, or
when it stands between such parts without a verb of a sentence of prose around it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# a venue or identifier: no sentence of prose has one
_VENUE = re.compile(r"\barXiv(?: preprint)?(?: arXiv)?\s?:\s?\d{4}\.\d{4,5}|"
                    r"\bIn (?:Proceedings|Advances in|Findings of)\b|\bProceedings of the\b|\bpp\.\s?\d|\bdoi\s?:|\bURL https?://|\bCoRR\b|\babs/\d{4}\.\d{4,5}")
# the year closing an entry ("…, 2019.", "2019."): news ends sentences so too ("on March 3, 2019."), so it counts
# only in a passage that has a venue or a list of authors
_CLOSING_YEAR = re.compile(r"(?:,|\.)\s(?:19|20)\d\d[a-z]?\.\s*$|^(?:19|20)\d\d[a-z]?\.?$")
_NAME = r"(?:[A-Z]\.\s?)+(?:[A-Z][a-z]+[- ]?)+|[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*"
# three or more people's names in a comma list: "A. Wang, Y. Pruksachatkun, N. Nangia, and S. R. Bowman."
_AUTHORS = re.compile(rf"^(?:{_NAME}),\s(?:(?:{_NAME}),\s)+(?:and\s)?(?:{_NAME})(?:\.|,|\s(?:19|20)\d\d)")
# prose: a pronoun of the authors or a finite verb of a sentence ("we show", "is", "was introduced")
_PROSE = re.compile(r"\b(?:we|our|is|are|was|were|has|have|had|can|will|this|these|shows?|showed)\b")


def _is_entry_mark(sentence: str) -> bool:
    text = sentence.strip()
    return bool(_VENUE.search(text) or _AUTHORS.match(text))


def reference_entries(sentences: Sequence[str]) -> set[int]:
    """Positions of the sentences (of one passage, in order) that belong to a reference list."""
    marked = [_is_entry_mark(s) for s in sentences]
    if not any(marked):
        return set()
    marked = [m or bool(_CLOSING_YEAR.search(s.strip())) for m, s in zip(marked, sentences)]
    out = {i for i, m in enumerate(marked) if m}
    for i, s in enumerate(sentences):
        if i in out or _PROSE.search(s):
            continue
        before = i > 0 and marked[i - 1]
        after = i + 1 < len(sentences) and marked[i + 1]
        if before or after:
            out.add(i)
    return out
