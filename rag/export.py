"""Answers with their citations as Markdown or JSON, and the report as BibTeX or RIS."""

from __future__ import annotations

import json

from .passages import page_label
from .report import PUBLISHER_EN, REPORT_ID, REPORT_TITLE, REPORT_TITLE_EN, REPORT_YEAR

REFERENCE = (f"JST CRDS ({REPORT_YEAR}). {REPORT_TITLE} [{REPORT_TITLE_EN}]. {REPORT_ID}. "
             f"{PUBLISHER_EN}. Section 1.2, pp. 16-89.")


def _location(c: dict) -> str:
    """Where a citation or passage stands: report, section, heading path, printed pages."""
    path = " > ".join(c["heading_path"][1:])
    return f"{REPORT_ID} §{c['section']} ({path}), {page_label(c['page'], c['page_end'], ' ')}"


def answer_markdown(answer: dict, heading: str | None = None) -> str:
    lines = [f"## {heading or answer['question']}", "", answer["answer"], ""]
    english = answer["language"] == "en"
    if answer.get("citations"):
        lines += ["**Sources**" if english else "**出典**", ""]
        for c in answer["citations"]:
            lines.append(f"[{c['marker']}] {_location(c)}")
            if c.get("quote"):
                lines.append(f"> {c['quote']}")
            lines.append("")
    if answer.get("closest"):  # not answered: where the reader may look
        lines += ["**Closest passages**" if english else "**関連する箇所**", ""]
        lines += [f"- {_location(c)}: {c['text'][:160]}…" for c in answer["closest"]]
        lines.append("")
    return "\n".join(lines)


def conversation_markdown(answers: list[dict]) -> str:
    parts = ["# CRDS report Q&A", ""]
    parts += [answer_markdown(a) for a in answers]
    parts += ["---", "", f"Reference: {REFERENCE}", ""]
    return "\n".join(parts)


def conversation_json(answers: list[dict]) -> str:
    return json.dumps({"reference": REFERENCE, "answers": answers}, ensure_ascii=False, indent=2)


def bibtex() -> str:
    return (
        "@techreport{crds2024nanotech,\n"
        f"  title       = {{{REPORT_TITLE}}},\n"
        f"  note        = {{{REPORT_TITLE_EN}; section 1.2, pp. 16--89}},\n"
        "  author      = {{Center for Research and Development Strategy, Japan Science and Technology Agency}},\n"
        "  institution = {Japan Science and Technology Agency},\n"
        f"  number      = {{{REPORT_ID}}},\n"
        f"  year        = {{{REPORT_YEAR}}},\n"
        "  address     = {Tokyo},\n"
        "  language    = {Japanese}\n"
        "}\n"
    )


def ris() -> str:
    return "\n".join([
        "TY  - RPRT",
        f"TI  - {REPORT_TITLE}",
        f"T2  - {REPORT_TITLE_EN}",
        "AU  - Center for Research and Development Strategy, Japan Science and Technology Agency",
        f"PY  - {REPORT_YEAR}",
        f"PB  - {PUBLISHER_EN}",
        "CY  - Tokyo",
        f"SN  - {REPORT_ID}",
        "SP  - 16",
        "EP  - 89",
        "LA  - ja",
        "ER  - ",
        "",
    ])
