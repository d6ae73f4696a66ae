"""Keyword tokenisation, BM25, the persisted index and hybrid retrieval on the real report."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.index_store import CURRENT, build_index, expected_manifest, load_index
from rag.keywords import BM25, JapaneseTokenizer
from rag.passages import Chunk


@pytest.fixture(scope="module")
def tokenizer():
    return JapaneseTokenizer()


def test_tokeniser_handles_japanese_english_mixes(tokenizer):
    tokens = tokenizer("米国NNIの2024年度予算は21.6億ドル、ＭＩＩとマテリアルズ・インフォマティクス（MI）")
    assert "nni" in tokens and "mii" in tokens and "mi" in tokens  # full-width folded, lowercased
    assert "予算" in tokens and "マテリアルズ" in tokens
    assert "の" not in tokens and "は" not in tokens  # particles dropped
    assert tokenizer("What is the NNI budget?") == ["nni", "budget"]


def test_formatted_numbers_are_single_tokens(tokenizer):
    assert tokenizer("4,000億円超の支援") == tokenizer("4000億円超の支援") == ["4000", "円", "超", "支援"]
    assert "21.6" in tokenizer("予算は21.6億ドル")
    assert tokenizer("1.2.4 海外の政策動向")[:3] == ["1", "2", "4"]  # a section number is not a decimal


def test_katakana_units_match_the_reports_symbols(tokenizer):
    assert tokenizer("28ナノの次は何ナノメートル？") == ["28", "nm", "次", "nm"]
    assert tokenizer("TSMCの28nm世代") == ["tsmc", "28", "nm", "世代"]
    assert "ナノ" in tokenizer("ナノ材料の研究")  # the prefix nano- stays a word of its own
    assert tokenizer("50パーセント") == ["50"]


def test_a_numbered_item_is_a_token_of_its_own(tokenizer):
    # ゴール2 tells Goal 2 of a table from Goal 1: ゴール and 2 alone are everywhere.
    assert "ゴール2" in tokenizer("NNI戦略計画2021のゴール2は何？") and "ゴール2" in tokenizer("ゴール2. R&Dの商業化促進")
    assert {"pca5", "goal4", "tpu5"} <= set(tokenizer("PCA5 and Goal 4 of TPU5"))
    # Not a formula's letters (CO2), a plan's ordinal (第4期), a year (計画2021) or a decimal (5.0).
    for text in ("CO2排出", "第4期の計画", "戦略計画2021", "Society 5.0"):
        assert not any(any(c.isdigit() for c in t) and not t.replace(".", "").isdigit() for t in tokenizer(text)), text
    # A short passage with ゴール and a 2 of its own would outrank the longer Goal 2 on those alone.
    docs = [tokenizer(d) for d in ("ゴール1. 2つの拠点を置く", "ゴール2. R&Dの商業化促進と起業家コミュニティの訓練及び"
                                   "強化、支援を行う地域イノベーションエコシステムとの協働")]
    assert int(np.argmax(BM25(docs).scores(tokenizer("戦略計画のゴール2は何？")))) == 1


def test_bm25_ranks_the_matching_document_first(tokenizer):
    docs = ["韓国は水素経済法を制定した。", "米国のNNIは2001年に始まった。", "蓄電池の研究開発が進む。",
            "量子コンピュータの研究。"]
    bm25 = BM25([tokenizer(d) for d in docs])
    assert int(np.argmax(bm25.scores(tokenizer("水素経済法はいつ制定された？")))) == 0
    assert int(np.argmax(bm25.scores(tokenizer("NNI start year")))) == 1
    assert not bm25.scores(tokenizer("banana")).any()


def _chunks(texts):
    return [Chunk(f"c{i:04d}", t, "1.2", ["1.2 x"], 16, 16, [f"p{i}"]) for i, t in enumerate(texts)]


def _encoder(texts):
    vectors = np.array([[len(t), t.count("水"), 1.0] for t in texts], dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_index_rebuilds_when_stale_and_survives_interrupted_builds(tmp_path, tokenizer):
    # A deterministic stand-in encoder keeps this test about storage, not models; the real
    # encoders are exercised by the engine tests below.
    expected = expected_manifest("sha-1", {"target_chars": 400}, {"dense": "toy"})
    build_index(tmp_path, _chunks(["水素", "蓄電池"]), {"dense": _encoder}, tokenizer, expected)
    stored, reason = load_index(tmp_path, expected)
    assert stored is not None and reason == "ready" and len(stored.chunks) == 2
    stale = expected_manifest("sha-2", {"target_chars": 400}, {"dense": "toy"})
    assert load_index(tmp_path, stale)[0] is None

    def exploding(texts):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(tmp_path, _chunks(["a", "b", "c"]), {"dense": exploding}, tokenizer, stale)
    stored, _ = load_index(tmp_path, expected)  # the previous index is intact
    assert stored is not None and len(stored.chunks) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [CURRENT]


def test_corrupt_index_is_detected(tmp_path, tokenizer):
    expected = expected_manifest("sha-1", {}, {"dense": "toy"})
    build_index(tmp_path, _chunks(["水素", "蓄電池"]), {"dense": _encoder}, tokenizer, expected)
    (tmp_path / CURRENT / "dense.faiss").write_bytes(b"garbage")
    stored, reason = load_index(tmp_path, expected)
    assert stored is None and "corrupt" in reason
    (tmp_path / CURRENT / "manifest.json").write_text("{not json")
    assert load_index(tmp_path, expected)[0] is None


def test_engine_rebuilds_a_corrupt_index(engine):
    engine.index()
    (engine.settings.index_dir / CURRENT / "tokens.json").write_text("[]")
    engine.__dict__.pop("_index", None)
    stored = engine.index()
    assert len(stored.tokens) == len(stored.chunks) == len(engine.report.chunks)
    manifest = json.loads((engine.settings.index_dir / CURRENT / "manifest.json").read_text())
    assert manifest["corpus_sha256"] == engine.report.checksum and "dense" in manifest["encoders"]


@pytest.mark.parametrize("question, needle", [
    ("韓国の「K-バッテリー発展戦略」はいつ策定されたか？", "K-バッテリー発展戦略"),
    ("When did Korea establish the K-Battery development strategy?", "K-バッテリー発展戦略"),
    ("米国のマテリアルズ・ゲノムイニシアティブはいつ開始されたか", "2011年にオバマ政権下で開始"),
    ("NNI戦略計画2021のゴール2は何？", "ゴール2. R&Dの商業化促進"),
])
def test_hybrid_retrieval_finds_the_passage(engine, question, needle):
    hits = engine.retrieve(question, k=5)
    assert any(needle in h.chunk.text for h in hits)
    assert set(hits[0].ranks) == {"dense", "use", "bm25"}


def test_a_short_institution_name_finds_the_passage_that_writes_it_in_full(engine):
    from rag.short_names import with_full_names

    # The report writes 産業技術総合研究所, never 産総研: the keyword index read the short name as
    # three unrelated characters and ranked the AIST passage outside the top five.
    assert with_full_names("産総研と文科省") == "産総研（産業技術総合研究所）と文科省（文部科学省）"
    assert with_full_names("産業技術総合研究所（産総研）は？") == "産業技術総合研究所（産総研）は？"
    assert with_full_names("科学振興の予算は？") == "科学振興の予算は？"  # no 学振 inside a longer word
    for mode in ("bm25", "hybrid"):
        hits = engine.retrieve("産総研はどのような拠点を持っている？", k=3, mode=mode)
        assert "産業技術総合研究所" in hits[0].chunk.text, mode
    # 再エネ, an everyday word the report writes in full: the passage on water electrolysis,
    # which dense and USE ranked second, had fallen to sixth in the fused ranking.
    hits = engine.retrieve("再エネで物をつくる技術のうち、特に注目されているのは何？", k=3)
    assert any("水電解による水素製造技術が注目" in h.chunk.text.replace("\n", "") for h in hits)


def test_a_question_for_the_nth_goal_finds_the_item_the_report_labels_so(engine):
    from rag.item_labels import with_item_labels

    # The report labels the NNI's goals ゴール1 …; the ordinal alone had left that chunk seventh.
    assert with_item_labels("米国のナノテク国家計画が1番目に掲げる目標は何？") == "米国のナノテク国家計画が1番目に掲げる目標（ゴール1）は何？"
    assert with_item_labels("Horizon Europeの2つ目の柱の予算は？") == "Horizon Europeの2つ目の柱（第二の柱）の予算は？"
    assert with_item_labels("What does the NNI's third goal provide?") == "What does the NNI's third goal（ゴール3） provide?"
    # Other ordinals, or a label the question already writes, are left alone.
    for question in ("最も高い産業と2番目に高い産業は？", "NNI戦略計画2021のゴール2は何？", "What is the first step?"):
        assert with_item_labels(question) == question
    hits = engine.retrieve("米国のナノテク国家計画が1番目に掲げる目標は何？", k=3)
    assert any("研究開発において世界トップ" in h.chunk.text.replace("\n", "") for h in hits)


def test_passages_filed_under_another_country_rank_below_the_asked_countrys(engine):
    # Korea's battery-investment passage matches 電池 and 支援 as well as Japan's does; the
    # question names Japan, so Japan's (4,000億円超) must come first in the fused ranking.
    question = "国内で電池やその部材をもっと作れるようにするため、日本政府が後押しを決めた金額の規模は？"
    hits = engine.retrieve(question, k=5)
    assert "4,000億円超" in hits[0].chunk.text
    korean = [h for h in hits if "韓国" in " ".join(h.chunk.heading_path)]
    assert all(h.score < hits[0].score for h in korean)
    # The single retrievers are left as they are: the prior belongs to the fusion.
    bm25 = engine.retrieve(question, k=3, mode="bm25")
    assert "4,000億円超" not in bm25[0].chunk.text


def test_single_retrievers_are_available(engine):
    for mode in ("dense", "use", "bm25"):
        assert len(engine.retrieve("水素", k=3, mode=mode)) == 3
