# [guide:python]
"""The PyTorch script that docs/coming-from-pytorch.md ports to Backflow (ComingFromPyTorch.java)."""
import math
import os
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file  # or torch.save / torch.load
from torch import nn
from torch.utils.data import DataLoader, Dataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(16 * 3 * 3, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(self.dropout(torch.flatten(x, 1)))


class Quadrants(Dataset):
    def __init__(self, size, seed):
        self.size, self.seed = size, seed

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + i)
        label = int(torch.randint(4, (), generator=g))
        pixels = torch.randn(1, 12, 12, generator=g) * 0.5
        pixels[0, label // 2 * 6:label // 2 * 6 + 6, label % 2 * 6:label % 2 * 6 + 6] += 1
        return pixels, label


def loss_fn(logits, targets):
    return F.cross_entropy(logits, targets, label_smoothing=0.05)


def accuracy(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
    return correct / len(loader.dataset)


def run(directory, epochs):
    torch.manual_seed(0)
    train = DataLoader(Quadrants(512, 1), batch_size=32, shuffle=True)
    test = DataLoader(Quadrants(256, 2), batch_size=128)
    model = Net()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    warmup, total = 10, epochs * len(train)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warmup if s < warmup
                                                 else 0.5 * (1 + math.cos(math.pi * (s - warmup) / (total - warmup))))

    for epoch in range(1, epochs + 1):
        model.train()
        for x, y in train:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            schedule.step()
        print(f"epoch {epoch}: lr {schedule.get_last_lr()[0]:.5f}, test accuracy {accuracy(model, test):.3f}")

    path = os.path.join(directory, "checkpoint.safetensors")
    save_file(model.state_dict(), path, metadata={"epoch": str(epochs)})
    torch.save(opt.state_dict(), os.path.join(directory, "checkpoint.optimizer.pt"))
    restored = Net()
    restored.load_state_dict(load_file(path))
    return accuracy(model, test), accuracy(restored, test)
# [/guide:python]


if __name__ == "__main__":
    print(run(sys.argv[1] if len(sys.argv) > 1 else ".", 3))
