#!/bin/bash
# One KRaft node. KAFKA_ADVERTISED_HOST is the name (or address) clients reach it by: the compose service name,
# or the Kubernetes Service's address. Storage is formatted once, on the first start.
set -euo pipefail
: "${KAFKA_ADVERTISED_HOST:?KAFKA_ADVERTISED_HOST must be set (the host name clients use)}"
: "${KAFKA_ADVERTISED_PORT:=9092}"
: "${KAFKA_PARTITIONS:=3}"
data=/var/lib/kafka/data
cat >/tmp/server.properties <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://$KAFKA_ADVERTISED_HOST:$KAFKA_ADVERTISED_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:9093
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
kafka() { java $KAFKA_HEAP_OPTS -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp '/opt/kafka/libs/*' "$@"; }
if [[ ! -f "$data/meta.properties" ]]; then
  kafka kafka.tools.StorageTool format --standalone -t "$(kafka kafka.tools.StorageTool random-uuid)" -c /tmp/server.properties
fi
exec java $KAFKA_HEAP_OPTS -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp '/opt/kafka/libs/*' kafka.Kafka /tmp/server.properties
