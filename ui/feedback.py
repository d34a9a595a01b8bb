"""Thumbs up/down and comments on answers, appended to a local JSONL file (Config.feedback_file)."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()


def record(turn: dict[str, Any], rating: str, comment: str = "") -> dict[str, Any]:
    """One feedback line: what was asked, what was answered, which passages were cited, and the verdict."""
    answer = turn["answer"]
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rating": rating,
        "comment": comment.strip(),
        "question": turn["question"],
        "rewritten_question": answer.rewritten_question,
        "answer": answer.text,
        "refused": answer.refused,
        "backend": answer.backend,
        "citations": [{"n": c.n, "source": c.source, "title": c.title, "date": c.date,
                       "sentence": c.sentence, "passage": c.text} for c in answer.citations],
    }


def append(path: str | Path, entry: dict[str, Any]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False)
    with _LOCK, open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return path
