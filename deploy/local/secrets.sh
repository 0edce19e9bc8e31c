#!/usr/bin/env bash
# The database roles' passwords, shared by the local infrastructure, docker-compose and the Kubernetes deployments
# this project starts: random, made once, kept in $TRANSFERLAB_RUN_DIR/pg-passwords (default .run, mode 600) as
# name=password lines. Names: admin (the operator role, transferlab) and one per service role (transferlab_<name>).
#
#   deploy/local/secrets.sh pg-password NAME   one password
#   deploy/local/secrets.sh pg-env             export lines for every one: TRANSFERLAB_PG_ADMIN_PASSWORD and
#                                              TRANSFERLAB_PG_PASSWORD_GATEWAY, _DATASET, _TRAINER, _EVALUATOR
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRANSFERLAB_RUN_DIR:-$REPO/.run}"
FILE="$RUN_DIR/pg-passwords"
NAMES=(admin gateway dataset trainer evaluator)

ensure() {
  mkdir -p "$RUN_DIR"
  (umask 077 && touch "$FILE")
  local name
  for name in "${NAMES[@]}"; do
    grep -q "^$name=" "$FILE" || printf '%s=%s\n' "$name" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >>"$FILE"
  done
}

password() { sed -n "s/^$1=//p" "$FILE"; }

case "${1:-}" in
  pg-password)
    [[ " ${NAMES[*]} " == *" ${2:-} "* ]] || { echo "secrets.sh: NAME must be one of ${NAMES[*]}" >&2; exit 2; }
    ensure; password "$2" ;;
  pg-env)
    ensure
    echo "export TRANSFERLAB_PG_ADMIN_PASSWORD=$(password admin)"
    for name in gateway dataset trainer evaluator; do
      echo "export TRANSFERLAB_PG_PASSWORD_${name^^}=$(password "$name")"
    done ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
