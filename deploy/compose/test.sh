#!/usr/bin/env bash
# The compose test (run by .ci/run after ./mvnw verify): build the images (the CUDA trainer too), start the
# project's Docker engine, `docker-compose up` the stack on a generated 3-class dataset, run a small study (fe and ft
# on the three sizes, 64x64 images, capped epochs) through the published gateway to COMPLETE with a micro-F1 for
# every run, check that only the gateway is published; then replace the trainer by the CUDA build and see it train a
# study on this CPU-only machine; `docker-compose down -v`. Always stops what it started.
#   deploy/compose/test.sh [--no-build]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/compose"
WORK="$REPO/target/compose-test"
PROJECT=transferlab-test
PORT="${TRANSFERLAB_COMPOSE_TEST_PORT:-18180}"
# shellcheck source=deploy/testing/study.sh
source "$REPO/deploy/testing/study.sh"
# shellcheck source=deploy/images/images.sh
source "$REPO/deploy/images/images.sh"
t0=$SECONDS
stage() { echo "[compose-test] $1 ($((SECONDS - t0)) s)"; }

# the engine is stopped at the end if this test (or the build it runs) started it
engine_was_running=false
"$REPO/deploy/images/engine.sh" status | grep -q running && engine_was_running=true
[[ "${1:-}" == --no-build ]] || "$REPO/deploy/images/build.sh" --cuda
stage "images built"
"$REPO/deploy/images/engine.sh" start
eval "$("$REPO/deploy/images/engine.sh" env)"
export DOCKER_HOST

rm -rf "$WORK" && mkdir -p "$WORK"
python3 "$REPO/deploy/testing/make-dataset.py" "$WORK/colours" 3 12
export TRANSFERLAB_DATA="$WORK/colours" TRANSFERLAB_DATASET_NAME=colours TRANSFERLAB_IMAGE_TAG="$TAG"
export TRANSFERLAB_GATEWAY_PORT="$PORT"
# the local token issuer (deploy/local/auth.sh): the services get its public key, the tests a researcher's token
TRANSFERLAB_AUTH_PUBLIC_KEY="$("$REPO/deploy/local/auth.sh" public-key)"
TRANSFERLAB_TOKEN="$("$REPO/deploy/local/auth.sh" token researcher compose-test 2)"
export TRANSFERLAB_AUTH_PUBLIC_KEY TRANSFERLAB_TOKEN
# the database roles' and the Kafka users' passwords (the operator's and one per service): made once, kept in
# .run/pg-passwords and .run/kafka-passwords
eval "$("$REPO/deploy/local/secrets.sh" pg-env)"
eval "$("$REPO/deploy/local/secrets.sh" kafka-env)"
# small and quick, the real network and weights (as the system tests)
export TRANSFERLAB_TRAINER_IMAGE_SIZE=64 TRANSFERLAB_TRAINER_FEATURE_EXTRACTION_EPOCHS=4 \
       TRANSFERLAB_TRAINER_FINE_TUNING_EPOCHS=3
files=(-f "$HERE/compose.yaml")
compose() { docker-compose -p "$PROJECT" "${files[@]}" "$@"; }

finish() {
  local rc=$?
  if (( rc != 0 )); then
    compose ps >&2 || true
    compose logs --no-color --tail 60 >"$WORK/compose.log" 2>&1 || true
    echo "[compose-test] FAILED; the services' last lines are in $WORK/compose.log" >&2
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  [[ "$engine_was_running" == true ]] || "$REPO/deploy/images/engine.sh" stop
  exit "$rc"
}
trap finish EXIT

compose down -v --remove-orphans >/dev/null 2>&1 || true   # what an interrupted earlier run left
compose up -d
await_healthy() { # service…
  local svc state
  for svc in "$@"; do
    state=""
    for _ in $(seq 1 180); do
      state="$(docker inspect --format '{{.State.Health.Status}}' "$(compose ps -q "$svc")" 2>/dev/null || echo missing)"
      [[ "$state" == healthy ]] && break
      sleep 2
    done
    [[ "$state" == healthy ]] || { echo "[compose-test] $svc is $state after 6 min" >&2; exit 1; }
  done
}
# the device every job of a study trained on, one line each (the trainer is not published: asked from inside)
job_devices() { # study-id
  compose exec -T gateway curl -fsS "http://trainer-service:8080/training-jobs?studyId=$1" \
    | python3 -c 'import json,sys; print("\n".join(j["device"] for j in json.load(sys.stdin)))'
}
await_healthy "${SERVICES[@]}"
stage "stack up, every service healthy"

# only the gateway is reachable from the host, and only on loopback
published="$(docker ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}} {{.Ports}}' | grep -- '->' || true)"
echo "[compose-test] published: $published"
[[ "$(grep -c -- '->' <<<"$published")" == 1 && "$published" == *gateway*"127.0.0.1:$PORT->8080/tcp"* ]] \
  || { echo "[compose-test] expected only the gateway on 127.0.0.1:$PORT" >&2; exit 1; }

compose run --rm -T cli register --dataset-service http://dataset-service:8080 --path datasets/colours
GATEWAY="http://127.0.0.1:$PORT"
check_auth "$("$REPO/deploy/local/auth.sh" token viewer compose-viewer 1)"
check_broker_refuses compose exec -T kafka
stage "tokens required: none is 401, a viewer's is 403"
id="$(post_study datasets/colours '["fe", "ft"]')"
stage "study $id posted"
await_complete "$id" 1200
check_results "$id" 6
stage "study COMPLETE with F1 for every run"
devices="$(job_devices "$id")"
echo "[compose-test] trained on: $(sort -u <<<"$devices" | tr '\n' ';')"
[[ "$(grep -c '^PyTorch 2.7.1 on cpu()' <<<"$devices")" == 6 ]] || { echo "[compose-test] jobs without their device" >&2; exit 1; }

# The CUDA build of the trainer on this CPU-only machine: it must start, find no GPU and train on the CPU
cat >"$WORK/cuda-trainer-on-cpu.yaml" <<YAML
version: "3.8"
services:
  trainer-service:
    image: $IMG_TRAINER_CUDA
YAML
files+=(-f "$WORK/cuda-trainer-on-cpu.yaml")
compose up -d trainer-service
await_healthy trainer-service
stage "the CUDA trainer is up"
id="$(post_study datasets/colours '["fe"]')"
await_complete "$id" 900
check_results "$id" 3
devices="$(job_devices "$id")"
echo "[compose-test] the CUDA trainer trained on: $(sort -u <<<"$devices" | tr '\n' ';')"
[[ "$(grep -c '^PyTorch 2.5.1 on cpu()' <<<"$devices")" == 3 ]] || { echo "[compose-test] the CUDA trainer did not train on the CPU" >&2; exit 1; }
stage "the CUDA trainer trained a study on the CPU"
