"""UI logic in-process: citation links, source highlighting, exports, the API function."""

from __future__ import annotations

import json
from pathlib import Path

from rag import export
from rag.ui import export_files, link_markers, render_sources

ANSWER = {
    "question": "K-バッテリー発展戦略はいつ？", "language": "ja", "answerable": True,
    "answer": "2021年7月に策定された［1］。",
    "citations": [{"marker": 1, "chunk_id": "c0001", "section": "1.2.4", "heading_path": ["1.2 x", "1.2.4 y", "韓国"],
                   "page": 83, "page_end": 83, "quote": "韓国は、2021年7月に「K-バッテリー発展戦略」を策定した。"}],
}


def test_markers_link_to_sources_with_quote_and_page():
    html = link_markers(ANSWER)
    assert 'href="#source-1"' in html and "p.83" in html and "K-バッテリー発展戦略" in html


def test_sources_highlight_the_quote_inside_the_passage():
    text = "前文。韓国は、2021年7月に「K-バッテリー発展戦略」を策定した。後文。"
    html = render_sources(ANSWER, {"c0001": text})
    assert "<mark>韓国は、2021年7月に「K-バッテリー発展戦略」を策定した。</mark>" in html
    assert "p. 83" in html and "§1.2.4" in html


def test_a_quote_in_the_report_form_of_a_footnote_is_highlighted_in_the_passage():
    quoted = {**ANSWER, "citations": [{**ANSWER["citations"][0], "quote": "BMBFは基本計画6を発表した。"}]}
    html = render_sources(quoted, {"c0001": "前文。BMBFは基本計画［注6］を発表した。後文。"})
    assert "<mark>BMBFは基本計画［注6］を発表した。</mark>" in html


def test_exports_carry_citations_and_reference(tmp_path):
    md = export.conversation_markdown([ANSWER])
    assert "[1] CRDS-FY2024-FR-04 §1.2.4" in md and "p. 83" in md and "> 韓国は、2021年7月" in md
    assert "CRDS-FY2024-FR-04" in export.REFERENCE
    assert export.bibtex().startswith("@techreport{") and "CRDS-FY2024-FR-04" in export.bibtex()
    assert export.ris().startswith("TY  - RPRT") and "ER  - " in export.ris()
    files = export_files([ANSWER], "last")
    assert [f.rsplit(".", 1)[1] for f in files] == ["md", "json", "bib", "ris"]
    data = json.loads(open(files[1], encoding="utf-8").read())
    assert data["answers"][0]["citations"][0]["quote"].startswith("韓国は")
    # A second export replaces the first one's folder instead of piling up temporary folders.
    again = export_files([ANSWER], "all")
    assert Path(again[0]).name == "conversation.md" and Path(again[0]).exists()
    assert not Path(files[0]).exists() and Path(again[0]).parent.parent == Path(files[0]).parent.parent


def test_questions_before_the_models_are_ready_get_a_progress_message(engine):
    from rag.readiness import Readiness
    from rag.ui import ChatSession

    readiness = Readiness(engine)  # not started: still preparing
    session = ChatSession(engine, readiness)
    messages, answers, _ = list(session.respond("NNIの予算は？", [], []))[-1]
    assert "First start" in messages[-1]["content"] and answers == []
    readiness.step, readiness.error = "done", "model package missing (run: pip install -e .)"
    assert "Preparation failed" in readiness.status()


def test_api_function_returns_the_cli_json_shape_or_an_error(engine):
    from rag.ui import ChatSession

    result = ChatSession(engine).ask_json("")
    assert "error" in result and "empty" in result["error"]


def test_the_app_names_a_bad_setting_in_one_line_instead_of_a_traceback():
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "RAG_APP__PORT": "abc"}
    done = subprocess.run([sys.executable, str(root / "app.py")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: invalid settings: app.port:") and "'abc'" in done.stderr
