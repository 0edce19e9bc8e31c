#!/usr/bin/env bash
# Device call 2b (carry .gpu/c2 .gpu/scripts), right after call1.sh while warm: other weight shards, then
# A) NVIDIA_TF32_OVERRIDE=0: GpuProbe (features + timing), compare vs CPU features, bench --peer off;
# B) defaults (TF32 allowed): bench --peer off, then GpuProbe if time allows. No PyTorch peer.
# Returned files (<= 8): call2.log, tf32off.tar.gz, tf32on.tar.gz, probe-tf32off.json, compare-tf32off.json,
# bench-tf32off.json, bench-tf32on.json, probe-tf32on.json
set -u
. "$(dirname "${BASH_SOURCE[0]}")/call2-stage.sh"
grep -q "smoke: ok" $S/smoke.log 2>/dev/null || { el "JNI smoke failed in call 1"; exit 4; }
. $S/scripts/device-env.sh
JAVA="$S/jre0/bin/java -Xmx4g -Dai.djl.offline=true $JOPTS -cp $CP"
md5sum $S/app/lib/transferlab-ml-0.1.0-SNAPSHOT.jar
probe() { # $1 label
  local D=$S/r-$1; mkdir -p $D
  el "probe $1 (NVIDIA_TF32_OVERRIDE=${NVIDIA_TF32_OVERRIDE:-unset})"
  timeout ${PROBE_TIMEOUT:-80} $JAVA GpuProbe $W $S/data8 $D/probe ${PROBE_N:-256} 64 ${PROBE_BATCHES:-16,32,64,128,256} > $D/probe.raw 2>&1; el "probe $1 rc=$?"
  grep -v AutoNonVariableTypeMode $D/probe.raw > $D/probe.log; grep -E '^probe' $D/probe.log
  cp $D/probe/probe.json $D/probe.json 2>/dev/null; cp $D/probe/probe.json $OUT/probe-$1.json 2>/dev/null
  cp $D/probe/features.f32 $D/features-gpu.f32 2>/dev/null
  python3 $S/scripts/compare_features.py $S/scripts/cpu271-features.f32 $D/probe/features.f32 $D/compare.json && cp $D/compare.json $OUT/compare-$1.json
}
bench() { # $1 label
  local D=$S/r-$1; mkdir -p $D
  el "bench $1 (NVIDIA_TF32_OVERRIDE=${NVIDIA_TF32_OVERRIDE:-unset})"
  timeout ${BENCH_TIMEOUT:-80} $JAVA io.transferlab.cli.TransferLab bench --data $S/data8 --sample 256 --peer off --head-seeds 3 \
    --weights $W --fixtures $S/fixtures --cache $D/fcache --out $D/bench > $D/bench.raw 2>&1; el "bench $1 rc=$?"
  grep -v AutoNonVariableTypeMode $D/bench.raw | tr '\r' '\n' | grep -v ' ETA ' > $D/bench.log; tail -14 $D/bench.log
  cp $D/bench/bench.json $D/bench.json 2>/dev/null; cp $D/bench/bench.json $OUT/bench-$1.json 2>/dev/null
  python3 -c "import json,sys;b=json.load(open(sys.argv[1]))['project'];print('BENCH',sys.argv[2],'backbone',b['backboneImagesPerSecond'],'fixture',b['fixtureRelativeError'])" $D/bench.json $1 2>/dev/null
}
pack() { tar -C $S/r-$1 -czf $OUT/$1.tar.gz --exclude=fcache --exclude=bench --exclude=probe --exclude='*.raw' . 2>/dev/null; }
export NVIDIA_TF32_OVERRIDE=0
probe tf32off; bench tf32off; pack tf32off
unset NVIDIA_TF32_OVERRIDE
bench tf32on
if [ $(( $(date +%s) - T0 )) -lt ${PROBE_ON_IF_BEFORE:-150} ]; then probe tf32on; else el "probe tf32on skipped (time)"; fi
pack tf32on
nvidia-smi --query-gpu=name,memory.used,clocks.sm --format=csv,noheader
ls -la $OUT
el "call2b done"
