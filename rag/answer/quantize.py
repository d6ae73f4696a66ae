"""Faster token-by-token generation on CPU: low-bit copies of the weights for the decoding steps.

Generating one token reads every weight once, so its speed is set by memory traffic and by how
fast the kernel unpacks what it reads; reading the prompt (prefill) multiplies many tokens at
once and is bound by arithmetic, where PyTorch's weight-only low-bit kernels are slower than
bf16. So each linear layer keeps its bf16 weight for multi-token calls (or an int8 copy with
int8 activations, see ``prefill_int8``) and gets a low-bit copy for calls with a few tokens:

- **int4, exactly**, when the bf16 weights came from a 4-bit GGUF file (the bundled model ships
  as Q4_K_M): every group of 32 weights of a Q4_K tensor lies on a 16-level lattice
  ``step * q + low`` (q = 0..15), which PyTorch's int4 kernel stores as it is. The copy then
  differs from the bf16 weights by bf16 rounding only (relative error 0.0028), less than an int8
  copy's (0.009-0.02), and it is read 1.5x faster.
- **int8**, one scale per output channel, for every other weight (the Q6_K tensors of Q4_K_M,
  or any model from a hub): output cosine to bf16 0.9999.

Measured on this project's CPU (AVX-512 bf16, no AMX), one token through a 1536x8960 layer:
bf16 1.80 ms, int8 0.63 ms, int4 0.41 ms; for 600 tokens bf16 is 3x faster than int8.
An earlier variant, PyTorch dynamic quantization (int8 activations with one scale per tensor),
sped up prefill 1.3x but cost answer quality (dev keyword score 0.65 -> 0.41 in Japanese);
``prefill_int8`` scales activations per token and keeps outlier channels in bf16.
The memory cost is the low-bit copies on top of the bf16 model (about 1 GB for 1.5B weights).
"""

from __future__ import annotations

import logging
import time

import torch  # this module is imported only when a local model is quantized

log = logging.getLogger(__name__)

# Calls with at most this many token rows use the low-bit copy: decoding (1 row) and short
# continuations; anything longer is prefill and stays on the bf16 weights.
DECODE_ROWS = 8
GROUP = 32  # weights per int4 group, as in the sub-blocks of GGUF's Q4_K
_LATTICE_TOLERANCE = 0.15  # of a step: bf16 rounding moves a lattice point by well under this
_MIN_FITTED = 0.999  # share of groups on a lattice for a tensor to be taken as 4-bit
_ELEMENTS_PER_PASS = 1 << 20  # float32 temporaries of the lattice search: 4 MB stay in cache (7.5 s in all; 10 s at 16 MB)


def _fit_rows(groups: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Lattice of each row of ``groups`` (float32, [n, GROUP]): codes 0..15, step, low, fitted?

    A Q4_K group spans 16 levels or fewer, so its step is (max - min) / k for the largest k in
    15..1 that puts every weight on a level; a group that fits none gets k = 15 (plain min/max).
    """
    low, high = groups.amin(-1), groups.amax(-1)
    span = (high - low).clamp_(min=1e-12)
    relative = (groups - low[:, None]).div_(span[:, None])  # 0..1 within each group
    levels = torch.full_like(low, 15.0)
    fitted = torch.zeros_like(low, dtype=torch.bool)
    open_rows = torch.arange(len(groups))
    for k in range(15, 0, -1):  # the largest k first; the rest try fewer levels
        position = relative[open_rows] * k if k < 15 else relative * k
        on_lattice = position.sub_(position.round()).abs_().amax(-1) < _LATTICE_TOLERANCE
        fitted[open_rows[on_lattice]] = True
        levels[open_rows[on_lattice]] = k
        open_rows = open_rows[~on_lattice]
        if open_rows.numel() == 0:
            break
    step = span / levels
    codes = relative.mul_(levels[:, None]).round_().clamp_(0, 15)
    return codes, step, low, fitted


def exact_int4(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """PyTorch's packed int4 form of ``weight`` [out, in] if it is 4-bit already, else None.

    Returns (packed codes, per-group scale and zero [in / GROUP, out, 2]) for
    ``torch._weight_int4pack_mm_for_cpu``, which computes ``(q - 8) * scale + zero``.
    """
    out_features, in_features = weight.shape
    # The CPU kernel packs 16 output channels together.
    if in_features % GROUP or out_features % 16 or not hasattr(torch, "_weight_int4pack_mm_for_cpu"):
        return None
    # A sample of rows first: a tensor stored with more bits (Q6_K) fails at once, cheaply.
    sample = weight[:64].float().reshape(-1, GROUP)
    if _fit_rows(sample)[3].float().mean() < _MIN_FITTED:
        return None
    codes = torch.empty(weight.shape, dtype=torch.int32)
    steps = torch.empty(out_features, in_features // GROUP)
    lows = torch.empty_like(steps)
    fitted = 0
    rows_per_pass = max(1, _ELEMENTS_PER_PASS // in_features)
    for start in range(0, out_features, rows_per_pass):
        end = min(start + rows_per_pass, out_features)
        c, s, lo, f = _fit_rows(weight[start:end].float().reshape(-1, GROUP))
        codes[start:end] = c.reshape(end - start, in_features)
        steps[start:end] = s.reshape(end - start, -1)
        lows[start:end] = lo.reshape(end - start, -1)
        fitted += int(f.sum())
    if fitted < _MIN_FITTED * weight.numel() / GROUP:
        return None
    scale_zero = torch.stack([steps, lows + 8 * steps], dim=-1).transpose(0, 1).contiguous().to(weight.dtype)
    packed = torch._convert_weight_to_int4pack_for_cpu(codes, 1)
    return packed, scale_zero


class DecodingLinear(torch.nn.Module):
    """A bf16 linear layer with a low-bit copy of its weight (int4 or int8) for few-token calls."""

    def __init__(self, linear: torch.nn.Linear, allow_int4: bool = True) -> None:
        super().__init__()
        self.weight = linear.weight  # the same Parameter: tied embeddings stay tied, no copy
        self.bias = linear.bias
        # An int8 copy for many-row calls, set by ``prefill_int8.calibrate_prefill``.
        self.prefill = None
        weight = linear.weight.detach()
        int4 = exact_int4(weight) if allow_int4 else None
        self.bits = 4 if int4 is not None else 8
        if int4 is not None:
            self.register_buffer("packed", int4[0], persistent=False)
            self.register_buffer("scale_zero", int4[1], persistent=False)
        else:
            scales = weight.abs().amax(dim=1).float().clamp(min=1e-8) / 127.0
            quantized = weight.float().div_(scales[:, None]).round_().clamp_(-128, 127).to(torch.int8)
            self.register_buffer("qweight", quantized, persistent=False)
            self.register_buffer("scales", scales.to(weight.dtype), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.numel() // x.shape[-1]
        if rows > DECODE_ROWS or x.dtype != torch.bfloat16:
            if self.prefill is not None and x.dtype == torch.bfloat16:
                return self.prefill(x)
            return torch.nn.functional.linear(x, self.weight, self.bias)
        flat = x.reshape(rows, x.shape[-1]).contiguous()
        if self.bits == 4:
            out = torch._weight_int4pack_mm_for_cpu(flat, self.packed, GROUP, self.scale_zero)
        else:
            out = torch._weight_int8pack_mm(flat, self.qweight, self.scales)
        if self.bias is not None:
            out = out + self.bias
        return out.reshape(*x.shape[:-1], out.shape[-1])


def add_decoding_copies(model, allow_int4: bool = True) -> dict[int, int]:
    """Give every bf16 ``nn.Linear`` of ``model`` a low-bit copy for decoding.

    Returns how many layers got each width: ``{4: 168, 8: 29}`` for the bundled model.
    """
    if not hasattr(torch, "_weight_int8pack_mm"):
        log.warning("this PyTorch has no int8 weight kernel: decoding stays in bf16")
        return {}
    started = time.perf_counter()
    targets = [(name, m) for name, m in model.named_modules()
               if isinstance(m, torch.nn.Linear) and m.weight.dtype == torch.bfloat16]
    counts = {4: 0, 8: 0}
    for name, linear in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        layer = DecodingLinear(linear, allow_int4)
        counts[layer.bits] += 1
        setattr(parent, child, layer)
    log.info("decoding copies: %d int4 and %d int8 layers in %.1f s", counts[4], counts[8],
             time.perf_counter() - started)
    return counts
