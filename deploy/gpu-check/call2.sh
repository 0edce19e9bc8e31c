#!/usr/bin/env bash
# Device call 2 (carry .gpu/c2 .gpu/scripts), right after call 1 while the machine is warm: the other weight
# shards, then on the GPU: GpuProbe (backbone images/s at batch 16..256, pooled features vs the CPU's),
# `transferlab bench --peer off`, and the PyTorch peer network on the GPU for reference. If the JNI failed in
# call 1, only the peer runs (fallback).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/call2-stage.sh"
JNI_OK=0; grep -q "smoke: ok" $S/smoke.log 2>/dev/null && JNI_OK=1
el "JNI smoke in call 1: $JNI_OK"
if [ $JNI_OK = 1 ]; then
  . $S/scripts/device-env.sh
  JAVA="$S/jre0/bin/java -Xmx4g -Dai.djl.offline=true $JOPTS -cp $CP"
  el "probe"
  timeout ${PROBE_TIMEOUT:-170} $JAVA GpuProbe $W $S/${DATA:-data8} $S/probe ${PROBE_N:-256} 64 ${PROBE_BATCHES:-16,32,64,128,256} > $S/probe.log 2>&1; el "probe rc=$?"
  grep -v AutoNonVariableTypeMode $S/probe.log > $OUT/probe.log; grep -E '^probe' $S/probe.log
  cp $S/probe/probe.json $OUT/ 2>/dev/null; cp $S/probe/features.f32 $OUT/features-gpu.f32 2>/dev/null
  python3 $S/scripts/compare_features.py $S/scripts/cpu271-features.f32 $S/probe/features.f32 $OUT/compare.json
  el "bench"
  timeout ${BENCH_TIMEOUT:-200} $JAVA io.transferlab.cli.TransferLab bench --data $S/${DATA:-data8} --sample ${BENCH_SAMPLE:-256} --peer off --head-seeds 3 \
    --weights $W --fixtures $S/fixtures --cache $S/fcache --out $S/bench > $S/bench.log 2>&1; el "bench rc=$?"
  grep -v AutoNonVariableTypeMode $S/bench.log | tr '\r' '\n' | grep -v ' ETA ' > $OUT/bench.log; tail -32 $OUT/bench.log
  cp $S/bench/bench.json $OUT/ 2>/dev/null
fi
if [ $JNI_OK = 0 ] || [ $(( $(date +%s) - T0 )) -lt ${PEER_IF_BEFORE:-330} ]; then
  el "PyTorch peer network on the GPU"
  timeout ${PEER_TIMEOUT:-100} python3 $S/scripts/gpu_peer.py $PWD/cli/src/main/resources/peer/peer.py $W $S/${DATA:-data8} $S/fixtures $OUT/peer-gpu.json ${PROBE_N:-256} > $S/peer.log 2>&1; el "peer rc=$?"
  grep gpu_peer $S/peer.log; tail -3 $S/peer.log
else
  el "peer skipped (time)"
fi
nvidia-smi --query-gpu=name,memory.used,clocks.sm --format=csv,noheader
el "call2 done"
