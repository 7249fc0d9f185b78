"""Pure rendering for the web UI: answers, sources, articles, figures and corpus status as inert HTML.

Every string that comes from an article, an answer or a question goes through `html.escape` before it
is placed in markup, so text such as ``<script>`` always shows as text. No Gradio import here.

Usage::

    turns = [(1, answer)]
    docs = {d.doc_id: d for d in bot.documents()}
    chat_md = answer_markdown(answer, turn=1)        # [n] markers become links to #cite-1-n
    panel = sources_panel(turns, docs)               # cards with id="cite-1-n", quote in <mark>
    article = document_panel(turns, docs)            # whole clean text, every cited span in <mark>
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from assistant.answer import MARKER, Answer, Citation, Figure
from index.corpus import Article

Turn = tuple[int, Answer]
CONTEXT_CHARS = 700  # longest paragraph shown around a quote in the sources panel
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


_TEMPLATES = Environment(loader=PackageLoader("assistant", "templates"), autoescape=True, keep_trailing_newline=False)


def _render(name: str, **values: object) -> str:
    """A template of assistant/templates with autoescape: every value is escaped unless passed as Markup."""
    return _TEMPLATES.get_template(name).render(**values).strip()


def esc(text: object) -> str:
    """Escape text for HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(str(text), quote=True)


def _slug(doc_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", doc_id)


def _meta(*parts: str | None) -> str:
    return " · ".join(esc(p) for p in parts if p)


def _cite_link(turn: int, n: int) -> str:
    return f'<a class="cite" href="#cite-{turn}-{n}" title="Show source {n}">[{n}]</a>'


def link_markers(escaped: str, turn: int) -> str:
    """Turn [n] markers of already-escaped text into links to the sources panel."""
    return MARKER.sub(lambda m: _cite_link(turn, int(m.group(1))), escaped)


def _paragraphs(text: str) -> str:
    """A line after a list item starts a new paragraph instead of continuing the item."""
    return re.sub(r"(\n[-*] [^\n]*)\n(?![-*] )", r"\1\n\n", text)


# ---- chat bubbles (markdown with a little inline HTML; the Chatbot sanitises on top) --------------
NOT_IN_ARTICLES = "Not in the articles."


_OWN_MARKUP = re.compile(r"(\*\*|\[\d+\])")


def literal_markdown(text: str) -> str:
    """Answer text with every markdown character of the quoted articles escaped, so an article can never
    embed an image, a link or formatting; only the answerer's own bold (**…**), list dashes and [n] stay."""
    lines = []
    for line in text.split("\n"):
        bullet = "- " if line.startswith("- ") else ""
        parts = _OWN_MARKUP.split(line[len(bullet):])
        lines.append(bullet + "".join(p if i % 2 else _MD_SPECIAL.sub(r"\\\1", p) for i, p in enumerate(parts)))
    return "\n".join(lines)


def question_markdown(question: str) -> str:
    """A user's question shown literally: no HTML, no markdown formatting."""
    return esc(_MD_SPECIAL.sub(r"\\\1", question))


def partial_markdown(text: str, turn: int) -> str:
    """An answer still streaming in, with a cursor; before the first words, a searching note."""
    if not text:
        return '<em class="pending">Searching the articles…</em>'
    return link_markers(esc(literal_markdown(text)), turn) + " ▌"


def answer_markdown(answer: Answer, turn: int) -> str:
    """The final answer: linked markers, a distinct note when abstaining, and the query as searched."""
    # inside an HTML block markdown is not read: the note's text is HTML-escaped only (a markdown escape would show
    # its backslash: "question\.")
    if answer.kind == "chit-chat":  # a friendly reply, not a refusal
        body = f'<div class="note note-chat">{esc(answer.text)}</div>'
    elif answer.abstained:
        body = f'<div class="note note-info"><strong>{NOT_IN_ARTICLES}</strong> {esc(answer.text)}</div>'
    else:
        body = link_markers(esc(literal_markdown(_paragraphs(answer.text))), turn)
    if answer.rewritten:
        body += f'\n\n<em class="searched">Searched: “{question_markdown(answer.query)}”</em>'
    return body


# ---- figures ------------------------------------------------------------------------------------
def _raw_meta(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def figures_chart(figures: Sequence[Figure], turn: int) -> str:
    """Bars by source for conflicting figures, each linked to its citation; empty for fewer than two."""
    if len(figures) < 2:
        return ""
    top = max(f.value for f in figures) or 1.0
    rows = [{"citation": f.citation, "who": f.who, "role": f.role, "attribution": f.attribution,
             "meta": _raw_meta(f.outlet, f.date), "width": f"{max(2.0, 100.0 * f.value / top):.1f}",
             "display": f.display, "scope": " ".join(x for x in (f.what, f.scope) if x)}
            for f in sorted(figures, key=lambda f: -f.value)]
    return _render("figures.html", rows=rows, turn=turn)


# ---- sources panel ------------------------------------------------------------------------------
def _span(text: str, c: Citation) -> tuple[int, int] | None:
    """Where the quote sits in the clean text: its recorded span, or found again if the text moved."""
    if 0 <= c.start < c.end <= len(text) and text[c.start : c.end] == c.quote:
        return c.start, c.end
    at = text.find(c.quote) if c.quote else -1
    return (at, at + len(c.quote)) if at >= 0 else None


def quote_in_paragraph(text: str, c: Citation) -> str:
    """The paragraph around a cited quote (trimmed to CONTEXT_CHARS), the quote itself in <mark>."""
    span = _span(text, c)
    if span is None:
        return f"<mark>{esc(c.quote)}</mark>"
    start, end = span
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    room = max(0, CONTEXT_CHARS - (end - start)) // 2
    a, b = max(lo, start - room), min(hi, end + room)
    lead, tail = ("…" if a > lo else ""), ("…" if b < hi else "")
    return f"{lead}{esc(text[a:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:b])}{tail}"


def sources_section(answer: Answer, turn: int, documents: Mapping[str, Article], visible: bool) -> str:
    """Evidence for one answered turn: the figures chart, then one card per citation."""
    cards = []
    for c in answer.citations:
        doc = documents.get(c.doc_id)
        para = quote_in_paragraph(doc.text, c) if doc else f"<mark>{esc(c.quote)}</mark>"
        cards.append({"n": c.n, "slug": _slug(c.doc_id), "title": c.title, "meta": _raw_meta(c.outlet, c.date),
                      "para": Markup(para)})  # noqa: S704 - quote_in_paragraph escapes every piece of text
    chart = Markup(figures_chart(answer.figures, turn)) if cards else ""  # noqa: S704 - rendered with autoescape
    return _render("sources.html", turn=turn, visible=visible, question=answer.question, abstained=answer.abstained,
                   not_in_articles=NOT_IN_ARTICLES, cards=cards, chart=chart)


def _panel(title: str, box_id: str, inner: str) -> str:
    return f'<p class="panel-title">{title}</p><div class="scroll-box" id="{box_id}">{inner}</div>'


def _placeholder(text: str, extra: str = "") -> str:
    return f'<p class="placeholder{extra}">{esc(text)}</p>'


def sources_panel(turns: Sequence[Turn], documents: Mapping[str, Article]) -> str:
    """All kept turns' evidence; only the newest shows until a marker of another turn is clicked."""
    if not turns:
        hint = "Sources appear here. Click a [n] marker in an answer to see the exact passage it rests on."
        return _panel("Sources", "sources-box", _placeholder(hint))
    last = turns[-1][0]
    return _panel("Sources", "sources-box",
                  "".join(sources_section(a, t, documents, t == last) for t, a in turns))


# ---- document view ------------------------------------------------------------------------------
def highlight_article(text: str, spans: Sequence[tuple[int, int, int]], active: int | None = None) -> str:
    """Escaped article text with every (start, end, marker) span in <mark data-cites="n …">."""
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    out = []
    for a, b in pairwise(cuts):
        covering = sorted({n for s, e, n in spans if s <= a and b <= e})
        piece = esc(text[a:b])
        if not covering:
            out.append(piece)
            continue
        cls = ' class="active"' if active in covering else ""
        names = ", ".join(f"[{n}]" for n in covering)
        nums = " ".join(map(str, covering))
        out.append(f'<mark data-cites="{nums}"{cls} title="Cited as {names}">{piece}</mark>')
    return "".join(out)


def document_section(answer: Answer, turn: int, documents: Mapping[str, Article], visible: bool) -> str:
    """Each article cited in one turn, whole, with that turn's cited spans highlighted."""
    first = answer.citations[0] if answer.citations else None
    parts = []
    for doc_id in dict.fromkeys(c.doc_id for c in answer.citations):
        doc = documents.get(doc_id)
        if doc is None:
            continue
        spans = [(*span, c.n) for c in answer.citations
                 if c.doc_id == doc_id and (span := _span(doc.text, c)) is not None]
        shown = visible and first is not None and doc_id == first.doc_id
        text = highlight_article(doc.text, spans, first.n if shown and first else None)
        parts.append(_render("document.html", turn=turn, slug=_slug(doc_id), shown=shown, title=doc.title,
                             meta=_raw_meta(doc.outlet, doc.date, doc.author) or "outlet unknown",
                             text=Markup(text)))  # noqa: S704 - highlight_article escapes every piece of text
    return "".join(parts)


def document_panel(turns: Sequence[Turn], documents: Mapping[str, Article]) -> str:
    """The article cited first in the newest turn; clicking a marker switches to the one it cites."""
    if not turns:
        hint = "The cited article appears here, whole, with every cited passage highlighted."
        return _panel("Article", "document-box", _placeholder(hint, " doc-empty"))
    last, newest = turns[-1]
    note = "" if newest.citations else _placeholder("This answer cites no article.", " doc-empty")
    sections = "".join(document_section(a, t, documents, t == last) for t, a in turns)
    return _panel("Article", "document-box", note + sections)


# ---- corpus status ------------------------------------------------------------------------------
def _when(stamp: str | None) -> str:
    if not stamp:
        return "unknown"
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M %Z").strip()
    except ValueError:
        return stamp


def status_html(status: Mapping[str, Any]) -> str:
    """Which articles are indexed, in which generation, built when."""
    rows = "".join(
        f"<tr><td>{esc(d.get('title') or d.get('doc_id'))}</td><td>{_meta(d.get('outlet')) or '—'}</td>"
        f"<td>{_meta(d.get('date')) or '—'}</td><td class='num'>{esc(d.get('chunks', 0))}</td></tr>"
        for d in status.get("documents", [])
    )
    return (
        f'<p class="status-line">{len(status.get("documents", []))} articles indexed · '
        f"generation {esc(status.get('generation', '?'))} · built {esc(_when(status.get('built_at')))} · "
        f"collection <code>{esc(status.get('collection', ''))}</code></p>"
        '<table class="status"><thead><tr><th>Title</th><th>Outlet</th><th>Date</th>'
        f'<th class="num">Chunks</th></tr></thead><tbody>{rows}</tbody></table>'
    )


# ---- page assets (inline, offline: no CDN) -------------------------------------------------------
CSS = """
.cite { font-size: .78em; font-weight: 700; text-decoration: none !important; color: #c2410c !important;
  padding: 0 1px; cursor: pointer; white-space: nowrap; }
.cite:hover { text-decoration: underline !important; }
.note { border-radius: 8px; padding: 8px 12px; margin: 2px 0; }
.note strong { font-size: 1em; font-weight: 600; }
.note-info { background: #eff6ff; border-left: 4px solid #3b82f6; color: #1e3a8a; }
.note-chat { background: #f0fdf4; border-left: 4px solid #22c55e; color: #14532d; }
.note-error { background: #fff7ed; border-left: 4px solid #f97316; color: #7c2d12; }
.searched { display: block; margin-top: 6px; font-size: .85em; opacity: .75; }
.pending { opacity: .7; }
.turn-doc mark[data-cites] { cursor: pointer; }
.panel-title { font-weight: 600; margin: 0 0 6px; }
#examples { flex-wrap: wrap; gap: 6px; }
#examples button { flex: 0 0 auto; width: auto; white-space: nowrap; }
#sources-box { max-height: 48vh; overflow: auto; padding-right: 4px; }
#document-box { max-height: 40vh; overflow: auto; padding-right: 6px; }
.placeholder { opacity: .7; font-size: .9em; margin: 4px 0; }
.turn-q { font-size: .85em; opacity: .75; margin: 0 0 8px; }
ol.sources { list-style: none; padding: 0; margin: 0; }
.turn-sources { margin: 0; }
.source { border: 1px solid var(--block-border-color, #e5e7eb); border-radius: 8px;
  padding: 8px 10px; margin: 0 0 8px; transition: box-shadow .2s, border-color .2s; }
.source.active { border-color: #f59e0b; box-shadow: 0 0 0 2px rgba(245, 158, 11, .35); }
.source-head { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; }
.source-title { font-weight: 600; font-size: .95em; color: inherit !important;
  text-decoration: none !important; }
.source-meta { font-size: .8em; opacity: .7; }
.source-para { margin: 6px 0 0; font-size: .9em; line-height: 1.5; }
#sources-box mark, #document-box mark { background: #fde68a; color: #1f2937; padding: 0 1px;
  border-radius: 2px; }
#document-box mark.active { background: #fbbf24; outline: 2px solid #f59e0b; }
.doc-head { position: sticky; top: 0; background: var(--block-background-fill, #fff); padding: 2px 0 6px;
  border-bottom: 1px solid var(--block-border-color, #e5e7eb); margin-bottom: 8px; }
.doc-head h3 { margin: 0 0 2px; font-size: 1.02em; font-weight: 600; line-height: 1.3; }
.doc-meta { font-size: .8em; opacity: .7; margin: 0; }
.doc-text { white-space: pre-wrap; line-height: 1.55; font-size: .9em; }
.figures { margin: 0 0 12px; padding: 10px; border: 1px solid var(--block-border-color, #e5e7eb);
  border-radius: 8px; }
.figures figcaption { font-weight: 600; margin-bottom: 6px; }
.fig-row { display: grid; grid-template-columns: minmax(0, 13em) minmax(0, 1fr); gap: 0 10px;
  padding: 5px 4px; border-radius: 6px; color: inherit !important; text-decoration: none !important; }
.fig-row:hover { background: var(--background-fill-secondary, #f3f4f6); }
.fig-who { grid-row: span 2; font-size: .85em; line-height: 1.3; }
.fig-meta { display: block; font-weight: 400; opacity: .7; }
.fig-role { font-weight: 400; }
.fig-track { display: flex; align-items: center; gap: 6px; height: 1.4em; }
.fig-bar { display: block; height: 100%; max-width: 75%; border-radius: 4px;
  background: linear-gradient(90deg, #93c5fd, #2563eb); }
.fig-value { font-size: .85em; font-weight: 700; white-space: nowrap; }
.fig-cite { color: #c2410c; }
.fig-scope { font-size: .78em; opacity: .7; }
.status-line { font-size: .9em; margin: 0 0 6px; }
table.status { width: 100%; border-collapse: collapse; font-size: .88em; }
table.status th, table.status td { text-align: left; padding: 4px 6px;
  border-bottom: 1px solid var(--block-border-color, #e5e7eb); }
table.status .num { text-align: right; }
"""

SCRIPT = """
(() => {
  if (window.__newsAssistantUi) return;
  window.__newsAssistantUi = true;
  const within = (el) => {
    const box = el.closest('.scroll-box');
    if (!box) { el.scrollIntoView({block: 'nearest'}); return; }
    const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    box.scrollTop += r.top - b.top - Math.max(8, (box.clientHeight - r.height) / 3);
  };
  const focusCite = (turn, n) => {
    const card = document.getElementById(`cite-${turn}-${n}`);
    if (!card) return false;
    document.querySelectorAll('.turn-sources').forEach((s) => { s.hidden = s.dataset.turn !== turn; });
    document.querySelectorAll('.source.active, #document-box mark.active')
      .forEach((el) => el.classList.remove('active'));
    card.classList.add('active');
    within(card);
    const doc = card.dataset.doc;
    let shown = null;
    document.querySelectorAll('.doc-empty').forEach((p) => { p.hidden = true; });
    document.querySelectorAll('.turn-doc').forEach((a) => {
      a.hidden = !(a.dataset.turn === turn && a.dataset.doc === doc);
      if (!a.hidden) shown = a;
    });
    if (shown) {
      const marks = shown.querySelectorAll(`mark[data-cites~="${n}"]`);
      marks.forEach((m) => m.classList.add('active'));
      if (marks.length) within(marks[0]);
    }
    return true;
  };
  window.newsAssistantFocus = focusCite;
  window.newsAssistantScroll = within;
  document.addEventListener('click', (ev) => {
    if (!ev.target.closest) return;
    const link = ev.target.closest('a[href^="#cite-"]');
    const m = link ? /^#cite-(\\d+)-(\\d+)$/.exec(link.getAttribute('href') || '') : null;
    if (m) {
      ev.preventDefault();
      ev.stopPropagation();
      focusCite(m[1], m[2]);
      return;
    }
    const mark = ev.target.closest('.turn-doc mark[data-cites]');
    if (mark) focusCite(mark.closest('.turn-doc').dataset.turn, mark.dataset.cites.split(' ')[0]);
  }, true);
})();
"""

HEAD = f"<style>{CSS}</style><script>{SCRIPT}</script>"

# For the article panel: after each new answer, bring its first cited passage into view.
SCROLL_ON_UPDATE = """
watch('value', () => {
  const mark = element.querySelector('.turn-doc:not([hidden]) mark.active');
  if (mark && window.newsAssistantScroll) window.newsAssistantScroll(mark);
});
"""
