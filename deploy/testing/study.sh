# A small study through a deployed gateway, for the compose and Kubernetes tests (sourced, not run).
# Needs curl and python3; GATEWAY is the gateway's base URL, TRANSFERLAB_TOKEN a bearer token (deploy/local/auth.sh).

# curl with the bearer token
api() { curl -fsS -H "Authorization: Bearer ${TRANSFERLAB_TOKEN:?set TRANSFERLAB_TOKEN (deploy/local/auth.sh token researcher)}" "$@"; }

# Checks that the gateway refuses to start a study without a token (401) and with a viewer's (403).
check_auth() { # viewer-token
  local anonymous viewer
  anonymous="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{}' "$GATEWAY/studies")"
  viewer="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    -d '{}' "$GATEWAY/studies")"
  echo "[study] POST /studies without a token: $anonymous, with a viewer's: $viewer"
  [[ "$anonymous" == 401 && "$viewer" == 403 ]] || { echo "[study] expected 401 and 403" >&2; return 1; }
}

# The deployment's broker refuses a forged event: an EvaluationCompleted sent with the trainer's own credentials (it may
# not write that topic), and one sent as the evaluator with a wrong password. RUN: the command prefix that runs a
# command in the Kafka container (docker exec NAME, kubectl exec …), whose environment has the users' passwords.
check_broker_refuses() { # run-prefix...
  local out
  # shellcheck disable=SC2016  # expanded inside the container
  out="$("$@" bash -c '
    forge() { # user password
      printf "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nmax.block.ms=10000\n" >/tmp/forger.properties
      printf "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";\n" \
        "$1" "$2" >>/tmp/forger.properties
      printf "bootstrap.servers=127.0.0.1:9094\nacks=all\n" >>/tmp/forger.properties
      # (Kafka'"'"'s perf producer prints why a record was refused; the console producer logs it through SLF4J, silent here)
      java -Xmx128m -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp "/opt/kafka/libs/*" \
        org.apache.kafka.tools.ProducerPerformance --topic evaluation-completed --num-records 1 --record-size 16 \
        --throughput -1 --producer.config /tmp/forger.properties 2>&1
      rm -f /tmp/forger.properties
    }
    echo "== trainer"; forge transferlab-trainer "$TRANSFERLAB_KAFKA_PASSWORD_TRAINER"
    echo "== wrong password"; forge transferlab-evaluator not-the-password' 2>&1)" || true
  if grep -q "TopicAuthorizationException\|Not authorized to access topics" <<<"${out%%== wrong password*}" \
      && grep -q "SaslAuthenticationException\|Authentication failed" <<<"${out##*== wrong password}"; then
    echo "[study] the broker refused a forged evaluation-completed: with the trainer's credentials (not authorized)," \
      "and with a wrong password (authentication failed)"
  else
    printf '%s\n' "$out" | tail -n 20 >&2
    echo "[study] expected the broker to refuse both forged records" >&2
    return 1
  fi
}

# Posts a study and prints its id.
post_study() { # dataset-path strategies-json
  api -H 'Content-Type: application/json' \
    -d "{\"datasetPath\": \"$1\", \"preset\": \"seed-2020\", \"strategies\": $2}" "$GATEWAY/studies" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# The study's state and, per run, the strategy states on one line, e.g. TRAINING large:fe=COMPLETE,ft=TRAINING …
study_line() { # id
  api "$GATEWAY/studies/$1/results" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(" ".join("%s:%s=%s%s" % (r["size"], r["strategy"], r["state"], " (epoch %s)" % r["epoch"] if r.get("epoch") else "")
               for r in rows))'
}

# Waits until the study is COMPLETE (fails when it FAILED or after a time-out); prints progress now and then.
await_complete() { # id timeout-seconds
  local id="$1" deadline=$((SECONDS + $2)) state="" last=""
  while (( SECONDS < deadline )); do
    state="$(api "$GATEWAY/studies/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])' || echo unreachable)"
    [[ "$state" == COMPLETE ]] && { echo "[study] $id COMPLETE"; return 0; }
    [[ "$state" == FAILED ]] && { echo "[study] $id FAILED" >&2; api "$GATEWAY/studies/$id" >&2; return 1; }
    line="$state $(study_line "$id" 2>/dev/null || true)"
    [[ "$line" != "$last" ]] && echo "[study] $line"
    last="$line"
    sleep 5
  done
  echo "[study] $id not COMPLETE after $2 s (state $state)" >&2
  return 1
}

# Checks that every run of the study has a micro-F1 in [0, 1] and prints the results table.
check_results() { # id expected-rows
  api "$GATEWAY/studies/$1/results" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
expected = int(sys.argv[1])
assert len(rows) == expected, "%d results, expected %d" % (len(rows), expected)
for r in rows:
    f1 = r.get("microF1")
    assert r["state"] == "COMPLETE" and f1 is not None and 0.0 <= f1 <= 1.0, "run without F1: %s" % r
    print("[study] %-6s %-3s micro-F1 %.4f epochs %s" % (r["size"], r["strategy"], f1, r.get("epochs")))
' "$2"
}
