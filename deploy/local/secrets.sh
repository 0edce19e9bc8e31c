#!/usr/bin/env bash
# The passwords of the database roles and of the Kafka users, shared by the local infrastructure, docker-compose
# and the Kubernetes deployments this project starts: random, made once, kept in $TRANSFERLAB_RUN_DIR (default
# .run, mode 600) as name=password lines: pg-passwords and kafka-passwords.
# Database names: admin (the operator role, transferlab) and one per service role (transferlab_<name>).
# Kafka names: admin (the operator and the broker itself, transferlab-admin), one per service (transferlab-<name>)
# and replay (the gateway's dead-letter replay, transferlab-replay); deploy/images/kafka/access.sh says what each
# may do.
#
#   deploy/local/secrets.sh pg-password NAME      one database password
#   deploy/local/secrets.sh pg-env                export lines: TRANSFERLAB_PG_ADMIN_PASSWORD and
#                                                 TRANSFERLAB_PG_PASSWORD_GATEWAY, _DATASET, _TRAINER, _EVALUATOR
#   deploy/local/secrets.sh kafka-password NAME   one Kafka password
#   deploy/local/secrets.sh kafka-env             export lines: TRANSFERLAB_KAFKA_ADMIN_PASSWORD and
#                                                 TRANSFERLAB_KAFKA_PASSWORD_GATEWAY, _DATASET, _TRAINER, _EVALUATOR,
#                                                 _REPLAY
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRANSFERLAB_RUN_DIR:-$REPO/.run}"
SERVICES=(gateway dataset trainer evaluator)

names() {   # KIND -> the names it has passwords for
  case "$1" in
    pg) echo admin "${SERVICES[@]}" ;;
    kafka) echo admin "${SERVICES[@]}" replay ;;
  esac
}

ensure() {   # KIND: makes the missing passwords of its file
  local file="$RUN_DIR/$1-passwords" name
  mkdir -p "$RUN_DIR"
  (umask 077 && touch "$file")
  for name in $(names "$1"); do
    grep -q "^$name=" "$file" || printf '%s=%s\n' "$name" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >>"$file"
  done
}

password() { sed -n "s/^$2=//p" "$RUN_DIR/$1-passwords"; }   # KIND NAME

env_lines() {   # KIND PREFIX
  local name
  ensure "$1"
  echo "export $2_ADMIN_PASSWORD=$(password "$1" admin)"
  for name in $(names "$1"); do
    [[ "$name" == admin ]] || echo "export $2_PASSWORD_${name^^}=$(password "$1" "$name")"
  done
}

one() {   # KIND NAME
  [[ " $(names "$1") " == *" ${2:-} "* ]] || { echo "secrets.sh: NAME must be one of $(names "$1")" >&2; exit 2; }
  ensure "$1"; password "$1" "$2"
}

case "${1:-}" in
  pg-password) one pg "${2:-}" ;;
  pg-env) env_lines pg TRANSFERLAB_PG ;;
  kafka-password) one kafka "${2:-}" ;;
  kafka-env) env_lines kafka TRANSFERLAB_KAFKA ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
