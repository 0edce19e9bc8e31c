#!/usr/bin/env bash
# A real single-node Kubernetes 1.20 cluster on this machine, for CI tests that deploy
# our services with kustomize. Binaries come from build.sh (run automatically if the
# cache lacks them).
#
#   cluster.sh start            bring the cluster up (idempotent) and wait until usable
#   cluster.sh stop             tear everything down, even after a partial start
#   cluster.sh status           exit 0 if the cluster is up and healthy
#   cluster.sh load IMAGE.tar…  import OCI / docker-archive tars into the node's containerd
#   cluster.sh env              print KUBECONFIG, PATH and TRANSFERLAB_K8S_NODE_IP exports
#
# Network rule: traffic may only go to addresses on this machine. Therefore the whole
# cluster (etcd, API server, controllers, containerd, kubelet, kube-proxy and all pods)
# runs inside its own network namespace ($NETNS), joined to the host by one veth pair.
# Pod and Service IPs exist only in there; the namespace has no default route, so
# nothing in it can reach anything but itself and the host end of the veth. The host
# reaches the API server and NodePorts at the node IP ($NODE_IP).
#
# Processes join only the network namespace (nsenter --net), not a new mount namespace
# (as `ip netns exec` would make): kubelet and containerd must see each other's mounts.
#
# Everything (state, logs, PIDs, certs, kubeconfig) lives under
#   ${TRANSFERLAB_RUN_DIR:-<repo>/.run}/k8s
# and every process is stopped by its recorded PID, never by name.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
K8S_VERSION=1.20.2
BIN=${TRANSFERLAB_CACHE:-$HOME/.cache/transferlab}/k8s/$K8S_VERSION/bin
IMAGES=${TRANSFERLAB_CACHE:-$HOME/.cache/transferlab}/k8s/$K8S_VERSION/images
RUN=${TRANSFERLAB_RUN_DIR:-$repo/.run}/k8s

# --- Addresses: small private ranges that exist only on the veth pair and inside the
# namespace (the host only gets routes to the pod/service ranges *into* the namespace,
# so even a stray packet to them stays on this machine).
NETNS=tl-k8s
HOST_IF=tl-k8s-h            # host end of the veth pair
NODE_IF=tl-k8s-n            # node end, inside $NETNS
HOST_IP=10.203.0.1
NODE_IP=10.203.0.2          # the node's InternalIP: API server, kubelet, NodePorts
VETH_PREFIX=30
POD_CIDR=10.204.0.0/24      # pods, on bridge tl-cni0 inside the namespace
POD_GW=10.204.0.1
SVC_CIDR=10.205.0.0/24      # ClusterIPs (kube-proxy iptables rules inside the namespace)
KUBE_SVC_IP=10.205.0.1      # the `kubernetes` Service
NODE_NAME=transferlab-node
API_PORT=6443
PAUSE_IMAGE=localhost/pause:3.2
# Debian's static busybox (built by build.sh): runs the PersistentVolume recycler pods.
BUSYBOX_IMAGE=localhost/busybox:1.35
# Our own cgroup parent, so cleanup only ever touches cgroups we created.
CGROUP_ROOT=/transferlab-k8s
# Static PersistentVolume pool (see README.md): counts per StorageClass.
PV_RWO_COUNT=${TRANSFERLAB_K8S_RWO_PVS:-12}
PV_RWX_COUNT=${TRANSFERLAB_K8S_RWX_PVS:-6}
PV_SIZE=20Gi

SOCK=$RUN/containerd/containerd.sock
KUBECONFIG_FILE=$RUN/kubeconfig
PIDS=$RUN/pids
LOGS=$RUN/logs
# Started in this order; stopped in reverse.
COMPONENTS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet kube-proxy)

t0=$(date +%s)
log() { echo "[k8s $(($(date +%s) - t0))s] $*" >&2; }
die() { echo "cluster.sh: $*" >&2; exit 1; }
# Run a command inside the node's network namespace only.
innet() { nsenter --net="/run/netns/$NETNS" -- "$@"; }
kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# ------------------------------------------------------------------------------------
# Processes
# ------------------------------------------------------------------------------------
binary_of() {
  case $1 in
    etcd) command -v etcd ;;
    containerd) command -v containerd ;;
    *) echo "$BIN/$1" ;;
  esac
}

# daemon NAME ARGS…: start NAME in the namespace, detached (own session, so a Ctrl-C
# in the caller's terminal does not reach it), and record its PID. setsid and nsenter
# both exec, so $! is the daemon's own PID.
daemon() {
  local name=$1
  shift
  setsid nsenter --net="/run/netns/$NETNS" -- "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# pid_alive NAME: the recorded PID still runs the expected binary (guards PID reuse).
pid_alive() {
  local f=$PIDS/$1.pid pid exe
  [[ -f $f ]] || return 1
  pid=$(cat "$f")
  [[ -n $pid && -d /proc/$pid ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ $exe == "$(readlink -f "$(binary_of "$1")")" ]]
}

# stop_pid NAME: TERM, then KILL after a grace period.
stop_pid() {
  local name=$1 pid i
  if pid_alive "$name"; then
    pid=$(cat "$PIDS/$name.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do pid_alive "$name" || break; sleep 0.2; done
    if pid_alive "$name"; then
      log "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$PIDS/$name.pid"
}

# in_our_cgroup PID: the process belongs to this cluster's cgroup tree.
in_our_cgroup() { grep -q ":$CGROUP_ROOT/" "/proc/$1/cgroup" 2>/dev/null; }

# Kill every container process and containerd shim of this cluster. Works without a
# running containerd: PIDs come from containerd's per-task state files and from our
# own cgroup tree.
kill_containers() {
  local taskdir=$RUN/containerd/state/io.containerd.runtime.v2.task f pid exe procs round
  if [[ -d $taskdir ]]; then
    for f in "$taskdir"/*/*/init.pid; do
      [[ -f $f ]] || continue
      pid=$(cat "$f")
      # Killing a container's init ends its whole PID namespace.
      [[ -n $pid ]] && in_our_cgroup "$pid" && kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  for round in 1 2 3; do
    procs=$(cat_cgroup_procs)
    [[ -z $procs ]] && break
    for pid in $procs; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.3
  done
  if [[ -d $taskdir ]]; then
    for f in "$taskdir"/*/*/shim.pid; do
      [[ -f $f ]] || continue
      pid=$(cat "$f")
      exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
      [[ $exe == */containerd-shim-runc-v2 ]] && kill -KILL "$pid" 2>/dev/null || true
    done
  fi
}

# ------------------------------------------------------------------------------------
# cgroups (v1 hierarchies as on these machines; v2 handled best-effort)
# ------------------------------------------------------------------------------------
cgroup_dirs() {
  # Mount points of cgroup hierarchies, each with our root appended.
  awk '$9 == "cgroup" || $9 == "cgroup2" {print $5}' /proc/self/mountinfo | sort -u |
    while read -r m; do echo "$m$CGROUP_ROOT"; done
}
cat_cgroup_procs() {
  local d
  cgroup_dirs | while read -r d; do
    if [[ -d $d ]]; then find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null || true; fi
  done | sort -un
}
make_cgroups() {
  local d parent
  cgroup_dirs | while read -r d; do
    parent=$(dirname "$d")
    [[ -d $d ]] || mkdir "$d"
    # cpuset children start empty in v1: copy the parent's CPUs and memory nodes.
    if [[ -f $d/cpuset.cpus && ! -f $parent/cgroup.controllers ]]; then
      [[ -n $(cat "$d/cpuset.cpus") ]] || cat "$parent/cpuset.cpus" >"$d/cpuset.cpus"
      [[ -n $(cat "$d/cpuset.mems") ]] || cat "$parent/cpuset.mems" >"$d/cpuset.mems"
    fi
    # cgroup v2 (unified-only hosts): delegate the controllers kubelet needs.
    if [[ -f $parent/cgroup.controllers && ! -d $(dirname "$parent")/cpu ]]; then
      for c in cpu cpuset memory pids io hugetlb; do
        echo "+$c" >"$d/cgroup.subtree_control" 2>/dev/null || true
      done
    fi
  done
}
remove_cgroups() {
  local d
  cgroup_dirs | while read -r d; do
    [[ -d $d ]] || continue
    # Deepest first; rmdir only succeeds on empty cgroups.
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# ------------------------------------------------------------------------------------
# Kernel settings kubelet changes globally (it sets vm.overcommit_memory, kernel.panic…
# unless they already have its values): remember ours and put them back on stop.
# ------------------------------------------------------------------------------------
KUBELET_SYSCTLS=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops
  kernel/keys/root_maxkeys kernel/keys/root_maxbytes)
save_sysctls() {
  [[ -f $RUN/sysctl.orig ]] && return 0
  local k
  for k in "${KUBELET_SYSCTLS[@]}"; do
    if [[ -f /proc/sys/$k ]]; then echo "$k $(cat "/proc/sys/$k")"; fi
  done >"$RUN/sysctl.orig"
}
restore_sysctls() {
  [[ -f $RUN/sysctl.orig ]] || return 0
  local k v
  while read -r k v; do
    [[ $(cat "/proc/sys/$k" 2>/dev/null) == "$v" ]] || echo "$v" >"/proc/sys/$k" 2>/dev/null || true
  done <"$RUN/sysctl.orig"
  rm -f "$RUN/sysctl.orig"
}

# ------------------------------------------------------------------------------------
# stop: safe to run at any point, including after a failed or partial start.
# ------------------------------------------------------------------------------------
cmd_stop() {
  local i m uid d
  [[ -d $RUN ]] || { ip netns del "$NETNS" 2>/dev/null || true; return 0; }
  mkdir -p "$PIDS"
  log "stopping"
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    case ${COMPONENTS[i]} in
      containerd) kill_containers; stop_pid containerd; kill_containers ;;
      *) stop_pid "${COMPONENTS[i]}" ;;
    esac
  done
  log "processes stopped"
  # Unmount everything this cluster mounted below $RUN (container root filesystems,
  # pod network namespaces, secret/projected tmpfs volumes), deepest first.
  for i in 1 2 3; do
    m=$(awk -v run="$RUN/" 'index($5, run) == 1 {print $5}' /proc/self/mountinfo | sort -r)
    [[ -z $m ]] && break
    while read -r d; do umount "$d" 2>/dev/null || umount -l "$d" 2>/dev/null || true; done <<<"$m"
  done
  # The namespace holds the bridge, pod veths and every iptables rule kube-proxy and
  # the CNI plugins wrote; deleting it removes them and the veth pair (and so the
  # host's routes over it).
  ip netns del "$NETNS" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  remove_cgroups
  restore_sysctls
  # kubelet writes container logs to the fixed /var/log/pods (<ns>_<pod>_<uid>) with
  # links in /var/log/containers: remove only what appeared there while this cluster
  # ran (start recorded what was there before), then the links that now dangle.
  if [[ -f $RUN/var-log-pods.before ]]; then
    for d in /var/log/pods/*; do
      [[ -e $d ]] || continue
      grep -qxF "$(basename "$d")" "$RUN/var-log-pods.before" || rm -rf "$d"
    done
    for d in /var/log/containers/*; do
      if [[ -L $d && ! -e $d && $(readlink "$d") == /var/log/pods/* ]]; then rm -f "$d"; fi
    done
  fi
  # Fresh cluster on every start: drop all state, keep the last logs for debugging.
  local keep=$RUN/.logs-keep
  rm -rf "$keep"
  [[ -d $LOGS ]] && mv "$LOGS" "$keep"
  find "$RUN" -mindepth 1 -maxdepth 1 ! -name .logs-keep -exec rm -rf {} + 2>/dev/null || {
    log "warning: could not remove all of $RUN (still mounted?)"
  }
  [[ -d $keep ]] && mv "$keep" "$RUN/logs.last"
  log "stopped"
}

# ------------------------------------------------------------------------------------
# status
# ------------------------------------------------------------------------------------
cmd_status() {
  local quiet=${1:-} c ok=0
  for c in "${COMPONENTS[@]}"; do
    if pid_alive "$c"; then
      [[ -n $quiet ]] || echo "$c: running (pid $(cat "$PIDS/$c.pid"))"
    else
      [[ -n $quiet ]] || echo "$c: not running"
      ok=1
    fi
  done
  [[ $ok == 0 ]] || return 1
  if ! kubectl_ get --raw /readyz >/dev/null 2>&1; then
    [[ -n $quiet ]] || echo "kube-apiserver: not ready"
    return 1
  fi
  if [[ -z $quiet ]]; then
    kubectl_ get nodes -o wide
    echo "KUBECONFIG=$KUBECONFIG_FILE node IP $NODE_IP"
  fi
}

cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  echo "export PATH=$BIN:\$PATH"
  echo "export TRANSFERLAB_K8S_NODE_IP=$NODE_IP"
}

# ------------------------------------------------------------------------------------
# PKI: a throwaway CA and one certificate per identity (RSA: every client library
# reads it), regenerated on every start.
# ------------------------------------------------------------------------------------
PKI=$RUN/pki
# cert NAME CN O [SAN-list]
cert() {
  local name=$1 cn=$2 org=$3 san=${4:-}
  local ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth"
  [[ -n $san ]] && ext+=$'\n'"subjectAltName=$san"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "/CN=$cn${org:+/O=$org}" -out "$PKI/$name.csr"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" \
    -days 3650 -sha256 -extfile <(echo "$ext") -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr"
}
# kubeconfig FILE CERT-NAME: self-contained (data embedded) so any client can use it.
kubeconfig() {
  local file=$1 name=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: transferlab
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
    client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
- name: transferlab
  context: {cluster: transferlab, user: $name, namespace: default}
current-context: transferlab
EOF
  chmod 600 "$file"
}
make_pki() {
  mkdir -p "$PKI"
  openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=transferlab-k8s-ca" -days 3650 -sha256 \
    -out "$PKI/ca.crt"
  # Key generation dominates: run the certificates in parallel (2 cores).
  local jobs=()
  cert apiserver kube-apiserver "" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:$NODE_IP,IP:$KUBE_SVC_IP,IP:127.0.0.1" &
  jobs+=($!)
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters & jobs+=($!)
  cert admin transferlab-admin system:masters & jobs+=($!)
  cert controller-manager system:kube-controller-manager "" & jobs+=($!)
  cert scheduler system:kube-scheduler "" & jobs+=($!)
  cert kube-proxy system:kube-proxy "" & jobs+=($!)
  cert kubelet "system:node:$NODE_NAME" system:nodes & jobs+=($!)
  cert kubelet-serving "$NODE_NAME" "" "DNS:$NODE_NAME,IP:$NODE_IP" & jobs+=($!)
  # ServiceAccount token signing key pair.
  { openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null &&
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null; } & jobs+=($!)
  local j
  for j in "${jobs[@]}"; do wait "$j" || die "certificate generation failed"; done
  chmod 600 "$PKI"/*.key
  kubeconfig "$KUBECONFIG_FILE" admin
  for n in controller-manager scheduler kube-proxy kubelet; do kubeconfig "$RUN/conf/$n.kubeconfig" "$n"; done
}

# ------------------------------------------------------------------------------------
# Network namespace
# ------------------------------------------------------------------------------------
make_network() {
  ip netns add "$NETNS"
  ip link add "$HOST_IF" type veth peer name "$NODE_IF" netns "$NETNS"
  ip addr add "$HOST_IP/$VETH_PREFIX" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NETNS" addr add "$NODE_IP/$VETH_PREFIX" dev "$NODE_IF"
  ip -n "$NETNS" link set "$NODE_IF" up
  # Loopback: etcd, the CRI streaming server (exec/port-forward) and health ports.
  ip -n "$NETNS" link set lo up
  # The host sends pod/service traffic into the namespace, never out of the machine.
  ip route add "$POD_CIDR" via "$NODE_IP" dev "$HOST_IF"
  ip route add "$SVC_CIDR" via "$NODE_IP" dev "$HOST_IF"
  # Inside: forward between veth and pod bridge; bridged pod traffic must traverse
  # iptables so Service DNAT works between pods on the same bridge (and hairpin);
  # NodePorts on loopback. (These sysctls are per network namespace.)
  innet sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.route_localnet=1
  innet sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 ||
    die "cannot enable bridge netfilter in $NETNS (is the br_netfilter module loaded?)"
}

# ------------------------------------------------------------------------------------
# Config files
# ------------------------------------------------------------------------------------
write_configs() {
  mkdir -p "$RUN/cni/net.d" "$RUN/cni/ipam" "$RUN/containerd" "$RUN/kubelet" "$RUN/kubelet-plugins"
  # Pods resolve nothing (no cluster DNS here): point them at their own loopback so a
  # lookup fails fast instead of trying the host's resolvers.
  printf 'nameserver 127.0.0.1\noptions ndots:1 timeout:1 attempts:1\n' >"$RUN/resolv.conf"

  # CNI bridge. hairpinMode: a pod reaches itself through its own Service ClusterIP
  # (Kafka advertises its Service address). No ipMasq: there is nowhere to go outside.
  cat >"$RUN/cni/net.d/10-transferlab.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "transferlab",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "tl-cni0",
      "isGateway": true,
      "isDefaultGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$POD_GW"}]],
        "dataDir": "$RUN/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

  # containerd: own root/state/socket (independent of any system containerd).
  # restrict_oom_score_adj: this sandbox forbids lowering oom_score_adj.
  # netns_mounts_under_state_dir: pod network namespaces live under $RUN, not /run/netns.
  cat >"$RUN/containerd/config.toml" <<EOF
version = 2
root = "$RUN/containerd/root"
state = "$RUN/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$RUN/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$RUN/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni/net.d"
EOF

  # kubelet. Reservations leave most of the 2 cores allocatable (pods request small CPU);
  # eviction thresholds are low so a fairly full CI disk does not taint the node;
  # image GC is off because loaded images cannot be pulled again.
  cat >"$RUN/conf/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
cgroupsPerQOS: true
failSwapOn: false
resolvConf: $RUN/resolv.conf
clusterDomain: cluster.local
systemReserved: {cpu: 100m, memory: 256Mi}
kubeReserved: {cpu: 100m, memory: 256Mi}
enforceNodeAllocatable: [pods]
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  nodefs.inodesFree: 2%
  imagefs.available: 2%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 110
volumePluginDir: $RUN/kubelet-plugins
rotateCertificates: false
serverTLSBootstrap: false
containerLogMaxSize: 10Mi
containerLogMaxFiles: 2
EOF

  # PV recycler pod (the built-in default pulls busybox from a registry). The volume is
  # replaced by the PV's hostPath by the controller.
  cat >"$RUN/conf/pv-recycler.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  generateName: pv-recycler-
  namespace: default
spec:
  restartPolicy: Never
  activeDeadlineSeconds: 120
  terminationGracePeriodSeconds: 1
  volumes:
  - name: vol
    hostPath: {path: /replaced-by-the-controller}
  containers:
  - name: pv-recycler
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    command: [sh, -c, 'test -e /scrub && rm -rf /scrub/..?* /scrub/.[!.]* /scrub/* && test -z "\$(ls -A /scrub)" || exit 1']
    volumeMounts: [{name: vol, mountPath: /scrub}]
EOF

  # kube-proxy, iptables mode. conntrack sizing/timeouts are global (not per-namespace)
  # kernel settings here: leave them alone (0 = do not set).
  cat >"$RUN/conf/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $RUN/conf/kube-proxy.kubeconfig
hostnameOverride: $NODE_NAME
bindAddress: 0.0.0.0
clusterCIDR: $POD_CIDR
mode: iptables
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
oomScoreAdj: 0
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  syncPeriod: 30s
  minSyncPeriod: 0s
EOF
}

# ------------------------------------------------------------------------------------
# Storage: two StorageClasses backed by a pool of static hostPath PersistentVolumes
# (single node, so hostPath is shared by all pods; no provisioner needed). Reclaim
# policy Recycle: when a claim is deleted, the controller-manager runs a busybox pod that
# empties the folder and the PV becomes Available again, so the pool does not run dry
# across test runs on one cluster.
# ------------------------------------------------------------------------------------
storage_manifest() {
  local i name
  cat <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-rwo
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-rwx
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
EOF
  for i in $(seq 1 "$PV_RWO_COUNT"); do
    pv_yaml "$(printf 'local-rwo-%02d' "$i")" local-rwo "[ReadWriteOnce]"
  done
  for i in $(seq 1 "$PV_RWX_COUNT"); do
    pv_yaml "$(printf 'local-rwx-%02d' "$i")" local-rwx "[ReadWriteMany, ReadWriteOnce, ReadOnlyMany]"
  done
}
pv_yaml() {
  local name=$1 class=$2 modes=$3
  mkdir -p "$RUN/volumes/$name"
  # World-writable: images often run as a non-root user.
  chmod 0777 "$RUN/volumes/$name"
  cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $name
  labels: {transferlab.io/storage: $class}
spec:
  storageClassName: $class
  capacity: {storage: $PV_SIZE}
  accessModes: $modes
  persistentVolumeReclaimPolicy: Recycle
  hostPath: {path: $RUN/volumes/$name, type: Directory}
EOF
}

# ------------------------------------------------------------------------------------
# load
# ------------------------------------------------------------------------------------
cmd_load() {
  [[ $# -gt 0 ]] || die "usage: cluster.sh load IMAGE.tar..."
  pid_alive containerd || die "cluster not running (cluster.sh start first)"
  local f
  for f in "$@"; do
    [[ -f $f ]] || die "no such file: $f"
    # k8s.io is the namespace the CRI plugin (and so kubelet) sees.
    ctr --address "$SOCK" -n k8s.io images import "$f" >&2
  done
}

# ------------------------------------------------------------------------------------
# start
# ------------------------------------------------------------------------------------
# wait_for SECONDS WHAT COMMAND…
wait_for() {
  local secs=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s) + secs))
  until "$@" >/dev/null 2>&1; do
    if [[ $(date +%s) -ge $deadline ]]; then
      log "timed out waiting for $what; last log lines:"
      tail -n 30 "$LOGS"/*.log >&2 || true
      return 1
    fi
    local c
    for c in "${COMPONENTS[@]}"; do
      if [[ -f $PIDS/$c.pid ]] && ! pid_alive "$c"; then
        log "$c exited while waiting for $what:"
        tail -n 40 "$LOGS/$c.log" >&2 || true
        return 1
      fi
    done
    sleep 0.5
  done
}

node_ready() {
  [[ $(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}
default_sa_ready() {
  [[ -n $(kubectl_ -n default get serviceaccount default -o jsonpath='{.secrets[0].name}') ]]
}
proxy_synced() {
  innet iptables -w -t nat -S KUBE-SERVICES | grep -q "$KUBE_SVC_IP/32"
}

cmd_start() {
  [[ $(id -u) == 0 ]] || die "must run as root (network namespace, mounts, cgroups)"
  if cmd_status quiet 2>/dev/null; then
    log "already running"
    cmd_env
    return 0
  fi
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    [[ -x $BIN/$c ]] || { log "binaries missing: running build.sh"; "$here/build.sh"; break; }
  done
  [[ -f $IMAGES/pause.tar && -f $IMAGES/busybox.tar ]] || "$here/build.sh"
  for c in etcd containerd ctr nsenter setsid iptables conntrack openssl curl ip; do
    command -v "$c" >/dev/null || die "$c not found: run $here/build.sh (installs the packages)"
  done
  [[ -x /usr/lib/cni/bridge ]] || die "CNI plugins missing: run $here/build.sh"
  # A leftover of a previous or partial run is removed first.
  cmd_stop 2>/dev/null || true
  t0=$(date +%s)
  mkdir -p "$RUN" "$PIDS" "$LOGS" "$RUN/conf"
  # Unix socket paths are limited to 108 bytes (kubelet's plugin sockets are longest).
  [[ ${#RUN} -le 60 ]] || die "run dir path too long for unix sockets: $RUN (set TRANSFERLAB_RUN_DIR to a shorter path)"
  trap 'log "start failed; logs in $LOGS (run cluster.sh stop to clean up)"' ERR

  log "certificates"
  make_pki
  write_configs
  log "network namespace $NETNS (node $NODE_IP, host $HOST_IP)"
  make_network
  make_cgroups
  save_sysctls
  mkdir -p /var/log/pods
  ls -A /var/log/pods >"$RUN/var-log-pods.before"

  log "etcd"
  daemon etcd etcd --name transferlab --data-dir "$RUN/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster transferlab=http://127.0.0.1:2380 --initial-cluster-state new \
    --listen-metrics-urls "" --log-level warn --snapshot-count 10000
  wait_for 60 etcd innet curl -sf http://127.0.0.1:2379/health

  log "kube-apiserver"
  # ServiceAccount admission + token controller (controller-manager) give pods their
  # tokens; NodeRestriction limits the kubelet to its own node.
  daemon kube-apiserver "$BIN/kube-apiserver" \
    --advertise-address="$NODE_IP" --bind-address=0.0.0.0 --secure-port="$API_PORT" --insecure-port=0 \
    --etcd-servers=http://127.0.0.1:2379 \
    --service-cluster-ip-range="$SVC_CIDR" \
    --client-ca-file="$PKI/ca.crt" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,StorageObjectInUseProtection,PersistentVolumeClaimResize,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota,NodeRestriction \
    --allow-privileged=true --profiling=false --event-ttl=1h --v=1
  wait_for 90 kube-apiserver kubectl_ get --raw /readyz

  log "containerd"
  daemon containerd containerd --config "$RUN/containerd/config.toml"
  wait_for 30 containerd ctr --address "$SOCK" version
  ctr --address "$SOCK" -n k8s.io images import "$IMAGES/pause.tar" >/dev/null
  ctr --address "$SOCK" -n k8s.io images import "$IMAGES/busybox.tar" >/dev/null

  log "kube-controller-manager, kube-scheduler"
  daemon kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$RUN/conf/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$RUN/conf/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$RUN/conf/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --leader-elect=false \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
    --use-service-account-credentials=true --service-cluster-ip-range="$SVC_CIDR" \
    --allocate-node-cidrs=false --profiling=false --v=1 \
    --pv-recycler-pod-template-filepath-hostpath="$RUN/conf/pv-recycler.yaml"
  daemon kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$RUN/conf/scheduler.kubeconfig" \
    --authentication-kubeconfig="$RUN/conf/scheduler.kubeconfig" \
    --authorization-kubeconfig="$RUN/conf/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --leader-elect=false --profiling=false --v=1

  log "kubelet, kube-proxy"
  daemon kubelet "$BIN/kubelet" \
    --config="$RUN/conf/kubelet.yaml" --kubeconfig="$RUN/conf/kubelet.kubeconfig" \
    --container-runtime=remote --container-runtime-endpoint="unix://$SOCK" \
    --runtime-request-timeout=10m \
    --root-dir="$RUN/kubelet" --cert-dir="$RUN/kubelet/pki" \
    --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" \
    --pod-infra-container-image="$PAUSE_IMAGE" --v=1
  daemon kube-proxy "$BIN/kube-proxy" --config="$RUN/conf/kube-proxy.yaml" --v=1

  wait_for 120 "node $NODE_NAME Ready" node_ready
  log "node Ready"
  wait_for 60 "default ServiceAccount token" default_sa_ready
  wait_for 60 "kube-proxy rules" proxy_synced
  storage_manifest | kubectl_ apply -f - >/dev/null
  trap - ERR
  log "cluster up in $(($(date +%s) - t0)) s; kubeconfig $KUBECONFIG_FILE"
  cmd_env
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  load) shift; cmd_load "$@" ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
