"""Read an article file (txt, md, html, pdf) into raw text plus whatever metadata the format carries.

Raises UnreadableFileError with a one-line reason for binary, damaged, encrypted or empty files.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import UnreadableFileError

SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
            ".html": "html", ".htm": "html", ".pdf": "pdf"}
MAX_FILE_BYTES = 50 * 1024 * 1024
# Text one article may hold. Indexing embeds every sentence, at about TEXT_BYTES_PER_MINUTE on this
# kind of CPU, all of it inside the index's write lock (a document lands whole or not at all): a 49 MB
# text would hold the lock for hours. Longer texts are refused before reading, with the reason.
MAX_TEXT_BYTES = 2 * 1024 * 1024
TEXT_BYTES_PER_MINUTE = 250_000  # measured: 975 KB of text, 225 s of one core (rag index, int8 model)


@dataclass
class RawArticle:
    text: str
    kind: str
    meta: dict[str, str] = field(default_factory=dict)  # title/date/source given by the format
    note: str = ""  # e.g. a fallback encoding that was used


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes that should be text; refuse binary content."""
    head = data[:8192]
    if b"\x00" in head:
        raise UnreadableFileError(f"{name}: binary content (NUL bytes), not a text article")
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text[:8192]) * 0.01 or text.count("\ufffd") > len(text) * 0.01:
        raise UnreadableFileError(f"{name}: not UTF-8 and does not look like text")
    return text, "not valid UTF-8; read as Windows-1252"


def read_article(path: Path) -> RawArticle:
    name = path.name
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnreadableFileError(f"{name}: unsupported file type {path.suffix or '(none)'}"
                                  f" (supported: {', '.join(sorted(SUFFIXES))})")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFileError(f"{name}: {size / 1e6:.0f} MB is larger than the "
                                      f"{MAX_FILE_BYTES / 1e6:.0f} MB limit for one article")
        if kind != "pdf" and size > MAX_TEXT_BYTES:
            raise too_long(name, size)
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(f"{name}: cannot read ({err.strerror or err})") from err
    if not data.strip():
        raise UnreadableFileError(f"{name}: empty file")
    reader = {"text": _read_text, "markdown": _read_markdown, "html": _read_html, "pdf": _read_pdf}[kind]
    article = reader(data, name)
    if not article.text.strip():
        raise UnreadableFileError(f"{name}: no text could be extracted")
    if len(article.text) > MAX_TEXT_BYTES:
        raise too_long(name, len(article.text.encode("utf-8")))
    return article


def too_long(name: str, size: int) -> UnreadableFileError:
    minutes = size / TEXT_BYTES_PER_MINUTE
    return UnreadableFileError(
        f"{name}: {size / 1e6:.1f} MB of text is more than one article may hold ({MAX_TEXT_BYTES / 1e6:.1f} MB): "
        f"indexing it would take about {minutes:.0f} minutes with the index locked for writing; split it into "
        f"articles (files) of at most {MAX_TEXT_BYTES / 1e6:.1f} MB")


def _read_text(data: bytes, name: str) -> RawArticle:
    text, note = decode_text(data, name)
    return RawArticle(text, "text", note=note)


_MD_RULES = [
    (re.compile(r"^```.*$", re.M), ""),  # code fences (keep their content)
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"^#{1,6}\s*", re.M), ""),  # heading marks
    (re.compile(r"^\s*>\s?", re.M), ""),  # block quotes
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)"), r"\1"),  # italics
    (re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.M), ""),  # horizontal rules
]


def _read_markdown(data: bytes, name: str) -> RawArticle:
    text, note = decode_text(data, name)
    if text.startswith("---\n"):  # front matter
        end = text.find("\n---", 4)
        if end != -1:
            text = text[end + 4:]
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return RawArticle(text, "markdown", note=note)


def _read_html(data: bytes, name: str) -> RawArticle:
    import trafilatura

    if b"\x00" in data[:8192]:
        raise UnreadableFileError(f"{name}: binary content (NUL bytes), not an HTML page")
    doc: Any = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                           include_tables=True, favor_recall=True)
    if doc is None or not (doc.text or "").strip():
        raise UnreadableFileError(f"{name}: no article text found in the HTML")
    meta = {"title": doc.title or "", "date": doc.date or "", "source": doc.sitename or ""}
    text = doc.text or ""
    if meta["title"] and not text.lstrip().startswith(meta["title"]):
        text = meta["title"] + "\n\n" + text
    return RawArticle(text, "html", {k: v for k, v in meta.items() if v})


def _read_pdf(data: bytes, name: str) -> RawArticle:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as err:  # noqa: BLE001 - any failure means we cannot read it
                raise UnreadableFileError(f"{name}: encrypted PDF") from err
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as err:
        raise UnreadableFileError(f"{name}: damaged PDF ({err})") from err
    text = "\n\n".join(_join_pdf_lines(p) for p in pages if p.strip())
    title = ""
    try:
        title = (reader.metadata.title or "") if reader.metadata else ""
    except Exception:  # noqa: BLE001 - metadata is optional and often malformed
        pass
    return RawArticle(text, "pdf", {"title": title.strip()} if title.strip() else {})


def _join_pdf_lines(page: str) -> str:
    """PDF text comes one printed line at a time: re-join hyphenated and wrapped lines into paragraphs."""
    page = re.sub(r"(\w)-\n(\w)", r"\1\2", page)
    page = re.sub(r"(?<![.!?:\n])\n(?!\n)", " ", page)
    return page
