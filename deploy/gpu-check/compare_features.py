"""Compares pooled features (n x 2048 float32, little-endian) from two runs of GpuProbe.
usage: compare_features.py REFERENCE.f32 OTHER.f32 [OUT.json]"""
import json, sys
import numpy as np
a = np.fromfile(sys.argv[1], "<f4").reshape(-1, 2048)
b = np.fromfile(sys.argv[2], "<f4").reshape(-1, 2048)
n = min(len(a), len(b))
a, b = a[:n], b[:n]
d = np.abs(a - b)
res = {
    "images": n,
    # the bench's fixture metric: per image, max |diff| / max |reference|; the worst image
    "maxRelativeToImageMax": float((d.max(1) / np.abs(a).max(1)).max()),
    "meanRelativeToImageMax": float((d.max(1) / np.abs(a).max(1)).mean()),
    "maxAbsDiff": float(d.max()),
    "maxElementRelative(|ref|>1e-2)": float((d[np.abs(a) > 1e-2] / np.abs(a)[np.abs(a) > 1e-2]).max()),
    "cosineMin": float(((a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)).min()),
    "argmaxAgree": int((a.argmax(1) == b.argmax(1)).sum()),
}
print(json.dumps(res, indent=1))
if len(sys.argv) > 3:
    json.dump(res, open(sys.argv[3], "w"), indent=1)
