#!/bin/bash
# One KRaft node. KAFKA_ADVERTISED_HOST is the name (or address) clients reach it by: the compose service name,
# or the Kubernetes Service's address. Every client signs in with SASL/SCRAM as its own user and may use only its
# own topics (access.sh, the same rules as deploy/local/infra.sh); the users are made when the storage is formatted,
# on the first start, and the ACLs once the broker answers. `transferlab-kafka ready` (the health check) succeeds
# once both are in place.
set -euo pipefail
ready=/tmp/transferlab-kafka-ready
[[ "${1:-}" == ready ]] && exec bash -c "test -f $ready && exec 3<>/dev/tcp/127.0.0.1/9092"
: "${KAFKA_ADVERTISED_HOST:?KAFKA_ADVERTISED_HOST must be set (the host name clients use)}"
: "${KAFKA_ADVERTISED_PORT:=9092}"
: "${KAFKA_PARTITIONS:=3}"
# shellcheck source=deploy/images/kafka/access.sh
source /opt/kafka/access.sh
data=/var/lib/kafka/data
rm -f "$ready"
(umask 077 && cat >/tmp/server.properties <<PROPS
process.roles=broker,controller
node.id=1
# LOCAL: this container's own tools (the ACL setup, tests' kubectl exec), on loopback, advertised as loopback
listeners=CLIENT://0.0.0.0:9092,LOCAL://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093
advertised.listeners=CLIENT://$KAFKA_ADVERTISED_HOST:$KAFKA_ADVERTISED_PORT,LOCAL://127.0.0.1:9094
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:9093
$(kafka_security_properties)
log.dirs=$data
num.partitions=$KAFKA_PARTITIONS
auto.create.topics.enable=true
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
)
# the operator's client settings (with the LOCAL listener, 127.0.0.1:9094): also what
# `kubectl exec … --command-config /tmp/admin.properties` uses
kafka_admin_client_config /tmp/admin.properties
kafka() { java $KAFKA_HEAP_OPTS -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp '/opt/kafka/libs/*' "$@"; }
if [[ ! -f "$data/meta.properties" ]]; then
  mapfile -t scram < <(kafka_format_scram_args)
  kafka kafka.tools.StorageTool format --standalone -t "$(kafka kafka.tools.StorageTool random-uuid)" \
    -c /tmp/server.properties "${scram[@]}"
fi
java $KAFKA_HEAP_OPTS -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp '/opt/kafka/libs/*' kafka.Kafka \
  /tmp/server.properties &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null; wait "$broker"' TERM INT
# the tools run small (the broker has the heap)
tool() { java -Xms32m -Xmx256m -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp '/opt/kafka/libs/*' "$@"; }
until tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9094 --command-config /tmp/admin.properties \
    --list >/dev/null 2>&1; do
  kill -0 "$broker" 2>/dev/null || { wait "$broker"; exit $?; }
  sleep 1
done
fingerprint="$(kafka_access_fingerprint)"
if [[ "$(cat "$data/.transferlab-access" 2>/dev/null)" != "$fingerprint" ]]; then
  echo "[transferlab-kafka] granting each service's user its topics and groups (ACLs)"
  kafka_apply_acls tool 127.0.0.1:9094 /tmp/admin.properties || { kill -TERM "$broker"; wait "$broker"; exit 1; }
  echo "$fingerprint" >"$data/.transferlab-access"
fi
touch "$ready"
echo "[transferlab-kafka] ready: SASL/SCRAM sign-in, per-service ACLs"
wait "$broker"
