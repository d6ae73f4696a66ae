"""The report as the rest of the system sees it: parsed passages and the chunks cut from them."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from .chunking import ChunkSettings, chunk_passages
from .errors import SourceError
from .parsing.layout import PageNumberingError
from .parsing.reader import CrdsTextReader, ParsedReport
from .passages import Chunk

log = logging.getLogger(__name__)

REPORT_ID = "CRDS-FY2024-FR-04"
REPORT_TITLE = "研究開発の俯瞰報告書 ナノテクノロジー・材料分野（2024年）"
REPORT_TITLE_EN = "Panoramic View Report: Nanotechnology and Materials Field (2024)"
PUBLISHER = "国立研究開発法人科学技術振興機構 研究開発戦略センター (JST CRDS)"
PUBLISHER_EN = "Center for Research and Development Strategy, Japan Science and Technology Agency (JST CRDS)"
REPORT_YEAR = 2024


@dataclass
class Report:
    source: Path
    checksum: str
    parsed: ParsedReport
    chunks: list[Chunk]

    def chunk(self, chunk_id: str) -> Chunk:
        return self._by_id[chunk_id]

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.chunks}


def file_checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_report(source: Path, chunk_settings: ChunkSettings | None = None) -> Report:
    """Parse and chunk the report; a missing or unreadable file is a ``SourceError``."""
    if not source.is_file():
        raise SourceError(f"report text not found: {source}", "set RAG_SOURCE or restore data/")
    try:
        parsed = CrdsTextReader(source).read()
    except UnicodeDecodeError as exc:
        raise SourceError(f"report text is not UTF-8: {source}", "use the bundled data/ file") from exc
    except PageNumberingError as exc:
        raise SourceError(f"page numbering failed for {source}: {exc}", "is this the CRDS text extraction?") from exc
    chunks = chunk_passages(parsed.passages, chunk_settings)
    log.info("parsed %d passages into %d chunks", len(parsed.passages), len(chunks))
    return Report(source, file_checksum(source), parsed, chunks)
