#!/usr/bin/env bash
# Starts and stops the real infrastructure TransferLab needs on this machine:
#   - Apache Kafka 4.1 (KRaft, single node) from its Maven Central jars, listening on 127.0.0.1 only, every client
#     signing in with SASL/SCRAM as its own user and allowed only its own topics (deploy/images/kafka/access.sh);
#   - PostgreSQL 15 from Debian's packages (installed when missing), loopback only, one database per service, each
#     owned by the service's own role (transferlab_<service>, a random password each, no other role may connect to
#     it) and an operator role (transferlab, superuser, for drills and maintenance).
# Usage: deploy/local/infra.sh start|stop|status
# The settings land in .run/env (source it, or let run.sh do it). Only processes started here are stopped,
# by the PIDs recorded here; starting twice, or after a crash left stale PID files, works.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRANSFERLAB_RUN_DIR:-$REPO/.run}"
KAFKA_PORT="${TRANSFERLAB_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${TRANSFERLAB_KAFKA_CONTROLLER_PORT:-19093}"
PG_PORT="${TRANSFERLAB_PG_PORT:-55432}"
PG_ADMIN=transferlab
PG_BIN="${TRANSFERLAB_PG_BIN:-/usr/lib/postgresql/15/bin}"
SERVICES=(gateway dataset trainer evaluator)

KAFKA_DIR="$RUN_DIR/kafka"
KAFKA_PID="$KAFKA_DIR/kafka.pid"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- PostgreSQL
pg_data_dir() {
  # The postgres user must be able to reach the data folder; a checkout under a private home may not allow it.
  local preferred="$RUN_DIR/pg"
  mkdir -p "$RUN_DIR"
  if runuser -u postgres -- test -x "$RUN_DIR" 2>/dev/null; then
    echo "$preferred"
  else
    echo "/var/tmp/transferlab-pg-$(printf '%s' "$REPO" | md5sum | cut -c1-10)"
  fi
}

pg_install() {
  [[ -x "$PG_BIN/initdb" ]] && return 0
  log "installing PostgreSQL 15 from Debian's packages"
  command -v apt-get >/dev/null || die "PostgreSQL 15 is missing and apt-get is not available"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql-15 >/dev/null
  [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL 15 did not install ($PG_BIN/initdb missing)"
}

pg_psql() { runuser -u postgres -- "$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -d postgres -qtAX -v ON_ERROR_STOP=1 "$@"; }

pg_start() {
  pg_install
  PG_ROOT="$(pg_data_dir)"
  PG_DATA="$PG_ROOT/data"
  PG_SOCK="$PG_ROOT/sock"
  mkdir -p "$PG_ROOT" "$PG_SOCK"
  chown postgres:postgres "$PG_ROOT" "$PG_SOCK"
  chmod 700 "$PG_ROOT"
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "initialising a PostgreSQL cluster in $PG_DATA"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1 || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
  fi
  if live_pid "$PG_DATA/postmaster.pid" postgres >/dev/null; then
    log "PostgreSQL already running (pid $(head -n1 "$PG_DATA/postmaster.pid"))"
  else
    rm -f "$PG_DATA/postmaster.pid"   # stale: its process is gone
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/postgres.log" -w -t 60 start \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null \
      || { tail -n 30 "$PG_ROOT/postgres.log" >&2; die "PostgreSQL did not start"; }
  fi
  echo "$PG_ROOT" >"$RUN_DIR/pg.root"
  local admin_password
  admin_password="$(pg_password admin)"
  if [[ "$(pg_psql -c "select 1 from pg_roles where rolname='$PG_ADMIN'")" != 1 ]]; then
    pg_psql -c "create role $PG_ADMIN login superuser password '$admin_password'"
  else
    pg_psql -c "alter role $PG_ADMIN login superuser password '$admin_password'"
  fi
  local svc db role
  for svc in "${SERVICES[@]}"; do
    role="transferlab_$svc"
    if [[ "$(pg_psql -c "select 1 from pg_roles where rolname='$role'")" != 1 ]]; then
      pg_psql -c "create role $role login password '$(pg_password "$svc")'"
    else
      pg_psql -c "alter role $role login nosuperuser password '$(pg_password "$svc")'"
    fi
    for db in "transferlab_$svc" "transferlab_${svc}_test"; do
      if [[ "$(pg_psql -c "select 1 from pg_database where datname='$db'")" != 1 ]]; then
        pg_psql -c "create database $db owner $role"
      else
        # a cluster made before per-service roles: the database and what is in it pass to the service's role
        pg_psql -c "alter database $db owner to $role"
        runuser -u postgres -- "$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -d "$db" -qtAX -v ON_ERROR_STOP=1 \
          -c "reassign owned by $PG_ADMIN to $role" >/dev/null
      fi
      # only its own role (and the operator) may connect
      pg_psql -c "revoke connect, temporary on database $db from public"
    done
  done
  PGPASSWORD="$(pg_password gateway)" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U transferlab_gateway -d transferlab_gateway \
    -qtAX -c "select 1" >/dev/null || die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"
  if PGPASSWORD="$(pg_password gateway)" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U transferlab_gateway \
      -d transferlab_trainer -qtAX -c "select 1" >/dev/null 2>&1; then
    die "the gateway's role can connect to the trainer's database: the per-service roles are not in force"
  fi
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT (a database per service, transferlab_<service> and _test, each owned by"\
    "role transferlab_<service>; passwords in $RUN_DIR/pg-passwords, made by deploy/local/secrets.sh)"
}

pg_password() { "$REPO/deploy/local/secrets.sh" pg-password "$1"; }

pg_stop() {
  [[ -f "$RUN_DIR/pg.root" ]] || { log "PostgreSQL was not started here"; return 0; }
  local root pid
  root="$(cat "$RUN_DIR/pg.root")"
  if pid="$(live_pid "$root/data/postmaster.pid" postgres)"; then
    log "stopping PostgreSQL (pid $pid)"
    stop_pid "$pid" INT   # PostgreSQL's fast shutdown
  fi
  rm -f "$RUN_DIR/pg.root"
}

# ---------------------------------------------------------------- Kafka
kafka_java() { java -Xms256m -Xmx768m -Dlog4j2.configurationFile="$REPO/deploy/local/kafka/log4j2.yaml" -cp "$KAFKA_DIR/libs/*" "$@"; }

kafka_start() {
  mkdir -p "$KAFKA_DIR"
  if pid="$(live_pid "$KAFKA_PID" kafka.Kafka)"; then
    [[ -f "$KAFKA_DIR/data/.transferlab-scram" ]] || die "the running Kafka (pid $pid) was started before the broker" \
      "required SASL/SCRAM sign-in: stop it (deploy/local/infra.sh stop) and start again"
    log "Kafka already running (pid $pid)"
    return 0
  fi
  rm -f "$KAFKA_PID"
  kafka_resolve_libs "$KAFKA_DIR/libs"
  # the users' passwords (deploy/local/secrets.sh) and what each may do (deploy/images/kafka/access.sh)
  eval "$("$REPO/deploy/local/secrets.sh" kafka-env)"
  # shellcheck source=deploy/images/kafka/access.sh
  source "$REPO/deploy/images/kafka/access.sh"
  (umask 077 && cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=CLIENT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
$(kafka_security_properties)
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
  )
  kafka_admin_client_config "$KAFKA_DIR/admin.properties"
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    log "formatting Kafka storage in $KAFKA_DIR/data (with its SCRAM users)"
    local scram=()
    mapfile -t scram < <(kafka_format_scram_args)
    kafka_java kafka.tools.StorageTool format --standalone -t "$(kafka_java kafka.tools.StorageTool random-uuid)" \
      -c "$KAFKA_DIR/server.properties" "${scram[@]}" >"$KAFKA_DIR/format.log" 2>&1 \
      || { cat "$KAFKA_DIR/format.log" >&2; die "Kafka format failed"; }
    touch "$KAFKA_DIR/data/.transferlab-scram"
  elif [[ ! -f "$KAFKA_DIR/data/.transferlab-scram" ]]; then
    die "the Kafka storage in $KAFKA_DIR/data was formatted before the broker required SASL/SCRAM sign-in, so it" \
      "holds no users and nobody could sign in; remove it (its topics are lost; the services' databases keep" \
      "their state) with: rm -rf '$KAFKA_DIR/data', then start again"
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT (SASL/SCRAM sign-in, per-service ACLs)"
  nohup java -Xms256m -Xmx768m -Dlog4j2.configurationFile="$REPO/deploy/local/kafka/log4j2.yaml" \
    -cp "$KAFKA_DIR/libs/*" kafka.Kafka "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/kafka.log" 2>&1 </dev/null &
  echo $! >"$KAFKA_PID"
  await_exec "$KAFKA_PID" kafka.Kafka || { tail -n 40 "$KAFKA_DIR/kafka.log" >&2; die "Kafka exited during start"; }
  local ready=
  for _ in $(seq 1 120); do
    live_pid "$KAFKA_PID" kafka.Kafka >/dev/null || { tail -n 40 "$KAFKA_DIR/kafka.log" >&2; die "Kafka exited during start"; }
    if port_open "$KAFKA_PORT" && kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
        --command-config "$KAFKA_DIR/admin.properties" --list >/dev/null 2>&1; then
      ready=1
      break
    fi
    sleep 0.5
  done
  [[ -n "$ready" ]] || die "Kafka did not become ready in 60 s (see $KAFKA_DIR/kafka.log)"
  local fingerprint
  fingerprint="$(kafka_access_fingerprint)"
  if [[ "$(cat "$KAFKA_DIR/data/.transferlab-access" 2>/dev/null)" != "$fingerprint" ]]; then
    log "granting each service's user its topics and groups (ACLs)"
    kafka_apply_acls kafka_java "127.0.0.1:$KAFKA_PORT" "$KAFKA_DIR/admin.properties" || die "Kafka ACLs could not be set"
    echo "$fingerprint" >"$KAFKA_DIR/data/.transferlab-access"
  fi
  log "Kafka ready on 127.0.0.1:$KAFKA_PORT (pid $(cat "$KAFKA_PID"); users and passwords in $RUN_DIR/kafka-passwords)"
}

kafka_stop() {
  local pid
  if pid="$(live_pid "$KAFKA_PID" kafka.Kafka)"; then
    log "stopping Kafka (pid $pid)"
    stop_pid "$pid"
  fi
  rm -f "$KAFKA_PID"
}

write_env() {
  mkdir -p "$RUN_DIR/storage"
  : >"$RUN_DIR/env"
  chmod 600 "$RUN_DIR/env"   # it holds the roles' passwords (set before they are written; an older file kept its mode)
  cat >"$RUN_DIR/env" <<ENV
# Written by deploy/local/infra.sh; the services read these variables.
export TRANSFERLAB_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
export TRANSFERLAB_PG_HOST=127.0.0.1
export TRANSFERLAB_PG_PORT=$PG_PORT
# each service connects as its own role (transferlab_<service>) with its own password; the operator role is for
# drills and maintenance only
$("$REPO/deploy/local/secrets.sh" pg-env)
export TRANSFERLAB_PG_ADMIN_USER=$PG_ADMIN
# each service signs in to Kafka as its own user (transferlab-<service>); the admin user is for drills and tests
$("$REPO/deploy/local/secrets.sh" kafka-env)
export TRANSFERLAB_KAFKA_ADMIN_USER=transferlab-admin
export TRANSFERLAB_STORAGE_ROOT=${TRANSFERLAB_STORAGE_ROOT:-$RUN_DIR/storage}
ENV
  log "settings written to $RUN_DIR/env"
}

case "${1:-}" in
  start)
    command -v java >/dev/null || die "java (17+) is required"
    pg_start
    kafka_start
    write_env
    ;;
  stop)
    kafka_stop
    pg_stop
    ;;
  status)
    if pid="$(live_pid "$KAFKA_PID" kafka.Kafka)"; then echo "kafka: running (pid $pid)"; else echo "kafka: stopped"; fi
    if [[ -f "$RUN_DIR/pg.root" ]] && pid="$(live_pid "$(cat "$RUN_DIR/pg.root")/data/postmaster.pid" postgres)"; then
      echo "postgres: running (pid $pid)"; else echo "postgres: stopped"; fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
