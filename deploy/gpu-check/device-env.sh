# Sourced on the device: DJL -> the device's own torch (pip, CUDA 13) and the JNI built in call 1.
S=${STAGE_ROOT:-/root/stage}
TORCH_DIR=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
SITE=$(dirname "$TORCH_DIR")
export TORCH_LIB=$TORCH_DIR/lib
export TORCH_VER=$(python3 -c 'import torch;print(torch.__version__.split("+")[0])')
export TORCH_FLAVOR=$(python3 -c "import torch;print(\"cu\"+torch.version.cuda.replace(\".\",\"\") if torch.version.cuda else \"cpu\")")
export STAGE=$S JNI_SO=$S/jni/libdjl_torch.so
. $S/scripts/djl-env.sh
# the CUDA libraries of the pip torch (its RUNPATH finds them; listed for JNA's cudart lookup in DJL's CudaUtils)
NV=$(find "$SITE/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')
CUDART_DIR=$(dirname "$(find "$SITE/nvidia" /usr/local/cuda/lib64 -name 'libcudart.so*' 2>/dev/null | head -1)")
export LD_LIBRARY_PATH="$TORCH_LIB:${NV}${LD_LIBRARY_PATH:-}"
JOPTS="--add-modules jdk.incubator.vector -Djna.library.path=$CUDART_DIR:$TORCH_LIB -Dorg.slf4j.simpleLogger.defaultLogLevel=info"
CP="$S/app/transferlab-cli.jar:$S/app/lib/*:$S/scripts/probe"
echo "device-env: torch $TORCH_VER $TORCH_FLAVOR at $TORCH_LIB; cudart dir $CUDART_DIR; JNI $ENGINE_CACHE_DIR/pytorch/${TORCH_VER}-${TORCH_FLAVOR}-linux-x86_64/0.36.0-libdjl_torch.so"
