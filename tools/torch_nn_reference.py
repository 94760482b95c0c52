#!/usr/bin/env python3
"""PyTorch reference values for Backflow's module-parity test.

Regenerate the fixture with Debian's Python, which has torch installed:

    /usr/bin/python3 tools/torch_nn_reference.py

This writes backflow-core/src/test/resources/fixtures/torch_nn.json, which
backflow-core/src/test/java/dev/backflow/nn/ModuleParityTest.java replays through Backflow.

Each case builds a PyTorch module whose state_dict names and shapes are those of the Backflow module
(for the attention, transformer block and GPT, a hand-written twin with Backflow's layout), so the
Backflow test copies the state in with loadStateDict and initialization randomness does not matter.
Norm layers get random affine parameters so that loading them is exercised.

The file holds {"generator", "torch_version", "loss", "cases": [...]}, and each case is:

    name, module   the case name and the Backflow module to build
    config         the module's constructor arguments
    state          {name: tensor}: every parameter and buffer (num_batches_tracked left out: Backflow's
                   BatchNorm has no such buffer)
    passes         forward passes in training mode, in order, the module's state carrying over (BatchNorm's
                   running statistics): [{input, integer, weight, output, grads, buffers}]; grads hold
                   dL/d(name) of L = sum(output * weight) for every parameter, and "input" for a float input
                   (gradients are zeroed before each pass); buffers the buffers after the pass
    eval           {input, integer, output} or absent: one forward pass in eval mode after the passes

A tensor is {shape, values}, values flattened row-major, each float32 written with the shortest decimal
that parses back (string -> double -> float32) to the very same float32. Integer inputs (token indices)
are written as floats.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                        "backflow-core", "src", "test", "resources", "fixtures", "torch_nn.json")

torch.manual_seed(20240613)
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)

CASES = []


def f32(v):
    """A float32 value as a Python float whose repr is the shortest string that round-trips."""
    x = np.float32(v)
    if not np.isfinite(x):
        raise ValueError("non-finite value %r in a fixture" % (v,))
    s = str(x)
    d = float(s)
    if np.float32(d).tobytes() != x.tobytes():
        d = float(x)
    return d


def encode(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "values": [f32(v) for v in t.reshape(-1).tolist()]}


# ---------------------------------------------------------------------------------------------------
# Twins of Backflow's composite modules (same parameter names, shapes and computation)

class MultiHeadSelfAttention(nn.Module):
    """Backflow's layout: qkv = Linear(C, 3C) whose output is reshaped [B, T, 3, H, D]; proj = Linear(C, C)."""

    def __init__(self, d_model, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        b, t, c = x.shape
        d = c // self.heads
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(d)
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        weights = scores.masked_fill(causal, float("-inf")).softmax(-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, t, c))


class TransformerBlock(nn.Module):
    """Pre-norm: x + attention(ln1(x)), then x + mlp(ln2(x)); mlp = Linear(C, 4C), exact GELU, Linear(4C, C)."""

    def __init__(self, d_model, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attention = MultiHeadSelfAttention(d_model, heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
                                 nn.Dropout(0.0))

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Gpt(nn.Module):
    def __init__(self, vocab, context, d_model, layers, heads):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d_model)
        self.positions = nn.Embedding(context, d_model)
        self.blocks = nn.Sequential(*[TransformerBlock(d_model, heads) for _ in range(layers)])
        self.lnFinal = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab, bias=False)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.tokens(idx) + self.positions(torch.arange(t))
        return self.head(self.lnFinal(self.blocks(x)))


def check_attention_twin():
    """The hand-written attention agrees with nn.MultiheadAttention, whose in_proj has the same q|k|v layout."""
    c, h = 8, 2
    twin = MultiHeadSelfAttention(c, h)
    ref = nn.MultiheadAttention(c, h, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(twin.qkv.weight)
        ref.in_proj_bias.copy_(twin.qkv.bias)
        ref.out_proj.weight.copy_(twin.proj.weight)
        ref.out_proj.bias.copy_(twin.proj.bias)
    x = torch.randn(3, 6, c)
    mask = torch.triu(torch.ones(6, 6, dtype=torch.bool), diagonal=1)
    want, _ = ref(x, x, x, attn_mask=mask, need_weights=False)
    got = twin(x)
    if not torch.allclose(got, want, rtol=1e-5, atol=1e-6):
        raise AssertionError("hand-written attention differs from nn.MultiheadAttention: %g"
                             % (got - want).abs().max().item())


# ---------------------------------------------------------------------------------------------------
# Cases

def randomize_affine(module):
    """Random weight/bias for every norm layer, so that loading them matters."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.LayerNorm, nn.BatchNorm1d, nn.BatchNorm2d)):
                m.weight.copy_(1 + 0.3 * torch.randn(m.weight.shape))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape))


def state_of(module):
    return {k: encode(v) for k, v in module.state_dict().items() if not k.endswith("num_batches_tracked")}


def buffers_of(module):
    return {k: encode(v) for k, v in module.named_buffers() if not k.endswith("num_batches_tracked")}


def case(name, module_name, config, module, inputs, eval_input=None, integer=False):
    if any(c["name"] == name for c in CASES):
        raise ValueError("duplicate case name " + name)
    entry = {"name": name, "module": module_name, "config": config, "state": state_of(module), "passes": []}
    module.train()
    for x in inputs:
        module.zero_grad(set_to_none=True)
        leaf = x.long() if integer else x.clone().requires_grad_(True)
        out = module(leaf)
        w = torch.randn(out.shape)
        (out * w).sum().backward()
        grads = {}
        for k, p in module.named_parameters():
            if p.grad is None:
                raise ValueError("%s: %s has no gradient" % (name, k))
            grads[k] = encode(p.grad)
        if not integer:
            grads["input"] = encode(leaf.grad)
        entry["passes"].append({"input": encode(x.float()), "integer": integer, "weight": encode(w),
                                "output": encode(out), "grads": grads, "buffers": buffers_of(module)})
    if eval_input is not None:
        module.eval()
        with torch.no_grad():
            out = module(eval_input.long() if integer else eval_input)
        entry["eval"] = {"input": encode(eval_input.float()), "integer": integer, "output": encode(out)}
    CASES.append(entry)


def layers():
    case("linear", "Linear", {"in": 5, "out": 3, "bias": True}, nn.Linear(5, 3), [torch.randn(2, 4, 5)])
    case("linear_no_bias", "Linear", {"in": 6, "out": 2, "bias": False}, nn.Linear(6, 2, bias=False),
         [torch.randn(3, 6)])
    case("conv2d_stride_padding", "Conv2d",
         {"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": 1, "dilation": 1, "groups": 1, "bias": True},
         nn.Conv2d(3, 4, 3, stride=2, padding=1), [torch.randn(2, 3, 7, 7)])
    case("conv2d_dilated_grouped", "Conv2d",
         {"in": 4, "out": 6, "kernel": 3, "stride": 1, "padding": 2, "dilation": 2, "groups": 2, "bias": True},
         nn.Conv2d(4, 6, 3, stride=1, padding=2, dilation=2, groups=2), [torch.randn(2, 4, 6, 6)])
    ln = nn.LayerNorm(6)
    randomize_affine(ln)
    case("layernorm", "LayerNorm", {"features": 6}, ln, [torch.randn(2, 3, 6) * 2 + 0.5])
    emb = nn.Embedding(10, 4)
    case("embedding", "Embedding", {"count": 10, "dim": 4}, emb,
         [torch.tensor([[1, 3, 3, 9], [0, 3, 7, 1]])], integer=True)


def batch_norms():
    bn = nn.BatchNorm1d(4)
    randomize_affine(bn)
    case("batchnorm1d", "BatchNorm1d", {"features": 4}, bn,
         [torch.randn(8, 4) * 2 + 1, torch.randn(8, 4) * 0.5 - 1], eval_input=torch.randn(5, 4))
    bn = nn.BatchNorm1d(3)
    randomize_affine(bn)
    case("batchnorm1d_sequence", "BatchNorm1d", {"features": 3}, bn,
         [torch.randn(4, 3, 5) * 3 - 2, torch.randn(4, 3, 5) + 0.5], eval_input=torch.randn(2, 3, 5))
    bn = nn.BatchNorm2d(3)
    randomize_affine(bn)
    with torch.no_grad():  # start from non-default running statistics, so that loading them matters
        bn.running_mean.copy_(torch.randn(3))
        bn.running_var.copy_(torch.rand(3) + 0.5)
    case("batchnorm2d", "BatchNorm2d", {"features": 3}, bn,
         [torch.randn(4, 3, 5, 5) * 1.5 + 0.7, torch.randn(4, 3, 5, 5) - 0.3], eval_input=torch.randn(2, 3, 5, 5))


def transformers():
    check_attention_twin()
    case("multi_head_self_attention", "MultiHeadSelfAttention", {"d_model": 8, "heads": 2},
         MultiHeadSelfAttention(8, 2), [torch.randn(2, 5, 8)])
    block = TransformerBlock(8, 2)
    randomize_affine(block)
    case("transformer_block", "TransformerBlock", {"d_model": 8, "heads": 2}, block, [torch.randn(2, 5, 8)])
    gpt = Gpt(11, 8, 8, 2, 2)
    randomize_affine(gpt)
    case("gpt", "Gpt", {"vocab": 11, "context": 8, "d_model": 8, "layers": 2, "heads": 2}, gpt,
         [torch.tensor([[1, 4, 4, 10, 0, 7], [3, 2, 9, 9, 5, 1]])], integer=True)


def main():
    layers()
    batch_norms()
    transformers()
    doc = {
        "generator": "tools/torch_nn_reference.py",
        "torch_version": torch.__version__,
        "loss": "L = sum(output * weight); grads are dL/d(parameter) and dL/d(input)",
        "cases": CASES,
    }
    path = os.path.normpath(OUT_PATH)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, separators=(",", ":"))
    lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in CASES]
    with open(path, "w") as f:
        f.write(head[:-1] + ',"cases":[\n' + ",\n".join(lines) + "\n]}\n")
    print("wrote %d cases to %s (%.0f KB)" % (len(CASES), path, os.path.getsize(path) / 1024))


if __name__ == "__main__":
    main()
