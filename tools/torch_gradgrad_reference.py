#!/usr/bin/env python3
"""PyTorch reference values for Backflow's second- and third-derivative parity test.

Regenerate the fixtures with Debian's Python, which has torch installed:

    /usr/bin/python3 tools/torch_gradgrad_reference.py

This writes backflow-core/src/test/resources/fixtures/torch_gradgrad.json, which
backflow-core/src/test/java/dev/backflow/ops/TorchGradGradParityTest.java replays through Backflow.
Deterministic: one torch.manual_seed, float32 on the CPU, one thread, cases in a fixed order.

Each case: name, op (the Java test maps it to a Backflow call), params, inputs [{name, shape, values,
requires_grad}], order (2 or 3), and, with out = op(inputs) and fixed random W, V_i, U_i:

    first   g_i = d/dx_i sum(out * W)                       (create_graph=True)
    second  h_i = d/dx_i sum_j sum(g_j * V_j)               (create_graph=True when order is 3)
    third   k_i = d/dx_i sum_j sum(h_j * U_j)               (order 3 only)

w, v, u hold W and the V_i, U_i; expected holds {first, second, third}: {input name: values or null}
(null where PyTorch returns None: the derivative is identically zero). Values are flattened row-major,
written with the shortest decimal that parses back to the same float32.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                        "backflow-core", "src", "test", "resources", "fixtures", "torch_gradgrad.json")

torch.manual_seed(20261129)
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)


def f32(v):
    x = np.float32(v)
    if not np.isfinite(x):
        raise ValueError("non-finite value %r in a fixture" % (v,))
    d = float(str(x))
    if np.float32(d).tobytes() != x.tobytes():
        d = float(x)
    return d


def values(t):
    return [f32(v) for v in t.detach().reshape(-1).tolist()]


def randn(*shape):
    return torch.randn(shape)


def positive(*shape):
    return torch.rand(shape) * 1.5 + 0.5


def away(*shape):
    return (torch.rand(shape) * 1.5 + 0.5) * (torch.randint(0, 2, shape) * 2 - 1)


def distinct(*shape):
    """A shuffled grid 0.05 + 0.1 k: far from kinks (0) and ties, as the Java test generators."""
    n = int(np.prod(shape))
    grid = (torch.arange(n, dtype=torch.float32) - n // 2) * 0.1 + 0.05
    return grid[torch.randperm(n)].reshape(shape)


def cube(t):
    return t * t * t


CASES = []


def case(name, op, fn, inputs, params=None, order=2, grad=None):
    """inputs: [(name, tensor)]; grad: names of inputs that require grad (default all)."""
    leaves = []
    for n, t in inputs:
        t = t.clone().float()
        t.requires_grad_(grad is None or n in grad)
        leaves.append((n, t))
    xs = [t for _, t in leaves if t.requires_grad]
    names = [n for n, t in leaves if t.requires_grad]
    out = fn(*[t for _, t in leaves])
    w = torch.randn(out.shape)
    v = [torch.randn(x.shape) for x in xs]
    u = [torch.randn(x.shape) for x in xs]
    g1 = torch.autograd.grad((out * w).sum(), xs, create_graph=True, allow_unused=True)
    l2 = sum((g * vv).sum() for g, vv in zip(g1, v) if g is not None and g.requires_grad)
    g2 = torch.autograd.grad(l2, xs, create_graph=order == 3, allow_unused=True) if torch.is_tensor(l2) \
        else [None] * len(xs)
    expected = {"first": {n: None if g is None else values(g) for n, g in zip(names, g1)},
                "second": {n: None if g is None else values(g) for n, g in zip(names, g2)}}
    if order == 3:
        l3 = sum((g * uu).sum() for g, uu in zip(g2, u) if g is not None and g.requires_grad)
        g3 = torch.autograd.grad(l3, xs, allow_unused=True) if torch.is_tensor(l3) else [None] * len(xs)
        expected["third"] = {n: None if g is None else values(g) for n, g in zip(names, g3)}
    CASES.append({
        "name": name, "op": op, "params": params or {}, "order": order,
        "inputs": [{"name": n, "shape": list(t.shape), "values": values(t), "requires_grad": t.requires_grad}
                   for n, t in leaves],
        "w": values(w), "v": [values(x) for x in v], "u": [values(x) for x in u],
        "expected": expected,
    })


def causal_attention(q, k, v, causal):
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        tq, tk = s.shape[-2], s.shape[-1]
        s = s.masked_fill(torch.ones(tq, tk, dtype=torch.bool).triu(1), float("-inf"))
    return torch.softmax(s, -1) @ v


# arithmetic
case("mul_broadcast", "mul", lambda a, b: a * b, [("a", randn(2, 3)), ("b", randn(3))])
case("div", "div", lambda a, b: a / b, [("a", randn(2, 3)), ("b", away(2, 1))])
case("pow_3", "pow", lambda x: x ** 3, [("x", randn(2, 3))], {"exponent": 3.0}, order=3)
case("pow_neg", "pow", lambda x: x ** -1.5, [("x", positive(5))], {"exponent": -1.5}, order=3)
case("sqrt", "sqrt", torch.sqrt, [("x", positive(5))], order=3)
case("exp", "exp", torch.exp, [("x", randn(5))], order=3)
case("log", "log", torch.log, [("x", positive(5))], order=3)
case("maximum_times_a", "maximum_times_a", lambda a, b: torch.maximum(a, b) * a, [("a", distinct(2, 3)), ("b", distinct(3))])
case("where_cube", "where_cube", lambda c, a, b: cube(torch.where(c > 0, a, b)),
     [("cond", (torch.rand(2, 3) > 0.5).float()), ("a", randn(2, 3)), ("b", randn(3))], grad=["a", "b"])

# activations
case("sigmoid", "sigmoid", torch.sigmoid, [("x", randn(6))], order=3)
case("tanh", "tanh", torch.tanh, [("x", randn(6))], order=3)
case("relu_cube", "relu_cube", lambda x: cube(F.relu(x)), [("x", distinct(6))], order=3)
case("leaky_relu_cube", "leaky_relu_cube", lambda x: cube(F.leaky_relu(x, 0.1)), [("x", distinct(6))], {"slope": 0.1})
case("gelu", "gelu", F.gelu, [("x", randn(6))], order=3)
case("gelu_tanh", "gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), [("x", randn(6))], order=3)
case("softplus", "softplus", F.softplus, [("x", randn(6))], order=3)
case("softmax", "softmax", lambda x: torch.softmax(x, 1), [("x", randn(2, 4))], {"dim": 1}, order=3)
case("softmax_dim0", "softmax", lambda x: torch.softmax(x, 0), [("x", randn(3, 2))], {"dim": 0})
case("log_softmax", "log_softmax", lambda x: torch.log_softmax(x, 1), [("x", randn(2, 4))], {"dim": 1}, order=3)

# reductions
case("sum_cube", "sum_cube", lambda x: cube(x.sum(1)), [("x", randn(2, 3))])
case("mean_cube", "mean_cube", lambda x: cube(x.mean(0, keepdim=True)), [("x", randn(2, 3))])
case("var", "var", lambda x: x.var(1), [("x", randn(2, 4))])
case("max_cube", "max_cube", lambda x: cube(x.amax(1, keepdim=True)), [("x", distinct(2, 3))])

# linear algebra
case("matmul_batched", "matmul", lambda a, b: a @ b, [("a", randn(2, 2, 3)), ("b", randn(3, 2))])
case("matmul_tanh", "matmul_tanh", lambda a, b: torch.tanh(a @ b), [("a", randn(3, 2)), ("b", randn(2, 3))], order=3)
case("linear_tanh", "linear_tanh", lambda x, w, b: torch.tanh(F.linear(x, w, b)),
     [("x", randn(3, 2)), ("w", randn(4, 2)), ("b", randn(4))])

# views and joins
case("views_cube", "views_cube", lambda x: cube(x.transpose(0, 2).permute(2, 0, 1).reshape(-1)[1:7:2]),
     [("x", randn(2, 3, 2))])
case("cat_cube", "cat_cube", lambda a, b: cube(torch.cat([a, b.t()], 1)), [("a", randn(2, 3)), ("b", randn(2, 2))])
case("pad_cube", "pad_cube", lambda x: cube(F.pad(x, (1, 2))), [("x", randn(2, 3))])

# indexing
case("gather_cube", "gather_cube", lambda x, i: cube(torch.gather(x, 1, i.long())),
     [("x", randn(3, 4)), ("index", torch.tensor([[0., 3.], [1., 1.], [2., 0.]]))], grad=["x"])
case("index_select_cube", "index_select_cube", lambda x: cube(torch.index_select(x, 0, torch.tensor([2, 0, 2]))),
     [("x", randn(3, 4))])
case("embedding_cube", "embedding_cube", lambda w: cube(F.embedding(torch.tensor([[1, 1], [0, 2]]), w)),
     [("w", randn(3, 4))])

# convolution and pooling
case("conv2d", "conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1) ** 2,
     [("x", randn(1, 2, 5, 4)), ("w", randn(3, 2, 2, 2)), ("b", randn(3))], {"stride": 2, "padding": 1})
case("conv2d_groups_dilation", "conv2d", lambda x, w: torch.tanh(F.conv2d(x, w, None, dilation=2, groups=2)),
     [("x", randn(1, 2, 5, 5)), ("w", randn(2, 1, 2, 2))], {"dilation": 2, "groups": 2})
case("max_pool2d_cube", "max_pool2d_cube", lambda x: cube(F.max_pool2d(x, 2)), [("x", distinct(1, 2, 4, 4))])
case("avg_pool2d_cube", "avg_pool2d_cube", lambda x: cube(F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)),
     [("x", randn(1, 2, 5, 5))])

# normalization and attention
case("layer_norm", "layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b, 1e-5),
     [("x", randn(2, 4)), ("w", randn(4)), ("b", randn(4))])


# PyTorch 1.13's fused layer_norm double backward treats its saved mean and rstd as constants, so its *third*
# derivative is wrong (it differs from the same function written with primitives, in float64 too). The
# third-order reference is therefore the primitive composite, which is the same function.
def layer_norm_composite(x, w, b):
    centered = x - x.mean(-1, keepdim=True)
    return centered * ((centered * centered).mean(-1, keepdim=True) + 1e-5) ** -0.5 * w + b


case("layer_norm_third", "layer_norm", layer_norm_composite,
     [("x", randn(2, 4)), ("w", randn(4)), ("b", randn(4))], order=3)
case("scaled_dot_product_attention_causal", "scaled_dot_product_attention",
     lambda q, k, v: causal_attention(q, k, v, True), [("q", randn(1, 3, 2)), ("k", randn(1, 3, 2)), ("v", randn(1, 3, 2))],
     {"causal": True})
case("self_attention", "self_attention", lambda qkv: causal_attention(
    *[qkv[..., i * 4:(i + 1) * 4].reshape(1, 3, 2, 2).permute(0, 2, 1, 3) for i in range(3)], False)
    .permute(0, 2, 1, 3).reshape(1, 3, 4), [("qkv", randn(1, 3, 12))], {"heads": 2, "causal": False})

# losses
case("cross_entropy", "cross_entropy", lambda x: F.cross_entropy(x, torch.tensor([1, 3, 0])), [("x", randn(3, 4))],
     {"targets": [1, 3, 0]}, order=3)
case("cross_entropy_smoothing", "cross_entropy_smoothing",
     lambda x: F.cross_entropy(x, torch.tensor([1, 3, 0]), label_smoothing=0.1, reduction="sum"), [("x", randn(3, 4))],
     {"targets": [1, 3, 0], "label_smoothing": 0.1})
case("nll_loss", "nll_loss", lambda x: F.nll_loss(torch.log_softmax(x, 1), torch.tensor([2, 0, 1])), [("x", randn(3, 4))],
     {"targets": [2, 0, 1]})
case("mse_loss", "mse_loss", lambda x, t: F.mse_loss(torch.tanh(x), t), [("x", randn(2, 3)), ("t", randn(2, 3))])
case("binary_cross_entropy", "binary_cross_entropy", F.binary_cross_entropy,
     [("p", torch.rand(2, 3) * 0.6 + 0.2), ("t", torch.rand(2, 3))])
case("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits,
     [("x", randn(2, 3)), ("t", torch.rand(2, 3))])

with open(OUT_PATH, "w") as f:
    json.dump({"generator": "tools/torch_gradgrad_reference.py", "torch_version": torch.__version__, "cases": CASES}, f,
              separators=(",", ":"))
    f.write("\n")
print("wrote %d cases to %s" % (len(CASES), os.path.normpath(OUT_PATH)))
