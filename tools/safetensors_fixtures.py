"""Safetensors interop fixtures, written by PyTorch, and the check that PyTorch reads Backflow's files.

    /usr/bin/python3 tools/safetensors_fixtures.py            # (re)writes the fixtures below
    /usr/bin/python3 tools/safetensors_fixtures.py check FILE  # loads FILE (written by Backflow) with strict=True

The official `safetensors` package is not in Debian and PyPI is not reachable here, so this file has a
writer and a reader of the documented format (https://github.com/huggingface/safetensors#format): an
8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} padded with spaces
to 8 bytes, then the raw little-endian bytes. It writes exactly what safetensors.torch.save_file writes
for these tensors (same dtype names, same byte layout).

Fixtures (backflow-core/src/test/resources/fixtures/safetensors/):
    bn_model.safetensors   the state_dict of MODEL after two training batches (F32, and I64 for
                           1.num_batches_tracked = 2), as PyTorch saves it
    bn_model_io.safetensors  an input batch and MODEL's eval-mode output for it
    dtypes.safetensors     one tensor per dtype PyTorch writes (F64 I64 I32 U8 BOOL F16 BF16) plus an entry
                           of a dtype Backflow cannot hold (F8_E4M3, raw bytes) that a reader must skip
"""
import json
import os
import struct
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "backflow-core", "src", "test", "resources", "fixtures", "safetensors")

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
          torch.bool: "BOOL"}
TORCH = {v: k for k, v in DTYPES.items()}


def model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def save(path, tensors, extra=None):
    """tensors: {name: torch.Tensor}; extra: {name: (dtype, shape, bytes)} written as given."""
    header, blobs, offset = {}, [], 0
    items = [(k, DTYPES[v.dtype], list(v.shape), raw_bytes(v)) for k, v in tensors.items()]
    items += [(k, d, s, b) for k, (d, s, b) in (extra or {}).items()]
    for name, dtype, shape, data in items:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dtype = TORCH[info["dtype"]]
        buf = bytearray(body[a:b])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(buf, dtype=torch.int16).view(torch.bfloat16) if b > a else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(buf, dtype=dtype) if b > a else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def write_fixtures():
    os.makedirs(OUT, exist_ok=True)
    m = model()
    g = torch.Generator().manual_seed(1)
    m.train()
    for _ in range(2):
        m(torch.randn(4, 1, 4, 4, generator=g))
    m.eval()
    save(os.path.join(OUT, "bn_model.safetensors"), m.state_dict())
    x = torch.randn(3, 1, 4, 4, generator=g)
    with torch.no_grad():
        save(os.path.join(OUT, "bn_model_io.safetensors"), {"input": x, "output": m(x)})
    save(os.path.join(OUT, "dtypes.safetensors"), {
        "f64": torch.tensor([1.5, -2.25, 1e-3], dtype=torch.float64),
        "i64": torch.tensor([[0, -7], [16777216, 3]], dtype=torch.int64),
        "i32": torch.tensor([5, -6], dtype=torch.int32),
        "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "f16": torch.tensor([0.5, -65504.0, 6.1035156e-05, 1.0009765625], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e30], dtype=torch.bfloat16),
    }, extra={"f8": ("F8_E4M3", [2], bytes([0x38, 0xb8]))})


def check(path):
    """PyTorch loads a Backflow-written model file with strict=True and predicts what the fixture says."""
    state = load(path)
    m = model()
    m.load_state_dict(state, strict=True)
    assert state["1.num_batches_tracked"].dtype == torch.int64, state["1.num_batches_tracked"].dtype
    m.eval()
    io = load(os.path.join(OUT, "bn_model_io.safetensors"))
    with torch.no_grad():
        y = m(io["input"])
    err = (y - io["output"]).abs().max().item()
    assert err < 1e-5, err
    print("OK strict load, num_batches_tracked=%d, max |diff| %.2e" % (state["1.num_batches_tracked"].item(), err))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        write_fixtures()
