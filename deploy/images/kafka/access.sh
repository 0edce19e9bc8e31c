# Who may do what on TransferLab's Kafka: sourced by deploy/local/infra.sh and by the Kafka image's entrypoint, so
# the local broker, docker-compose and Kubernetes enforce the same rules.
#
# Every client signs in with SASL/SCRAM-SHA-512 as a user of its own:
#   transferlab-admin       the operator (a super user: the broker's own inter-broker user, tests, drills)
#   transferlab-<service>   gateway, dataset, trainer, evaluator: each may WRITE only the topics it publishes (and the
#                           dead-letter topic its consumers fill), READ only the topics it consumes, in its own
#                           consumer groups (<application name>, and -test and -system-test for the tests)
#   transferlab-replay      the gateway's admin-only dead-letter replay: writes a record back to the topic it came
#                           from, so it may write every event topic and nothing else (kept apart from the gateway's
#                           own user, which may write only study-requested)
# A client without credentials is refused at the handshake; one with a service's credentials gets
# TOPIC_AUTHORIZATION_FAILED for a topic outside its rules. The controller listener (loopback inside the broker's
# host) takes SASL/PLAIN with the admin user only.
#
# Passwords come from the environment: TRANSFERLAB_KAFKA_ADMIN_PASSWORD and TRANSFERLAB_KAFKA_PASSWORD_<USER>
# (deploy/local/secrets.sh kafka-env makes them for the local broker and compose; Kubernetes takes them from the
# transferlab-kafka Secret).
# The topic names are io.transferlab.core.events.Topics'; KafkaAccessTest checks that these rules cover every
# topic and every consumer there is.

KAFKA_ADMIN_USER=transferlab-admin
KAFKA_SERVICE_USERS=(gateway dataset trainer evaluator replay)
KAFKA_EVENT_TOPICS=(study-requested split-manifest-published training-progress checkpoint-created
  evaluation-completed run-failed dataset-version-changed)
KAFKA_ALL_TOPICS=("${KAFKA_EVENT_TOPICS[@]}" dead-letter)

declare -A KAFKA_WRITES=(
  [gateway]="study-requested dead-letter"
  [dataset]="split-manifest-published dataset-version-changed run-failed dead-letter"
  [trainer]="training-progress checkpoint-created run-failed dead-letter"
  [evaluator]="evaluation-completed run-failed dead-letter"
  [replay]="${KAFKA_EVENT_TOPICS[*]}"
)
declare -A KAFKA_READS=(
  [gateway]="split-manifest-published training-progress checkpoint-created evaluation-completed run-failed dataset-version-changed dead-letter"
  [dataset]="study-requested"
  [trainer]="split-manifest-published"
  [evaluator]="split-manifest-published checkpoint-created"
)
declare -A KAFKA_GROUPS=([gateway]=gateway [dataset]=dataset-service [trainer]=trainer-service
  [evaluator]=evaluator-service)

kafka_user_password() {   # NAME (admin or a service user) -> its password from the environment
  local var
  if [[ "$1" == admin ]]; then var=TRANSFERLAB_KAFKA_ADMIN_PASSWORD; else var="TRANSFERLAB_KAFKA_PASSWORD_${1^^}"; fi
  [[ -n "${!var:-}" ]] || { echo "kafka access: $var is not set (deploy/local/secrets.sh kafka-env)" >&2; return 1; }
  printf '%s' "${!var}"
}

# The broker's security settings; its listeners must be named CLIENT and CONTROLLER, and may include LOCAL (the
# container's own loopback, for its tools: the CLIENT address a container advertises may route to it only once it is
# ready, as a Kubernetes Service does) — CLIENT and LOCAL take the same SCRAM sign-in.
kafka_security_properties() {
  local admin listener
  admin="$(kafka_user_password admin)" || return 1
  cat <<PROPS
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,LOCAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
PROPS
  for listener in client local; do
    cat <<PROPS
listener.name.$listener.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.$listener.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$admin";
PROPS
  done
  cat <<PROPS
# SCRAM credentials live in the cluster metadata, which the controller serves, so the controller listener uses PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$KAFKA_ADMIN_USER" password="$admin" user_$KAFKA_ADMIN_USER="$admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$KAFKA_ADMIN_USER
allow.everyone.if.no.acl.found=false
PROPS
}

# StorageTool format arguments that create every SCRAM user with the cluster (the only moment a KRaft cluster can
# take its first credentials: nobody could sign in to add them later).
kafka_format_scram_args() {
  local name password
  password="$(kafka_user_password admin)" || return 1
  printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$password]"
  for name in "${KAFKA_SERVICE_USERS[@]}"; do
    password="$(kafka_user_password "$name")" || return 1
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=transferlab-$name,password=$password]"
  done
}

# Admin client settings (for the ACL tool and health checks), written to FILE with mode 600.
kafka_admin_client_config() {
  local admin
  admin="$(kafka_user_password admin)" || return 1
  (umask 077 && cat >"$1" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$admin";
PROPS
  )
}

# A fingerprint of the rules (this file), so a broker that already holds them is not asked again (each ACL call is
# a JVM start); any change to the file grants again (adding is idempotent; a rule removed here must be removed by hand
# with AclCommand --remove, or with a fresh storage).
kafka_access_fingerprint() { md5sum "${BASH_SOURCE[0]}" | cut -c1-32; }

# Adds the ACLs (idempotent). RUNNER: a command that runs a Java main class with Kafka's jars on its class path.
kafka_apply_acls() {
  local runner="$1" bootstrap="$2" config="$3" name topic
  local acl=("$runner" org.apache.kafka.tools.AclCommand --bootstrap-server "$bootstrap" --command-config "$config" --add)
  local principals=() creatable=()
  for name in "${KAFKA_SERVICE_USERS[@]}"; do principals+=(--allow-principal "User:transferlab-$name"); done
  for topic in "${KAFKA_ALL_TOPICS[@]}"; do creatable+=(--topic "$topic"); done
  # every service creates the pipeline's topics when they are missing (TopicProvisioner), and only those
  "${acl[@]}" "${principals[@]}" --operation Create --operation Describe "${creatable[@]}" >/dev/null || return 1
  for name in "${KAFKA_SERVICE_USERS[@]}"; do
    local writes=() reads=()
    for topic in ${KAFKA_WRITES[$name]:-}; do writes+=(--topic "$topic"); done
    for topic in ${KAFKA_READS[$name]:-}; do reads+=(--topic "$topic"); done
    if ((${#writes[@]})); then
      "${acl[@]}" --allow-principal "User:transferlab-$name" --operation Write --operation Describe "${writes[@]}" \
        >/dev/null || return 1
    fi
    if ((${#reads[@]})); then
      "${acl[@]}" --allow-principal "User:transferlab-$name" --operation Read --operation Describe "${reads[@]}" \
        --group "${KAFKA_GROUPS[$name]}" --group "${KAFKA_GROUPS[$name]}-test" \
        --group "${KAFKA_GROUPS[$name]}-system-test" >/dev/null || return 1
    fi
  done
}

# The same rules as Strimzi KafkaUser resources (for a cluster run by the Strimzi operator; the production overlay's
# operators/strimzi-kafka-users.yaml is this function's output): NAMESPACE CLUSTER. Each user's password comes from
# Secret transferlab-kafka (key: the user's short name) in NAMESPACE.
kafka_strimzi_users() {
  local namespace="$1" cluster="$2" name topic first=1
  echo "# Written by deploy/images/kafka/access.sh (kafka_strimzi_users $namespace $cluster): the users and ACLs"
  echo "# deploy/local/infra.sh and the Kafka image grant, as Strimzi KafkaUsers. Do not edit by hand."
  for name in "${KAFKA_SERVICE_USERS[@]}"; do
    [[ -n "$first" ]] || echo "---"
    first=
    cat <<YAML
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaUser
metadata:
  name: transferlab-$name
  namespace: $namespace
  labels:
    strimzi.io/cluster: $cluster
spec:
  authentication:
    type: scram-sha-512
    password:
      valueFrom:
        secretKeyRef: {name: transferlab-kafka, key: $name}
  authorization:
    type: simple
    acls:
YAML
    for topic in "${KAFKA_ALL_TOPICS[@]}"; do
      local ops=(Create Describe)
      [[ " ${KAFKA_WRITES[$name]:-} " == *" $topic "* ]] && ops+=(Write)
      [[ " ${KAFKA_READS[$name]:-} " == *" $topic "* ]] && ops+=(Read)
      printf '      - resource: {type: topic, name: %s, patternType: literal}\n        operations: [%s]\n' \
        "$topic" "$(IFS=,; echo "${ops[*]}" | sed 's/,/, /g')"
    done
    if [[ -n "${KAFKA_GROUPS[$name]:-}" ]]; then
      printf '      - resource: {type: group, name: %s, patternType: literal}\n        operations: [Read, Describe]\n' \
        "${KAFKA_GROUPS[$name]}"
    fi
  done
}
