"""Decoding copies (int4 where the weights are 4-bit already, int8 elsewhere) and the decoding
attention, and the int8 copies for reading prompts, on a real (small, randomly initialised) Qwen2
architecture from transformers.

The bundled model itself goes through the same code in tests/test_models.py."""

from __future__ import annotations

import pytest
import torch

from rag.answer.decode_attention import NAME, use_grouped_decode_attention
from rag.answer.prefill_int8 import Int8PrefillWeight, calibrate_prefill
from rag.answer.quantize import DECODE_ROWS, GROUP, DecodingLinear, add_decoding_copies, exact_int4


def _tiny_qwen2():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=512, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True)
    return Qwen2ForCausalLM(config).to(torch.bfloat16).eval()


def _four_bit(out_features: int, in_features: int) -> torch.Tensor:
    """Weights as a Q4_K tensor dequantises: per group of 32, step * code + low, codes 0..15.

    Some groups use fewer than 16 levels (their largest code below 15), as real ones do.
    """
    groups = out_features * in_features // GROUP
    top = torch.randint(8, 16, (groups, 1))
    codes = torch.minimum(torch.randint(0, 16, (groups, GROUP)), top)
    codes[:, 0], codes[:, 1] = 0, top[:, 0]  # each group reaches its lowest and highest level
    step = torch.rand(groups, 1) * 0.004 + 0.001
    low = -step * torch.randint(4, 12, (groups, 1))
    return (codes * step + low).reshape(out_features, in_features).to(torch.bfloat16)


def test_four_bit_weights_get_an_exact_int4_copy_and_others_int8():
    torch.manual_seed(1)
    weight = _four_bit(256, 128)
    linear = torch.nn.Linear(128, 256, bias=True).to(torch.bfloat16)
    linear.weight.data = weight
    x = torch.randn(3, 128).to(torch.bfloat16)
    reference = x.float() @ weight.float().t() + linear.bias.float()
    int4 = DecodingLinear(linear)
    int8 = DecodingLinear(linear, allow_int4=False)
    assert int4.bits == 4 and int8.bits == 8

    def error(layer):
        with torch.inference_mode():
            return ((layer(x).float() - reference).norm() / reference.norm()).item()

    # The int4 copy holds the 4-bit weights as they are: only bf16 rounding separates it from them.
    assert error(int4) < 0.01 and error(int4) < error(int8)
    # Normally distributed weights (bf16 from a hub, or a 6-bit GGUF tensor) are not 4-bit.
    assert exact_int4(torch.randn(256, 128).to(torch.bfloat16)) is None
    assert DecodingLinear(torch.nn.Linear(128, 256).to(torch.bfloat16)).bits == 8
    # A shape the int4 kernel cannot pack (output channels not a multiple of 16) gets int8.
    odd = torch.nn.Linear(128, 100).to(torch.bfloat16)
    odd.weight.data = _four_bit(100, 128)
    assert DecodingLinear(odd).bits == 8


def test_decoding_copies_serve_few_rows_and_prefill_stays_bf16():
    model = _tiny_qwen2()
    ids = torch.randint(0, 512, (1, 24))
    with torch.inference_mode():
        reference = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
        prefill = model(input_ids=ids).logits
        few = model(input_ids=ids[:, :DECODE_ROWS]).logits.float()
    # Random weights are not 4-bit: 7 int8 copies per decoder layer and the output layer.
    assert add_decoding_copies(model) == {4: 0, 8: 15}
    assert model.lm_head.weight is model.model.embed_tokens.weight  # still tied, no copy
    with torch.inference_mode():
        assert torch.equal(model(input_ids=ids).logits, prefill)  # many rows: the bf16 path
        few_int8 = model(input_ids=ids[:, :DECODE_ROWS]).logits.float()  # few rows: the int8 path
        generated = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
    assert not torch.equal(few_int8, few)  # the int8 kernel really ran
    assert torch.nn.functional.cosine_similarity(few_int8.flatten(), few.flatten(), dim=0) > 0.999
    assert generated.shape == reference.shape


def test_grouped_decoding_attention_gives_sdpa_results(monkeypatch):
    from rag.answer import decode_attention

    model = _tiny_qwen2()
    ids = torch.randint(0, 512, (1, 40))
    with torch.inference_mode():
        reference = model.generate(input_ids=ids, max_new_tokens=12, do_sample=False,
                                   output_logits=True, return_dict_in_generate=True)
    assert use_grouped_decode_attention(model) and model.config._attn_implementation == NAME
    calls = []
    original = decode_attention._one_token_attention
    monkeypatch.setattr(decode_attention, "_one_token_attention", lambda *a: calls.append(1) or original(*a))
    with torch.inference_mode():
        grouped = model.generate(input_ids=ids, max_new_tokens=12, do_sample=False,
                                 output_logits=True, return_dict_in_generate=True)
    assert len(calls) == 11 * 2  # every one-token step after the prompt, in both layers
    assert torch.equal(grouped.sequences, reference.sequences)
    for ours, theirs in zip(grouped.logits, reference.logits):
        assert torch.allclose(ours.float(), theirs.float(), atol=0.05)


int8_prefill = pytest.mark.skipif(not hasattr(torch.ops.onednn, "qlinear_pointwise"),
                                  reason="this PyTorch has no oneDNN int8 linear kernel")


@int8_prefill
def test_int8_prefill_copy_tracks_bf16_and_sets_outlier_channels_aside():
    """Activations with a few huge channels (as after a transformer's norms): the copy multiplies
    those channels in bf16 and smooths the rest, so its products stay within 2% of bf16, where
    plain per-token int8 loses the small channels to the huge ones' scale."""
    torch.manual_seed(2)
    weight = (torch.randn(1024, 512) * 0.05).to(torch.bfloat16)
    bias = (torch.randn(1024) * 0.1).to(torch.bfloat16)
    x = torch.randn(300, 512)
    x[:, [7, 99, 300]] *= 60  # outlier channels
    x = x.to(torch.bfloat16)
    reference = torch.nn.functional.linear(x.float(), weight.float(), bias.float())
    copy = Int8PrefillWeight(weight, bias, x.float().abs().amax(0))
    assert set(copy.outliers.tolist()) >= {7, 99, 300}

    def error(out):
        return ((out.float() - reference).norm() / reference.norm()).item()

    scale = x.float().abs().amax(1, keepdim=True) / 127
    w_scale = weight.float().abs().amax(1) / 127
    plain = ((x.float() / scale).round() * scale) @ ((weight.float() / w_scale[:, None]).round() * w_scale[:, None]).t()
    assert error(copy(x)) < 0.02
    assert error(copy(x)) * 3 < error(plain + bias.float())
    assert copy(x.reshape(3, 100, 512)).shape == (3, 100, 1024)


@int8_prefill
def test_calibrated_layers_read_prompts_in_int8_and_decode_as_before():
    model = _tiny_qwen2()
    add_decoding_copies(model)
    ids = torch.randint(0, 512, (1, 40))
    with torch.inference_mode():
        prompt_bf16 = model(input_ids=ids).logits.float()
        few_rows = model(input_ids=ids[:, :DECODE_ROWS]).logits
    # 2 decoder layers x (q, k, v, o, gate, up); down_proj and the output layer stay bf16.
    assert calibrate_prefill(model, [torch.randint(0, 512, (1, 64))]) == 12
    assert model.model.layers[0].mlp.down_proj.prefill is None and model.lm_head.prefill is None
    with torch.inference_mode():
        prompt_int8 = model(input_ids=ids).logits.float()
        assert torch.equal(model(input_ids=ids[:, :DECODE_ROWS]).logits, few_rows)  # decoding untouched
    assert not torch.equal(prompt_int8, prompt_bf16)  # the int8 kernel really ran
    assert torch.nn.functional.cosine_similarity(prompt_int8.flatten(), prompt_bf16.flatten(), dim=0) > 0.99
