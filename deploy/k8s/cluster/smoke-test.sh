#!/usr/bin/env bash
# Proves the local cluster does what our deployment tests rely on, with an image made
# here by hand (Debian's static busybox in a FROM-scratch OCI tar): Deployments,
# ClusterIP/NodePort Services, probes, <NAME>_SERVICE_HOST injection and $(VAR)
# expansion, hairpin (a pod through its own Service), logs/exec/port-forward,
# StatefulSet volumeClaimTemplates, RWX claims, server-side validation, and rendering
# with the newer kubectl's kustomize applied by the 1.20 kubectl.
#
# Usage: deploy/k8s/cluster/smoke-test.sh   (starts the cluster if needed; leaves it up)
# (busybox wget -T segfaults in Debian's busybox-static 1.35: use the timeout applet instead.)
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/cluster.sh" start >/dev/null
eval "$("$here/cluster.sh" env)"
K=$(command -v kubectl)            # the 1.20 kubectl built by build.sh (first on PATH)
NS=smoke
work=$(mktemp -d)
pf_pid=
cleanup() {
  [[ -n $pf_pid ]] && kill "$pf_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0 t0=$(date +%s)
check() {
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    echo "PASS [$(($(date +%s) - t0))s] $name"; passed=$((passed + 1))
  else
    echo "FAIL [$(($(date +%s) - t0))s] $name"; sed 's/^/     /' "$work/out" | tail -n 15; failed=$((failed + 1))
  fi
}
# retry SECONDS CMD…: until it succeeds.
retry() {
  local end=$(($(date +%s) + $1))
  shift
  until "$@"; do [[ $(date +%s) -lt $end ]] || return 1; sleep 1; done
}

# --- image: busybox-static in a scratch image ----------------------------------------
mkdir -p "$work/rootfs/bin" "$work/rootfs/www" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -s busybox "$work/rootfs/bin/$a"; done
chmod 1777 "$work/rootfs/tmp"
echo "hello from busybox" >"$work/rootfs/www/index.html"
"$here/oci-image.sh" "$work/rootfs" localhost/busybox:smoke "$work/busybox.tar" --env '["PATH=/bin"]' >/dev/null
"$here/cluster.sh" load "$work/busybox.tar" 2>/dev/null

"$K" delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
"$K" create namespace "$NS" >/dev/null
retry 30 "$K" -n "$NS" get serviceaccount default -o jsonpath='{.secrets[0].name}' >/dev/null

# --- web server + Services -------------------------------------------------------
"$K" -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: localhost/busybox:smoke
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'echo "web $(hostname) starting"; hostname > /www/host; exec httpd -f -v -p 8080 -h /www']
        ports: [{containerPort: 8080, name: http}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
        readinessProbe: {httpGet: {path: /index.html, port: http}, periodSeconds: 2}
        livenessProbe: {tcpSocket: {port: http}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-nodeport}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 30080}]
EOF
check "Deployment web available (readiness probe)" \
  "$K" -n "$NS" wait deployment/web --for=condition=Available --timeout=120s

# Created after the Service, so kubelet injects WEB_SERVICE_HOST/PORT; WEB_URL is built
# with $(VAR) expansion from them.
"$K" -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: client}
spec:
  replicas: 1
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: client
        image: localhost/busybox:smoke
        imagePullPolicy: Never
        env:
        - {name: WEB_URL, value: "http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT)/index.html"}
        command: [sh, -c, 'echo "client WEB_URL=$WEB_URL"; while true; do sleep 3600; done']
        resources: {requests: {cpu: 10m, memory: 16Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: solo}
spec:
  replicas: 1
  selector: {matchLabels: {app: solo}}
  template:
    metadata: {labels: {app: solo}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: localhost/busybox:smoke
        command: [httpd, -f, -p, "8080", -h, /www]
        ports: [{containerPort: 8080}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: solo}
spec:
  selector: {app: solo}
  ports: [{port: 8080}]
EOF
check "Deployments client, solo available" \
  "$K" -n "$NS" wait deployment/client deployment/solo --for=condition=Available --timeout=120s
client=$("$K" -n "$NS" get pod -l app=client -o jsonpath='{.items[0].metadata.name}')
solo=$("$K" -n "$NS" get pod -l app=solo -o jsonpath='{.items[0].metadata.name}')
web_ip=$("$K" -n "$NS" get service web -o jsonpath='{.spec.clusterIP}')

check "pod -> Service ClusterIP ($web_ip)" \
  retry 20 "$K" -n "$NS" exec "$client" -- timeout 5 wget -qO- "http://$web_ip/index.html"
check "pod -> \$(WEB_SERVICE_HOST) expansion in env (kubectl exec)" \
  sh -c "'$K' -n $NS exec $client -- sh -c 'echo \$WEB_URL; timeout 5 wget -qO- \$WEB_URL' | grep -q 'hello from busybox'"
check "hairpin: pod -> its own Service ClusterIP" \
  retry 20 "$K" -n "$NS" exec "$solo" -- sh -c 'timeout 5 wget -qO- http://$SOLO_SERVICE_HOST:$SOLO_SERVICE_PORT/index.html'
check "kubectl logs" sh -c "'$K' -n $NS logs deployment/client | grep -q 'client WEB_URL=http://$web_ip:80/index.html'"
check "host -> NodePort $TRANSFERLAB_K8S_NODE_IP:30080" \
  retry 20 curl -sf --max-time 3 "http://$TRANSFERLAB_K8S_NODE_IP:30080/index.html"

"$K" -n "$NS" port-forward service/web 18080:80 >"$work/pf.log" 2>&1 &
pf_pid=$!
check "kubectl port-forward service/web -> 127.0.0.1:18080" \
  retry 20 curl -sf --max-time 3 http://127.0.0.1:18080/index.html
kill "$pf_pid" 2>/dev/null || true
pf_pid=

# --- probes: readiness gates endpoints, liveness restarts --------------------------
"$K" -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: probe, labels: {app: probe}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: localhost/busybox:smoke
    command: [sh, -c, 'while true; do sleep 1; done']
    resources: {requests: {cpu: 10m, memory: 16Mi}}
    readinessProbe: {exec: {command: [test, -f, /tmp/ready]}, periodSeconds: 1}
    livenessProbe: {exec: {command: [sh, -c, 'test ! -f /tmp/die']}, periodSeconds: 1, failureThreshold: 1}
EOF
retry 60 sh -c "[ \"\$('$K' -n $NS get pod probe -o jsonpath='{.status.phase}')\" = Running ]"
ready() { [[ $("$K" -n "$NS" get pod probe -o jsonpath='{.status.containerStatuses[0].ready}') == "$1" ]]; }
check "readiness probe: not ready without /tmp/ready" sh -c "sleep 3; [ \"\$('$K' -n $NS get pod probe -o jsonpath='{.status.containerStatuses[0].ready}')\" = false ]"
"$K" -n "$NS" exec probe -- touch /tmp/ready
check "readiness probe: ready after touch /tmp/ready" retry 20 ready true
"$K" -n "$NS" exec probe -- touch /tmp/die
check "liveness probe: container restarted" \
  retry 40 sh -c "[ \"\$('$K' -n $NS get pod probe -o jsonpath='{.status.containerStatuses[0].restartCount}')\" -ge 1 ]"

# --- storage ----------------------------------------------------------------------
"$K" -n "$NS" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store}
spec:
  serviceName: store
  replicas: 2
  selector: {matchLabels: {app: store}}
  template:
    metadata: {labels: {app: store}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: localhost/busybox:smoke
        command: [sh, -c, 'hostname > /data/owner; while true; do sleep 3600; done']
        volumeMounts: [{name: data, mountPath: /data}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local-rwo
      resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared}
spec:
  accessModes: [ReadWriteMany]
  storageClassName: local-rwx
  resources: {requests: {storage: 5Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shared}
spec:
  replicas: 2
  selector: {matchLabels: {app: shared}}
  template:
    metadata: {labels: {app: shared}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: localhost/busybox:smoke
        command: [sh, -c, 'hostname > /shared/$(hostname); while true; do sleep 3600; done']
        volumeMounts: [{name: shared, mountPath: /shared}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
      volumes:
      - {name: shared, persistentVolumeClaim: {claimName: shared}}
EOF
check "StatefulSet with volumeClaimTemplate ready (2 PVCs Bound)" sh -c "
  '$K' -n $NS rollout status statefulset/store --timeout=120s &&
  [ \"\$('$K' -n $NS get pvc data-store-0 data-store-1 -o jsonpath='{.items[*].status.phase}')\" = 'Bound Bound' ] &&
  '$K' -n $NS exec store-1 -- cat /data/owner | grep -q store-1"
check "RWX PVC Bound and shared by 2 pods" sh -c "
  '$K' -n $NS wait deployment/shared --for=condition=Available --timeout=120s &&
  [ \"\$('$K' -n $NS get pvc shared -o jsonpath='{.status.phase}')\" = Bound ] &&
  sleep 1 && [ \"\$('$K' -n $NS exec deployment/shared -- ls /shared | wc -l)\" -eq 2 ]"

# Recycle: deleting the claim empties the volume and makes the PV Available again.
shared_pv=$("$K" -n "$NS" get pvc shared -o jsonpath='{.spec.volumeName}')
"$K" -n "$NS" delete deployment/shared pvc/shared --wait=true >/dev/null
check "deleted claim: PV $shared_pv recycled to Available and emptied" sh -c "
  for i in \$(seq 90); do
    [ \"\$('$K' get pv $shared_pv -o jsonpath='{.status.phase}')\" = Available ] && break; sleep 1
  done
  '$K' get pv $shared_pv -o jsonpath='{.status.phase}' | grep -qx Available &&
  [ -z \"\$(ls -A \${TRANSFERLAB_RUN_DIR:-$here/../../../.run}/k8s/volumes/$shared_pv)\" ]"

# --- server-side validation ---------------------------------------------------------
cat >"$work/bad.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: smoke}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: localhost/busybox:smoke
    port: 8080
EOF
check "apply --dry-run=server rejects an unknown field (1.20 kubectl)" \
  sh -c "! '$K' apply --dry-run=server -f $work/bad.yaml > $work/dry 2>&1 && grep -q 'unknown field \"port\"' $work/dry"

# --- kustomize rendered by the newer kubectl on the system, applied by 1.20 -----------
if [[ -x /usr/bin/kubectl ]]; then
  mkdir -p "$work/kz"
  cat >"$work/kz/cm.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: kz-config}
data: {greeting: hello}
EOF
  cat >"$work/kz/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: smoke
namePrefix: kz-
commonLabels: {app.kubernetes.io/part-of: smoke}
resources: [cm.yaml]
configMapGenerator:
- name: generated
  literals: [key=value]
EOF
  check "/usr/bin/kubectl kustomize renders; 1.20 kubectl applies it" sh -c "
    /usr/bin/kubectl kustomize $work/kz > $work/kz.yaml &&
    '$K' apply -f $work/kz.yaml &&
    '$K' -n $NS get configmap kz-kz-config"
  check "/usr/bin/kubectl (newer client) apply --dry-run=server rejects the unknown field" \
    sh -c "! /usr/bin/kubectl apply --dry-run=server -f $work/bad.yaml > $work/dry2 2>&1 && grep -qi 'unknown field' $work/dry2"
fi

"$K" delete namespace "$NS" --wait=false >/dev/null
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
