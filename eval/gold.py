"""Gold question sets: our JSONL format and LlamaIndex's LabelledRagDataset JSON, loaded and validated.

JSONL, one object a line:
    {"id", "question", "answer", "facts": [["alt1", "alt2"], ...], "sources": ["001_x.txt", ...], "answerable": true}
Each inner list of `facts` is one required fact; any one alternative counts. A bare string is a fact with
one alternative. `sources` are document file names or prefixes of them. An optional "until": "YYYY-MM-DD"
asks the question as of that day (the `until` filter: later articles are left out, and "this week" is the
week up to it), for questions phrased for the day they were asked.

LabelledRagDataset (`rag_dataset.json`, or a folder holding it): {"examples": [{"query", "reference_answer",
"reference_contexts": [...]}, ...]}. Those examples have no sources; retrieval and citations are scored
against the reference contexts instead.

Every problem raises `GoldError` whose message names the file and line (or example), so the CLI prints it
instead of a traceback.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import RagError

LLAMA_DATASET_FILE = "rag_dataset.json"


class GoldError(RagError):
    """A gold file that cannot be used; the message says where and why."""


@dataclass
class GoldItem:
    id: str
    question: str
    answer: str = ""
    facts: list[list[str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    answerable: bool = True
    contexts: list[str] = field(default_factory=list)  # reference contexts (llama-datasets)
    until: str = ""  # asked as of this day (YYYY-MM-DD): the `until` filter, what "this week" is read against
    where: str = ""  # "file:line" for messages

    @property
    def has_evidence(self) -> bool:
        """Whether retrieval and citations can be checked against something."""
        return bool(self.sources or self.contexts)


def load_gold(path: str | Path) -> list[GoldItem]:
    """Read a gold set, choosing the format by content: JSONL, or a LabelledRagDataset JSON / folder."""
    p = Path(path)
    if p.is_dir():
        p = p / LLAMA_DATASET_FILE
    if not p.is_file():
        raise GoldError(f"{p}: gold file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{p}: cannot read the gold file ({exc})") from None
    stripped = text.lstrip()
    if stripped.startswith("{") and _is_llama_dataset(stripped):
        items = _parse_llama(p, stripped)
    else:
        items = _parse_jsonl(p, text)
    if not items:
        raise GoldError(f"{p}: no questions in the gold file")
    return items


def check_sources(items: Iterable[GoldItem], corpus_names: Iterable[str], corpus_label: str) -> None:
    """Raise GoldError at the first gold source that names no document of the corpus."""
    names = sorted(set(corpus_names))
    for item in items:
        for src in item.sources:
            if not any(n == src or n.startswith(src) for n in names):
                raise GoldError(f"{item.where}: unknown source {src!r} (no document of {corpus_label} "
                                f"has that name or starts with it)")


# ---------------------------------------------------------------- JSONL

def _parse_jsonl(path: Path, text: str) -> list[GoldItem]:
    items: list[GoldItem] = []
    seen: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})") from None
        item = _item_from_row(row, where, default_id=f"line{lineno}")
        if item.id in seen:
            raise GoldError(f"{where}: duplicate id {item.id!r} (first at {seen[item.id]})")
        seen[item.id] = where
        items.append(item)
    return items


def _item_from_row(row: Any, where: str, default_id: str) -> GoldItem:
    if not isinstance(row, dict):
        raise GoldError(f"{where}: expected a JSON object, got {type(row).__name__}")
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise GoldError(f"{where}: empty or missing question")
    answer = row.get("answer", "")
    if answer is None:
        answer = ""
    if not isinstance(answer, str):
        raise GoldError(f"{where}: 'answer' must be a string")
    answerable = row.get("answerable", True)
    if not isinstance(answerable, bool):
        raise GoldError(f"{where}: 'answerable' must be true or false")
    return GoldItem(
        id=str(row.get("id") or default_id),
        question=question.strip(),
        answer=answer.strip(),
        facts=_facts(row.get("facts", []), where),
        sources=_strings(row.get("sources", []), "sources", where),
        answerable=answerable,
        contexts=_strings(row.get("contexts", []), "contexts", where),
        until=_day(row.get("until"), where),
        where=where,
    )


def _day(value: Any, where: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d", value.strip()):
        raise GoldError(f"{where}: 'until' must be a date written YYYY-MM-DD")
    return value.strip()


def _facts(value: Any, where: str) -> list[list[str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise GoldError(f"{where}: 'facts' must be a list of lists of strings")
    facts: list[list[str]] = []
    for i, fact in enumerate(value, start=1):
        alts = [fact] if isinstance(fact, str) else fact
        if (not isinstance(alts, list) or not alts
                or not all(isinstance(a, str) and a.strip() for a in alts)):
            raise GoldError(f"{where}: fact {i} must be a non-empty list of non-empty strings")
        facts.append([a.strip() for a in alts])
    return facts


def _strings(value: Any, key: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GoldError(f"{where}: {key!r} must be a list of non-empty strings")
    return [v.strip() for v in value]


# ---------------------------------------------------------------- LabelledRagDataset

def _is_llama_dataset(text: str) -> bool:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False  # let the JSONL parser report the line
    return isinstance(data, dict) and "examples" in data


def _parse_llama(path: Path, text: str) -> list[GoldItem]:
    examples = json.loads(text)["examples"]
    if not isinstance(examples, list):
        raise GoldError(f"{path}: 'examples' must be a list")
    items = []
    for i, ex in enumerate(examples, start=1):
        where = f"{path}: example {i}"
        if not isinstance(ex, dict):
            raise GoldError(f"{where}: expected a JSON object")
        query = ex.get("query")
        if not isinstance(query, str) or not query.strip():
            raise GoldError(f"{where}: empty or missing query")
        reference = ex.get("reference_answer") or ""
        if not isinstance(reference, str):
            raise GoldError(f"{where}: 'reference_answer' must be a string")
        contexts = _strings(ex.get("reference_contexts") or [], "reference_contexts", where)
        items.append(GoldItem(id=f"ex{i:04d}", question=query.strip(), answer=reference.strip(),
                              contexts=contexts, answerable=True, where=where))
    return items
