#!/usr/bin/env bash
# A Docker engine of the project's own (Debian's docker.io), for building images and running the compose stack:
# its own config, socket, data root and PID file, so it never touches a system engine. Images persist between
# runs in its data root (the cache), which is what lets build.sh reuse what is already built.
# Usage: deploy/images/engine.sh start|stop|status|env
#   env prints `export DOCKER_HOST=…` for the clients (docker, docker-compose).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRANSFERLAB_RUN_DIR:-$REPO/.run}"
CACHE="${TRANSFERLAB_CACHE:-$HOME/.cache/transferlab}"
ENGINE_DIR="$RUN_DIR/docker"
DATA_ROOT="${TRANSFERLAB_DOCKER_DATA_ROOT:-$CACHE/docker}"
SOCK="$ENGINE_DIR/docker.sock"
PIDFILE="$ENGINE_DIR/dockerd.pid"
# Debian's client; a newer docker earlier on PATH is only a client and talks to this engine just as well
DOCKERD="${TRANSFERLAB_DOCKERD:-/usr/sbin/dockerd}"

log() { printf '[engine] %s\n' "$*" >&2; }
die() { printf '[engine] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=deploy/local/lib.sh
source "$REPO/deploy/local/lib.sh"

install() {
  [[ -x "$DOCKERD" ]] && command -v docker-compose >/dev/null && return 0
  command -v apt-get >/dev/null || die "dockerd is missing and apt-get is not available: install docker.io and docker-compose"
  log "installing Debian's docker.io and docker-compose"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends docker.io docker-compose iptables debootstrap >/dev/null
  [[ -x "$DOCKERD" ]] || die "docker.io did not install ($DOCKERD missing)"
}

start() {
  install
  mkdir -p "$ENGINE_DIR" "$DATA_ROOT"
  if pid="$(live_pid "$PIDFILE" dockerd)"; then
    log "Docker engine already running (pid $pid)"
    return 0
  fi
  rm -f "$PIDFILE" "$SOCK"
  # nofile 20000 is this sandbox's hard limit: a larger default ulimit makes every container fail to start
  cat >"$ENGINE_DIR/daemon.json" <<JSON
{
  "data-root": "$DATA_ROOT",
  "exec-root": "$ENGINE_DIR/exec",
  "pidfile": "$ENGINE_DIR/dockerd.real.pid",
  "hosts": ["unix://$SOCK"],
  "storage-driver": "overlay2",
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 20000, "Soft": 20000}},
  "log-driver": "json-file",
  "log-opts": {"max-size": "20m", "max-file": "2"}
}
JSON
  log "starting dockerd (socket $SOCK, data $DATA_ROOT)"
  nohup "$DOCKERD" --config-file "$ENGINE_DIR/daemon.json" >"$ENGINE_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  await_exec "$PIDFILE" dockerd || { tail -n 30 "$ENGINE_DIR/dockerd.log" >&2; die "dockerd exited during start"; }
  for _ in $(seq 1 120); do
    live_pid "$PIDFILE" dockerd >/dev/null || { tail -n 30 "$ENGINE_DIR/dockerd.log" >&2; die "dockerd exited during start"; }
    DOCKER_HOST="unix://$SOCK" docker info >/dev/null 2>&1 && { log "Docker engine ready (pid $(cat "$PIDFILE"))"; return 0; }
    sleep 0.5
  done
  die "dockerd did not answer in 60 s (see $ENGINE_DIR/dockerd.log)"
}

stop() {
  local pid
  if pid="$(live_pid "$PIDFILE" dockerd)"; then
    log "stopping dockerd (pid $pid)"
    stop_pid "$pid"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if pid="$(live_pid "$PIDFILE" dockerd)"; then echo "docker engine: running (pid $pid)"; else echo "docker engine: stopped"; fi ;;
  env) echo "export DOCKER_HOST=unix://$SOCK" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
