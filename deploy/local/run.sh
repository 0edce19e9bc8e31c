#!/usr/bin/env bash
# The main job: start Kafka, PostgreSQL and the four services, fetch the ImageNet weights, register the Flowers-102
# dataset in the storage root, submit a seed-2020 study to the gateway and follow it in the terminal until its
# results are complete; then print the results table and where the report page is.
#
#   deploy/local/run.sh [--data DIR] [--classes N] [--strategies fe,ft] [--keep-running] [--no-build]
#
# --data DIR      the Flowers-102 folder (Oxford layout or ImageFolder); without it, Flowers-102 is downloaded from
#                 its official site (checksums verified, an interrupted download resumes) into
#                 $TRANSFERLAB_DATASETS_DIR/flowers102 (default ~/.cache/transferlab/datasets/flowers102)
# --classes N     only the first N classes, for a quick look
# --keep-running  leave everything running at the end (stop later with deploy/local/stop.sh)
# Everything this script started is stopped when it ends or is interrupted, unless --keep-running.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRANSFERLAB_RUN_DIR:-$REPO/.run}"
DATA=""
CLASSES=""
STRATEGIES="fe,ft"
KEEP=false
BUILD=true
UNTIL=COMPLETE

while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --classes) CLASSES="$2"; shift 2 ;;
    --strategies) STRATEGIES="$2"; shift 2 ;;
    --keep-running) KEEP=true; shift ;;
    --no-build) BUILD=false; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -n "$DATA" ]]; then
  [[ -d "$DATA" ]] || { echo "dataset folder $DATA does not exist (give one with --data DIR)" >&2; exit 2; }
  DATA="$(cd "$DATA" && pwd)"
fi

cleanup() {
  if [[ "$KEEP" == false ]]; then
    "$REPO/deploy/local/services.sh" stop || true
    "$REPO/deploy/local/infra.sh" stop || true
  else
    echo "everything is still running; stop it with deploy/local/stop.sh"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$REPO"
if [[ "$BUILD" == true ]]; then
  echo "building TransferLab (./mvnw -B -q install -DskipTests)…"
  ./mvnw -B -q install -DskipTests
fi
deploy/local/infra.sh start
deploy/local/fetch-weights.sh
# shellcheck disable=SC1091
source "$RUN_DIR/env"

if [[ -z "$DATA" ]]; then
  DATA="${TRANSFERLAB_DATASETS_DIR:-$HOME/.cache/transferlab/datasets}/flowers102"
  echo "no --data: Oxford 102 Flowers from its official site into $DATA (checksums verified)"
  cli/transferlab fetch --dest "$DATA" >/dev/null
fi

# The dataset enters the storage root as a link: nothing is copied, and the services see it under datasets/. The
# services refuse any link that leads out of the storage root unless it leads into a folder declared as a linked
# root: this dataset's (its real location, links resolved).
name="$(basename "$DATA")"
mkdir -p "$TRANSFERLAB_STORAGE_ROOT/datasets"
ln -sfn "$DATA" "$TRANSFERLAB_STORAGE_ROOT/datasets/$name"
TRANSFERLAB_STORAGE_LINKED_ROOTS="$(cd "$DATA" && pwd -P)"
export TRANSFERLAB_STORAGE_LINKED_ROOTS

deploy/local/services.sh start
# the local user: a researcher's token from the local issuer (deploy/local/auth.sh), sent by the CLI below
TRANSFERLAB_TOKEN="$(deploy/local/auth.sh token researcher "${USER:-local-user}" 24)"
export TRANSFERLAB_TOKEN
# registered (or rescanned, when it already is) at the dataset-service: images per class, unreadable files, version
cli/transferlab register --dataset-service "http://127.0.0.1:${DATASET_SERVICE_PORT:-8081}" --path "datasets/$name"

args=(submit --gateway "http://127.0.0.1:${GATEWAY_PORT:-8080}" --dataset "datasets/$name" --preset seed-2020
      --strategies "$STRATEGIES" --until "$UNTIL")
[[ -n "$CLASSES" ]] && args+=(--classes "$CLASSES")
status=0
cli/transferlab "${args[@]}" || status=$?
# the sign-in link carries the token in the fragment, which the browser keeps to itself (never sent, never logged)
echo "studies and reports (signed in as ${USER:-local-user}, researcher, for 24 h):" \
  "http://127.0.0.1:${GATEWAY_PORT:-8080}/#token=$TRANSFERLAB_TOKEN"
echo "API: http://127.0.0.1:${GATEWAY_PORT:-8080}/q/openapi (another token: deploy/local/auth.sh token viewer|researcher|admin)"
exit "$status"
