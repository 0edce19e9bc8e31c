#!/bin/bash
# First start: initdb, the operator role POSTGRES_USER (superuser, POSTGRES_PASSWORD), and for each database in
# TRANSFERLAB_DATABASES (space-separated, transferlab_<service>) a login role of the same name that owns it, with the
# password in TRANSFERLAB_PG_PASSWORD_<SERVICE>; no other role may connect to it. Later starts only run the server.
set -euo pipefail
: "${POSTGRES_USER:=transferlab}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
: "${TRANSFERLAB_DATABASES:=transferlab_gateway transferlab_dataset transferlab_trainer transferlab_evaluator}"
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  initdb -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  printf "host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -k /run/postgresql" start >/dev/null
  psql -h /run/postgresql -U postgres -v ON_ERROR_STOP=1 -qtAX \
    -c "create role \"$POSTGRES_USER\" login superuser password '${POSTGRES_PASSWORD//\'/\'\'}'"
  for db in $TRANSFERLAB_DATABASES; do
    var="TRANSFERLAB_PG_PASSWORD_$(tr 'a-z' 'A-Z' <<<"${db#transferlab_}")"
    password="${!var:-}"
    [[ -n "$password" ]] || { echo "[postgres] $var must be set (the password of role $db)" >&2; exit 1; }
    psql -h /run/postgresql -U postgres -v ON_ERROR_STOP=1 -qtAX \
      -c "create role \"$db\" login password '${password//\'/\'\'}'" \
      -c "create database \"$db\" owner \"$db\"" \
      -c "revoke connect, temporary on database \"$db\" from public"
  done
  pg_ctl -D "$PGDATA" -w stop >/dev/null
  echo "[postgres] initialised $PGDATA with databases (each owned by the role of its name): $TRANSFERLAB_DATABASES"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" -k /run/postgresql
