"""GPU (PyTorch 2.x, CUDA, eager) bfloat16 semantics for the official TRM code on CPU PyTorch 1.13.

The released TRM checkpoints were evaluated on GPUs with PyTorch 2.x. Debian's CPU PyTorch
1.13 computes three of the model's bfloat16 operations differently; install() patches exactly
those, and only for bfloat16 inputs (float32 calls go to the original functions, so a float32
run is the official float32 run unchanged):

* F.silu: CPU 1.13 evaluates x / (1 + exp(-x)) in bfloat16, rounding after exp, after the
  add and after the division (29 % of random inputs land one bf16 ulp away); CUDA computes
  it in float32 and rounds once.  Patched: silu(x.float()).bfloat16().
* python-float × bfloat16 tensor (the embedding scale sqrt(hidden_size) in
  _input_embeddings): CPU 1.13 first rounds the scalar to bfloat16 (sqrt(64) = 8 is exact,
  sqrt(128) = 11.3137 becomes 11.3125); CUDA keeps the scalar in float32 and rounds the
  product once.  Patched: the scale is applied as (scale * e.float()).bfloat16().
* F.scaled_dot_product_attention: on GPU a bf16 call without mask runs the flash kernel:
  S = Q·Kᵀ accumulated in float32, softmax statistics (row max m, row sum l) in float32,
  P = exp(S·scale − m) rounded to bfloat16 before P·V, P·V accumulated in float32, divided
  by l (float32) and rounded to bfloat16 once.  (The shared shim's stand-in keeps P in
  float32; torch 1.13 has no SDPA.)  Emulated with one key block (global row max), which is
  the flash kernel's exact computation for sequences up to its key block (128 keys).

F.linear is made explicit, not changed: bf16 GEMMs accumulate in float32 and round once
(cuBLAS with CUBLAS_COMPUTE_32F; the q_head's bias is added in float32 before the rounding
as cuBLASLt's bias epilogue does). CPU 1.13 already does this for the model's matmuls (its
oneDNN bf16 path, measured identical in make_bf16_fixtures.py's diagnostic run); writing it
out keeps the fixtures independent of the CPU's bf16 instructions.

Everything else in the model is already the same on CPU 1.13 and CUDA eager: elementwise
add/mul of two bf16 tensors (float32 compute, one rounding), rms_norm (float32, then cast),
RoPE (float32, then cast), embedding gathers and dtype casts.
"""
import math

import torch
import torch.nn.functional as F

BF16 = torch.bfloat16
_orig = {}


def linear(input, weight, bias=None):
    """y = x·Wᵀ (+ b): x [..., K], W [N, K], b [N] → [..., N]; bf16: float32 accumulate, one rounding."""
    if input.dtype != BF16:
        return _orig['linear'](input, weight, bias)
    out = torch.matmul(input.float(), weight.float().t())
    if bias is not None:
        out = out + bias.float()
    return out.to(BF16)


def silu(input, inplace=False):
    """silu(x) = x·sigmoid(x) elementwise; bf16: float32 compute, one rounding."""
    if input.dtype != BF16:
        return _orig['silu'](input, inplace=inplace)
    return _orig['silu'](input.float()).to(BF16)


def sdpa_flash(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """Flash-attention forward: q, k, v [B, H, S, D] → [B, H, S, D]; bf16 semantics in the module doc."""
    if query.dtype != BF16:
        return _orig['sdpa'](query, key, value, is_causal=is_causal)
    assert attn_mask is None and dropout_p == 0.0 and not is_causal
    sc = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    s = torch.matmul(query.float(), key.float().transpose(-1, -2)) * sc   # [B, H, S, S] float32
    m = s.amax(-1, keepdim=True)
    p = torch.exp(s - m)                                                    # unnormalised, float32
    l = p.sum(-1, keepdim=True)                                             # row sum of the float32 P
    o = torch.matmul(p.to(BF16).float(), value.float()) / l                 # P rounded to bf16 before ·V
    return o.to(BF16)


def _scaled_input_embeddings(orig):
    """Wraps Inner._input_embeddings so that embed_scale multiplies in float32 for bf16 (see module doc)."""
    def f(self, input, puzzle_identifiers):
        if self.forward_dtype != BF16:
            return orig(self, input, puzzle_identifiers)
        assert self.config.pos_encodings != 'learned'  # its 0.707 scalar would need the same treatment
        s = self.embed_scale
        self.embed_scale = 1.0  # 1.0 × bf16 is exact
        try:
            e = orig(self, input, puzzle_identifiers)
        finally:
            self.embed_scale = s
        return (s * e.float()).to(BF16)
    return f


def install(layers_module, trm_module):
    """Patches torch.nn.functional and the official modules (models.layers, models.recursive_reasoning.trm)."""
    if _orig:
        return
    _orig['linear'], _orig['silu'] = F.linear, F.silu
    _orig['sdpa'] = layers_module.scaled_dot_product_attention  # the shim's float32 stand-in
    F.linear, F.silu = linear, silu
    F.scaled_dot_product_attention = sdpa_flash
    layers_module.scaled_dot_product_attention = sdpa_flash  # imported by name at module load
    inner = trm_module.TinyRecursiveReasoningModel_ACTV1_Inner
    _orig['emb'] = inner._input_embeddings
    inner._input_embeddings = _scaled_input_embeddings(inner._input_embeddings)


def uninstall(layers_module, trm_module):
    """Restores what install() patched (for the diagnostic run of CPU 1.13's own bf16)."""
    if not _orig:
        return
    F.linear, F.silu = _orig['linear'], _orig['silu']
    F.scaled_dot_product_attention = _orig['sdpa']
    layers_module.scaled_dot_product_attention = _orig['sdpa']
    trm_module.TinyRecursiveReasoningModel_ACTV1_Inner._input_embeddings = _orig['emb']
    _orig.clear()
