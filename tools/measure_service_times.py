#!/usr/bin/python3
"""Measures the per-inference service-time distribution of real models with a real runtime.

Same runtime and models as tools/measure_layer_latency.py (PyTorch eager on the CPU, batch 1,
fp32, BatchNorm folded, one thread unless --threads): after a warm-up, N back-to-back forward
passes of each model are timed one by one, in rounds over the models (so that this machine's
drift over minutes hits every model alike). Writes CSV with '#' comment lines (runtime, machine,
date), then

  model,sample,seconds                    (batch 1, the default)
  model,batch,sample,seconds              (with --batches 1,2,4,8: seconds per batch)

one row per timed inference. idn::serve sizes replicas for a latency percentile from these
distributions (docs/serve.md "Replicas for general service times").

Usage: /usr/bin/python3 tools/measure_service_times.py [--out FILE] [--samples N] [--threads N]
       [--only NAME ...] [--batches B,B,...]
       (default: resnet18 mobilenet_v2 resnet50, batch 1, 400 samples, ~2 minutes; the batched
       fixture tests/serve/service_times/pytorch_cpu_1thread_batched.csv was made with
       --only resnet18 mobilenet_v2 --batches 1,2,4,8 --samples 100 --out ..., ~2 minutes)
"""
import argparse
import datetime
import os
import platform
import sys
import time

# measure_layer_latency fixes every runtime's thread count from --threads before torch loads.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure_layer_latency  # noqa: E402,F401  (must precede torch)
import torch  # noqa: E402

from export_onnx_models import models  # noqa: E402
from measure_layer_latency import cpu_name, fold_batchnorm  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "serve", "service_times",
                                                  "pytorch_cpu_1thread.csv"))
    ap.add_argument("--samples", type=int, default=400)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", nargs="*", default=["resnet18", "mobilenet_v2", "resnet50"])
    ap.add_argument("--batches", default="1", help="comma-separated batch sizes (other than 1: the batched format)")
    a = ap.parse_args()
    batches = [int(b) for b in a.batches.split(",")]
    batched = batches != [1]
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    chosen = []
    for name, make, shape in models():
        if name not in a.only:
            continue
        model = make().eval()
        fold_batchnorm(model)
        for b in batches:
            shape_b = (b, *shape[1:])
            example = torch.randint(0, 50257, shape_b) if name.startswith("gpt2") else torch.randn(*shape_b)
            with torch.no_grad():
                for _ in range(5):
                    model(example)
            chosen.append((name, b, model, example, []))
    rounds = 20
    per_round = (a.samples + rounds - 1) // rounds
    with torch.no_grad():
        for r in range(rounds):
            for name, _, model, example, out in chosen:
                for _ in range(per_round):
                    if len(out) >= a.samples:
                        break
                    t0 = time.perf_counter_ns()
                    model(example)
                    out.append((time.perf_counter_ns() - t0) * 1e-9)
            print(f"round {r + 1}/{rounds}", flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(f"# runtime: PyTorch {torch.__version__} eager, CPU, fp32, batch {a.batches}, {a.threads} thread(s), BatchNorm folded\n")
        f.write(f"# machine: {cpu_name()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}\n")
        f.write(f"# date: {datetime.date.today().isoformat()}; {a.samples} back-to-back inferences per model and batch size, in {rounds} rounds\n")
        f.write("# made by tools/measure_service_times.py (docs/serve.md)\n")
        f.write("model,batch,sample,seconds\n" if batched else "model,sample,seconds\n")
        for name, b, _, _, out in chosen:
            for k, s in enumerate(out):
                f.write(f"{name},{b},{k},{s:.9g}\n" if batched else f"{name},{k},{s:.9g}\n")
    for name, b, _, _, out in chosen:
        srt = sorted(out)
        print(f"{name:16s} batch {b:3d} median {srt[len(srt) // 2] * 1e3:8.2f} ms  p99 {srt[int(0.99 * (len(srt) - 1))] * 1e3:8.2f} ms  max {srt[-1] * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
