#!/usr/bin/python3
"""PyTorch side of `backflow bench`: runs one workload and prints one JSON line.

The configurations mirror Backflow's (and ../shared/reference/pytorch): Fashion-MNIST MLP 784-256-128-10
and CNN with Adam 1e-3, the 4-layer char GPT with AdamW, XOR 2-2-1 with SGD, a float32 GEMM. Every
workload times a fixed number of steps after warm-up, exactly as the Java side does; the XOR rows keep the fastest
of 9 windows of about 0.15 s on both sides.

usage: pytorch_worker.py WORKLOAD THREADS   (WORKLOAD: gemm, mlp64, mlp256, cnn64, gpt32, xor, xor-eager, memory)
Run with Debian's interpreter (/usr/bin/python3) and libopenblas0-pthread installed.
"""
import gzip, json, os, resource, statistics, sys, time

workload, threads = sys.argv[1], int(sys.argv[2])
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(threads)
torch.manual_seed(0)
DATA = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


def fashion():
    x = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).div(255).sub(0.2860).div(0.3530)
    y = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
    return x, y


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def train_steps(model, x, y, batch, warmup, steps):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    perm = torch.randperm(len(x))
    def step(i):
        ids = perm[(i * batch) % (len(x) - batch):][:batch]
        loss = F.cross_entropy(model(x[ids]), y[ids]); opt.zero_grad(); loss.backward(); opt.step()
    for i in range(warmup): step(i)
    t = time.perf_counter()
    for i in range(steps): step(warmup + i)
    return steps * batch / (time.perf_counter() - t)


def result(value, unit):
    print(json.dumps({"workload": workload, "threads": threads, "value": value, "unit": unit,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


if workload == "gemm":
    n = 1024; a = torch.randn(n, n); b = torch.randn(n, n)
    for _ in range(60): a @ b  # warm-up, as the Java side does
    ts = []
    for _ in range(15):
        t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
    result(2 * n ** 3 / statistics.median(ts) / 1e9, "GFLOPS")
elif workload in ("mlp64", "mlp256", "memory"):
    x, y = fashion(); x = x.view(-1, 784)
    batch = 256 if workload == "mlp256" else 64
    warmup, steps = ((1500, 600) if batch == 64 else (600, 300)) if workload != "memory" else (0, 938)
    result(train_steps(mlp(), x, y, batch, warmup, steps), "samples/s")
elif workload == "cnn64":
    x, y = fashion(); x = x.view(-1, 1, 28, 28)
    m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                      nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    result(train_steps(m, x, y, 64, 40, 60), "samples/s")
elif workload == "gpt32":
    V, T, L, H, D = 65, 64, 4, 4, 128
    class Block(nn.Module):
        def __init__(s):
            super().__init__(); s.ln1 = nn.LayerNorm(D); s.qkv = nn.Linear(D, 3 * D); s.proj = nn.Linear(D, D); s.ln2 = nn.LayerNorm(D)
            s.fc = nn.Linear(D, 4 * D); s.out = nn.Linear(4 * D, D); s.register_buffer("mask", torch.tril(torch.ones(T, T)).bool())
        def forward(s, x):
            B, t, _ = x.shape; q, k, v = s.qkv(s.ln1(x)).split(D, 2)
            q, k, v = (z.view(B, t, H, D // H).transpose(1, 2) for z in (q, k, v))
            a = (q @ k.transpose(-2, -1)) / (D // H) ** 0.5; a = a.masked_fill(~s.mask[:t, :t], float("-inf")).softmax(-1)
            x = x + s.proj((a @ v).transpose(1, 2).reshape(B, t, D))
            return x + s.out(F.gelu(s.fc(s.ln2(x))))
    class GPT(nn.Module):
        def __init__(s):
            super().__init__(); s.tok = nn.Embedding(V, D); s.pos = nn.Embedding(T, D); s.blocks = nn.Sequential(*[Block() for _ in range(L)])
            s.ln = nn.LayerNorm(D); s.head = nn.Linear(D, V)
        def forward(s, i): return s.head(s.ln(s.blocks(s.tok(i) + s.pos(torch.arange(i.shape[1])))))
    m = GPT(); opt = torch.optim.AdamW(m.parameters(), 3e-4); ts = []
    for i in range(100):  # steps 60-99 are timed, as on the Java side
        xb = torch.randint(0, V, (32, T)); yb = torch.randint(0, V, (32, T))
        t = time.perf_counter(); loss = F.cross_entropy(m(xb).view(-1, V), yb.view(-1)); opt.zero_grad(); loss.backward(); opt.step()
        ts.append(time.perf_counter() - t)
    result(32 * T / statistics.median(ts[60:]), "tokens/s")
elif workload in ("xor", "xor-eager"):  # PyTorch has one way to run it: eager
    X = torch.tensor([[0., 0], [0, 1], [1, 0], [1, 1]]); Y = torch.tensor([[0.], [1], [1], [0]])
    w1 = torch.randn(2, 2, requires_grad=True); b1 = torch.zeros(2, requires_grad=True)
    w2 = torch.randn(2, 1, requires_grad=True); b2 = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w1, b1, w2, b2], lr=0.5)
    def steps(n):
        for _ in range(n):
            o = torch.sigmoid(torch.sigmoid(X @ w1 + b1) @ w2 + b2); loss = ((o - Y) ** 2).sum() / 2
            opt.zero_grad(); loss.backward(); opt.step()
    # As the Java side: warm-up that sizes windows of about 0.15 s, then the fastest of 9 windows (timeit's rule).
    t = time.perf_counter(); steps(10000); n = max(100, int(10000 / (time.perf_counter() - t) * 0.15))
    best = 0.0
    for _ in range(9):
        t = time.perf_counter(); steps(n); best = max(best, n / (time.perf_counter() - t))
    result(best, "steps/s")
else:
    sys.exit(f"unknown workload {workload}")
