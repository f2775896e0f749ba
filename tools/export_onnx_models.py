#!/usr/bin/python3
"""Exports real architectures to ONNX for idn's importer tests, with weights stripped.

Uses Debian's python3-torch and python3-torchvision (CPU, random weights: no download). For each
model it writes tests/dnn/onnx_models/<name>.onnx whose floating-point initializers keep their
dims and data type but lose their data (so the files stay small), and appends to reference_counts.csv the counts
made independently at export time by PyTorch forward hooks on the same module:

  name,input_shape,macs,params,onnx_params

macs: multiply-accumulates of Conv/ConvTranspose (out elements x in_channels/groups x kernel),
Linear (out elements x in_features) and multi-head attention (the Q/K/V and output projections
plus the two L x L x E matmuls), batch 1. params: elements of the module's floating-point
parameters. onnx_params: elements of the exported file's floating-point initializers, counted by
the onnx package (they differ from params where the exporter folds BatchNormalization into the
preceding convolution, or shares or adds constants).

Re-export: /usr/bin/python3 tools/export_onnx_models.py [--out DIR] [--only NAME ...]
(torch 1.13, torchvision 0.14, onnx 1.12 on Debian bookworm; opset 14.)
"""
import argparse
import csv
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision.models as tvm

OPSET = 14


class Gpt2StyleDecoder(nn.Module):
    """A GPT-2-small-sized decoder-only transformer built from PyTorch's own layers.

    Decoder-only attention is self-attention under a causal mask, which is what
    nn.TransformerEncoderLayer computes with a mask (nn.TransformerDecoderLayer would add a
    cross-attention to an encoder memory that GPT-2 does not have). 12 layers, d_model 768,
    12 heads, FFN 3072, GELU, pre-norm, vocabulary 50257, tied-free LM head on every token.
    """

    def __init__(self, layers=12, d_model=768, heads=12, ffn=3072, vocab=50257, context=1024):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, ffn, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab, bias=False)
        # nn.TransformerEncoder deep-copies one layer, so every layer starts with the same weights,
        # and the exporter would store them once (Identity nodes). Distinct weights, like GPT-2's
        # initialisation (normal, std 0.02), keep the file's parameters those of the model.
        with torch.no_grad():
            for p in self.parameters():
                if p.dim() > 1:
                    p.normal_(0.0, 0.02)

    def forward(self, ids):
        t = ids.shape[1]
        pos = torch.arange(t, device=ids.device).unsqueeze(0)
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        h = self.tok(ids) + self.pos(pos)
        h = self.blocks(h, mask=mask)
        return self.head(self.norm(h))


def models():
    img = (1, 3, 224, 224)
    return [
        ("resnet18", lambda: tvm.resnet18(), img),
        ("resnet50", lambda: tvm.resnet50(), img),
        ("mobilenet_v2", lambda: tvm.mobilenet_v2(), img),
        ("mobilenet_v3_large", lambda: tvm.mobilenet_v3_large(), img),
        ("alexnet", lambda: tvm.alexnet(), img),
        ("vgg16", lambda: tvm.vgg16(), img),
        ("squeezenet1_1", lambda: tvm.squeezenet1_1(), img),
        ("efficientnet_b0", lambda: tvm.efficientnet_b0(), img),
        ("densenet121", lambda: tvm.densenet121(), img),
        ("googlenet", lambda: tvm.googlenet(aux_logits=False, init_weights=True), img),
        ("shufflenet_v2_x1_0", lambda: tvm.shufflenet_v2_x1_0(), img),
        ("regnet_y_400mf", lambda: tvm.regnet_y_400mf(), img),
        ("vit_b_16", lambda: tvm.vit_b_16(), img),
        ("gpt2_style_decoder", lambda: Gpt2StyleDecoder(), (1, 128)),
    ]


def hook_counts(model, example):
    """MACs and parameter count by forward hooks (independent of the ONNX graph)."""
    macs = [0]

    def conv(m, inp, out):
        k = 1
        for s in m.kernel_size:
            k *= s
        macs[0] += out.numel() * (m.in_channels // m.groups) * k

    def conv_t(m, inp, out):
        # Every input element is multiplied into out_channels/groups x kernel outputs.
        k = 1
        for s in m.kernel_size:
            k *= s
        macs[0] += inp[0].numel() * (m.out_channels // m.groups) * k

    def linear(m, inp, out):
        macs[0] += out.numel() * m.in_features

    def mha(m, inp, out):
        # Self-attention: the output has the query's shape (B, L, E) or (L, B, E). The inputs
        # may be keyword arguments, which forward hooks do not see in torch 1.13.
        y = out[0]
        L = y.shape[1] if m.batch_first else y.shape[0]
        B = y.shape[0] if m.batch_first else y.shape[1]
        E = m.embed_dim
        macs[0] += B * (4 * L * E * E + 2 * L * L * E)

    hooks = []
    for mod in model.modules():
        if isinstance(mod, nn.MultiheadAttention):
            hooks.append(mod.register_forward_hook(mha))
        elif isinstance(mod, nn.ConvTranspose2d):
            hooks.append(mod.register_forward_hook(conv_t))
        elif isinstance(mod, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            hooks.append(mod.register_forward_hook(conv))
        elif isinstance(mod, nn.Linear) and not isinstance(mod, nn.modules.linear.NonDynamicallyQuantizableLinear):
            # MHA's out_proj is called functionally inside attention: counted by the mha hook.
            hooks.append(mod.register_forward_hook(linear))
    with torch.no_grad():
        model(example)
    for h in hooks:
        h.remove()
    params = sum(p.numel() for p in model.parameters() if p.is_floating_point())
    return macs[0], params


FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16}


def strip(path):
    """Floating-point initializers (the weights) keep their dims and data type but lose their data.

    Integer initializers stay: they are the shapes, axes and indices that shape inference needs
    (constant folding turns Reshape's target shapes into initializers), and they are small.
    """
    m = onnx.load(path)
    count = 0
    for t in m.graph.initializer:
        if t.data_type not in FLOAT_TYPES:
            continue
        n = 1
        for d in t.dims:
            n *= d
        count += n
        t.ClearField("raw_data")
        for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
            t.ClearField(field)
        t.data_location = onnx.TensorProto.DEFAULT
    # Constant nodes keep their (small) values: shapes for Reshape etc. depend on them.
    onnx.save(m, path)
    return count


def write_references(out_dir, rows):
    """Merges rows into out_dir/reference_counts.csv (by model name)."""
    ref = os.path.join(out_dir, "reference_counts.csv")
    old = {}
    if os.path.exists(ref):
        with open(ref) as f:
            for r in csv.DictReader(f):
                old[r["name"]] = (r["name"], r["input_shape"], int(r["macs"]), int(r["params"]), int(r["onnx_params"]))
    for r in rows:
        old[r[0]] = r
    with open(ref, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "input_shape", "macs", "params", "onnx_params"])
        for r in sorted(old.values()):
            w.writerow(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "dnn", "onnx_models"))
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    rows = []
    for name, make, shape in models():
        if a.only and name not in a.only:
            continue
        model = make().eval()
        example = torch.randint(0, 50257, shape) if name.startswith("gpt2") else torch.randn(*shape)
        macs, params = hook_counts(model, example)
        path = os.path.join(a.out, name + ".onnx")
        torch.onnx.export(model, (example,), path, opset_version=OPSET, input_names=["input"], output_names=["output"],
                          do_constant_folding=True)
        onnx_params = strip(path)
        rows.append((name, "x".join(str(d) for d in shape), macs, params, onnx_params))
        print(f"{name:22s} macs={macs:>14d} params={params:>11d} onnx_params={onnx_params:>11d} {os.path.getsize(path) / 1e3:8.1f} kB",
              flush=True)
        write_references(a.out, rows[-1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
