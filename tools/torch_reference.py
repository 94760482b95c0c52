#!/usr/bin/env python3
"""PyTorch reference values for Backflow's op-parity test.

Regenerate the fixtures with Debian's Python, which has torch installed:

    /usr/bin/python3 tools/torch_reference.py

This writes backflow-core/src/test/resources/fixtures/torch_ops.json, which
backflow-core/src/test/java/dev/backflow/ops/TorchParityTest.java replays through Backflow.

Every case is built deterministically (one torch.manual_seed at the start, float32 on the CPU, cases
generated in a fixed order), so running this script twice gives the same file.

The file holds {"generator", "torch_version", "cases": [...]}, and each case is:

    name     unique; also the name of the JUnit dynamic test
    op       the op, in PyTorch's spelling (add, log_softmax, conv2d, cross_entropy, ...); the Java test
             maps each op name to a Backflow call and fails a case whose op it does not know
    params   the op's arguments other than tensors (dims, keepdim, stride, reduction, ...)
    inputs   [{name, shape, values, requires_grad, integer, transpose?}] in the op's argument order.
             integer: the tensor holds indices/labels/mask values (long or bool in PyTorch, float or
             int[] in Backflow). transpose [d0, d1]: the op receives input.transpose(d0, d1), a
             non-contiguous view, while gradients are those of the stored (leaf) tensor.
    output   {shape, values}: the forward result (integers and booleans written as floats)
    weight   {shape, values} or null: the fixed random W of out's shape
    grads    {input name: {shape, values} or null}: d/d(input) of L = sum(out * W), for every input
             with requires_grad (null where PyTorch leaves .grad as None); {} for forward-only ops

Values are flattened row-major. Nothing is rounded: each float32 is written with the shortest decimal
that parses back (string -> double -> float32) to the very same float32, so Jackson's double parsing
followed by a cast to float reproduces PyTorch's bits exactly.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                        "backflow-core", "src", "test", "resources", "fixtures", "torch_ops.json")

torch.manual_seed(20240611)
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)  # summation order does not depend on the machine's core count

CASES = []


# ---------------------------------------------------------------------------------------------------
# Serialization

def f32(v):
    """A float32 value as a Python float whose repr is the shortest string that round-trips."""
    x = np.float32(v)
    if not np.isfinite(x):
        raise ValueError("non-finite value %r in a fixture" % (v,))
    s = str(x)  # numpy's shortest float32 repr, e.g. '0.1', '1e-08'
    d = float(s)
    if np.float32(d).tobytes() != x.tobytes():
        d = float(x)  # exact double of the float32 (long, but always round-trips)
    return d


def encode(t):
    t = t.detach()
    if t.dtype == torch.bool:
        t = t.float()
    return {"shape": list(t.shape), "values": [f32(v) for v in t.reshape(-1).tolist()]}


# ---------------------------------------------------------------------------------------------------
# Random inputs

def randn(*shape, scale=1.0):
    return torch.randn(shape) * scale


def positive(*shape, low=0.2, high=3.0):
    return torch.rand(shape) * (high - low) + low


def ints(high, *shape, low=0):
    return torch.randint(low, high, shape).float()


class In:
    """One input of a case: its stored value, whether it requires grad, how the op receives it."""

    def __init__(self, name, value, grad=True, integer=False, transpose=None):
        self.name = name
        self.value = value.float().contiguous()
        self.grad = grad and not integer
        self.integer = integer
        self.transpose = transpose


def case(name, op, params, inputs, fn, forward_only=False):
    """Runs fn(*tensors) in PyTorch and records forward values and the gradients of sum(out * W).

    fn receives, for each input, the tensor the op sees: a leaf (requires_grad as asked) or its
    transpose view; integer inputs arrive as long tensors (fn may convert them, e.g. to bool).
    """
    if any(c["name"] == name for c in CASES):
        raise ValueError("duplicate case name " + name)
    leaves, seen = [], []
    for i in inputs:
        leaf = i.value.clone()
        if i.integer:
            leaf = leaf.long()
        elif i.grad and not forward_only:
            leaf.requires_grad_(True)
        leaves.append(leaf)
        seen.append(leaf.transpose(*i.transpose) if i.transpose else leaf)
    out = fn(*seen)
    entry = {
        "name": name,
        "op": op,
        "params": params,
        "inputs": [],
        "output": encode(out.float() if not out.is_floating_point() else out),
        "weight": None,
        "grads": {},
    }
    for i in inputs:
        spec = {"name": i.name, **encode(i.value), "requires_grad": i.grad and not forward_only,
                "integer": i.integer}
        if i.transpose:
            spec["transpose"] = list(i.transpose)
        entry["inputs"].append(spec)
    if not forward_only and any(i.grad for i in inputs):
        if not out.requires_grad:
            raise ValueError(name + ": output does not require grad")
        w = torch.randn(out.shape)
        (out * w).sum().backward()
        entry["weight"] = encode(w)
        for i, leaf in zip(inputs, leaves):
            if i.grad:
                entry["grads"][i.name] = None if leaf.grad is None else encode(leaf.grad)
    CASES.append(entry)


def unary(name, op, params, x, fn, **kw):
    case(name, op, params, [In("x", x, **kw)], fn)


def binary(name, op, params, a, b, fn, grad_b=True):
    case(name, op, params, [In("a", a), In("b", b, grad=grad_b)], fn)


# ---------------------------------------------------------------------------------------------------
# Arithmetic (ops/Arithmetic)

def arithmetic():
    shapes = [
        ("same", (3, 4), (3, 4)),
        ("bcast_3x1x4_2x4", (3, 1, 4), (2, 4)),
        ("bcast_row", (4, 5), (5,)),
        ("bcast_col", (4, 1), (1, 3)),
        ("bcast_scalar", (2, 3), ()),
    ]
    for op, fn in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div)]:
        for tag, sa, sb in shapes:
            b = positive(*sb, low=0.5, high=2.0) * torch.where(torch.rand(sb) < 0.5, -1.0, 1.0) \
                if op == "div" else randn(*sb)
            binary("%s_%s" % (op, tag), op, {}, randn(*sa), b, fn)
    binary("add_b_no_grad", "add", {}, randn(2, 3), randn(3), torch.add, grad_b=False)
    binary("div_b_no_grad", "div", {}, randn(2, 3), positive(2, 3), torch.div, grad_b=False)

    # a tensor op a Python number
    unary("add_scalar", "add_scalar", {"s": 1.5}, randn(3, 4), lambda x: x + 1.5)
    unary("sub_scalar", "sub_scalar", {"s": 0.75}, randn(3, 4), lambda x: x - 0.75)
    unary("rsub_scalar", "rsub_scalar", {"s": 2.0}, randn(3, 4), lambda x: 2.0 - x)
    unary("mul_scalar", "mul_scalar", {"s": -3.0}, randn(3, 4), lambda x: x * -3.0)
    unary("div_scalar", "div_scalar", {"s": 4.0}, randn(3, 4), lambda x: x / 4.0)

    unary("neg", "neg", {}, randn(3, 4), torch.neg)
    for e, x in [(2.0, randn(3, 4)), (3.0, randn(3, 4)), (0.5, positive(3, 4)), (-1.5, positive(3, 4)),
                 (1.0, randn(2, 3)), (0.0, randn(2, 3)), (-2.0, positive(2, 3))]:
        unary("pow_%s" % str(e).replace("-", "m").replace(".", "_"), "pow", {"exponent": e}, x,
              lambda t, e=e: torch.pow(t, e))
    unary("square", "square", {}, randn(3, 4), torch.square)
    unary("sqrt", "sqrt", {}, positive(3, 4, low=0.05), torch.sqrt)
    unary("exp", "exp", {}, randn(3, 4, scale=2.0), torch.exp)
    unary("log", "log", {}, positive(3, 4, low=0.01, high=10.0), torch.log)
    x = randn(3, 4)
    x[0, 0] = 0.0  # d|x|/dx = 0 at 0, as PyTorch
    unary("abs", "abs", {}, x, torch.abs)
    x = randn(4, 5, scale=1.5)
    x[0, :3] = torch.tensor([-0.5, 0.8, 0.0])  # exactly on the bounds: gradient passes (inclusive)
    unary("clamp", "clamp", {"min": -0.5, "max": 0.8}, x, lambda t: torch.clamp(t, -0.5, 0.8))
    unary("clamp_wide", "clamp", {"min": -10.0, "max": 10.0}, randn(2, 3), lambda t: torch.clamp(t, -10.0, 10.0))

    for op, fn in [("maximum", torch.maximum), ("minimum", torch.minimum)]:
        binary(op, op, {}, randn(3, 4), randn(3, 4), fn)
        binary(op + "_bcast", op, {}, randn(3, 1, 4), randn(2, 4), fn)
        a, b = randn(2, 4), randn(2, 4)
        b[0] = a[0]  # ties: PyTorch splits the gradient evenly
        binary(op + "_ties", op, {}, a, b, fn)

    def where(c, a, b):
        return torch.where(c.bool(), a, b)
    case("where", "where", {}, [In("cond", ints(2, 3, 4), integer=True), In("a", randn(3, 4)), In("b", randn(3, 4))],
         where)
    case("where_bcast", "where", {},
         [In("cond", ints(2, 3, 1), integer=True), In("a", randn(1, 4)), In("b", randn(3, 4))], where)
    case("where_bcast_cond", "where", {},
         [In("cond", ints(2, 2, 3, 4), integer=True), In("a", randn(3, 4)), In("b", randn(4))], where)

    # comparisons: 1 where true, 0 where false; no gradient
    for op, fn in [("eq", torch.eq), ("gt", torch.gt), ("lt", torch.lt), ("ge", torch.ge), ("le", torch.le)]:
        a = torch.round(randn(3, 4))
        b = torch.round(randn(4))
        case("compare_" + op, op, {}, [In("a", a), In("b", b)], fn, forward_only=True)
    x = torch.round(randn(3, 4) * 2) / 2
    case("compare_gt_scalar", "gt_scalar", {"s": 0.5}, [In("x", x)], lambda t: t > 0.5, forward_only=True)
    case("compare_lt_scalar", "lt_scalar", {"s": -0.5}, [In("x", x)], lambda t: t < -0.5, forward_only=True)


# ---------------------------------------------------------------------------------------------------
# Activations (ops/Activations)

def activations():
    x = randn(4, 6, scale=2.0)
    x[0, 0] = 0.0  # relu'(0) = 0, leaky'(0) = slope, as PyTorch
    unary("sigmoid", "sigmoid", {}, randn(4, 6, scale=3.0), torch.sigmoid)
    unary("tanh", "tanh", {}, randn(4, 6, scale=2.0), torch.tanh)
    unary("relu", "relu", {}, x, torch.relu)
    unary("leaky_relu_0_1", "leaky_relu", {"negative_slope": 0.1}, x, lambda t: F.leaky_relu(t, 0.1))
    unary("leaky_relu_0_01", "leaky_relu", {"negative_slope": 0.01}, randn(3, 5), lambda t: F.leaky_relu(t, 0.01))
    g = torch.cat([randn(20, scale=2.5), torch.tensor([0.0, -6.0, 6.0, -3.5, 3.5])]).reshape(5, 5)
    unary("gelu_exact", "gelu", {"approximate": "none"}, g, lambda t: F.gelu(t))
    unary("gelu_tanh", "gelu", {"approximate": "tanh"}, g, lambda t: F.gelu(t, approximate="tanh"))
    s = torch.cat([randn(20, scale=4.0), torch.tensor([-30.0, 19.5, 20.0, 20.5, 30.0])]).reshape(5, 5)
    unary("softplus", "softplus", {"beta": 1.0, "threshold": 20.0}, s, F.softplus)
    unary("softplus_beta2_threshold5", "softplus", {"beta": 2.0, "threshold": 5.0}, randn(4, 5, scale=2.0),
          lambda t: F.softplus(t, beta=2.0, threshold=5.0))

    for op, fn in [("softmax", F.softmax), ("log_softmax", F.log_softmax)]:
        for d in (0, 1, -1):
            unary("%s_2d_dim%s" % (op, str(d).replace("-", "m")), op, {"dim": d}, randn(4, 5, scale=2.0),
                  lambda t, d=d: fn(t, dim=d))
        x3 = randn(2, 3, 4)
        for d in (0, 1, -1):
            unary("%s_3d_dim%s" % (op, str(d).replace("-", "m")), op, {"dim": d}, x3,
                  lambda t, d=d: fn(t, dim=d))
        big = randn(3, 5, scale=40.0)
        big[0] = torch.tensor([80.0, -80.0, 79.5, 0.0, -79.0])
        big[1] = torch.tensor([100.0, 100.0, 99.0, 98.0, -100.0])
        for d in (0, 1, -1):
            unary("%s_large_dim%s" % (op, str(d).replace("-", "m")), op, {"dim": d}, big,
                  lambda t, d=d: fn(t, dim=d))
        # rows far from 0: the outputs must keep their own precision, not that of the row maximum
        unary("%s_offset_1000" % op, op, {"dim": 1}, randn(3, 6, scale=2.0) + 1000.0, lambda t: fn(t, dim=1))
        unary("%s_1d" % op, op, {"dim": 0}, randn(7, scale=3.0), lambda t: fn(t, dim=0))
        unary("%s_transposed_input" % op, op, {"dim": 1}, randn(5, 4), lambda t: fn(t, dim=1), transpose=[0, 1])


# ---------------------------------------------------------------------------------------------------
# Reductions (ops/Reduce)

def reductions():
    x = randn(2, 3, 4)
    variants = [("all", None, False), ("dim0", [0], False), ("dim1_keep", [1], True), ("dimm1", [-1], False),
                ("dims02", [0, 2], False), ("dims12_keep", [1, 2], True), ("all_dims_keep", [0, 1, 2], True)]
    # max/min over dims: torch.amax/amin, whose gradient splits evenly among tied maxima as Backflow's
    # does; without ties it equals torch.max(x, dim).values and its gradient.
    torch_fns = {
        "sum": lambda t, d, k: t.sum() if d is None else t.sum(dim=d, keepdim=k),
        "mean": lambda t, d, k: t.mean() if d is None else t.mean(dim=d, keepdim=k),
        "max": lambda t, d, k: t.max() if d is None else torch.amax(t, dim=d, keepdim=k),
        "min": lambda t, d, k: t.min() if d is None else torch.amin(t, dim=d, keepdim=k),
        "var": lambda t, d, k: t.var() if d is None else t.var(dim=d, unbiased=True, keepdim=k),
    }
    for op, fn in torch_fns.items():
        for tag, dims, keep in variants:
            params = {"dims": dims, "keepdim": keep}
            if op == "var":
                params["correction"] = 1
            unary("%s_%s" % (op, tag), op, params, x, lambda t, fn=fn, d=dims, k=keep: fn(t, d, k))
    unary("var_biased_dim1", "var", {"dims": [1], "keepdim": False, "correction": 0}, randn(3, 5),
          lambda t: t.var(dim=1, unbiased=False))
    unary("sum_transposed_dim0", "sum", {"dims": [0], "keepdim": False}, randn(4, 3),
          lambda t: t.sum(dim=0), transpose=[0, 1])
    unary("mean_1d", "mean", {"dims": None, "keepdim": False}, randn(9), lambda t: t.mean())
    t = torch.round(randn(3, 4) * 2) / 2
    t[0, 1] = t[0, 3] = t.max() + 1.0  # tie for the overall max, and within row 0
    t[2, 0] = t[2, 2] = t.min() - 1.0
    unary("max_all_ties", "max", {"dims": None, "keepdim": False}, t, lambda u: u.max())
    unary("max_dim1_ties", "max", {"dims": [1], "keepdim": False}, t, lambda u: torch.amax(u, dim=1))
    unary("min_all_ties", "min", {"dims": None, "keepdim": False}, t, lambda u: u.min())
    unary("min_dim1_ties", "min", {"dims": [1], "keepdim": False}, t, lambda u: torch.amin(u, dim=1))

    x = randn(3, 4, 5)
    for tag, d, k in [("all", None, False), ("dim0", 0, False), ("dim1", 1, False), ("dimm1_keep", -1, True)]:
        fn = (lambda t: torch.argmax(t)) if d is None else (lambda t, d=d, k=k: torch.argmax(t, dim=d, keepdim=k))
        case("argmax_" + tag, "argmax", {"dim": d, "keepdim": k}, [In("x", x)], fn, forward_only=True)
    case("argmin_dim1", "argmin", {"dim": 1, "keepdim": False}, [In("x", x)], lambda t: torch.argmin(t, dim=1),
         forward_only=True)

    # sumTo, the backward of broadcasting: Tensor.sum_to_size in PyTorch
    unary("sum_to_size", "sum_to_size", {"shape": [3, 1]}, randn(2, 3, 4), lambda t: t.sum_to_size(3, 1))


# ---------------------------------------------------------------------------------------------------
# Linear algebra (ops/Linalg)

def linalg():
    mm = [
        ("dot", (5,), (5,), None, None),
        ("mv", (3, 4), (4,), None, None),
        ("vm", (4,), (4, 3), None, None),
        ("mm", (3, 4), (4, 5), None, None),
        ("bmm", (2, 3, 4), (2, 4, 5), None, None),
        ("bcast_batch_2x1x3x4_5x4x2", (2, 1, 3, 4), (5, 4, 2), None, None),
        ("batched_times_matrix", (2, 3, 4), (4, 5), None, None),
        ("matrix_times_batched", (3, 4), (2, 4, 5), None, None),
        ("vector_times_batched", (4,), (2, 4, 3), None, None),
        ("batched_times_vector", (2, 3, 4), (4,), None, None),
        ("transposed_a", (4, 3), (4, 5), [0, 1], None),
        ("transposed_b", (3, 4), (5, 4), None, [0, 1]),
        ("transposed_both", (4, 3), (5, 4), [0, 1], [0, 1]),
        ("batched_transposed_b", (2, 3, 4), (2, 5, 4), None, [1, 2]),
    ]
    for tag, sa, sb, ta, tb in mm:
        case("matmul_" + tag, "matmul", {}, [In("a", randn(*sa), transpose=ta), In("b", randn(*sb), transpose=tb)],
             torch.matmul)


# ---------------------------------------------------------------------------------------------------
# Views and shape (ops/Views)

def views():
    x = randn(2, 3, 4)
    unary("reshape", "reshape", {"shape": [4, 6]}, x, lambda t: t.reshape(4, 6))
    unary("reshape_infer", "reshape", {"shape": [3, -1]}, x, lambda t: t.reshape(3, -1))
    unary("reshape_noncontiguous", "reshape", {"shape": [12]}, randn(4, 3), lambda t: t.reshape(12),
          transpose=[0, 1])
    unary("view", "view", {"shape": [6, 4]}, x, lambda t: t.view(6, 4))
    unary("flatten", "flatten", {"start_dim": 0, "end_dim": -1}, x, lambda t: t.flatten())
    unary("flatten_1_2", "flatten", {"start_dim": 1, "end_dim": 2}, x, lambda t: t.flatten(1, 2))
    unary("flatten_transposed", "flatten", {"start_dim": 0, "end_dim": 1}, randn(3, 4, 2),
          lambda t: t.flatten(0, 1), transpose=[0, 1])
    y = randn(2, 1, 3, 1)
    unary("squeeze_all", "squeeze", {"dim": None}, y, lambda t: t.squeeze())
    unary("squeeze_dim1", "squeeze", {"dim": 1}, y, lambda t: t.squeeze(1))
    unary("squeeze_dimm1", "squeeze", {"dim": -1}, y, lambda t: t.squeeze(-1))
    unary("squeeze_non_unit_dim", "squeeze", {"dim": 0}, y, lambda t: t.squeeze(0))
    unary("unsqueeze_0", "unsqueeze", {"dim": 0}, randn(3, 4), lambda t: t.unsqueeze(0))
    unary("unsqueeze_m1", "unsqueeze", {"dim": -1}, randn(3, 4), lambda t: t.unsqueeze(-1))
    unary("transpose_0_2", "transpose", {"dim0": 0, "dim1": 2}, x, lambda t: t.transpose(0, 2))
    unary("transpose_m1_m2", "transpose", {"dim0": -1, "dim1": -2}, x, lambda t: t.transpose(-1, -2))
    unary("mT", "mT", {}, x, lambda t: t.transpose(-2, -1))
    unary("permute", "permute", {"dims": [2, 0, 1]}, x, lambda t: t.permute(2, 0, 1))
    unary("permute_neg", "permute", {"dims": [-1, -3, -2]}, x, lambda t: t.permute(-1, -3, -2))
    unary("expand", "expand", {"shape": [2, 3, 4]}, randn(3, 1), lambda t: t.expand(2, 3, 4))
    unary("expand_keep", "expand", {"shape": [-1, 5]}, randn(3, 1), lambda t: t.expand(-1, 5))
    unary("narrow", "narrow", {"dim": 1, "start": 1, "length": 2}, x, lambda t: t.narrow(1, 1, 2))
    unary("narrow_last", "narrow", {"dim": -1, "start": 2, "length": 2}, x, lambda t: t.narrow(-1, 2, 2))
    z = randn(7, 5)
    unary("slice_step2", "slice", {"dim": 0, "start": 1, "end": 7, "step": 2}, z, lambda t: t[1:7:2])
    unary("slice_step3", "slice", {"dim": 1, "start": 0, "end": 5, "step": 3}, z, lambda t: t[:, 0:5:3])
    unary("slice_negative", "slice", {"dim": 0, "start": -4, "end": -1, "step": 1}, z, lambda t: t[-4:-1])
    unary("select", "select", {"dim": 1, "index": 2}, x, lambda t: t.select(1, 2))
    unary("select_negative", "select", {"dim": 0, "index": -1}, x, lambda t: t.select(0, -1))
    unary("contiguous", "contiguous", {}, randn(4, 3), lambda t: t.contiguous(), transpose=[0, 1])


# ---------------------------------------------------------------------------------------------------
# Joining and indexing (ops/Joins, ops/Indexing)

def joins_and_indexing():
    case("cat_dim0", "cat", {"dim": 0}, [In("t0", randn(2, 3)), In("t1", randn(1, 3)), In("t2", randn(3, 3))],
         lambda *ts: torch.cat(ts, 0))
    case("cat_dim1", "cat", {"dim": 1}, [In("t0", randn(2, 3)), In("t1", randn(2, 2), grad=False)],
         lambda *ts: torch.cat(ts, 1))
    case("cat_dimm1_3d", "cat", {"dim": -1}, [In("t0", randn(2, 3, 1)), In("t1", randn(2, 3, 4))],
         lambda *ts: torch.cat(ts, -1))
    case("stack_dim0", "stack", {"dim": 0}, [In("t0", randn(2, 3)), In("t1", randn(2, 3)), In("t2", randn(2, 3))],
         lambda *ts: torch.stack(ts, 0))
    case("stack_dim1", "stack", {"dim": 1}, [In("t0", randn(2, 3)), In("t1", randn(2, 3))],
         lambda *ts: torch.stack(ts, 1))
    case("stack_dimm1", "stack", {"dim": -1}, [In("t0", randn(2, 3)), In("t1", randn(2, 3))],
         lambda *ts: torch.stack(ts, -1))
    unary("pad_last", "pad", {"pad": [1, 2], "value": 0.0}, randn(2, 3), lambda t: F.pad(t, [1, 2]))
    unary("pad_two_dims_value", "pad", {"pad": [1, 0, 2, 1], "value": -1.5}, randn(2, 3, 4),
          lambda t: F.pad(t, [1, 0, 2, 1], value=-1.5))
    unary("pad_4d_value", "pad", {"pad": [1, 1, 1, 1], "value": 0.25}, randn(1, 2, 3, 3),
          lambda t: F.pad(t, [1, 1, 1, 1], value=0.25))

    x = randn(5, 4)
    for tag, dim, idx in [("dim0", 0, [3, 0, 3, 1]), ("dim1", 1, [2, 2, 0]), ("dimm1_single", -1, [1])]:
        unary("index_select_" + tag, "index_select", {"dim": dim, "index": idx}, x,
              lambda t, d=dim, i=idx: torch.index_select(t, d, torch.tensor(i)))
    unary("index_select_3d", "index_select", {"dim": 1, "index": [0, 2, 0]}, randn(2, 3, 2),
          lambda t: torch.index_select(t, 1, torch.tensor([0, 2, 0])))

    def gather(d):
        return lambda t, idx: torch.gather(t, d, idx)
    case("gather_dim0", "gather", {"dim": 0}, [In("x", randn(4, 3)), In("index", ints(4, 5, 3), integer=True)],
         gather(0))
    case("gather_dim1", "gather", {"dim": 1}, [In("x", randn(3, 5)), In("index", ints(5, 3, 4), integer=True)],
         gather(1))
    case("gather_dimm1_3d", "gather", {"dim": -1},
         [In("x", randn(2, 3, 4)), In("index", ints(4, 2, 3, 2), integer=True)], gather(-1))

    case("embedding", "embedding", {}, [In("weight", randn(6, 3)), In("indices", torch.tensor([1., 4., 1., 0., 5.]),
                                                                      integer=True)],
         lambda w, i: F.embedding(i, w))
    case("embedding_2d_indices", "embedding", {},
         [In("weight", randn(5, 4)), In("indices", ints(5, 2, 3), integer=True)], lambda w, i: F.embedding(i, w))


# ---------------------------------------------------------------------------------------------------
# Convolution and pooling (ops/Convolutions)

def convolutions():
    def conv(name, xs, ws, bias, stride, padding, dilation, groups):
        inputs = [In("x", randn(*xs)), In("w", randn(*ws, scale=0.5))]
        if bias:
            inputs.append(In("bias", randn(ws[0])))
        params = {"stride": list(stride), "padding": list(padding), "dilation": list(dilation), "groups": groups}
        case(name, "conv2d", params, inputs,
             lambda x, w, b=None: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups))

    conv("conv2d_basic_bias", (2, 3, 6, 6), (4, 3, 3, 3), True, (1, 1), (0, 0), (1, 1), 1)
    conv("conv2d_stride2_pad1_bias", (2, 3, 7, 7), (4, 3, 3, 3), True, (2, 2), (1, 1), (1, 1), 1)
    conv("conv2d_dilation2_pad2", (1, 2, 7, 7), (3, 2, 3, 3), False, (1, 1), (2, 2), (2, 2), 1)
    conv("conv2d_groups2_bias", (1, 4, 6, 6), (6, 2, 3, 3), True, (1, 1), (1, 1), (1, 1), 2)
    conv("conv2d_depthwise_stride2", (2, 3, 6, 5), (3, 1, 3, 3), False, (2, 2), (1, 1), (1, 1), 3)
    conv("conv2d_nonsquare", (1, 2, 6, 7), (3, 2, 2, 3), True, (2, 1), (1, 0), (1, 2), 1)
    conv("conv2d_1x1", (2, 4, 3, 3), (5, 4, 1, 1), True, (1, 1), (0, 0), (1, 1), 1)
    conv("conv2d_stride3_dil2_groups2", (1, 4, 9, 9), (4, 2, 2, 2), True, (3, 3), (1, 1), (2, 2), 2)

    def pool(name, op, params, xs, fn):
        x = randn(*xs)
        unary(name, op, params, x, fn)

    pool("max_pool2d_k2", "max_pool2d", {"kernel": 2, "stride": 2, "padding": 0, "dilation": 1}, (2, 2, 6, 6),
         lambda t: F.max_pool2d(t, 2))
    pool("max_pool2d_k3_s2_p1", "max_pool2d", {"kernel": 3, "stride": 2, "padding": 1, "dilation": 1},
         (1, 2, 7, 7), lambda t: F.max_pool2d(t, 3, stride=2, padding=1))
    pool("max_pool2d_k3_s1_p1_overlap", "max_pool2d", {"kernel": 3, "stride": 1, "padding": 1, "dilation": 1},
         (1, 1, 5, 5), lambda t: F.max_pool2d(t, 3, stride=1, padding=1))
    pool("max_pool2d_k2_s1_dil2", "max_pool2d", {"kernel": 2, "stride": 1, "padding": 1, "dilation": 2},
         (1, 2, 5, 6), lambda t: F.max_pool2d(t, 2, stride=1, padding=1, dilation=2))
    pool("avg_pool2d_k2", "avg_pool2d", {"kernel": 2, "stride": 2, "padding": 0, "count_include_pad": True},
         (2, 2, 6, 6), lambda t: F.avg_pool2d(t, 2))
    pool("avg_pool2d_k3_s2_p1_incl", "avg_pool2d",
         {"kernel": 3, "stride": 2, "padding": 1, "count_include_pad": True}, (1, 2, 7, 7),
         lambda t: F.avg_pool2d(t, 3, stride=2, padding=1, count_include_pad=True))
    pool("avg_pool2d_k3_s2_p1_excl", "avg_pool2d",
         {"kernel": 3, "stride": 2, "padding": 1, "count_include_pad": False}, (1, 2, 7, 7),
         lambda t: F.avg_pool2d(t, 3, stride=2, padding=1, count_include_pad=False))
    pool("avg_pool2d_k2_s1_p1_excl", "avg_pool2d",
         {"kernel": 2, "stride": 1, "padding": 1, "count_include_pad": False}, (1, 1, 4, 5),
         lambda t: F.avg_pool2d(t, 2, stride=1, padding=1, count_include_pad=False))


# ---------------------------------------------------------------------------------------------------
# Losses (ops/Losses) and dropout (ops/Dropout)

def losses():
    for red in ("mean", "sum", "none"):
        case("mse_loss_" + red, "mse_loss", {"reduction": red}, [In("input", randn(3, 4)), In("target", randn(3, 4))],
             lambda a, b, r=red: F.mse_loss(a, b, reduction=r))
    p = torch.sigmoid(randn(3, 4, scale=2.0))
    t = ints(2, 3, 4)
    for red in ("mean", "sum", "none"):
        case("binary_cross_entropy_" + red, "binary_cross_entropy", {"reduction": red},
             [In("input", p), In("target", t, grad=False)],
             lambda a, b, r=red: F.binary_cross_entropy(a, b, reduction=r))
    case("binary_cross_entropy_soft_target_grad", "binary_cross_entropy", {"reduction": "mean"},
         [In("input", torch.sigmoid(randn(2, 5))), In("target", torch.rand(2, 5))],
         lambda a, b: F.binary_cross_entropy(a, b))
    logits = randn(4, 5, scale=3.0)
    logits[0, :3] = 0.0  # exactly 0: gradient sigmoid(0) - t = 0.5 - t
    logits[1, 0], logits[1, 1] = 40.0, -40.0
    tt = ints(2, 4, 5)
    for red in ("mean", "sum", "none"):
        case("bce_with_logits_" + red, "binary_cross_entropy_with_logits", {"reduction": red},
             [In("input", logits), In("target", tt, grad=False)],
             lambda a, b, r=red: F.binary_cross_entropy_with_logits(a, b, reduction=r))
    case("bce_with_logits_soft_target_grad", "binary_cross_entropy_with_logits", {"reduction": "mean"},
         [In("input", logits), In("target", torch.rand(4, 5))],
         lambda a, b: F.binary_cross_entropy_with_logits(a, b))

    def ce(ignore=-100, smoothing=0.0, red="mean"):
        params = {"ignore_index": ignore, "label_smoothing": smoothing, "reduction": red}
        fn = lambda x, y: F.cross_entropy(x, y, ignore_index=ignore, label_smoothing=smoothing, reduction=red)
        return params, fn

    def ce_case(name, x, y, **kw):
        params, fn = ce(**kw)
        case(name, "cross_entropy", params, [In("input", x), In("target", y, integer=True)], fn)

    ce_case("cross_entropy", randn(5, 4, scale=2.0), ints(4, 5))
    ce_case("cross_entropy_sum", randn(5, 4, scale=2.0), ints(4, 5), red="sum")
    ce_case("cross_entropy_none", randn(5, 4, scale=2.0), ints(4, 5), red="none")
    ce_case("cross_entropy_label_smoothing", randn(6, 5, scale=2.0), ints(5, 6), smoothing=0.1)
    ce_case("cross_entropy_ignore_index", randn(6, 4, scale=2.0), torch.tensor([1., 2., 0., 2., 3., 2.]),
            ignore=2)
    ce_case("cross_entropy_default_ignore_m100", randn(4, 3), torch.tensor([0., -100., 2., 1.]))
    ce_case("cross_entropy_ignore_and_smoothing", randn(6, 4, scale=2.0), torch.tensor([1., 3., 0., 3., 2., 1.]),
            ignore=3, smoothing=0.1)
    ce_case("cross_entropy_ncd", randn(2, 4, 3, scale=2.0), ints(4, 2, 3))
    ce_case("cross_entropy_ncd_smoothing", randn(2, 4, 3, scale=2.0), ints(4, 2, 3), smoothing=0.1)
    ce_case("cross_entropy_ncd_none", randn(2, 4, 3, scale=2.0), ints(4, 2, 3), red="none")
    ce_case("cross_entropy_nchw", randn(2, 3, 2, 2, scale=2.0), ints(3, 2, 2, 2))
    ce_case("cross_entropy_large_logits", randn(3, 4, scale=50.0), ints(4, 3))

    def nll_case(name, x, y, ignore=-100, red="mean"):
        case(name, "nll_loss", {"ignore_index": ignore, "reduction": red},
             [In("input", F.log_softmax(x, dim=1)), In("target", y, integer=True)],
             lambda a, b: F.nll_loss(a, b, ignore_index=ignore, reduction=red))
    nll_case("nll_loss", randn(5, 4), ints(4, 5))
    nll_case("nll_loss_sum", randn(5, 4), ints(4, 5), red="sum")
    nll_case("nll_loss_none", randn(5, 4), ints(4, 5), red="none")
    nll_case("nll_loss_ignore_index", randn(5, 4), torch.tensor([0., 1., 1., 3., 1.]), ignore=1)
    nll_case("nll_loss_ncd", randn(2, 4, 3), ints(4, 2, 3))

    # Dropout is random, so only its deterministic settings can be compared: eval mode and p = 0 are the
    # identity, p = 1 zeroes everything.
    unary("dropout_eval", "dropout", {"p": 0.5, "training": False}, randn(3, 4),
          lambda t: F.dropout(t, 0.5, training=False))
    unary("dropout_p0", "dropout", {"p": 0.0, "training": True}, randn(3, 4),
          lambda t: F.dropout(t, 0.0, training=True))
    unary("dropout_p1", "dropout", {"p": 1.0, "training": True}, randn(3, 4),
          lambda t: F.dropout(t, 1.0, training=True))


def main():
    arithmetic()
    activations()
    reductions()
    linalg()
    views()
    joins_and_indexing()
    convolutions()
    losses()
    doc = {
        "generator": "tools/torch_reference.py",
        "torch_version": torch.__version__,
        "loss": "L = sum(out * weight); grads are dL/d(input)",
        "cases": CASES,
    }
    path = os.path.normpath(OUT_PATH)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # one case per line keeps diffs of regenerated fixtures readable
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, separators=(",", ":"))
    lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in CASES]
    with open(path, "w") as f:
        f.write(head[:-1] + ',"cases":[\n' + ",\n".join(lines) + "\n]}\n")
    ops = sorted({c["op"] for c in CASES})
    print("wrote %d cases (%d ops) to %s (%.0f KB)" % (len(CASES), len(ops), path, os.path.getsize(path) / 1024))


if __name__ == "__main__":
    main()
