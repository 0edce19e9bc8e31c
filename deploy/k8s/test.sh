#!/usr/bin/env bash
# The Kubernetes test (run by .ci/run after the compose test): build (or reuse) the API server and node binaries,
# start the single-node 1.20 cluster (deploy/k8s/cluster), load the images, validate every overlay against the real
# API server (kubectl apply --dry-run=server), apply the local overlay with test settings, wait for every rollout,
# run a small study to COMPLETE, kill the trainer pod mid-training (SIGKILL, no grace) and see the study still
# complete with no run trained twice; tear everything down. Always stops what it started.
#   deploy/k8s/test.sh [--build]      --build: build the images first (deploy/images/build.sh)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
K8S_WORK="$REPO/target/k8s-test"
PORT="${TRANSFERLAB_K8S_TEST_PORT:-18280}"
log() { printf '[k8s-test] %s\n' "$*" >&2; }
die() { printf '[k8s-test] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=deploy/k8s/lib.sh
source "$REPO/deploy/k8s/lib.sh"
# shellcheck source=deploy/testing/study.sh
source "$REPO/deploy/testing/study.sh"
t0=$SECONDS
stage() { log "$1 ($((SECONDS - t0)) s)"; }

[[ "${1:-}" == --build ]] && "$REPO/deploy/images/build.sh"
rm -rf "$K8S_WORK" && mkdir -p "$K8S_WORK"
K8S_FORWARD_PID=""
finish() {
  local rc=$?
  if (( rc != 0 )) && [[ -n "${KUBECONFIG:-}" ]]; then
    { kubectl -n "$K8S_NAMESPACE" get all -o wide; kubectl -n "$K8S_NAMESPACE" get events --sort-by=.lastTimestamp | tail -40
      for p in $(kubectl -n "$K8S_NAMESPACE" get pods -o name); do echo "== $p"; kubectl -n "$K8S_NAMESPACE" logs --tail 40 "$p"; done
    } >"$K8S_WORK/cluster-state.log" 2>&1 || true
    log "FAILED; the cluster's state and the pods' last lines are in $K8S_WORK/cluster-state.log"
  fi
  [[ -n "$K8S_FORWARD_PID" ]] && kill "$K8S_FORWARD_PID" 2>/dev/null
  "$REPO/deploy/k8s/cluster/cluster.sh" stop || true
  exit "$rc"
}
trap finish EXIT

k8s_start_with_images
stage "cluster up, images loaded"

# every overlay validates against the real API server
kubectl create namespace "$K8S_NAMESPACE" >/dev/null
for overlay in local gpu production; do
  k8s_render "$REPO/deploy/k8s/overlays/$overlay" "$K8S_WORK/$overlay.yaml"
  kubectl apply --dry-run=server -f "$K8S_WORK/$overlay.yaml" >"$K8S_WORK/$overlay.dry-run.log" \
    || die "overlay $overlay does not validate against the API server"
  log "overlay $overlay validates ($(grep -c '^kind:' "$K8S_WORK/$overlay.yaml") objects)"
done
# and a mistake would be caught: an unknown field is refused
sed 's/^\(\s*\)terminationGracePeriodSeconds:/\1terminationGracePeriodSecond:/' "$K8S_WORK/local.yaml" >"$K8S_WORK/broken.yaml"
if kubectl apply --dry-run=server -f "$K8S_WORK/broken.yaml" >/dev/null 2>"$K8S_WORK/broken.log"; then
  die "the API server accepted an unknown field"
fi
stage "overlays validated (an unknown field is refused: $(grep -o 'unknown field "[^"]*"' "$K8S_WORK/broken.log" | head -1))"

# the local overlay, with settings for a small quick study (as the system tests: 64x64 images, capped epochs,
# a 10 s lease so that a killed trainer's job is taken again soon)
mkdir -p "$K8S_WORK/overlay"
k8s_auth_secret "$K8S_WORK/overlay/auth-secret.yaml"
k8s_password_secrets "$K8S_WORK/overlay/password-secrets.yaml"
TRANSFERLAB_TOKEN="$("$REPO/deploy/local/auth.sh" token researcher k8s-test 2)"
export TRANSFERLAB_TOKEN
cat >"$K8S_WORK/overlay/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$K8S_WORK/overlay" "$REPO/deploy/k8s/overlays/local")
  - auth-secret.yaml
  - password-secrets.yaml
patches:
  - patch: |-
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: transferlab-config
      data:
        TRANSFERLAB_TRAINER_IMAGE_SIZE: "64"
        TRANSFERLAB_TRAINER_FEATURE_EXTRACTION_EPOCHS: "4"
        TRANSFERLAB_TRAINER_FINE_TUNING_EPOCHS: "20"
        TRANSFERLAB_QUEUE_LEASE: 10s
        TRANSFERLAB_QUEUE_HEARTBEAT: 2s
YAML
k8s_render "$K8S_WORK/overlay" "$K8S_WORK/test.yaml"
k8s_apply_and_wait "$K8S_WORK/test.yaml"
stage "local overlay applied, every rollout done"

python3 "$REPO/deploy/testing/make-dataset.py" "$K8S_WORK/colours" 3 12
k8s_copy_dataset "$K8S_WORK/colours" colours
k8s_forward_gateway "$PORT"
GATEWAY="http://127.0.0.1:$PORT"
check_auth "$("$REPO/deploy/local/auth.sh" token viewer k8s-viewer 1)"
check_broker_refuses kubectl -n "$K8S_NAMESPACE" exec statefulset/kafka --
id="$(post_study datasets/colours '["fe", "ft"]')"
stage "study $id posted"

# kill the trainer while it fine-tunes (SIGKILL: no grace, the job stays leased to a dead worker)
trainer="" deadline=$((SECONDS + 900))
while (( SECONDS < deadline )); do
  if api "$GATEWAY/studies/$id/results" | python3 -c '
import json, sys
sys.exit(0 if any(r["strategy"] == "ft" and r["state"] == "TRAINING" and (r.get("epoch") or 0) >= 1
                  for r in json.load(sys.stdin)) else 1)'; then
    trainer="$(kubectl -n "$K8S_NAMESPACE" get pod -l app.kubernetes.io/name=trainer-service -o jsonpath='{.items[0].metadata.name}')"
    break
  fi
  sleep 0.5
done
[[ -n "$trainer" ]] || die "no fine-tuning started in 15 min"
kubectl -n "$K8S_NAMESPACE" delete pod "$trainer" --grace-period=0 --force >/dev/null 2>&1
killed=$SECONDS
stage "trainer pod $trainer killed mid fine-tuning"

await_complete "$id" 1500
stage "study COMPLETE $((SECONDS - killed)) s after the kill"
check_results "$id" 6
# no run trained twice: 6 CheckpointCreated on the broker, 6 jobs each DONE once, 6 evaluations
kubectl -n "$K8S_NAMESPACE" exec statefulset/kafka -- java -cp '/opt/kafka/libs/*' \
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml org.apache.kafka.tools.consumer.ConsoleConsumer \
  --bootstrap-server 127.0.0.1:9094 --consumer.config /tmp/admin.properties --topic checkpoint-created --from-beginning --timeout-ms 15000 \
  2>/dev/null | grep -c "$id" >"$K8S_WORK/checkpoints.count" || true
[[ "$(cat "$K8S_WORK/checkpoints.count")" == 6 ]] \
  || die "$(cat "$K8S_WORK/checkpoints.count") CheckpointCreated events for the study, expected 6"
k8s_get trainer-service "/training-jobs?studyId=$id" >"$K8S_WORK/jobs.json"
k8s_get evaluator-service "/evaluations?studyId=$id" >"$K8S_WORK/evaluations.json"
# the surviving trainers' whole logs: a job the killed pod released on its way down (Kubernetes sends SIGTERM first,
# and a stopping worker hands its job back without counting the attempt) shows as resumed there, not in attempts
kubectl -n "$K8S_NAMESPACE" logs -l app.kubernetes.io/name=trainer-service --tail=-1 >"$K8S_WORK/trainer.log" 2>&1 || true
python3 - "$K8S_WORK/jobs.json" "$K8S_WORK/evaluations.json" "$trainer" "$K8S_WORK/trainer.log" <<'PY'
import json, sys
jobs = json.load(open(sys.argv[1]))
evaluations = json.load(open(sys.argv[2]))
resumed_in_log = [line.strip() for line in open(sys.argv[4]) if "resumed from its epoch checkpoint" in line]
assert len(jobs) == 6 and all(j["state"] == "DONE" for j in jobs), f"jobs: {[(j['strategy'], j['state']) for j in jobs]}"
assert len(evaluations) == 6, f"{len(evaluations)} evaluations, expected 6 (a run trained twice?)"
keys = {(e["runId"], e["strategy"]) for e in evaluations}
assert len(keys) == 6, f"evaluations not one per run and strategy: {sorted(keys)}"
resumed = [j for j in jobs if j["attempts"] > 1]
assert resumed or resumed_in_log, "no job was taken again after the kill"
for line in resumed_in_log:
    print(f"[k8s-test] taken again after the kill: {line[line.find('ft of run'):] if 'ft of run' in line else line}")
owners = {j["owner"] for j in jobs if j.get("owner")}
for j in resumed:
    print(f"[k8s-test] {j['strategy']} of run {j['runId'][:8]} taken again after the kill (attempts {j['attempts']}), "
          f"resumed from its epoch checkpoint, done at epoch {j['epoch']}/{j['maxEpochs']} on {j['device']}")
print(f"[k8s-test] 6 CheckpointCreated, 6 jobs DONE, 6 evaluations, none twice; trainers: {sorted(owners)}")
PY
stage "no run trained twice"
