"""The article library behind the UI: index uploaded files one by one (so progress is visible), list, delete.

An uploaded file is a document, not a temporary file: it is copied into the managed library folder beside
the index (`<index>-library/`, or `library_dir` in the configuration) and indexed from there, so
re-uploading a file of the same name replaces the old version (same path, new content) and deleting a
document deletes its library copy too. No Gradio here. Results are short human-readable summaries;
nothing raised here stops the app.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rag.printable import printable
from ui.chat import RagHandle, readable_error
from ui.render import plural

Progress = Callable[[int, int, str], None]


def _names(items: Iterable[Any]) -> str:
    return ", ".join(printable(x) for x in items)


def library_folder(config: Any) -> Path:
    """Where uploads are kept: the one folder the UI and the API share (rag.serve.uploads.upload_dir)."""
    from rag.serve.uploads import upload_dir

    return upload_dir(config)


def index_files(handle: RagHandle, paths: list[str], progress: Progress | None = None) -> tuple[str, bool]:
    """Keep `paths` in the library and index them one file at a time. Returns (summary, ok) where ok means
    at least one file is searchable."""
    paths = [str(p) for p in paths or [] if p]
    if not paths:
        return "No files were uploaded.", False
    try:
        rag = handle.get()
    except Exception as err:  # noqa: BLE001
        return f"Could not open the document store: {readable_error(err)}", False
    added: list[str] = []
    replaced: list[str] = []
    unchanged: list[str] = []
    skipped: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    chunks = 0
    for i, path in enumerate(paths):
        name = Path(path).name
        if progress:
            progress(i, len(paths), name)
        try:
            report = _keep_and_index(rag, path)
        except Exception as err:  # noqa: BLE001 - one bad file must not stop the others
            skipped.append((name, readable_error(err)))
            continue
        added += list(report.added)
        replaced += list(report.replaced)
        unchanged += list(report.unchanged)
        skipped += [(Path(f).name, why) for f, why in report.skipped]
        notes += list(getattr(report, "notes", []))
        chunks += int(report.chunks_added)
    if progress:
        progress(len(paths), len(paths), "done")
    lines = []
    if added:
        lines.append(f"Indexed {len(added)} article{'s' * (len(added) != 1)} ({plural(chunks, 'passage')}): "
                     f"{_names(added)}. You can ask about {'them' if len(added) > 1 else 'it'} now.")
    if replaced:
        lines.append(f"Replaced the earlier version of {_names(replaced)} with the uploaded one "
                     f"({plural(chunks, 'passage')} in all).")
    if unchanged:
        lines.append(f"Already indexed, unchanged: {_names(unchanged)}.")
    for name, note in notes:
        lines.append(f"Note: {name}: {note}.")
    for name, why in skipped:
        why = str(why).removeprefix(f"{name}:").strip()
        lines.append(f"Not indexed: {printable(name)}: {printable(why)}")
    return "\n".join(lines) or "Nothing was indexed.", bool(added or replaced or unchanged)


def _keep_and_index(rag: Any, path: str):
    """The API's upload path (rag/serve/uploads.py): checked, kept in the library, indexed; refused files
    replace nothing."""
    from rag.serve import uploads

    name = uploads.safe_name(Path(path).name)
    with open(path, "rb") as src:
        staged = uploads.stage(src, library_folder(rag.config), name, int(rag.config.upload_max_mb * 1e6))
    try:
        return uploads.keep_and_index(rag, staged, name)
    finally:
        staged.unlink(missing_ok=True)


def documents(handle: RagHandle) -> tuple[list[dict[str, Any]], str]:
    """(documents, problem): the indexed documents, or [] and a readable reason."""
    try:
        return list(handle.get().documents()), ""
    except Exception as err:  # noqa: BLE001
        return [], readable_error(err)


def delete(handle: RagHandle, name: str | None) -> str:
    if not name:
        return "Choose a document to delete."
    from rag.serve import uploads

    try:
        rag = handle.get()
        names = [d["name"] for d in rag.matching(name)]
        shown = printable(names[0] if len(names) == 1 else name)
        removed, copies = uploads.delete(rag, name, rag.config)  # the library copy goes with the document
    except Exception as err:  # noqa: BLE001
        return f"Could not delete {printable(name)}: {readable_error(err)}"
    if not removed:
        return f"{shown} was not in the index."
    return f"Deleted {shown} ({removed} passages{', and its library file' if copies else ''})."
