"""The project's PyTorch peer network (cli/src/main/resources/peer/peer.py: the same Keras ResNet50 port from the
same TF.js weights) on the GPU: images/s at several batches (compute only: input already on the GPU; and with the
host-to-device copy of each batch), fixture error vs Keras on the GPU, pooled features of the first N images.
usage: gpu_peer.py PEER_PY WEIGHTS_DIR DATA_DIR FIXTURES OUT_JSON [N_IMAGES] [BATCHES]"""
import importlib.util, json, os, sys, time
import numpy as np
import torch
spec = importlib.util.spec_from_file_location("peer", sys.argv[1])
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)
weights, data, fixtures, out = sys.argv[2:6]
n_images = int(sys.argv[6]) if len(sys.argv) > 6 else 256
batches = [int(b) for b in (sys.argv[7] if len(sys.argv) > 7 else "16,32,64,128,256").split(",")]
dev = torch.device(os.environ.get("PEER_DEVICE", "cuda"))
CUDA = dev.type == "cuda"
res = {"torch": torch.__version__, "cuda": torch.version.cuda, "device": torch.cuda.get_device_name(0) if CUDA else "cpu",
       "cudnn": torch.backends.cudnn.version(), "cudnnAllowTf32": torch.backends.cudnn.allow_tf32,
       "matmulAllowTf32": torch.backends.cuda.matmul.allow_tf32}
t = time.time()
net, _ = peer.build(weights)
net = net.to(dev).eval()
res["buildSeconds"] = time.time() - t
files = sorted(os.path.join(r, f) for r, _, fs in os.walk(data) for f in fs if f.endswith(".jpg"))[:n_images]
if os.environ.get("PEER_FAKE_DECODE"):  # local test without PIL only
    peer.decode = lambda fs, size: np.random.default_rng(0).integers(0, 255, (len(fs), size, size, 3), dtype=np.uint8)
x = peer.caffe(peer.decode(files, 224))


def sync_forward(m, xb):
    y = m(xb)
    if CUDA:
        torch.cuda.synchronize()
    return y


def rate(m, xin, batch, on_gpu):
    with torch.inference_mode():
        xs = xin.to(dev) if on_gpu else xin
        for _ in range(2):
            sync_forward(m, xs[:batch].to(dev))
        best = 0.0
        for _ in range(3):
            t = time.perf_counter()
            for i in range(0, xs.shape[0], batch):
                m(xs[i:i + batch].to(dev, non_blocking=False))
            if CUDA:
                torch.cuda.synchronize()
            best = max(best, xs.shape[0] / (time.perf_counter() - t))
    return best


res["images"] = len(files)
for label, tf32 in (("default", None), ("fp32NoTf32", False)):
    if tf32 is not None:
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cuda.matmul.allow_tf32 = tf32
    r = {}
    for b in batches:
        r[str(b)] = {"computeOnly": rate(net, x, b, True), "withHostCopy": rate(net, x, b, False)}
        print(f"gpu_peer[{label}]: batch {b}: {r[str(b)]}", flush=True)
    res["imagesPerSecond_" + label] = r
    worst = 0.0
    for name in ("bird", "cat", "grace_hopper"):
        hwc = np.fromfile(os.path.join(fixtures, f"{name}.input-224x224x3-hwc-bgr-caffe.f32"), "<f4")
        xf = torch.from_numpy(hwc.reshape(1, 224, 224, 3).transpose(0, 3, 1, 2).copy()).to(dev)
        want = np.fromfile(os.path.join(fixtures, f"{name}.gap-2048.f32"), "<f4")
        with torch.inference_mode():
            got = net(xf).cpu().numpy().reshape(-1)
        worst = max(worst, float(np.abs(got - want).max() / np.abs(want).max()))
    res["fixtureRelativeError_" + label] = worst
    print(f"gpu_peer[{label}]: fixture error {worst:.3g}", flush=True)
torch.backends.cudnn.allow_tf32 = True
torch.backends.cuda.matmul.allow_tf32 = True
res["peakGpuMemoryMiB"] = torch.cuda.max_memory_allocated() / 2**20 if CUDA else None
json.dump(res, open(out, "w"), indent=1)
print(json.dumps(res, indent=1))
