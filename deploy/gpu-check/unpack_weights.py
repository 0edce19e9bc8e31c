"""Unpacks the carried ResNet50 TF.js weights: NAME.bin.shuf.xz (float32 bytes split into 4 byte planes, xz) and
model.json.xz, into DEST, checking each file's SHA-256 against weights.sha256. usage: unpack_weights.py SRC DEST"""
import hashlib, lzma, os, sys, time
import numpy as np
src, dest = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
want = dict(reversed(l.split()) for l in open(os.path.join(here, "weights.sha256")))
os.makedirs(dest, exist_ok=True)
t = time.time()
bad = 0
for f in sorted(os.listdir(src)):
    data = lzma.decompress(open(os.path.join(src, f), "rb").read())
    if f.endswith(".shuf.xz"):
        name = f[:-len(".shuf.xz")]
        data = np.frombuffer(data, np.uint8).reshape(4, -1).T.copy().tobytes()
    else:
        name = f[:-len(".xz")]
    ok = hashlib.sha256(data).hexdigest() == want[name]
    bad += not ok
    with open(os.path.join(dest, name), "wb") as out:
        out.write(data)
    if not ok:
        print("unpack: SHA-256 MISMATCH", name, flush=True)
print(f"unpack: {len(os.listdir(src))} files from {src} in {time.time() - t:.1f} s, {bad} bad", flush=True)
sys.exit(1 if bad else 0)
