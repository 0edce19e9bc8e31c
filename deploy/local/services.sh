#!/usr/bin/env bash
# Starts and stops the four TransferLab services as local processes (after deploy/local/infra.sh start).
# Usage: deploy/local/services.sh start|stop|status
# Logs in .run/logs/<service>.log, PIDs in .run/pids/<service>.pid; only those PIDs are ever stopped.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRANSFERLAB_RUN_DIR:-$REPO/.run}"
declare -A PORTS=([gateway]="${GATEWAY_PORT:-8080}" [dataset-service]="${DATASET_SERVICE_PORT:-8081}"
                  [trainer-service]="${TRAINER_SERVICE_PORT:-8082}" [evaluator-service]="${EVALUATOR_SERVICE_PORT:-8083}")
ORDER=(dataset-service trainer-service evaluator-service gateway)

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start() {
  [[ -f "$RUN_DIR/env" ]] || die "no $RUN_DIR/env: run deploy/local/infra.sh start first"
  # shellcheck disable=SC1091
  source "$RUN_DIR/env"
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids"
  # the gateway and the dataset-service verify bearer tokens against this key: the local issuer's (deploy/local/auth.sh)
  # unless one is given (a real OIDC provider's)
  if [[ -z "${TRANSFERLAB_AUTH_PUBLIC_KEY:-}" ]]; then
    TRANSFERLAB_AUTH_PUBLIC_KEY="$("$REPO/deploy/local/auth.sh" public-key)"
  fi
  export TRANSFERLAB_AUTH_PUBLIC_KEY
  local svc jar pid
  for svc in "${ORDER[@]}"; do
    jar="$REPO/$svc/target/quarkus-app/quarkus-run.jar"
    [[ -f "$jar" ]] || die "$jar is missing: build with ./mvnw -B install -DskipTests"
    if pid="$(live_pid "$RUN_DIR/pids/$svc.pid" "$svc/target/quarkus-app")"; then
      log "$svc already running (pid $pid)"
      continue
    fi
    log "starting $svc on port ${PORTS[$svc]}"
    # the gateway's study form asks the dataset-service for the registered datasets
    # the trainer's dense heads train in Java's vector API when the JVM has the module (libs/ml VectorHeadKernel)
    nohup java ${TRANSFERLAB_SERVICE_JAVA_OPTS:--Xmx2g} --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dquarkus.http.port="${PORTS[$svc]}" \
      -Dtransferlab.gateway.dataset-service-url="http://127.0.0.1:${PORTS[dataset-service]}" \
      -jar "$jar" >"$RUN_DIR/logs/$svc.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/pids/$svc.pid"
    await_exec "$RUN_DIR/pids/$svc.pid" "$svc/target/quarkus-app" \
      || { tail -n 40 "$RUN_DIR/logs/$svc.log" >&2; die "$svc exited during start"; }
  done
  for svc in "${ORDER[@]}"; do
    for _ in $(seq 1 240); do
      curl -fsS "http://127.0.0.1:${PORTS[$svc]}/q/health/ready" >/dev/null 2>&1 && break
      live_pid "$RUN_DIR/pids/$svc.pid" "$svc/target/quarkus-app" >/dev/null \
        || { tail -n 40 "$RUN_DIR/logs/$svc.log" >&2; die "$svc exited during start"; }
      sleep 0.5
    done
    curl -fsS "http://127.0.0.1:${PORTS[$svc]}/q/health/ready" >/dev/null 2>&1 || die "$svc is not ready after 120 s"
    log "$svc ready: http://127.0.0.1:${PORTS[$svc]} (OpenAPI at /q/openapi)"
  done
}

stop() {
  local svc pid
  for svc in gateway evaluator-service trainer-service dataset-service; do
    if pid="$(live_pid "$RUN_DIR/pids/$svc.pid" "$svc/target/quarkus-app")"; then
      log "stopping $svc (pid $pid)"
      stop_pid "$pid"
    fi
    rm -f "$RUN_DIR/pids/$svc.pid"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    for svc in "${ORDER[@]}"; do
      if pid="$(live_pid "$RUN_DIR/pids/$svc.pid" "$svc/target/quarkus-app")"; then
        echo "$svc: running (pid $pid, port ${PORTS[$svc]})"; else echo "$svc: stopped"; fi
    done ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
