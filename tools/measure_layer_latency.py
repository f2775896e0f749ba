#!/usr/bin/python3
"""Measures per-layer and whole-model inference latency of real architectures with a real runtime.

Runtime: PyTorch eager on the CPU (Debian's python3-torch), batch 1, fp32, torch.set_num_threads(N)
(default 1). The models are those of tools/export_onnx_models.py (same constructors, random
weights: latency does not depend on the weight values), with every BatchNorm that follows a
convolution folded into it, as the ONNX export does, so that the measured network is the one
idn imports from tests/dnn/onnx_models.

Whole model: median of --repeats forward passes, alternating with the per-layer passes, in
rounds over all models (see Meter). Per layer: every call of every leaf
module (and nn.MultiheadAttention as one layer) is timed by a forward pre-hook and a forward hook
(time.perf_counter_ns); a module called twice gives two rows. The hooks' own cost, measured on an
nn.Identity under the same hooks, is subtracted. Each layer's latency is the median over
--repeats passes. Functional operations (residual additions, flatten, reshapes) are not modules:
they are in the whole-model time only.

Each layer row carries the layer's features counted by idn's convention (docs/dnn.md): flop
(2 per multiply-accumulate of conv/linear/attention, 1 per output element of elementwise and
normalization layers, the kernel size per output element of pooling), param_bytes, input_bytes,
output_bytes (fp32).

Output: CSV with '#' comment lines describing runtime, versions, threads, CPU and date, then
  model,call,module,kind,flop,param_bytes,input_bytes,output_bytes,seconds
with one row per layer call and one row per model with module=__model__ (kind=model; its flop and
bytes are the sums over its layer rows).

Usage: /usr/bin/python3 tools/measure_layer_latency.py [--out FILE] [--threads N] [--repeats R]
       [--only NAME ...]
(default --out tests/hw/runtime_measurements/pytorch_cpu_1thread.csv). Takes ~3 minutes here.
Install Debian's libopenblas0-pthread first: Debian's PyTorch calls the system BLAS for Linear and
MatMul, and the reference BLAS (libblas3, the default alternative) runs them at ~3.5 GFLOP/s
instead of ~170 (measured here), which no deployment would use.
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time


def _threads_from_argv():
    for k, arg in enumerate(sys.argv):
        if arg == "--threads" and k + 1 < len(sys.argv):
            return sys.argv[k + 1]
    return "1"


# OpenBLAS (Linear, MatMul) starts its own thread pool, which torch.set_num_threads does not
# limit: fix every runtime's thread count before torch loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads_from_argv()

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torch.nn.utils.fusion import fuse_conv_bn_eval  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx_models import models  # noqa: E402  (the same architectures as the ONNX fixtures)

SKIP = (nn.Identity, nn.Dropout, nn.Flatten)
ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.GELU, nn.SiLU, nn.Hardswish, nn.Hardsigmoid, nn.Sigmoid, nn.Tanh, nn.LeakyReLU,
               nn.Softmax)
NORMS = (nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm, nn.LocalResponseNorm)
POOLS = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)


def fold_batchnorm(model):
    """Folds every BatchNorm2d that directly follows a Conv2d (in an nn.Sequential, or as the
    attribute pairs convN/bnN and conv/bn of torchvision's blocks) into the convolution."""
    folded = 0
    for parent in list(model.modules()):
        if isinstance(parent, nn.Sequential):
            names = list(parent._modules.keys())
            for a, b in zip(names, names[1:]):
                c, n = parent._modules[a], parent._modules[b]
                if isinstance(c, nn.Conv2d) and isinstance(n, nn.BatchNorm2d):
                    parent._modules[a] = fuse_conv_bn_eval(c, n)
                    parent._modules[b] = nn.Identity()
                    folded += 1
        for conv_name, bn_name in [("conv", "bn")] + [(f"conv{i}", f"bn{i}") for i in range(1, 5)]:
            c, n = getattr(parent, conv_name, None), getattr(parent, bn_name, None)
            if isinstance(c, nn.Conv2d) and isinstance(n, nn.BatchNorm2d):
                setattr(parent, conv_name, fuse_conv_bn_eval(c, n))
                setattr(parent, bn_name, nn.Identity())
                folded += 1
    return folded


def numel_bytes(t):
    if isinstance(t, (tuple, list)):
        return sum(numel_bytes(x) for x in t)
    return t.numel() * t.element_size() if torch.is_tensor(t) else 0


def features(m, inp, out):
    """(kind, flop, param_bytes, input_bytes, output_bytes) by idn's counting convention."""
    y = out[0] if isinstance(out, (tuple, list)) else out
    params = sum(p.numel() * p.element_size() for p in m.parameters(recurse=True))
    in_b, out_b = numel_bytes(inp), numel_bytes(y)
    if isinstance(m, nn.Conv2d):
        k = m.kernel_size[0] * m.kernel_size[1]
        macs = y.numel() * (m.in_channels // m.groups) * k
        kind = "depthwise_conv" if m.groups > 1 and m.groups == m.in_channels else "conv"
        return kind, 2.0 * macs, params, in_b, out_b
    if isinstance(m, nn.Linear):
        return "fc", 2.0 * y.numel() * m.in_features, params, in_b, out_b
    if isinstance(m, nn.MultiheadAttention):
        L = y.shape[1] if m.batch_first else y.shape[0]
        B = y.shape[0] if m.batch_first else y.shape[1]
        E = m.embed_dim
        return "attention", 2.0 * B * (4 * L * E * E + 2 * L * L * E), params, in_b, out_b
    if isinstance(m, POOLS):
        x = inp[0]
        if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            # to 1x1: a global reduction (exported as GlobalAveragePool); otherwise windowed
            kind = "global_pool" if y.shape[-1] == 1 and y.shape[-2] == 1 else "pool"
            return kind, float(x.numel()), params, in_b, out_b
        ks = m.kernel_size if isinstance(m.kernel_size, tuple) else (m.kernel_size, m.kernel_size)
        return "pool", float(y.numel() * ks[0] * ks[1]), params, in_b, out_b
    if isinstance(m, NORMS):
        return "norm", float(y.numel()), params, in_b, out_b
    if isinstance(m, nn.Embedding):
        return "embedding", 0.0, params, in_b, out_b
    if isinstance(m, ACTIVATIONS):
        return "activation", float(y.numel()), params, in_b, out_b
    return "other", float(y.numel()), params, in_b, out_b


def timed_layers(model):
    """Leaf modules to time (MultiheadAttention as one layer)."""
    out = []
    for name, m in model.named_modules():
        if isinstance(m, SKIP):
            continue
        inside_mha = any(name.startswith(p + ".") for p, _ in out if isinstance(_, nn.MultiheadAttention))
        if inside_mha:
            continue
        if isinstance(m, nn.MultiheadAttention) or (len(m._modules) == 0 and name):
            out.append((name, m))
    return out


def hook_overhead(repeats):
    """Median seconds the pre/post hook pair reports around a module that does nothing."""
    idn_ = nn.Identity()
    stamps = []
    idn_.register_forward_pre_hook(lambda m, i: stamps.append(time.perf_counter_ns()))
    idn_.register_forward_hook(lambda m, i, o: stamps.append(time.perf_counter_ns()))
    x = torch.zeros(1)
    for _ in range(repeats * 200):
        idn_(x)
    d = [(stamps[k + 1] - stamps[k]) * 1e-9 for k in range(0, len(stamps), 2)]
    return statistics.median(d)


class Meter:
    """Times one model. Each round() runs an untimed warm-up pass, a whole-model pass and a
    per-layer pass; main() runs the rounds of all models interleaved, so that the drift of this
    machine's speed over minutes (seen here: AlexNet 27-44 ms in separate runs) hits every model
    alike instead of biasing one model against another. The timing hooks stay registered in the
    whole-model pass too, recording nothing (they cost ~0.4 us per layer call there), so that both
    passes run the same code paths whatever PyTorch does differently for hooked modules."""

    def __init__(self, name, model, example):
        self.name, self.model, self.example = name, model, example
        self.recording = False
        self.want_features = True
        self.current, self.stack = [], {}
        self.whole, self.calls, self.feats, self.names = [], [], None, None
        self.hooks = []
        for mname, m in timed_layers(model):
            self.hooks.append(m.register_forward_pre_hook(self._pre(mname)))
            self.hooks.append(m.register_forward_hook(self._post(mname)))
        with torch.no_grad():  # the features pass: shapes and counts, not timed
            self.recording = True
            model(example)
            self.recording = False
        self.feats = [c[2] for c in self.current]
        self.names = [c[0] for c in self.current]
        self.want_features = False
        self.current.clear()

    def _pre(self, mname):
        def f(m, i):
            if self.recording:
                self.stack[mname] = time.perf_counter_ns()
        return f

    def _post(self, mname):
        def f(m, i, o):
            if self.recording:
                t1 = time.perf_counter_ns()
                # Keep no tensor alive: a retained activation makes the allocator map fresh pages
                # for the next layers (ViT-B/16's layers measured 50 % slower that way).
                self.current.append((mname, (t1 - self.stack[mname]) * 1e-9, features(m, i, o) if self.want_features else None))
        return f

    def round(self):
        with torch.no_grad():
            self.model(self.example)
            t0 = time.perf_counter_ns()
            self.model(self.example)
            self.whole.append((time.perf_counter_ns() - t0) * 1e-9)
            self.recording = True
            self.model(self.example)
            self.recording = False
        if [c[0] for c in self.current] != self.names:
            raise RuntimeError(f"{self.name}: the layer call sequence changed between passes")
        self.calls.append([c[1] for c in self.current])
        self.current.clear()

    def rows(self, overhead):
        for h in self.hooks:
            h.remove()
        rows, seen = [], {}
        for k, mname in enumerate(self.names):
            seen[mname] = seen.get(mname, 0) + 1
            secs = statistics.median(c[k] for c in self.calls)
            kind, flop, pb, ib, ob = self.feats[k]
            rows.append((self.name, seen[mname], mname, kind, flop, pb, ib, ob, max(secs - overhead, 1e-7)))
        tot = [sum(r[i] for r in rows) for i in (4, 5, 6, 7)]
        rows.append((self.name, 1, "__model__", "model", tot[0], tot[1], tot[2], tot[3], statistics.median(self.whole)))
        return rows


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "hw", "runtime_measurements",
                                                  "pytorch_cpu_1thread.csv"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    overhead = hook_overhead(a.repeats)
    meters = []
    for name, make, shape in models():
        if a.only and name not in a.only:
            continue
        model = make().eval()
        folded = fold_batchnorm(model)
        example = torch.randint(0, 50257, shape) if name.startswith("gpt2") else torch.randn(*shape)
        meters.append(Meter(name, model, example))
        print(f"{name:22s} {len(meters[-1].names):4d} timed layers, {folded} BN folded", flush=True)
    for r in range(a.repeats):
        for m in meters:
            m.round()
        print(f"round {r + 1}/{a.repeats}", flush=True)
    out_rows = []
    for m in meters:
        rows = m.rows(overhead)
        out_rows += rows
        print(f"{m.name:22s} whole {rows[-1][8] * 1e3:9.2f} ms  sum of {len(rows) - 1:4d} timed layers "
              f"{sum(r[8] for r in rows[:-1]) * 1e3:9.2f} ms", flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(f"# runtime: PyTorch {torch.__version__} eager, CPU, fp32, batch 1, torch.set_num_threads({a.threads}), "
                f"OPENBLAS_NUM_THREADS=OMP_NUM_THREADS={a.threads}\n")
        blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3") if os.path.exists("/usr/lib/x86_64-linux-gnu/libblas.so.3") else "unknown"
        f.write(f"# BLAS (Debian alternative libblas.so.3, used by Linear/MatMul; convolutions use oneDNN): {blas}\n")
        f.write(f"# machine: {cpu_name()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}\n")
        f.write(f"# date: {datetime.date.today().isoformat()}; repeats: {a.repeats} (medians); hook overhead subtracted: "
                f"{overhead * 1e6:.2f} us per layer call\n")
        f.write("# made by tools/measure_layer_latency.py (docs/hardware-validation.md)\n")
        f.write("model,call,module,kind,flop,param_bytes,input_bytes,output_bytes,seconds\n")
        for r in out_rows:
            f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]:.0f},{r[5]:.0f},{r[6]:.0f},{r[7]:.0f},{r[8]:.9g}\n")


if __name__ == "__main__":
    main()
