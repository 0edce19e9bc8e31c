# Shared by the deploy/local scripts (sourced, not run).

# A PID file is live only if its process runs and is the program we started (PIDs get reused).
# Prints the PID when live.
live_pid() { # pidfile pattern
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(head -n1 "$1" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" \
    && { echo "$pid"; return 0; }
  return 1
}

# Waits until a process just started in the background has exec'd into what its PID file expects. Right after
# `cmd &`, $! is a forked copy of this shell (its cmdline is the script's) until nohup/java/dockerd exec: a
# live_pid check in that instant reads "exited" (a CI run failed so, with an empty log). Fails when it dies.
await_exec() { # pidfile pattern
  local pid
  pid="$(head -n1 "$1" | tr -dc '0-9')"
  for _ in $(seq 1 100); do
    live_pid "$1" "$2" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Stops one process by its PID: the signal (TERM by default), up to 30 s, then KILL.
stop_pid() { # pid [signal]
  kill "-${2:-TERM}" "$1" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$1" 2>/dev/null || true
}

# Resolves the Kafka broker jars (deploy/local/kafka/pom.xml) from Maven Central into a folder, once per version of
# that pom (infra.sh runs them; the Kafka image is made of them). Needs REPO, log and die.
kafka_resolve_libs() { # dest
  local stamp="$1/.resolved-from"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$(md5sum <"$REPO/deploy/local/kafka/pom.xml")" ]]; then
    return 0
  fi
  log "resolving the Kafka 4.1 broker jars from Maven Central"
  rm -rf "$1"
  "$REPO/mvnw" -B -q -f "$REPO/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$1" >&2 || die "could not resolve the Kafka jars"
  md5sum <"$REPO/deploy/local/kafka/pom.xml" >"$stamp"
}
