"""Safetensors interop fixtures, written by the official `safetensors` package from PyTorch tensors, and the
check that PyTorch reads the files Backflow writes.

    PY=$(tools/python-env.sh)                           # a venv: Debian's torch + safetensors from PyPI
    "$PY" tools/safetensors_fixtures.py                 # (re)writes the fixtures below
    "$PY" tools/safetensors_fixtures.py check MODEL [IO]
        # safetensors.torch.load_file(MODEL), then MODEL's state into nn.Sequential below with
        # load_state_dict(strict=True); its eval-mode output for IO's "input" must match IO's "output"
        # (IO: a file Backflow wrote with its own prediction; default: bn_model_io.safetensors)

Every fixture is written by safetensors.torch.save_file (0.8.0, pinned in tools/python-env.sh) from the tensors of
Debian bookworm's python3-torch 1.13.1 (which reports 1.13.0a0), except the F8_E4M3 entry: torch 1.13 has no
float8 dtype, so that file goes through the same package's lower level safetensors.serialize_file with a
TensorSpec of dtype float8_e4m3fn, which is what save_file calls.

Fixtures (backflow-core/src/test/resources/fixtures/safetensors/):
    bn_model.safetensors        the state_dict of MODEL after two training batches (F32, and I64 for
                                1.num_batches_tracked = 2)
    bn_model_io.safetensors     an input batch and MODEL's eval-mode output for it
    dtypes.safetensors          one tensor per dtype torch writes: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL
    unknown_dtype.safetensors   an F8_E4M3 entry (a dtype Backflow cannot hold, to be skipped by name) beside F32
"""
import os
import sys

import numpy as np
import safetensors
import torch
from safetensors import TensorSpec, serialize_file
from safetensors.torch import load_file, save_file
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "backflow-core", "src", "test", "resources", "fixtures", "safetensors")


def model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))


def write_fixtures():
    os.makedirs(OUT, exist_ok=True)
    m = model()
    g = torch.Generator().manual_seed(1)
    m.train()
    for _ in range(2):
        m(torch.randn(4, 1, 4, 4, generator=g))
    m.eval()
    save_file(m.state_dict(), os.path.join(OUT, "bn_model.safetensors"))
    x = torch.randn(3, 1, 4, 4, generator=g)
    with torch.no_grad():
        save_file({"input": x, "output": m(x)}, os.path.join(OUT, "bn_model_io.safetensors"))
    save_file({
        "f64": torch.tensor([1.5, -2.25, 1e-3], dtype=torch.float64),
        "f32": torch.tensor([0.1, -3.0e38], dtype=torch.float32),
        "f16": torch.tensor([0.5, -65504.0, 6.1035156e-05, 1.0009765625], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e30], dtype=torch.bfloat16),
        "i64": torch.tensor([[0, -7], [16777216, 3]], dtype=torch.int64),
        "i32": torch.tensor([5, -6], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
    }, os.path.join(OUT, "dtypes.safetensors"))
    f8 = np.array([0x38, 0xB8], dtype=np.uint8)  # +1.0 and -1.0 in float8_e4m3fn
    f32 = np.array([2.5, -1.0], dtype="<f4")
    serialize_file({
        "f8": TensorSpec(dtype="float8_e4m3fn", shape=[2], data_ptr=f8.ctypes.data, data_len=f8.nbytes),
        "f32": TensorSpec(dtype="float32", shape=[2], data_ptr=f32.ctypes.data, data_len=f32.nbytes),
    }, os.path.join(OUT, "unknown_dtype.safetensors"))
    # read back with the package's own reader: what a user of load_file would get
    back = load_file(os.path.join(OUT, "dtypes.safetensors"))
    assert back["i64"].dtype == torch.int64 and back["bf16"].dtype == torch.bfloat16, back
    print("wrote fixtures with safetensors %s, torch %s" % (safetensors.__version__, torch.__version__))


def check(path, io_path=None):
    """PyTorch loads a Backflow-written model file with strict=True and predicts what IO says."""
    state = load_file(path)
    m = model()
    m.load_state_dict(state, strict=True)
    assert state["1.num_batches_tracked"].dtype == torch.int64, state["1.num_batches_tracked"].dtype
    m.eval()
    io = load_file(io_path or os.path.join(OUT, "bn_model_io.safetensors"))
    with torch.no_grad():
        y = m(io["input"])
    err = (y - io["output"]).abs().max().item()
    assert err < 1e-5, err
    print("OK strict load (safetensors %s, torch %s), num_batches_tracked=%d, max |diff| %.2e"
          % (safetensors.__version__, torch.__version__, state["1.num_batches_tracked"].item(), err))


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "check":
        check(*sys.argv[2:])
    elif len(sys.argv) == 1:
        write_fixtures()
    else:
        sys.exit(__doc__)
