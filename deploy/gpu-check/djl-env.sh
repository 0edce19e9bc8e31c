# Sourced: points DJL 0.36's PyTorch engine at an external libtorch and a JNI built for it.
# needs: TORCH_LIB (folder with libtorch.so), TORCH_VER (e.g. 2.11.0), TORCH_FLAVOR (cpu|cu130), JNI_SO, STAGE
export PYTORCH_LIBRARY_PATH="$TORCH_LIB"
export PYTORCH_VERSION="$TORCH_VER"
export PYTORCH_FLAVOR="$TORCH_FLAVOR"
# the test/aux libraries of a pip torch that LibUtils would otherwise System.load one by one
export PYTORCH_LIBRARY_EXCLUSION="libaoti_custom_ops.so,libbackend_with_compiler.so,libjitbackend_test.so,libtorchbind_test.so,libtorch_python.so,libnnapi_backend.so"
export ENGINE_CACHE_DIR="$STAGE/djlcache"
JNI_DIR="$ENGINE_CACHE_DIR/pytorch/${TORCH_VER}-${TORCH_FLAVOR}-linux-x86_64"
mkdir -p "$JNI_DIR" && cp -f "$JNI_SO" "$JNI_DIR/0.36.0-libdjl_torch.so"
