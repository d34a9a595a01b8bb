"""HTML for the chat and the sources panel: pure functions of rag.types values, no Gradio here.

Chat messages are Markdown with a little inline HTML. The Chatbot's sanitizer keeps `class` and `href`
but drops `data-*` attributes, so a citation marker carries its target in its link:
`<a class="cite" href="#cite-T-N">[N]</a>` points at the passage `<details id="cite-T-N">` of answer
turn T in the sources panel (the script `ui.assets.SOURCES_JS` opens it on click).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rag.answer import markers
from rag.answer.refusal import REFUSAL
from rag.printable import printable

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def cite_id(turn: int, n: int) -> str:
    return f"cite-{turn}-{n}"


def _md_text(text: str) -> str:
    """Escape text so that Markdown and HTML render it literally (markers are re-added afterwards)."""
    return _MD_SPECIAL.sub(r"\\\1", html.unescape(text)).replace("&", "&amp;")


def _with_markers(text: str, make_marker) -> str:
    out, pos = [], 0
    for m in markers.CITATION.finditer(text):
        out.append(_md_text(text[pos:m.start()]))
        out.append(make_marker(int(m.group(1))))
        pos = m.end()
    out.append(_md_text(text[pos:]))
    return "".join(out)


def streaming_message(text: str) -> str:
    """A partial answer while it streams: markers shown, not yet clickable (numbers may still change)."""
    return _with_markers(text, lambda n: f'<span class="cite cite-pending">[{n}]</span>') + " ▍"


def waiting_message(status: Any) -> str:
    """Where the question stands while the answer model is busy with other people's questions."""
    return f'<span class="searching waiting">{html.escape(status.text)}</span>'


def answer_message(answer: Any, turn: int) -> str:
    """The final answer: clickable `[n]` markers, or a refusal that looks different from an answer."""
    if answer.refused:
        return refusal_message(answer.text)
    by_n = {c.n: c for c in answer.citations}

    def marker(n: int) -> str:
        c = by_n.get(n)
        if c is None:
            return f"[{n}]"
        title = html.escape(f"{printable(c.title or c.source)} — open passage [{n}]", quote=True)
        return f'<a class="cite" href="#{cite_id(turn, n)}" title="{title}">[{n}]</a>'

    body = _with_markers(answer.text, marker)
    if getattr(answer, "partial", False):  # a refusal variant: says what the articles cover instead
        return (f'<div class="refusal partial"><span class="refusal-badge">Not exactly in the articles</span>'
                f"\n\n{body}\n\n</div>")  # blank lines: the body stays Markdown, its markers links
    return body


def _html_text(text: str) -> str:
    """Text inside an HTML block (Markdown is not applied there): escape, keep line breaks."""
    return "<br>".join(html.escape(line) for line in text.splitlines())


def refusal_message(text: str) -> str:
    body = _html_text(text or REFUSAL)
    return ('<div class="refusal"><span class="refusal-badge">Not in the articles</span>'
            f"<p>{body}</p></div>")


def notice_message(text: str, kind: str = "error") -> str:
    """A readable problem report shown in the chat (kind: error | info)."""
    label = {"error": "Could not answer", "info": "Library updated"}.get(kind, kind.title())
    return (f'<div class="notice notice-{kind}"><span class="notice-badge">{html.escape(label)}</span>'
            f"<p>{_html_text(text)}</p></div>")


def highlight_sentence(citation: Any) -> str:
    """The cited passage as HTML with its supporting sentence wrapped in <mark>."""
    passage = citation.text or ""
    sentence = (citation.sentence or "").strip()
    lo = hi = -1
    if citation.sentence_start >= 0 and citation.sentence_end > citation.sentence_start:
        lo, hi = citation.sentence_start - citation.start, citation.sentence_end - citation.start
        if not (0 <= lo < hi <= len(passage)) or (sentence and passage[lo:hi].strip() != sentence):
            lo = hi = -1
    if lo < 0 and sentence:
        lo = passage.find(sentence)
        hi = lo + len(sentence) if lo >= 0 else -1
    if lo < 0:
        return html.escape(passage)
    return (html.escape(passage[:lo]) + "<mark>" + html.escape(passage[lo:hi]) + "</mark>"
            + html.escape(passage[hi:]))


def _article_meta(c: Any) -> str:
    bits = [b for b in (c.date, c.publisher) if b]
    bits.append(c.source)
    return " · ".join(_meta(b) for b in bits)


def _meta(value: Any) -> str:
    """A metadata field (title, source, file name) for HTML: printable text only (rag.printable), escaped."""
    return html.escape(printable(value))


def _group_by_article(citations: Iterable[Any]) -> list[list[Any]]:
    groups: dict[str, list[Any]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        groups.setdefault(c.doc_id or c.source, []).append(c)
    return list(groups.values())


def turn_sources(answer: Any, turn: int, open_first: bool = True) -> str:
    """The sources of one answer: cited articles, each with its cited passages."""
    if answer.refused or not answer.citations:
        return _nearest(answer) if answer.refused else '<p class="src-empty">No citations.</p>'
    parts = []
    for i, group in enumerate(_group_by_article(answer.citations)):
        head = group[0]
        numbers = " ".join(f'<span class="src-n">[{c.n}]</span>' for c in group)
        passages = []
        for c in group:
            passages.append(
                f'<details class="src-passage" id="{cite_id(turn, c.n)}"{" open" if open_first and i == 0 else ""}>'
                f'<summary><span class="src-n">[{c.n}]</span> <span class="snip">{html.escape(_snippet(c))}</span>'
                f'<span class="snip-open">Cited passage; the supporting sentence is highlighted</span></summary>'
                f'<blockquote>{highlight_sentence(c)}</blockquote></details>')
        parts.append(
            '<div class="src-article">'
            f'<div class="src-title">{numbers} {_meta(head.title or head.source)}</div>'
            f'<div class="src-meta">{_article_meta(head)}</div>'
            + "".join(passages) + "</div>")
    return "".join(parts)


def _nearest(answer: Any, limit: int = 3) -> str:
    """For a refusal: the closest passages that were read, so the reader can check the refusal."""
    near = list(answer.passages or [])[:limit]
    if not near:
        return '<p class="src-empty">Nothing in the articles matched this question.</p>'
    items = []
    for p in near:
        meta = " · ".join(_meta(x) for x in (p.date, p.name) if x)
        items.append(f'<details class="src-passage src-near"><summary>{_meta(p.title or p.name)}'
                     f' <span class="src-meta">{meta}</span></summary>'
                     f"<blockquote>{html.escape(p.text)}</blockquote></details>")
    return ('<p class="src-empty">None of these passages supports an answer, so none is cited. '
            "The closest ones found:</p>" + "".join(items))


def _snippet(c: Any, limit: int = 90) -> str:
    s = (c.sentence or c.text or "").strip().replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def sources_panel(turns: list[Mapping[str, Any]]) -> str:
    """The whole panel: the latest answer's sources, then earlier answers' sources folded away.

    `turns` items: {"turn": int, "question": str, "answer": rag.types.Answer}.
    """
    answered = [t for t in turns if t.get("answer") is not None]
    if not answered:
        return ('<div class="src-panel"><p class="src-empty">Ask a question: the articles and passages '
                "behind each answer appear here. Click a marker such as [1] to open its passage.</p></div>")
    latest, earlier = answered[-1], answered[:-1]
    out = ['<div class="src-panel">', _turn_header(latest), turn_sources(latest["answer"], latest["turn"])]
    if earlier:
        out.append(f'<details class="src-earlier"><summary>Earlier answers ({len(earlier)})</summary>')
        for t in reversed(earlier):
            out.append(_turn_header(t) + turn_sources(t["answer"], t["turn"], open_first=False))
        out.append("</details>")
    out.append("</div>")
    return "".join(out)


def _turn_header(t: Mapping[str, Any]) -> str:
    ans = t["answer"]
    extra = ""
    if ans.rewritten_question and ans.rewritten_question.strip() != t["question"].strip():
        extra = f'<div class="src-rewritten">searched as: {html.escape(ans.rewritten_question)}</div>'
    return (f'<div class="src-question">{html.escape(_short(t["question"], 160))}</div>{extra}')


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def documents_html(docs: Sequence[Mapping[str, Any]]) -> str:
    """The indexed articles, newest first when dates are known."""
    if not docs:
        return '<p class="src-empty">No articles indexed yet. Upload some above.</p>'
    rows = []
    for d in sorted(docs, key=lambda d: (d.get("date") or "", d.get("title") or ""), reverse=True):
        meta = " · ".join(_meta(x) for x in (d.get("date"), d.get("source"), d.get("name")) if x)
        rows.append(f'<li><div class="doc-title">{_meta(d.get("title") or d.get("name", ""))}</div>'
                    f'<div class="doc-meta">{meta} · {plural(int(d.get("n_chunks") or 0), "passage")}</div></li>')
    return f'<ul class="doc-list">{"".join(rows)}</ul>'
