# What deploy/k8s/run.sh and deploy/k8s/test.sh share (sourced, not run): the single-node cluster
# (deploy/k8s/cluster) with the project's images, an overlay rendered and applied, rollouts awaited, a dataset
# copied into the storage root, the gateway forwarded to the host. Needs REPO, log and die.
# shellcheck source=deploy/images/images.sh
source "$REPO/deploy/images/images.sh"
K8S_NAMESPACE=transferlab
K8S_WORK="${K8S_WORK:-$REPO/target/k8s}"

# kustomize v5 renders the overlays (the 1.20 kubectl's own kustomize is v2.0.3, too old for them): a newer
# kubectl's `kustomize`, or a kustomize binary
k8s_render() { # overlay-dir output-file
  local k
  for k in "${TRANSFERLAB_KUSTOMIZE:-}" /usr/bin/kubectl /usr/local/bin/kubectl; do
    [[ -n "$k" && -x "$k" ]] || continue
    if "$k" version --client 2>/dev/null | grep -q 'Kustomize Version: v[4-9]'; then
      "$k" kustomize "$1" >"$2"
      return
    fi
  done
  if command -v kustomize >/dev/null; then kustomize build "$1" >"$2"; return; fi
  die "no kustomize v4+ (a kubectl >= 1.21, or kustomize; set TRANSFERLAB_KUSTOMIZE) to render $1"
}

# starts the cluster and loads the images a deployment runs (saved from the project's Docker engine)
k8s_start_with_images() {
  local engine_was_running=false t=$SECONDS
  "$REPO/deploy/k8s/cluster/build.sh"
  "$REPO/deploy/k8s/cluster/cluster.sh" start
  eval "$("$REPO/deploy/k8s/cluster/cluster.sh" env)"
  export KUBECONFIG PATH TRANSFERLAB_K8S_NODE_IP
  "$REPO/deploy/images/engine.sh" status | grep -q running && engine_was_running=true
  "$REPO/deploy/images/engine.sh" start
  mkdir -p "$K8S_WORK"
  # one archive: the images share their base layers
  DOCKER_HOST="$("$REPO/deploy/images/engine.sh" env | sed 's/^export DOCKER_HOST=//')" \
    docker save -o "$K8S_WORK/images.tar" "${IMAGES_DEPLOYED[@]}" || die "the images are not built: deploy/images/build.sh"
  [[ "$engine_was_running" == true ]] || "$REPO/deploy/images/engine.sh" stop
  "$REPO/deploy/k8s/cluster/cluster.sh" load "$K8S_WORK/images.tar"
  rm -f "$K8S_WORK/images.tar"
  log "cluster up with the images ($((SECONDS - t)) s)"
}

# applies a rendered overlay and waits for every StatefulSet and Deployment of the namespace to roll out
k8s_apply_and_wait() { # rendered.yaml
  local t=$SECONDS kind name
  kubectl apply -f "$1" >/dev/null
  for kind in statefulset deployment; do
    for name in $(kubectl -n "$K8S_NAMESPACE" get "$kind" -o name); do
      kubectl -n "$K8S_NAMESPACE" rollout status "$name" --timeout=15m >/dev/null \
        || { kubectl -n "$K8S_NAMESPACE" get pods -o wide >&2; die "$name did not roll out"; }
    done
  done
  log "every rollout done ($((SECONDS - t)) s)"
}

# copies a dataset folder into the shared storage root (through a pod that mounts it) as datasets/NAME
k8s_copy_dataset() { # folder name
  local pod
  pod="$(kubectl -n "$K8S_NAMESPACE" get pod -l app.kubernetes.io/name=dataset-service -o jsonpath='{.items[0].metadata.name}')"
  kubectl -n "$K8S_NAMESPACE" exec "$pod" -- mkdir -p /var/lib/transferlab/storage/datasets
  kubectl -n "$K8S_NAMESPACE" cp "$1" "$pod:/var/lib/transferlab/storage/datasets/$2"
}

# forwards the gateway to 127.0.0.1:PORT on the host (the forwarder's PID in K8S_FORWARD_PID)
k8s_forward_gateway() { # port
  kubectl -n "$K8S_NAMESPACE" port-forward --address 127.0.0.1 svc/gateway "$1:8080" >"$K8S_WORK/port-forward.log" 2>&1 &
  K8S_FORWARD_PID=$!
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$1/q/health/live" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "the gateway is not forwarded to 127.0.0.1:$1 (see $K8S_WORK/port-forward.log)"
}

# GET from inside the cluster (a service that is not exposed), through the gateway's pod and the address Kubernetes
# injects for the service (no cluster DNS needed)
k8s_get() { # service path
  local var
  var="$(tr 'a-z-' 'A-Z_' <<<"$1")_SERVICE_HOST"
  kubectl -n "$K8S_NAMESPACE" exec deploy/gateway -- sh -c "curl -fsS http://\$$var:8080$2"
}

# writes Secret transferlab-auth (key public-key: the local token issuer's, deploy/local/auth.sh) into FILE, for an
# overlay's resources: the gateway and the dataset-service verify bearer tokens against it
k8s_auth_secret() { # file
  cat >"$1" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: transferlab-auth
  namespace: $K8S_NAMESPACE
type: Opaque
stringData:
  public-key: $("$REPO/deploy/local/auth.sh" public-key)
YAML
}

# writes Secret transferlab-db (the database roles' passwords: admin, and one per service) and Secret
# transferlab-kafka (the Kafka users' passwords: admin, one per service, replay), both from deploy/local/secrets.sh,
# into FILE, for an overlay's resources
k8s_password_secrets() { # file
  local kind name secret
  for kind in pg kafka; do
    secret=transferlab-db; [[ "$kind" == kafka ]] && secret=transferlab-kafka
    printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\nstringData:\n' \
      "$secret" "$K8S_NAMESPACE"
    for name in admin gateway dataset trainer evaluator $([[ "$kind" == kafka ]] && echo replay); do
      printf '  %s: "%s"\n' "$name" "$("$REPO/deploy/local/secrets.sh" "$kind-password" "$name")"
    done
  done >"$1"
}
