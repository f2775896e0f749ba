#!/usr/bin/python3
"""Trains the three CNNs of the measured hierarchical-inference reproduction (docs/offload.md E2)
on scikit-learn's handwritten digits and measures their inference latency.

Needs Debian's python3-sklearn (the UCI optical digits ship inside it), python3-torch and
python3-torchvision; CPU only, no network; about 3 minutes here. Run by hand; CI never runs it.

Data: 1,797 8x8 digits, shuffled with a fixed seed, upsampled to 16x16 (bilinear), 5-fold
stratified cross-validation: every row gets out-of-fold outputs from
  - LOCAL  (S-ML, the device's tiny CNN): conv 1->4 3x3, pool, conv 4->8 3x3, pool, fc 128->10;
  - ONDEV  (the on-device alternative that still fits an MCU's 2 MiB flash): conv 1->16, pool,
           conv 16->32, pool, fc 512->10;
  - REMOTE (L-ML on the edge server): a VGG-style CNN with BatchNorm, conv 32-32 / 64-64 / 128
           (3x3, pools), dropout 0.3, fc 512->10.
Each is trained with Adam (lr 2e-3, batch 64, weight decay 1e-4), 30 epochs per fold, light
augmentation (random shifts of up to 1 pixel). (A torchvision ResNet-18 trained for 10-12 epochs
on these 1,437 training images per fold reached 0.93-0.975, below the 2-layer on-device CNN, and
took 3 minutes per fold: a large model must also be the more accurate one for hierarchical
inference to make sense, so the edge model is the CNN that is.)

Writes next to this script:
  digits_cnn_hi.csv       label,local_pred,remote_pred,z0..z9 (LOCAL's logits) — the format of
                          digits_hi.csv, so examples/offload/digits_hi reads it with --data;
  digits_cnn_models.csv   model,params,flop,accuracy,latency_s: parameters, FLOP (2 per MAC, by
                          forward hooks), out-of-fold accuracy and the per-inference latency on
                          this machine (PyTorch eager, 1 thread, batch 1, median of 300 runs).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))


SIZE = 16


def local_net():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(8 * 4 * 4, 10))


def ondevice_net():
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 4 * 4, 10))


def remote_net():
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
    return nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2),
                         *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                         *block(64, 128), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Dropout(0.3), nn.Linear(128 * 2 * 2, 10))


def flop_count(model, x):
    total = [0]

    def conv(m, i, o):
        total[0] += 2 * o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin(m, i, o):
        total[0] += 2 * o.numel() * m.in_features

    hs = [m.register_forward_hook(conv) for m in model.modules() if isinstance(m, nn.Conv2d)]
    hs += [m.register_forward_hook(lin) for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        model(x)
    for h in hs:
        h.remove()
    return total[0]


def train(make, epochs, xtr, ytr, seed):
    torch.manual_seed(seed)
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    n = len(ytr)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=g)
        for k in range(0, n, 64):
            idx = perm[k:k + 64]
            xb = xtr[idx]
            dx, dy = torch.randint(-1, 2, (2,), generator=g).tolist()
            xb = torch.roll(xb, shifts=(dx, dy), dims=(2, 3))
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


def latency(model, x, runs=300):
    with torch.no_grad():
        for _ in range(20):
            model(x)
        t = []
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            model(x)
            t.append((time.perf_counter_ns() - t0) * 1e-9)
    return float(np.median(t))


def main():
    torch.set_num_threads(1)
    digits = load_digits()
    X, y = digits.data.astype(np.float32) / 16.0, digits.target
    order = np.random.default_rng(SEED).permutation(len(y))
    X, y = X[order], y[order]
    xt = F.interpolate(torch.from_numpy(X).reshape(-1, 1, 8, 8), size=(SIZE, SIZE), mode="bilinear", align_corners=False)
    xt = (xt - 0.5) / 0.5
    yt = torch.from_numpy(y).long()
    logits = np.zeros((len(y), 10), dtype=np.float64)
    preds = {"local": np.zeros(len(y), int), "ondev": np.zeros(len(y), int), "remote": np.zeros(len(y), int)}
    makers = {"local": (local_net, 30), "ondev": (ondevice_net, 30), "remote": (remote_net, 30)}
    last = {}
    for fold, (tr, te) in enumerate(StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(X, y)):
        tr_t, te_t = torch.from_numpy(tr), torch.from_numpy(te)
        for name, (make, epochs) in makers.items():
            m = train(make, epochs, xt[tr_t], yt[tr_t], SEED + fold)
            with torch.no_grad():
                out = m(xt[te_t])
            preds[name][te] = out.argmax(1).numpy()
            if name == "local":
                logits[te] = out.numpy()
            last[name] = m
        print(f"fold {fold + 1}/5: " + ", ".join(f"{k} {np.mean(preds[k][te] == y[te]):.4f}" for k in preds), flush=True)
    with open(os.path.join(HERE, "digits_cnn_hi.csv"), "w") as f:
        f.write("# UCI optical digits (scikit-learn), 8x8 upsampled to 16x16; out-of-fold outputs of a tiny CNN (local) and "
                "a VGG-style CNN (remote), made by train_digits_cnns.py\n")
        f.write("label,local_pred,remote_pred," + ",".join(f"z{k}" for k in range(10)) + "\n")
        for i in range(len(y)):
            f.write(f"{y[i]},{preds['local'][i]},{preds['remote'][i]}," + ",".join(f"{v:.6g}" for v in logits[i]) + "\n")
    one = xt[:1]
    with open(os.path.join(HERE, "digits_cnn_models.csv"), "w") as f:
        f.write(f"# PyTorch {torch.__version__} eager, CPU, 1 thread, batch 1, 1x1x16x16 input; latency = median of 300 runs on "
                "this repository's reference machine; accuracy = 5-fold out-of-fold; made by train_digits_cnns.py\n")
        f.write("model,params,flop,accuracy,latency_s\n")
        for name in ("local", "ondev", "remote"):
            m = last[name]
            params = sum(p.numel() for p in m.parameters())
            f.write(f"{name},{params},{flop_count(m, one)},{np.mean(preds[name] == y):.6f},{latency(m, one):.6g}\n")
    print(open(os.path.join(HERE, "digits_cnn_models.csv")).read())


if __name__ == "__main__":
    main()
