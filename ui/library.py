"""The article library behind the UI: index uploaded files one by one (so progress is visible), list, delete.

No Gradio here. Results are short human-readable summaries; nothing raised here stops the app.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from ui.chat import RagHandle, readable_error

Progress = Callable[[int, int, str], None]


def _names(items: Iterable[Any]) -> str:
    return ", ".join(str(x) for x in items)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def index_files(handle: RagHandle, paths: list[str], progress: Progress | None = None) -> tuple[str, bool]:
    """Index `paths` one file at a time. Returns (summary, ok) where ok means at least one file is searchable."""
    paths = [str(p) for p in paths or [] if p]
    if not paths:
        return "No files were uploaded.", False
    try:
        rag = handle.get()
    except Exception as err:  # noqa: BLE001
        return f"Could not open the document store: {readable_error(err)}", False
    added: list[str] = []
    unchanged: list[str] = []
    skipped: list[tuple[str, str]] = []
    chunks = 0
    for i, path in enumerate(paths):
        name = Path(path).name
        if progress:
            progress(i, len(paths), name)
        try:
            report = rag.index([path], progress=False)
        except Exception as err:  # noqa: BLE001 - one bad file must not stop the others
            skipped.append((name, readable_error(err)))
            continue
        added += list(report.added) + list(report.replaced)
        unchanged += list(report.unchanged)
        skipped += [(Path(f).name, why) for f, why in report.skipped]
        chunks += int(report.chunks_added)
    if progress:
        progress(len(paths), len(paths), "done")
    lines = []
    if added:
        lines.append(f"Indexed {len(added)} article{'s' * (len(added) != 1)} ({_plural(chunks, 'passage')}): "
                     f"{_names(added)}. You can ask about {'them' if len(added) > 1 else 'it'} now.")
    if unchanged:
        lines.append(f"Already indexed, unchanged: {_names(unchanged)}.")
    for name, why in skipped:
        why = str(why).removeprefix(f"{name}:").strip()
        lines.append(f"Not indexed: {name}: {why}")
    return "\n".join(lines) or "Nothing was indexed.", bool(added or unchanged)


def documents(handle: RagHandle) -> tuple[list[dict[str, Any]], str]:
    """(documents, problem): the indexed documents, or [] and a readable reason."""
    try:
        return list(handle.get().documents()), ""
    except Exception as err:  # noqa: BLE001
        return [], readable_error(err)


def delete(handle: RagHandle, name: str | None) -> str:
    if not name:
        return "Choose a document to delete."
    try:
        removed = handle.get().delete(name)
    except Exception as err:  # noqa: BLE001
        return f"Could not delete {name}: {readable_error(err)}"
    if not removed:
        return f"{name} was not in the index."
    return f"Deleted {name} ({removed} passages)."
