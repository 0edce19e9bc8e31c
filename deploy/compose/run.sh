#!/usr/bin/env bash
# The main job against the docker-compose stack: build the images (reusing what is built), start the project's
# Docker engine and the stack (Kafka, PostgreSQL, the four services), register the dataset at the dataset-service,
# submit a seed-2020 study to the gateway and follow it until its results are complete; then print the results
# table and the report page's address. Everything is stopped at the end unless --keep-running (the volumes stay:
# `docker-compose -p transferlab down -v` removes them).
#
#   deploy/compose/run.sh --data DIR [--classes N] [--strategies fe,ft] [--gpu] [--keep-running] [--no-build]
#
# --data DIR      the dataset folder (Flowers-102's Oxford layout, or ImageFolder), mounted read-only
# --classes N     only the first N classes, for a quick look
# --gpu           the CUDA trainer with an NVIDIA GPU (compose.gpu.yaml; images built with --cuda)
# --project NAME  the compose project name (default transferlab)
# Trainer settings pass through from the environment, e.g. TRANSFERLAB_TRAINER_FINE_TUNING_EPOCHS=3.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/compose"
DATA=""
CLASSES=""
STRATEGIES="fe,ft"
KEEP=false
BUILD=true
GPU=false
PROJECT="${TRANSFERLAB_COMPOSE_PROJECT:-transferlab}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --classes) CLASSES="$2"; shift 2 ;;
    --strategies) STRATEGIES="$2"; shift 2 ;;
    --gpu) GPU=true; shift ;;
    --project) PROJECT="$2"; shift 2 ;;
    --keep-running) KEEP=true; shift ;;
    --no-build) BUILD=false; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$DATA" ]] || { echo "give the dataset folder with --data DIR" >&2; exit 2; }
[[ -d "$DATA" ]] || { echo "dataset folder $DATA does not exist" >&2; exit 2; }
DATA="$(cd "$DATA" && pwd)"

# shellcheck source=deploy/images/images.sh
source "$REPO/deploy/images/images.sh"
export TRANSFERLAB_DATA="$DATA" TRANSFERLAB_DATASET_NAME="${TRANSFERLAB_DATASET_NAME:-$(basename "$DATA")}"
export TRANSFERLAB_IMAGE_TAG="$TAG"
# the local token issuer (deploy/local/auth.sh): the services verify its tokens; the CLI sends a researcher's
TRANSFERLAB_AUTH_PUBLIC_KEY="${TRANSFERLAB_AUTH_PUBLIC_KEY:-$("$REPO/deploy/local/auth.sh" public-key)}"
TRANSFERLAB_TOKEN="${TRANSFERLAB_TOKEN:-$("$REPO/deploy/local/auth.sh" token researcher "${USER:-local-user}" 24)}"
export TRANSFERLAB_AUTH_PUBLIC_KEY TRANSFERLAB_TOKEN
# the database roles' and the Kafka users' passwords (the operator's and one per service): made once, kept in
# .run/pg-passwords and .run/kafka-passwords
eval "$("$REPO/deploy/local/secrets.sh" pg-env)"
eval "$("$REPO/deploy/local/secrets.sh" kafka-env)"
files=(-f "$HERE/compose.yaml")
[[ "$GPU" == true ]] && files+=(-f "$HERE/compose.gpu.yaml")
compose() { docker-compose -p "$PROJECT" "${files[@]}" "$@"; }

if [[ "$BUILD" == true ]]; then
  build_args=()
  [[ "$GPU" == true ]] && build_args+=(--cuda)
  "$REPO/deploy/images/build.sh" "${build_args[@]}"
fi
"$REPO/deploy/images/engine.sh" start
eval "$("$REPO/deploy/images/engine.sh" env)"
export DOCKER_HOST

cleanup() {
  if [[ "$KEEP" == false ]]; then
    compose down --remove-orphans >/dev/null 2>&1 || true
    "$REPO/deploy/images/engine.sh" stop || true
  else
    echo "the stack is still running: docker-compose -p $PROJECT -f deploy/compose/compose.yaml down (DOCKER_HOST as engine.sh env says)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

compose up -d
# depends_on waits for Kafka and PostgreSQL; the services are ready when their health checks say so
port="${TRANSFERLAB_GATEWAY_PORT:-8080}"
for svc in "${SERVICES[@]}"; do
  for _ in $(seq 1 180); do
    cid="$(compose ps -q "$svc")"
    state="$(docker inspect --format '{{.State.Health.Status}}' "$cid" 2>/dev/null || echo missing)"
    [[ "$state" == healthy ]] && break
    sleep 2
  done
  [[ "$state" == healthy ]] || { compose logs --tail 40 "$svc" >&2; echo "$svc is not healthy ($state) after 6 min" >&2; exit 1; }
  echo "[compose] $svc healthy"
done

compose run --rm -T cli register --dataset-service http://dataset-service:8080 --path "datasets/$TRANSFERLAB_DATASET_NAME"
args=(submit --gateway http://gateway:8080 --dataset "datasets/$TRANSFERLAB_DATASET_NAME" --preset seed-2020
      --strategies "$STRATEGIES" --until COMPLETE)
[[ -n "$CLASSES" ]] && args+=(--classes "$CLASSES")
status=0
compose run --rm -T cli "${args[@]}" || status=$?
echo "on this machine, signed in for 24 h: http://127.0.0.1:$port/#token=$TRANSFERLAB_TOKEN (each report at /studies/<id>/report)"
exit "$status"
