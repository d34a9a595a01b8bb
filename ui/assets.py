"""The UI's stylesheet and the small script that opens a cited passage when its marker is clicked.

Both are served inline by Gradio (no CDN, nothing fetched from outside).
"""

CSS = """
.gradio-container { max-width: 1320px !important; margin: 0 auto !important; }
#app-header { padding: 6px 4px 2px; }
#app-header h1 { font-size: 1.55rem; margin: 0; letter-spacing: -0.01em; display: flex; align-items: center; gap: 8px; }
#app-header h1 svg { width: 28px; height: 28px; color: var(--color-accent); }
#app-header p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
#app-header .pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 0.8rem;
  background: var(--color-accent-soft); color: var(--color-accent); margin-left: 6px; font-weight: 600; }

/* empty chat */
.empty-chat { text-align: center; max-width: 440px; margin: 0 auto; color: var(--body-text-color-subdued); }
.empty-chat svg { display: block; margin: 0 auto; width: 44px !important; height: 44px !important;
                  color: var(--color-accent); }
.empty-chat h3 { margin: 6px 0 8px; color: var(--body-text-color); font-size: 1.25rem; }
.empty-chat p { margin: 4px 0; line-height: 1.5; }
.empty-chat .hint { font-size: 0.85rem; }

/* citation markers in answers */
a.cite, span.cite { display: inline-block; min-width: 1.6em; padding: 0 0.35em; margin: 0 1px;
  border-radius: 6px; font-size: 0.78em; font-weight: 700; line-height: 1.5; text-align: center;
  vertical-align: 0.2em; text-decoration: none !important; }
a.cite { background: var(--color-accent-soft); color: var(--color-accent) !important; cursor: pointer;
  border: 1px solid var(--color-accent); }
a.cite:hover { background: var(--color-accent); color: white !important; }
span.cite-pending { color: var(--body-text-color-subdued); border: 1px dashed var(--border-color-primary); }
.searching { color: var(--body-text-color-subdued); font-style: italic; }

/* a refusal and an error look different from an answer */
.refusal, .notice { border-radius: 10px; padding: 8px 12px; margin: 2px 0; }
.refusal { background: #fff7e6; border: 1px solid #f5c16c; color: #5c3d00; }
.refusal p, .notice p { margin: 4px 0 0 !important; }
.refusal-badge, .notice-badge { display: inline-block; font-size: 0.72rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.05em; padding: 1px 8px; border-radius: 999px; }
.refusal-badge { background: #f5c16c; color: #4a3000; }
.notice-error { background: #fdecec; border: 1px solid #f0a3a3; color: #6b1111; }
.notice-error .notice-badge { background: #e35d5d; color: white; }
.notice-info { background: #eaf6ee; border: 1px solid #9fd3b0; color: #11462a; }
.notice-info .notice-badge { background: #2f9e5b; color: white; }
.dark .refusal { background: #3a2c10; color: #ffe2a8; border-color: #8a6520; }
.dark .notice-error { background: #3b1717; color: #ffd0d0; }
.dark .notice-info { background: #12301f; color: #c9f0d6; }

/* sources panel */
#sources { max-height: 660px; overflow-y: auto !important; padding-right: 6px; scroll-behavior: smooth; }
.src-panel { display: flex; flex-direction: column; gap: 10px; font-size: 0.93rem; }
.src-question { font-weight: 700; font-size: 0.98rem; }
.src-rewritten { color: var(--body-text-color-subdued); font-size: 0.85rem; font-style: italic; }
.src-empty { color: var(--body-text-color-subdued); }
.src-article { border: 1px solid var(--block-border-color); border-radius: 10px; padding: 10px 12px;
  background: var(--block-background-fill); }
.src-title { font-weight: 650; line-height: 1.3; }
.src-meta { color: var(--body-text-color-subdued); font-size: 0.82rem; margin: 2px 0 6px; }
.src-n { color: var(--color-accent); font-weight: 700; font-size: 0.85em; }
.src-passage { border-top: 1px dashed var(--block-border-color); padding: 6px 0 2px; }
.src-passage summary { cursor: pointer; color: var(--body-text-color); list-style-position: outside; }
.src-passage[open] .snip, .src-passage:not([open]) .snip-open { display: none; }
.snip-open { color: var(--body-text-color-subdued); font-size: 0.85rem; }
.src-passage blockquote { margin: 6px 0 4px; padding: 6px 10px; border-left: 3px solid var(--color-accent);
  background: var(--background-fill-secondary); border-radius: 0 8px 8px 0; line-height: 1.5;
  white-space: pre-wrap; font-size: 0.9rem; }
.src-passage mark { background: #ffe58a; color: #222; padding: 0 1px; border-radius: 3px; }
.src-passage.active { animation: cite-flash 1.6s ease-out; border-radius: 8px;
  box-shadow: inset 3px 0 0 var(--color-accent); padding-left: 8px; }
@keyframes cite-flash { 0% { background: var(--color-accent-soft); } 100% { background: transparent; } }
.src-earlier > summary { cursor: pointer; color: var(--body-text-color-subdued); font-weight: 600; }
.src-earlier[open] > summary { margin-bottom: 8px; }

/* library */
.doc-list { list-style: none; padding: 0; margin: 0; max-height: 320px; overflow-y: auto; }
.doc-list li { padding: 7px 2px; border-bottom: 1px solid var(--block-border-color); }
.doc-title { font-weight: 600; line-height: 1.3; }
.doc-meta { color: var(--body-text-color-subdued); font-size: 0.8rem; }
#upload-status { white-space: pre-line; }
/* thumbs only make sense on answers, not on notices */
.message-row:has(.notice) button[aria-label="Like"],
.message-row:has(.notice) button[aria-label="Dislike"] { display: none; }
.src-near summary { font-weight: 600; }
#feedback-row { align-items: end; }

"""

# Runs once when the sources panel loads. A marker `<a class="cite" href="#cite-T-N">` anywhere on the page
# opens passage `cite-T-N` in the panel (switching to the Sources tab first if needed) and flashes it.
SOURCES_JS = """
if (!window.__ragCiteHandler) {
  window.__ragCiteHandler = true;
  const reveal = (id, tries) => {
    const target = document.getElementById(id);
    if (!target) { if (tries > 0) setTimeout(() => reveal(id, tries - 1), 60); return; }
    for (let p = target.parentElement && target.parentElement.closest('details'); p;
         p = p.parentElement && p.parentElement.closest('details')) { p.open = true; }
    target.open = true;
    document.querySelectorAll('.src-passage.active').forEach((x) => x.classList.remove('active'));
    void target.offsetWidth;
    target.classList.add('active');
    let box = target.parentElement;  // scroll the panel, not the page
    while (box && box !== document.body && !(box.scrollHeight > box.clientHeight + 4
           && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) { box = box.parentElement; }
    if (box && box !== document.body) {
      const article = target.closest('.src-article');
      const near = article && target.getBoundingClientRect().top - article.getBoundingClientRect().top < 260;
      const anchor = near ? article : target;  // show the article's title too when it fits
      const top = anchor.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - 8;
      box.scrollTo({ top: top, behavior: 'smooth' });
    } else {
      target.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    }
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.cite');
    if (!link) return;
    const href = link.getAttribute('href') || '';
    if (!href.startsWith('#cite-')) return;
    event.preventDefault();
    const tab = Array.from(document.querySelectorAll('[role="tab"]'))
      .find((b) => b.textContent.trim().startsWith('Sources'));
    if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
    reveal(href.slice(1), 20);
  }, true);
}
"""
