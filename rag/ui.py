"""The Gradio app: streaming chat with clickable citations, a sources panel, exports, and an API.

UI logic lives in plain functions (``respond``, ``render_sources``…) so it can be tested
without a browser; ``build_app`` only wires them to components.
"""

from __future__ import annotations

import atexit
import html
import logging
import re
import shutil
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Iterator

import gradio as gr

from . import export
from .answer.citations import find_quote
from .engine import Engine
from .errors import RagError
from .language import detect_language
from .passages import page_label
from .readiness import Readiness

log = logging.getLogger(__name__)

EXAMPLES = [
    "韓国の「K-バッテリー発展戦略」はいつ策定され、2030年に向けた目標は何か？",
    "米国NNIの2024年度予算要求額はいくらか？",
    "What is the goal of Japan's Materials DX Platform initiative?",
    "When did the EU adopt the European Chips Act, and what does it aim for?",
]
MARKER = re.compile(r"［(\d+)］|\[(\d+)\]")
CSS = """
.cite { color: #1a5fb4; font-weight: 600; cursor: pointer; text-decoration: none; border-bottom: 1px dotted; }
.source { border: 1px solid #ccc; border-radius: 6px; padding: 8px; margin: 6px 0; }
.source mark { background: #fff3a0; }
.source .where { font-size: 0.9em; color: #555; }
"""


def link_markers(answer: dict) -> str:
    """Answer text with each marker turned into a link to its source, with the quote on hover."""
    by_marker = {c["marker"]: c for c in answer.get("citations", [])}

    def repl(m: re.Match) -> str:
        n = int(m.group(1) or m.group(2))
        c = by_marker.get(n)
        if not c:
            return m.group(0)
        pages = page_label(c["page"], c["page_end"])
        title = html.escape(f"§{c['section']} {pages}: {c['quote']}", quote=True)
        return f'<a class="cite" href="#source-{n}" title="{title}">{m.group(0)}</a>'

    return MARKER.sub(repl, html.escape(answer["answer"]))


def render_sources(answer: dict, chunks_by_id: dict[str, str]) -> str:
    """Each cited passage with its quote highlighted, its section path and printed page."""
    if not answer.get("citations"):
        return "<p>No sources cited.</p>" if answer.get("answerable", True) else "<p>Not in the report.</p>"
    parts = []
    for c in answer["citations"]:
        text = chunks_by_id.get(c["chunk_id"], "")
        quote = c.get("quote") or ""
        span = find_quote(text, quote) if quote else None
        if span:  # the chunk's own form of the quote, footnote markers included
            start, end = span
            body = f"{html.escape(text[:start])}<mark>{html.escape(text[start:end])}</mark>{html.escape(text[end:])}"
        else:
            body = html.escape(text)
        pages = page_label(c["page"], c["page_end"], " ")
        where = html.escape(" > ".join(c["heading_path"][1:]))
        parts.append(
            f'<div class="source" id="source-{c["marker"]}"><b>[{c["marker"]}]</b> '
            f'<span class="where">{export.REPORT_ID} §{c["section"]} — {where} — <b>{pages}</b></span>'
            f"<p>{body}</p></div>"
        )
    return "\n".join(parts)


READING = {"ja": "抜粋を読んでいます:", "en": "reading", "unknown": "reading"}
READING_TITLE = "Reading / 参照中"


def render_closest(hits, title: str = "Closest passages / 関連する箇所") -> str:
    items = []
    for h in hits:
        c = h.chunk
        pages = page_label(c.page, c.page_end, " ")
        items.append(f'<div class="source"><span class="where">§{c.section} — '
                     f'{html.escape(" > ".join(c.heading_path[1:]))} — <b>{pages}</b></span>'
                     f"<p>{html.escape(c.text[:400])}</p></div>")
    return f"<p><b>{html.escape(title)}:</b></p>" + "\n".join(items)


class ChatSession:
    """Turns engine events into chat messages and keeps the answers for export."""

    def __init__(self, engine: Engine, readiness: Readiness | None = None) -> None:
        self.engine = engine
        self.readiness = readiness

    def respond(self, question: str, messages: list, answers: list) -> Iterator[tuple[list, list, str]]:
        messages = list(messages or [])
        answers = list(answers or [])
        if self.readiness is not None and not self.readiness.ready.is_set():
            messages.append({"role": "user", "content": question})
            messages.append({"role": "assistant", "content": self.readiness.status() + " Please ask again in a moment."})
            yield messages, answers, gr.skip()
            return
        messages.append({"role": "user", "content": question})
        messages.append({"role": "assistant", "content": "…"})
        history = [(a["question"], a["answer"]) for a in answers]
        try:
            for event in self.engine.ask_stream(question, history):
                if event.kind == "reading":
                    # The model needs a few seconds to read; show what it reads meanwhile.
                    pages = ", ".join(page_label(h.chunk.page, h.chunk.page_end) for h in event.passages)
                    messages[-1] = {"role": "assistant", "content": f"… ({READING[detect_language(question)]} {pages})"}
                    yield messages, answers, render_closest(event.passages, READING_TITLE)
                elif event.kind == "partial":
                    messages[-1] = {"role": "assistant", "content": event.text}
                    yield messages, answers, gr.skip()
                else:
                    answer = event.answer.to_json()
                    answers.append(answer)
                    content = link_markers(answer)
                    if not answer["answerable"]:
                        content = f"⚠️ {content}"
                    messages[-1] = {"role": "assistant", "content": content}
                    # A near miss keeps its citations: what the report does say, with its quotes.
                    sources = (render_sources(answer, self.chunk_texts) if answer["answerable"] or answer["citations"]
                               else render_closest(event.answer.closest))
                    yield messages, answers, sources
        except RagError as exc:
            messages[-1] = {"role": "assistant", "content": f"⚠️ {exc}"}
            yield messages, answers, ""

    @cached_property
    def chunk_texts(self) -> dict[str, str]:
        return {c.id: c.text for c in self.engine.report.chunks}

    def ask_json(self, question: str) -> dict:
        """The `rag ask --json` object, for the API endpoint."""
        try:
            return self.engine.ask(question).to_json()
        except RagError as exc:
            return {"question": question, "error": str(exc)}


_EXPORT_ROOT: Path | None = None


def _fresh_export_folder() -> Path:
    """A new folder for one export, under one temporary folder per app process.

    Gradio copies returned files into its own cache, so an export's files are needed only until
    the next export: older folders are removed then, and the whole tree when the process exits
    (one temporary folder per file, as before, piled up in /tmp forever).
    """
    global _EXPORT_ROOT
    if _EXPORT_ROOT is None or not _EXPORT_ROOT.is_dir():
        _EXPORT_ROOT = Path(tempfile.mkdtemp(prefix="rag-export-"))
        atexit.register(shutil.rmtree, _EXPORT_ROOT, True)
    for old in _EXPORT_ROOT.iterdir():
        shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(dir=_EXPORT_ROOT))


def export_files(answers: list, scope: str) -> list[str]:
    chosen = answers[-1:] if scope == "last" else answers
    if not chosen:
        raise gr.Error("Nothing to export yet: ask a question first.")
    folder = _fresh_export_folder()
    stem = "answer" if scope == "last" else "conversation"
    contents = {
        f"{stem}.md": export.conversation_markdown(chosen),
        f"{stem}.json": export.conversation_json(chosen),
        "crds-fy2024-fr-04.bib": export.bibtex(),
        "crds-fy2024-fr-04.ris": export.ris(),
    }
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in contents]


def build_app(engine: Engine, readiness: Readiness | None = None) -> gr.Blocks:
    session = ChatSession(engine, readiness)
    with gr.Blocks(title="CRDS nanotech report Q&A") as app:
        gr.Markdown(
            "### 研究開発の俯瞰報告書 ナノテクノロジー・材料分野（2024年）§1.2 — cited Q&A\n"
            "Ask in Japanese or English. Every answer cites the printed page and section; hover or click a "
            "marker to see the exact quote."
        )
        status = gr.Markdown(readiness.status() if readiness else "", elem_id="status")
        if readiness is not None:
            timer = gr.Timer(2.0)
            timer.tick(readiness.status, None, status, api_visibility="private")
        answers = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Answers", height=480, sanitize_html=False)
                question = gr.Textbox(label="Question / 質問", placeholder="例: NNIの2024年度予算要求額は？",
                                      max_length=engine.settings.app.max_question_chars, elem_id="question")
                with gr.Row():
                    send = gr.Button("Ask / 質問する", variant="primary", elem_id="ask")
                    clear = gr.Button("New conversation")
                gr.Examples(EXAMPLES, inputs=question)
            with gr.Column(scale=2):
                sources = gr.HTML("<p>Sources appear here.</p>", elem_id="sources")
                with gr.Row():
                    export_last = gr.Button("Export answer", elem_id="export-last")
                    export_all = gr.Button("Export conversation", elem_id="export-all")
                files = gr.File(label="Downloads (Markdown, JSON, BibTeX, RIS)", file_count="multiple",
                                elem_id="downloads")
        asked = gr.State("")
        for trigger in (send.click, question.submit):
            # The box empties as soon as the question is sent, not when its answer is done:
            # emptied afterwards, it lost whatever the user had typed meanwhile.
            trigger(lambda q: ("", q), question, [question, asked], api_visibility="private").then(
                session.respond, [asked, chat, answers], [chat, answers, sources], api_visibility="private")
        clear.click(lambda: ([], [], "<p>Sources appear here.</p>"), None, [chat, answers, sources],
                    api_visibility="private")
        export_last.click(lambda a: export_files(a, "last"), answers, files, api_visibility="private")
        export_all.click(lambda a: export_files(a, "all"), answers, files, api_visibility="private")
        gr.api(session.ask_json, api_name="ask")
    app.queue(default_concurrency_limit=1, max_size=32)
    return app
