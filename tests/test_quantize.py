"""Int8 decoding copies on a real (small, randomly initialised) Qwen2 architecture from transformers."""

from __future__ import annotations

import torch

from rag.answer.quantize import DECODE_ROWS, add_int8_decoding


def _tiny_qwen2():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=512, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True)
    return Qwen2ForCausalLM(config).to(torch.bfloat16).eval()


def test_int8_decoding_copies_match_bf16_and_prefill_stays_bf16():
    model = _tiny_qwen2()
    ids = torch.randint(0, 512, (1, 24))
    with torch.inference_mode():
        reference = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
        prefill = model(input_ids=ids).logits
        few = model(input_ids=ids[:, :DECODE_ROWS]).logits.float()
    assert add_int8_decoding(model) == 15  # 7 per decoder layer and the output layer
    assert model.lm_head.weight is model.model.embed_tokens.weight  # still tied, no copy
    with torch.inference_mode():
        assert torch.equal(model(input_ids=ids).logits, prefill)  # many rows: the bf16 path
        few_int8 = model(input_ids=ids[:, :DECODE_ROWS]).logits.float()  # few rows: the int8 path
        generated = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
    assert not torch.equal(few_int8, few)  # the int8 kernel really ran
    assert torch.nn.functional.cosine_similarity(few_int8.flatten(), few.flatten(), dim=0) > 0.999
    assert generated.shape == reference.shape
