#!/usr/bin/env python3
"""PyTorch reference values for Backflow's optimizer, LR-schedule and gradient-clipping parity test.

Regenerate the fixture with Debian's Python, which has torch installed:

    /usr/bin/python3 tools/torch_optim_reference.py

This writes backflow-core/src/test/resources/fixtures/torch_optim.json, which
backflow-core/src/test/java/dev/backflow/optim/OptimizerParityTest.java replays through Backflow.

The problem is fixed and small: an MLP nn.Sequential(Linear(5, 4), Tanh(), Linear(4, 3)) (parameter
names "0.weight", "0.bias", "2.weight", "2.bias", as Backflow's Sequential names them) trained with
mean cross-entropy on 8 fixed examples. Each optimizer configuration starts from the same initial
parameters and takes 10 full-batch steps (zero_grad, forward, loss, backward, step[, scheduler step]).

The file holds:

    problem     {inputs, targets, params: {name: tensor}}: the data and the initial parameters
    optimizers  [{name, optimizer, groups: [{params: [names], lr, weight_decay}], options,
                  scheduler?, losses: [10], steps: [10 x {name: tensor}]}]: the loss before each step
                and every parameter after each step; options are the optimizer's other arguments
                (momentum, dampening, nesterov, alpha, eps, centered, betas); scheduler
                {type: "step", step_size, gamma} is stepped after every optimizer step
    schedules   [{name, type, lr, params, lrs}]: the learning rate of epochs 0..len-1
                (optimizer.param_groups[0]["lr"] after 0, 1, ... scheduler steps)
    clipping    [{name, type, max_norm | clip_value, grads: [tensor], clipped: [tensor], total_norm?}]

A tensor is {shape, values}, values flattened row-major, each float32 written with the shortest
decimal that parses back (string -> double -> float32) to the very same float32.
"""

import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                        "backflow-core", "src", "test", "resources", "fixtures", "torch_optim.json")

torch.manual_seed(20240612)
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)

STEPS = 10


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
# The problem

INPUTS = torch.randn(8, 5)
TARGETS = torch.tensor([0, 2, 1, 1, 0, 2, 2, 1])
INITIAL = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)).state_dict()
NAMES = list(INITIAL.keys())  # 0.weight, 0.bias, 2.weight, 2.bias


def fresh_model():
    m = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
    m.load_state_dict(INITIAL)
    return m


def run(name, make_optimizer, groups, options, scheduler=None):
    """Ten steps of one optimizer configuration. groups: [(param names, lr, weight_decay)]."""
    model = fresh_model()
    named = dict(model.named_parameters())
    torch_groups = [{"params": [named[n] for n in names], "lr": lr, "weight_decay": wd} for names, lr, wd in groups]
    opt = make_optimizer(torch_groups)
    sched = None
    if scheduler is not None:
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=scheduler["step_size"], gamma=scheduler["gamma"])
    losses, steps = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = F.cross_entropy(model(INPUTS), TARGETS)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(f32(loss.item()))
        steps.append({n: encode(p) for n, p in model.named_parameters()})
    entry = {
        "name": name,
        "optimizer": name.split("_")[0],
        "groups": [{"params": names, "lr": lr, "weight_decay": wd} for names, lr, wd in groups],
        "options": options,
        "losses": losses,
        "steps": steps,
    }
    if scheduler is not None:
        entry["scheduler"] = dict(type="step", **scheduler)
    return entry


def optimizers():
    out = []
    one = lambda lr, wd=0.0: [(NAMES, lr, wd)]

    def sgd(name, lr, wd=0.0, momentum=0.0, dampening=0.0, nesterov=False, groups=None, scheduler=None):
        out.append(run(name, lambda g: torch.optim.SGD(g, lr=lr, momentum=momentum, dampening=dampening,
                                                         nesterov=nesterov),
                       groups or one(lr, wd), {"momentum": momentum, "dampening": dampening, "nesterov": nesterov},
                       scheduler))

    sgd("sgd_plain", 0.1)
    sgd("sgd_momentum", 0.1, momentum=0.9)
    sgd("sgd_momentum_dampening", 0.1, momentum=0.9, dampening=0.5)
    sgd("sgd_nesterov", 0.1, momentum=0.9, nesterov=True)
    sgd("sgd_weight_decay", 0.1, wd=0.05)
    sgd("sgd_momentum_weight_decay", 0.1, wd=0.05, momentum=0.9)
    # two groups: weights decayed at lr 0.1, biases undecayed at lr 0.05
    sgd("sgd_param_groups", 0.1, momentum=0.5,
        groups=[(["0.weight", "2.weight"], 0.1, 0.05), (["0.bias", "2.bias"], 0.05, 0.0)])
    sgd("sgd_momentum_steplr", 0.2, momentum=0.9, scheduler={"step_size": 3, "gamma": 0.5})

    def rmsprop(name, lr, wd=0.0, alpha=0.99, eps=1e-8, momentum=0.0, centered=False):
        out.append(run(name, lambda g: torch.optim.RMSprop(g, lr=lr, alpha=alpha, eps=eps, momentum=momentum,
                                                             centered=centered),
                       one(lr, wd), {"alpha": alpha, "eps": eps, "momentum": momentum, "centered": centered}))

    rmsprop("rmsprop_plain", 0.01)
    rmsprop("rmsprop_momentum", 0.01, momentum=0.9)
    rmsprop("rmsprop_centered", 0.01, centered=True)
    rmsprop("rmsprop_centered_momentum", 0.01, momentum=0.5, centered=True)
    rmsprop("rmsprop_weight_decay", 0.01, wd=0.1)
    rmsprop("rmsprop_alpha_eps", 0.02, alpha=0.9, eps=1e-3)

    def adam(name, cls, lr, wd, betas=(0.9, 0.999), eps=1e-8):
        out.append(run(name, lambda g: cls(g, lr=lr, betas=betas, eps=eps),
                       one(lr, wd), {"betas": list(betas), "eps": eps}))

    adam("adam_plain", torch.optim.Adam, 0.01, 0.0)
    adam("adam_weight_decay", torch.optim.Adam, 0.01, 0.1)
    adam("adam_betas_eps", torch.optim.Adam, 0.02, 0.0, betas=(0.8, 0.95), eps=1e-4)
    adam("adamw_default", torch.optim.AdamW, 0.01, 0.01)  # torch.optim.AdamW's default weight decay
    adam("adamw_strong_decay", torch.optim.AdamW, 0.02, 0.3, betas=(0.85, 0.99), eps=1e-6)
    return out


# ---------------------------------------------------------------------------------------------------
# LR schedules (no training: the learning rate of each epoch)

def lr_sequence(lr, make_scheduler, epochs):
    p = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def schedules():
    S = torch.optim.lr_scheduler
    out = []
    for step_size, gamma, epochs in [(3, 0.5, 12), (1, 0.9, 8), (5, 0.1, 16)]:
        out.append({"name": "steplr_%d_%g" % (step_size, gamma), "type": "step", "lr": 0.1,
                    "params": {"step_size": step_size, "gamma": gamma},
                    "lrs": lr_sequence(0.1, lambda o: S.StepLR(o, step_size=step_size, gamma=gamma), epochs)})
    # CosineAnnealingLR over epochs 0..T_max (Backflow stays at eta_min after T_max; PyTorch's cosine
    # would rise again, so the sequence stops at T_max)
    for t_max, eta_min in [(10, 0.0), (10, 0.001), (7, 0.02)]:
        out.append({"name": "cosine_%d_%g" % (t_max, eta_min), "type": "cosine", "lr": 0.1,
                    "params": {"t_max": t_max, "eta_min": eta_min},
                    "lrs": lr_sequence(0.1, lambda o: S.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), t_max + 1)})
    return out


# ---------------------------------------------------------------------------------------------------
# Gradient clipping on fixed gradients

def clipping():
    out = []
    shapes = [(4, 5), (4,), (3, 4)]
    for name, scale, max_norm in [("norm_clips", 1.0, 1.0), ("norm_clips_hard", 3.0, 0.25),
                                  ("norm_below_max_unchanged", 0.05, 5.0)]:
        params = [nn.Parameter(torch.zeros(s)) for s in shapes]
        for p in params:
            p.grad = torch.randn(p.shape) * scale
        grads = [encode(p.grad) for p in params]
        total = nn.utils.clip_grad_norm_(params, max_norm)
        out.append({"name": "clip_grad_norm_" + name, "type": "norm", "max_norm": max_norm, "grads": grads,
                    "total_norm": f32(total.item()), "clipped": [encode(p.grad) for p in params]})
    for name, clip in [("half", 0.5), ("small", 0.1)]:
        params = [nn.Parameter(torch.zeros(s)) for s in shapes]
        for p in params:
            p.grad = torch.randn(p.shape)
        grads = [encode(p.grad) for p in params]
        nn.utils.clip_grad_value_(params, clip)
        out.append({"name": "clip_grad_value_" + name, "type": "value", "clip_value": clip, "grads": grads,
                    "clipped": [encode(p.grad) for p in params]})
    return out


def main():
    doc = {
        "generator": "tools/torch_optim_reference.py",
        "torch_version": torch.__version__,
        "steps": STEPS,
        "problem": {
            "model": "Sequential(Linear(5, 4), Tanh(), Linear(4, 3)), mean cross-entropy",
            "inputs": encode(INPUTS),
            "targets": TARGETS.tolist(),
            "params": {n: encode(t) for n, t in INITIAL.items()},
        },
    }
    sections = {"optimizers": optimizers(), "schedules": schedules(), "clipping": clipping()}
    path = os.path.normpath(OUT_PATH)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # one entry per line keeps diffs of regenerated fixtures readable
    head = json.dumps(doc, separators=(",", ":"), allow_nan=False)[:-1]
    parts = []
    for key, entries in sections.items():
        lines = [json.dumps(e, separators=(",", ":"), allow_nan=False) for e in entries]
        parts.append('"%s":[\n%s\n]' % (key, ",\n".join(lines)))
    with open(path, "w") as f:
        f.write(head + ",\n" + ",\n".join(parts) + "}\n")
    print("wrote %d optimizer runs, %d schedules, %d clipping cases to %s (%.0f KB)" % (
        len(sections["optimizers"]), len(sections["schedules"]), len(sections["clipping"]), path,
        os.path.getsize(path) / 1024))


if __name__ == "__main__":
    main()
