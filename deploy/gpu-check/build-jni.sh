#!/usr/bin/env bash
# Builds DJL 0.36.0's PyTorch JNI (libdjl_torch.so) against the torch package found at $TORCH_DIR
# (default: the one python3 imports), with plain g++ (no gradle, no cmake).
# usage: build-jni.sh OUT_DIR [JOBS] [EXTRA_DEFINES...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUTDIR="$1"; JOBS="${2:-16}"; shift 2 || true
EXTRA=("$@")
if [[ -z "${TORCH_DIR:-}" ]]; then
  TORCH_DIR=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
fi
if [[ -z "${CXX11_ABI:-}" ]]; then
  CXX11_ABI=$(python3 -c 'import torch;print(int(torch.compiled_with_cxx11_abi()))' 2>/dev/null || echo 1)
fi
echo "build-jni: torch at $TORCH_DIR, _GLIBCXX_USE_CXX11_ABI=$CXX11_ABI, jobs $JOBS, extra ${EXTRA[*]:-}"
mkdir -p "$OUTDIR/obj"
SRC="$HERE/djlsrc/native"
CXXFLAGS=(-O2 -fPIC -std=c++17 -w -D_GLIBCXX_USE_CXX11_ABI="$CXX11_ABI"
  -I"$SRC" -I"$HERE/djlsrc" -I"$HERE/jni"
  -isystem "$TORCH_DIR/include" -isystem "$TORCH_DIR/include/torch/csrc/api/include" "${EXTRA[@]}")
t0=$(date +%s)
printf '%s\n' "$SRC"/*.cc | xargs -P "$JOBS" -I{} sh -c \
  'f="{}"; o="'"$OUTDIR"'/obj/$(basename "$f" .cc).o"; g++ '"$(printf '%q ' "${CXXFLAGS[@]}")"' -c "$f" -o "$o" 2> "$o.err" || { echo "FAILED: $f"; head -c 4000 "$o.err"; exit 255; }'
g++ -shared -o "$OUTDIR/libdjl_torch.so" "$OUTDIR"/obj/*.o -L"$TORCH_DIR/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10 \
  -Wl,-rpath,"$TORCH_DIR/lib"
echo "build-jni: built $OUTDIR/libdjl_torch.so in $(( $(date +%s) - t0 )) s"
