#!/usr/bin/env bash
# The main job on Kubernetes: build the images (reusing what is built), start the single-node 1.20 cluster
# (deploy/k8s/cluster; on your own cluster, apply an overlay instead), load the images, apply the local overlay,
# wait for every rollout, copy the dataset into the storage root, register it, submit a seed-2020 study to the
# gateway and follow it until its results are complete; then print the results table and the report page's
# address (the gateway forwarded to 127.0.0.1). The cluster is stopped at the end unless --keep-running.
#
#   deploy/k8s/run.sh --data DIR [--classes N] [--strategies fe,ft] [--keep-running] [--no-build]
#
# Trainer settings pass through from the environment into the ConfigMap, e.g. TRANSFERLAB_TRAINER_FINE_TUNING_EPOCHS=3.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
K8S_WORK="$REPO/target/k8s-run"
DATA="" CLASSES="" STRATEGIES="fe,ft" KEEP=false BUILD=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --classes) CLASSES="$2"; shift 2 ;;
    --strategies) STRATEGIES="$2"; shift 2 ;;
    --keep-running) KEEP=true; shift ;;
    --no-build) BUILD=false; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$DATA" && -d "$DATA" ]] || { echo "give an existing dataset folder with --data DIR" >&2; exit 2; }
DATA="$(cd "$DATA" && pwd)"
name="$(basename "$DATA")"
log() { printf '[k8s] %s\n' "$*" >&2; }
die() { printf '[k8s] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=deploy/k8s/lib.sh
source "$REPO/deploy/k8s/lib.sh"
GATEWAY_PORT="${TRANSFERLAB_GATEWAY_PORT:-8080}"
DATASET_PORT="${DATASET_SERVICE_PORT:-8081}"

engine_was_running=false
"$REPO/deploy/images/engine.sh" status | grep -q running && engine_was_running=true
if [[ "$BUILD" == true ]]; then
  "$REPO/deploy/images/build.sh"
fi
rm -rf "$K8S_WORK" && mkdir -p "$K8S_WORK/overlay"
K8S_FORWARD_PID="" dataset_forward=""
cleanup() {
  [[ -n "$K8S_FORWARD_PID" && "$KEEP" == false ]] && kill "$K8S_FORWARD_PID" 2>/dev/null
  [[ -n "$dataset_forward" ]] && kill "$dataset_forward" 2>/dev/null
  if [[ "$KEEP" == false ]]; then
    "$REPO/deploy/k8s/cluster/cluster.sh" stop || true
  else
    echo "the cluster is still running (eval \"\$(deploy/k8s/cluster/cluster.sh env)\"; kubectl -n transferlab get pods);" \
         "stop it with deploy/k8s/cluster/cluster.sh stop"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

k8s_start_with_images
# the images are in the cluster now: the Docker engine is stopped if this run (its build) started it
[[ "$engine_was_running" == true ]] || "$REPO/deploy/images/engine.sh" stop
# the local overlay, with the trainer settings given in the environment
# the local token issuer (deploy/local/auth.sh): its public key in Secret transferlab-auth, a researcher's token for the CLI
k8s_auth_secret "$K8S_WORK/overlay/auth-secret.yaml"
k8s_password_secrets "$K8S_WORK/overlay/password-secrets.yaml"
TRANSFERLAB_TOKEN="$("$REPO/deploy/local/auth.sh" token researcher "${USER:-local-user}" 24)"
export TRANSFERLAB_TOKEN
settings="$(env | grep '^TRANSFERLAB_TRAINER_' | sed 's/^\([^=]*\)=\(.*\)$/        \1: "\2"/' || true)"
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources: [$(realpath --relative-to="$K8S_WORK/overlay" "$REPO/deploy/k8s/overlays/local"), auth-secret.yaml, password-secrets.yaml]"
  if [[ -n "$settings" ]]; then
    printf 'patches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: transferlab-config\n      data:\n%s\n' "$settings"
  fi
} >"$K8S_WORK/overlay/kustomization.yaml"
k8s_render "$K8S_WORK/overlay" "$K8S_WORK/local.yaml"
k8s_apply_and_wait "$K8S_WORK/local.yaml"
log "copying $DATA into the storage root as datasets/$name"
k8s_copy_dataset "$DATA" "$name"
k8s_forward_gateway "$GATEWAY_PORT"
kubectl -n "$K8S_NAMESPACE" port-forward --address 127.0.0.1 svc/dataset-service "$DATASET_PORT:8080" \
  >"$K8S_WORK/dataset-forward.log" 2>&1 &
dataset_forward=$!
sleep 2
"$REPO/cli/transferlab" register --dataset-service "http://127.0.0.1:$DATASET_PORT" --path "datasets/$name"
args=(submit --gateway "http://127.0.0.1:$GATEWAY_PORT" --dataset "datasets/$name" --preset seed-2020
      --strategies "$STRATEGIES" --until COMPLETE)
[[ -n "$CLASSES" ]] && args+=(--classes "$CLASSES")
status=0
"$REPO/cli/transferlab" "${args[@]}" || status=$?
exit "$status"
