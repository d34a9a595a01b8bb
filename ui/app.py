"""The Gradio Blocks app: chat with streamed, cited answers beside a sources panel and the article library.

    from ui.app import build_app, launch
    launch()                       # opens the default index, serves http://127.0.0.1:7860
    demo = build_app(rag)          # a gr.Blocks, to mount or launch yourself (see style() for theme/css)

HTTP API (gradio_client): `/ask` (question, top_k, backend, history) -> Answer as JSON; see ui/README.md.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import gradio as gr  # noqa: E402  (this module is the UI: importing it means Gradio is wanted)

from rag import offline as _offline  # noqa: F401  (before gradio: analytics off, hubs offline)
from rag.serve.auth import check_ui_bind
from rag.serve.security import ChangePolicy, guard_middleware
from ui import chat, feedback, library, render
from ui.assets import CSS, SOURCES_JS

log = logging.getLogger(__name__)
APP_TITLE = "News Desk"


def _backends(config: Any) -> list[str]:
    from rag.answer.base import available

    names = available()
    return names if config.generator in names else [config.generator, *names]


_LOGO = ('<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" '
         'stroke-linejoin="round" aria-hidden="true"><path d="M4 5h13v14H6a2 2 0 0 1-2-2z"/>'
         '<path d="M17 9h3v8a2 2 0 0 1-2 2"/><path d="M7 9h7M7 12.5h7M7 16h4"/></svg>')


_PLACEHOLDER = (
    '<div class="empty-chat">' + _LOGO + "<h3>Ask the news</h3>"
    "<p>Answers are built from the indexed articles and every claim carries a numbered citation "
    "you can click to read its passage. When the articles do not say, you are told so.</p>"
    "<p class='hint'>Add your own articles in the <b>Library</b> tab.</p></div>")


def _header(docs: list[dict], problem: str = "", opening: bool = False) -> str:
    if opening:
        status = '<span class="pill">opening the library…</span>'
    elif problem:
        status = '<span class="pill">store unavailable</span>'
    else:
        status = f'<span class="pill">{len(docs)} article{"s" * (len(docs) != 1)} indexed</span>'
    return (f"<h1>{_LOGO} {APP_TITLE} {status}</h1><p>Ask questions about the news articles in the library. "
            "Every claim carries a numbered citation: click it to read the passage it comes from.</p>")


def _examples(docs: list[dict], config: Any) -> list[str]:
    """Example questions: `ui_examples` from the config (rag.toml: a list, or RAG_UI_EXAMPLES '|'-separated)
    or questions built from the titles of the indexed articles."""
    configured = getattr(config, "ui_examples", "")
    if isinstance(configured, str):
        configured = [q.strip() for q in configured.split("|") if q.strip()]
    if configured:
        return list(configured)[:6]
    titles = [d["title"].strip().rstrip(".") for d in docs if 8 <= len((d.get("title") or "").strip()) <= 72]
    return [f"What is “{t}” about?" for t in titles[:4]]


def build_app(rag: Any = None, opener: Any = None, examples: list[str] | None = None,
              defer_library: bool = False, warm_up: bool = True):
    """Build the UI around a RAG façade (or an `opener` called on first use, so a missing store is
    reported in the chat instead of stopping the app). With `defer_library`, the page is served before
    the store is opened (importing Chroma takes about a second) and the article list, header and
    title-based examples arrive when the page loads."""
    handle = chat.RagHandle(rag, opener)
    policy = ChangePolicy()  # who may upload and delete: set by launch() from the address it binds
    if warm_up:
        start_warm_up(handle)
    config = handle.config
    docs, problem = ([], "") if defer_library else library.documents(handle)
    given_examples = examples
    examples = examples if examples is not None else _examples(docs, config)

    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        state = gr.State(chat.new_state())  # copied per browser session
        pending = gr.State("")
        rated = gr.State(None)
        header = gr.HTML(_header(docs, problem, opening=defer_library), elem_id="app-header")
        with gr.Row(equal_height=False):
            with gr.Column(scale=7, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="chat", height=600, show_label=False, layout="bubble",
                    feedback_options=("Like", "Dislike"), buttons=["copy"], autoscroll=True,
                    placeholder=_PLACEHOLDER)
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(placeholder="Ask a question and press Enter…", show_label=False,
                                          scale=8, lines=1, max_lines=6, autofocus=True, elem_id="question",
                                          container=False)
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ask")
                # A Dataset rather than gr.Examples: its samples can arrive after the page (defer_library).
                try_examples = gr.Dataset(components=[question], samples=[[q] for q in examples], label="Try",
                                          type="values", visible=bool(examples) or defer_library,
                                          elem_id="examples")
                with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
                    comment = gr.Textbox(label="Thanks! Anything to add? (optional)", scale=6,
                                         placeholder="What was right or wrong with this answer?",
                                         elem_id="feedback-comment")
                    send_comment = gr.Button("Send comment", scale=1, min_width=120)
                with gr.Accordion("Settings", open=False, elem_id="settings"):
                    with gr.Row():
                        top_k = gr.Slider(1, 15, value=int(config.top_k), step=1, label="Passages to read (top-k)")
                        backends = _backends(config)
                        backend = gr.Dropdown(backends, value=config.generator, label="Answer backend",
                                              interactive=len(backends) > 1)
                        as_of = gr.Textbox(label="As of (YYYY-MM-DD, optional)", elem_id="as-of",
                                           placeholder="Ask as of that day: later articles are left out and "
                                                       "\"this week\" is the week up to it")
                    clear = gr.Button("New conversation", size="sm")
            with gr.Column(scale=5, min_width=340):
                with gr.Tabs():
                    with gr.Tab("Sources", id="sources-tab"):
                        sources = gr.HTML(render.sources_panel([]), elem_id="sources", js_on_load=SOURCES_JS)
                    with gr.Tab("Library", id="library-tab"):
                        upload = gr.File(label="Add articles (txt, md, html, pdf; several at once)",
                                         file_count="multiple", elem_id="upload", height=170)
                        upload_status = gr.Markdown("", elem_id="upload-status")
                        doc_list = gr.HTML(render.documents_html(docs), elem_id="documents")
                        with gr.Row():
                            to_delete = gr.Dropdown(_choices(docs), label="Remove an article",
                                                    scale=4, elem_id="delete-choice")
                            delete = gr.Button("Delete", variant="stop", scale=1, min_width=90)

        # --- chat -------------------------------------------------------------------------------
        def take(message: str):
            return "", message

        def respond(message: str, state: dict, k: float, be: str, day: str):
            for st in chat.respond(handle, message, state, top_k=int(k), backend=be, as_of=day):
                yield st, st["messages"], render.sources_panel(st["turns"])

        try_examples.click(lambda sample: sample[0], [try_examples], [question], queue=False,
                           api_visibility="private")

        outputs = [state, chatbot, sources]
        for trigger in (question.submit, ask.click):
            # No limit of Gradio's on answering (its queue would leave people waiting with no word): the
            # answer model keeps its own line and the chat tells each waiting person their place.
            trigger(take, [question], [question, pending], queue=False, api_visibility="private").then(
                respond, [pending, state, top_k, backend, as_of], outputs, api_visibility="private",
                show_progress="hidden", concurrency_limit=None)

        def reset():
            st = chat.new_state()
            return st, [], render.sources_panel([]), gr.update(visible=False)

        clear.click(reset, None, [state, chatbot, sources, feedback_row], api_visibility="private")
        chatbot.clear(reset, None, [state, chatbot, sources, feedback_row], api_visibility="private")

        # --- feedback ---------------------------------------------------------------------------
        def on_like(st: dict, data: gr.LikeData):
            idx = data.index if isinstance(data.index, int) else data.index[0]
            turn = chat.turn_for_message(st, idx)
            if turn is None:
                return None, gr.update(visible=False)
            rating = "up" if data.liked is True else "down" if data.liked is False else str(data.liked)
            feedback.append(handle.config.feedback_file, feedback.record(turn, rating))
            return {"message": idx, "rating": rating}, gr.update(visible=True)

        chatbot.like(on_like, [state], [rated, feedback_row], api_visibility="private")

        def on_comment(st: dict, rate: dict | None, text: str):
            turn = chat.turn_for_message(st, rate["message"]) if rate else None
            if turn is None or rate is None or not text.strip():
                return gr.update(), gr.update(visible=bool(turn))
            feedback.append(handle.config.feedback_file, feedback.record(turn, rate["rating"], text))
            gr.Info("Thanks for the feedback.")
            return "", gr.update(visible=False)

        for trigger in (send_comment.click, comment.submit):
            trigger(on_comment, [state, rated, comment], [comment, feedback_row], api_visibility="private")

        # --- library ----------------------------------------------------------------------------
        def refreshed(message: str):
            docs, problem = library.documents(handle)
            return (message, render.documents_html(docs), gr.update(choices=_choices(docs), value=None),
                    _header(docs, problem))

        def on_upload(files: list[str] | None, st: dict, request: gr.Request, progress=gr.Progress()):
            paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files or []]
            refused = policy.refusal(request)
            if refused:
                st["messages"].append({"role": "assistant", "content": render.notice_message(refused)})
                return (None, st, st["messages"], *refreshed(refused))

            def step(i: int, n: int, name: str) -> None:
                progress((i, n), desc=f"Indexing {name}" if i < n else "Indexed", unit="files")

            summary, ok = library.index_files(handle, paths, step)
            st["messages"].append({"role": "assistant",
                                   "content": render.notice_message(summary, "info" if ok else "error")})
            return (None, st, st["messages"], *refreshed(summary))

        upload.upload(on_upload, [upload, state],
                      [upload, state, chatbot, upload_status, doc_list, to_delete, header],
                      api_visibility="private")

        def on_delete(name: str | None, request: gr.Request):
            return refreshed(policy.refusal(request) or library.delete(handle, name))

        delete.click(on_delete, [to_delete], [upload_status, doc_list, to_delete, header],
                     api_visibility="private")

        if defer_library:
            def on_page_load():
                docs, problem = library.documents(handle)  # waits for the store the warm-up is opening
                questions = given_examples if given_examples is not None else _examples(docs, handle.config)
                return (render.documents_html(docs), gr.update(choices=_choices(docs), value=None),
                        _header(docs, problem), gr.Dataset(samples=[[q] for q in questions], visible=bool(questions)))

            demo.load(on_page_load, None, [doc_list, to_delete, header, try_examples],
                      api_visibility="private", show_progress="hidden")

        # --- HTTP API ---------------------------------------------------------------------------
        def ask_api(question: str, top_k: int = 0, backend: str = "", history: list | None = None,
                    as_of: str = "") -> dict:
            """Answer a question from the indexed articles, as of a day when `as_of` (YYYY-MM-DD) is given.
            Returns the Answer as JSON (answer, refused, citations, passages, rewritten_question,
            timings_ms) or {"error": message}."""
            pairs = [(str(u), str(a)) for u, a in (history or [])]
            return chat.answer_once(handle, question, top_k=top_k or None, backend=backend or None,
                                    history=pairs, as_of=as_of)

        gr.api(ask_api, api_name="ask")
    demo.rag_handle = handle
    demo.change_policy = policy
    return demo


def _choices(docs: list[dict]) -> list[tuple[str, str]]:
    """Delete choices: each file name shown printable (rag.printable), its document id the value (two files
    of one name in different folders are two choices)."""
    from rag.printable import printable

    return [(printable(d["name"]), d["doc_id"]) for d in docs]


def start_warm_up(handle: chat.RagHandle) -> None:
    threading.Thread(target=chat.warm_up, args=(handle,), daemon=True, name="rag-warm-up").start()


def style() -> dict[str, Any]:
    """The theme and stylesheet (Gradio 6 takes them at launch); fonts are served locally."""
    theme = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate")
    return {"theme": theme, "css": CSS}


def configured_login(config: Any) -> tuple[str, str] | None:
    """The login `ui_user` / `ui_password` (RAG_UI_USER / RAG_UI_PASSWORD) ask for, if both are set."""
    user, password = config.ui_user, config.ui_password
    return (user, password) if user and password else None


def mount(app: Any, opener: Any, path: str = "/", auth: Any = None, host: str = "127.0.0.1"):
    """Mount the UI into a FastAPI app (`rag serve`, rag/serve/app.py), with launch()'s settings; the
    store is opened through `opener` on first use. Returns the gr.Blocks."""
    demo = build_app(opener=opener, defer_library=True, warm_up=False)
    demo.change_policy.bind(host, auth)  # uploads and deletes: with the login, or on loopback only
    demo.queue(default_concurrency_limit=4)
    gr.mount_gradio_app(app, demo, path, auth=auth, ssr_mode=False, show_error=True, mcp_server=False,
                        footer_links=["api"], run_history=False, **style())
    return demo


def launch(rag: Any = None, host: str = "127.0.0.1", port: int = 7860, index_dir: str | None = None,
           block: bool = True, quiet: bool = False, **kwargs: Any):
    """Serve the UI. Without `rag`, opens the index at `index_dir` (default from the config) on first use.
    Returns the gr.Blocks (useful with block=False)."""
    opener = None
    if rag is None:
        def opener():
            from rag import RAG

            return RAG.open(index_dir=index_dir)
    from rag.config import Config

    config = rag.config if rag is not None else Config.load(index_dir=index_dir)
    auth = kwargs.pop("auth", None) or configured_login(config)
    check_ui_bind(host, login=bool(auth))
    # The model and store load after the server is up, so they do not delay the page (2 cores).
    demo = build_app(rag, opener=opener, defer_library=rag is None, warm_up=False)
    demo.change_policy.bind(host, auth)  # uploads and deletes: with the login, or on loopback only
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    guard = guard_middleware(host, int(port), config.ui_allowed_hosts, config.upload_max_mb)
    app_kwargs["middleware"] = [*app_kwargs.get("middleware", []), guard]
    demo.queue(default_concurrency_limit=4)
    demo.launch(server_name=host, server_port=int(port), share=False, auth=auth, ssr_mode=False,
                prevent_thread_lock=True, quiet=quiet, show_error=True, mcp_server=False,
                footer_links=["api"], run_history=False, app_kwargs=app_kwargs, **style(), **kwargs)
    start_warm_up(demo.rag_handle)
    if block:
        demo.block_thread()
    return demo
