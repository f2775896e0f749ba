#!/usr/bin/python3
"""Trains the two CNNs and the adapters of the measured CoDE reproduction (docs/path.md
"Measured mixed paths", docs/reproductions.md) and measures every candidate path's accuracy.

Needs Debian's python3-sklearn (the UCI optical digits ship inside it) and python3-torch; CPU
only, no network. Run by hand; CI never runs it (it reads the committed CSVs). Three steps:

  1. python3 train_code_adapters.py models      -> code_digits_blocks.csv  (about 1 minute)
  2. path_predict_then_train --data examples/path/data --list-paths
                                                 -> code_digits_candidates.csv (every path the
                                                    C++ side admits, with its structure)
  3. python3 train_code_adapters.py paths       -> code_digits_paths.csv   (about 1 s per path)

Data: 1,797 8x8 digits upsampled to 32x32 (bilinear), split into two tasks as in Split-MNIST:
task A = digits 0-4, task B = digits 5-9 (labels d - 5); each task split 60/40 into training and
held-out images (stratified, fixed seed). Every accuracy below is on the held-out images.

Models (each trained on its own task only, then frozen):
  - "alexnet_s" (AlexNet-style, 5 conv blocks + fc head, ReLU, max pooling, no normalization),
    serving task A;
  - "mobilenet_s" (MobileNetV2-style: a strided stem, inverted-residual blocks with depthwise
    3x3 convs, BatchNorm and ReLU6, a 1x1 conv, global pooling + linear head), serving task B.
Each block's output is a connection point (a boundary). Heads trained with the backbone frozen
(global average pooling + linear, the form the C++ graph costs): early exits on the model's own
task after every block but the last (the Edgent baseline) and extra heads for the other task on
the last two boundaries.

A path (step 3) runs the segments' frozen blocks; at every join an adapter maps the source
boundary to the destination boundary: resize to the destination's height x width (average
pooling when shrinking, bilinear when growing) and a 1x1 conv (with bias) to its channels. The
adapters and, for an extra head, the new head are trained (Adam, lr 3e-3, batch 64, 15 epochs,
seed fixed per path); the backbones and original heads stay frozen (BatchNorm in eval mode).
One training per path: its held-out accuracy varies by about +-1 pp between seeds.
"""
import csv
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

SEED = 20240712
HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 32
CLASSES = 5
MODEL_EPOCHS = 25
HEAD_EPOCHS = 15
PATH_EPOCHS = 15


def alexnet_s():
    blocks = nn.ModuleList([
        nn.Sequential(nn.Conv2d(1, 24, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2)),   # 24x16x16
        nn.Sequential(nn.Conv2d(24, 48, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2)),  # 48x8x8
        nn.Sequential(nn.Conv2d(48, 64, 3, padding=1), nn.ReLU()),                   # 64x8x8
        nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU()),                   # 64x8x8
        nn.Sequential(nn.Conv2d(64, 48, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),  # 48x4x4
    ])
    head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(48 * 16, 128), nn.ReLU(), nn.Linear(128, CLASSES))
    return blocks, head


class InvertedResidual(nn.Module):
    def __init__(self, i, o, stride, expand):
        super().__init__()
        h = i * expand
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(i, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6()]
        layers += [nn.Conv2d(h, h, 3, stride, 1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
                   nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and i == o

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def mobilenet_s():
    blocks = nn.ModuleList([
        nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6()),  # 16x16x16
        InvertedResidual(16, 16, 1, 1),                                                       # 16x16x16
        InvertedResidual(16, 24, 2, 4),                                                       # 24x8x8
        InvertedResidual(24, 32, 2, 4),                                                       # 32x4x4
        InvertedResidual(32, 64, 1, 4),                                                       # 64x4x4
        nn.Sequential(nn.Conv2d(64, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU6()),    # 128x4x4
    ])
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, CLASSES))
    return blocks, head


MODELS = [("alexnet_s", alexnet_s, 0), ("mobilenet_s", mobilenet_s, 1)]  # name, maker, task


def load_tasks():
    digits = load_digits()
    X = torch.from_numpy(digits.data.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    X = (F.interpolate(X, size=(SIZE, SIZE), mode="bilinear", align_corners=False) - 0.5) / 0.5
    y = digits.target
    tasks = []
    for t, lo in enumerate((0, 5)):
        idx = np.flatnonzero((y >= lo) & (y < lo + CLASSES))
        tr, te = train_test_split(idx, test_size=0.4, stratify=y[idx], random_state=SEED + t)
        tasks.append({"xtr": X[tr], "ytr": torch.from_numpy(y[tr] - lo).long(),
                      "xte": X[te], "yte": torch.from_numpy(y[te] - lo).long()})
    return tasks


def fit(params, forward, task, epochs, seed):
    """Adam on the given parameters; forward(xb) -> logits. Returns held-out accuracy."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(params, lr=3e-3, weight_decay=1e-4)
    n = len(task["ytr"])
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for k in range(0, n, 64):
            idx = perm[k:k + 64]
            loss = F.cross_entropy(forward(task["xtr"][idx]), task["ytr"][idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return float((forward(task["xte"]).argmax(1) == task["yte"]).float().mean())


def run(blocks, x, begin, end):
    for k in range(begin, end):
        x = blocks[k](x)
    return x


def train_models(tasks):
    """The two frozen models (same seed, same weights on every run of this script)."""
    out = []
    for name, maker, task in MODELS:
        torch.manual_seed(SEED + task)
        blocks, head = maker()
        model = nn.Sequential(*blocks, head)
        model.train()
        fit(model.parameters(), model, tasks[task], MODEL_EPOCHS, SEED + task)
        model.eval()
        with torch.no_grad():
            acc = float((model(tasks[task]["xte"]).argmax(1) == tasks[task]["yte"]).float().mean())
        for p in model.parameters():
            p.requires_grad_(False)
        out.append({"name": name, "task": task, "blocks": blocks, "head": head, "accuracy": acc})
        print(f"{name}: task {'AB'[task]} held-out accuracy {acc:.4f}", flush=True)
    return out


def boundary_shapes(m):
    x = torch.zeros(1, 1, SIZE, SIZE)
    shapes = [tuple(x.shape[1:])]
    with torch.no_grad():
        for b in m["blocks"]:
            x = b(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


def flops_and_params(module, x):
    """FLOP (2 per MAC of conv/linear, 1 per output element of BN/activation/pool/add) and
    parameter count of one call, by forward hooks."""
    total = [0.0]

    def hook(m, i, o):
        if isinstance(m, nn.Conv2d):
            total[0] += 2.0 * o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += 2.0 * o.numel() * m.in_features
        elif isinstance(m, (nn.BatchNorm2d, nn.ReLU, nn.ReLU6, nn.MaxPool2d, nn.AdaptiveAvgPool2d)):
            total[0] += float(o.numel())

    hs = [m.register_forward_hook(hook) for m in module.modules()]
    with torch.no_grad():
        y = module(x)
    for h in hs:
        h.remove()
    if isinstance(module, InvertedResidual) and module.residual:
        total[0] += float(y.numel())
    return total[0], sum(p.numel() for p in module.parameters()), y


def pooled_head(c):
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, CLASSES))


def train_pooled_head(m, boundary, task, tasks, seed):
    """A GAP + linear head at `boundary` of frozen model m, trained for `task`."""
    torch.manual_seed(seed)
    c = boundary_shapes(m)[boundary][0]
    head = pooled_head(c)
    t = tasks[task]
    with torch.no_grad():
        ftr, fte = run(m["blocks"], t["xtr"], 0, boundary), run(m["blocks"], t["xte"], 0, boundary)
    cached = {"xtr": ftr, "ytr": t["ytr"], "xte": fte, "yte": t["yte"]}
    return fit(head.parameters(), head, cached, HEAD_EPOCHS, seed), head


def cmd_models(tasks, models):
    rows = []
    for mi, m in enumerate(models):
        shapes = boundary_shapes(m)
        rows.append([m["name"], m["task"], "input", 0, 0, 0, *shapes[0], f"{m['accuracy']:.6f}"])
        x = torch.zeros(1, 1, SIZE, SIZE)
        for k, b in enumerate(m["blocks"]):
            fl, pa, x = flops_and_params(b, x)
            rows.append([m["name"], m["task"], "block", k + 1, fl, pa, *shapes[k + 1], ""])
        fl, pa, _ = flops_and_params(m["head"], x)
        rows.append([m["name"], m["task"], "head", len(m["blocks"]), fl, pa, CLASSES, 1, 1, f"{m['accuracy']:.6f}"])
        B = len(m["blocks"])
        for k in range(1, B):
            acc, head = train_pooled_head(m, k, m["task"], tasks, SEED + 100 * mi + k)
            fl, pa, _ = flops_and_params(head, torch.zeros(1, *shapes[k]))
            rows.append([m["name"], m["task"], "early_exit", k, fl, pa, CLASSES, 1, 1, f"{acc:.6f}"])
            print(f"{m['name']} early exit after block {k}: {acc:.4f}", flush=True)
        other = 1 - m["task"]
        for k in (B - 1, B):
            acc, head = train_pooled_head(m, k, other, tasks, SEED + 100 * mi + 50 + k)
            fl, pa, _ = flops_and_params(head, torch.zeros(1, *shapes[k]))
            rows.append([m["name"], other, "extra_head", k, fl, pa, CLASSES, 1, 1, f"{acc:.6f}"])
            print(f"{m['name']} extra head for task {'AB'[other]} after block {k}: {acc:.4f}", flush=True)
    with open(os.path.join(HERE, "code_digits_blocks.csv"), "w", newline="") as f:
        f.write(f"# UCI optical digits (scikit-learn) 8x8 upsampled to 32x32; task A = digits 0-4, task B = 5-9; PyTorch {torch.__version__}, "
                "CPU; accuracies on held-out images (40 %); FLOP by forward hooks (2 per MAC, 1 per element of BN/activation/pool); "
                "made by train_code_adapters.py models\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "task", "part", "boundary", "flop", "params", "c", "h", "w", "accuracy"])
        w.writerows(rows)


class Adapter(nn.Module):
    """Resize to the destination's h x w, then a 1x1 conv to its channels (site: destination)."""

    def __init__(self, src, dst):
        super().__init__()
        self.size = dst[1:]
        self.conv = nn.Conv2d(src[0], dst[0], 1)

    def forward(self, x):
        if x.shape[-1] > self.size[-1]:
            x = F.adaptive_avg_pool2d(x, self.size)
        elif x.shape[-1] < self.size[-1]:
            x = F.interpolate(x, size=self.size, mode="bilinear", align_corners=False)
        return self.conv(x)


def cmd_paths(tasks, models):
    by_name = {m["name"]: m for m in models}
    with open(os.path.join(HERE, "code_digits_candidates.csv")) as f:
        cands = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out = []
    for i, c in enumerate(cands):
        # segments "model:begin:end;...", joins "from_model:from_boundary:to_model:to_boundary;...",
        # head "model:boundary:task:kind" (models by name).
        segs = [(s.split(":")[0], int(s.split(":")[1]), int(s.split(":")[2])) for s in c["segments"].split(";")]
        joins = [j.split(":") for j in c["joins"].split(";")] if c["joins"] else []
        hm, hb, ht, hk = c["head"].split(":")
        task = tasks[int(ht)]
        seed = SEED + 1000 + i
        torch.manual_seed(seed)
        adapters = nn.ModuleList(Adapter(boundary_shapes(by_name[a])[int(b)], boundary_shapes(by_name[cm])[int(d)]) for a, b, cm, d in joins)
        if hk == "original":
            head, trainable = by_name[hm]["head"], list(adapters.parameters())
        else:
            head = pooled_head(boundary_shapes(by_name[hm])[int(hb)][0])
            trainable = list(adapters.parameters()) + list(head.parameters())
        head.eval()
        first = segs[0]
        with torch.no_grad():  # the first segment is frozen: run it once
            pre = {"xtr": run(by_name[first[0]]["blocks"], task["xtr"], first[1], first[2]),
                   "xte": run(by_name[first[0]]["blocks"], task["xte"], first[1], first[2]),
                   "ytr": task["ytr"], "yte": task["yte"]}

        def forward(x):
            for j, (name, b, e) in enumerate(segs[1:]):
                x = run(by_name[name]["blocks"], adapters[j](x), b, e)
            return head(x)

        acc = fit(trainable, forward, pre, PATH_EPOCHS, seed) if trainable else float((forward(pre["xte"]).argmax(1) == pre["yte"]).float().mean())
        out.append((c["service"], c["path"], acc))
        print(f"[{i + 1}/{len(cands)}] {c['path']}: {acc:.4f}", flush=True)
    with open(os.path.join(HERE, "code_digits_paths.csv"), "w", newline="") as f:
        f.write(f"# held-out accuracy of every candidate path of code_digits_candidates.csv with trained adapters (and new heads); PyTorch "
                f"{torch.__version__}, CPU, {PATH_EPOCHS} epochs, one seed per path; made by train_code_adapters.py paths\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["service", "path", "accuracy"])
        w.writerows([s, p, f"{a:.6f}"] for s, p, a in out)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("models", "paths"):
        sys.exit("usage: train_code_adapters.py models|paths")
    torch.set_num_threads(1)
    tasks = load_tasks()
    models = train_models(tasks)
    for m in models:
        m["blocks"].eval()
        m["head"].eval()
    (cmd_models if sys.argv[1] == "models" else cmd_paths)(tasks, models)


if __name__ == "__main__":
    main()
