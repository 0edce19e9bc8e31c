#!/usr/bin/env bash
# Build everything the local single-node Kubernetes 1.20 cluster needs, into a cache
# that survives between runs:
#   ${TRANSFERLAB_CACHE:-$HOME/.cache/transferlab}/k8s/1.20.2/bin/
#       kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl
#   ${...}/k8s/1.20.2/images/pause.tar   (sandbox image localhost/pause:3.2, FROM scratch)
#
# Why from source: no container registry and no upstream download is reachable on
# these machines; Debian's source package of Kubernetes (bookworm,
# 1.20.5+really1.20.2) vendors all its Go dependencies, so it builds offline with
# Debian's own Go. A stamp file makes warm runs a no-op (~1 s).
#
# Usage: deploy/k8s/cluster/build.sh [--force]
set -euo pipefail

start_s=$(date +%s)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
K8S_VERSION=1.20.2
# Bump when the way the binaries are built changes, so caches are rebuilt.
RECIPE=1
cache=${TRANSFERLAB_CACHE:-$HOME/.cache/transferlab}/k8s
out=$cache/$K8S_VERSION
bin=$out/bin
stamp=$bin/.stamp
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
force=false
[[ ${1:-} == --force ]] && force=true

log() { echo "[k8s-build $(($(date +%s) - start_s))s] $*" >&2; }

[[ $(id -u) == 0 ]] || { echo "build.sh: run as root (apt-get)" >&2; exit 1; }
mkdir -p "$cache"
# One build at a time per cache (CI and a developer may race).
exec 9>"$cache/.build.lock"
flock 9

# --- 1. Debian packages -------------------------------------------------------
# Runtime: etcd-server, containerd + runc, CNI plugins, iptables/conntrack (kube-proxy),
# iproute2/util-linux (netns, nsenter), openssl (certs), curl (health checks).
# Build: golang-go, dpkg-dev (dpkg-source), gcc + libc6-dev (static pause).
# Tests: busybox-static (a static busybox for hand-made test images).
packages=(golang-go dpkg-dev gcc libc6-dev etcd-server containerd runc containernetworking-plugins
  iptables conntrack iproute2 util-linux openssl curl ca-certificates debian-archive-keyring
  busybox-static)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  # Services are not started by the packages here (policy-rc.d / no systemd); the
  # cluster runs its own etcd and containerd inside its network namespace anyway.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. images (cheap: rebuilt when their inputs change) -------------------------------
# localhost/pause:3.2     the pod sandbox (containerd's sandbox_image)
# localhost/busybox:1.35  Debian's static busybox: the PersistentVolume recycler pod and
#                         a small utility image for tests
images=$out/images
mkdir -p "$images"
pause_sum=$(cat "$here/pause.c" "$here/oci-image.sh" | sha256sum | cut -c1-16)
if $force || [[ ! -f $images/pause.tar || $(cat "$images/pause.sum" 2>/dev/null) != "$pause_sum" ]]; then
  log "building pause image"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/rootfs"
  # Static, so the image needs nothing but the binary (FROM scratch).
  gcc -static -Os -s -o "$tmp/rootfs/pause" "$here/pause.c"
  "$here/oci-image.sh" "$tmp/rootfs" localhost/pause:3.2 "$images/pause.tar" \
    --entrypoint '["/pause"]' --env '[]' >/dev/null
  echo "$pause_sum" >"$images/pause.sum"
  rm -rf "$tmp"
fi
busybox_sum=$(cat /bin/busybox "$here/oci-image.sh" | sha256sum | cut -c1-16)
if $force || [[ ! -f $images/busybox.tar || $(cat "$images/busybox.sum" 2>/dev/null) != "$busybox_sum" ]]; then
  log "building busybox image"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/tmp"
  chmod 1777 "$tmp/rootfs/tmp"
  cp /bin/busybox "$tmp/rootfs/bin/busybox"
  for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -s busybox "$tmp/rootfs/bin/$a"; done
  "$here/oci-image.sh" "$tmp/rootfs" localhost/busybox:1.35 "$images/busybox.tar" \
    --env '["PATH=/bin"]' --cmd '["sh"]' >/dev/null
  echo "$busybox_sum" >"$images/busybox.sum"
  rm -rf "$tmp"
fi

# --- 3. Kubernetes binaries -----------------------------------------------------------
want_stamp="kubernetes=$K8S_VERSION recipe=$RECIPE go=$(go version | cut -d' ' -f3)"
have_all=true
for b in "${binaries[@]}"; do [[ -x $bin/$b ]] || have_all=false; done
if ! $force && $have_all && [[ $(cat "$stamp" 2>/dev/null) == "$want_stamp" ]]; then
  log "binaries up to date in $bin ($want_stamp)"
  log "done in $(($(date +%s) - start_s)) s"
  exit 0
fi

# 3a. Debian's source package, through a private apt configuration under the cache:
# /etc/apt is left alone. The mirror is the one this machine's apt already uses.
aptdir=$cache/apt
mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/parts" "$aptdir/src"
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Identifier: Packages' |
  awk -v rel="$(. /etc/os-release && echo "$VERSION_CODENAME")" '$2 == rel && $3 == "main" {print $1; exit}')
if [[ -z $mirror ]]; then
  apt-get update -qq
  mirror=$(apt-get indextargets --format '$(REPO_URI) $(COMPONENT)' 'Identifier: Packages' |
    awk '$2 == "main" && $1 !~ /security/ {print $1; exit}')
fi
[[ -n $mirror ]] || { echo "build.sh: no Debian mirror found in apt's configuration" >&2; exit 1; }
# Kubernetes 1.20 is only in bookworm; its source builds fine on newer releases too.
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" \
  >"$aptdir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o "Dir::Etc::SourceParts=$aptdir/parts"
  -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache" -o APT::Sandbox::User=root)
if ! ls "$aptdir/src"/kubernetes_*.dsc >/dev/null 2>&1; then
  log "fetching Debian's kubernetes source package from $mirror"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$aptdir/src" && apt-get "${apt_opts[@]}" source --download-only -qq kubernetes)
fi
dsc=$(ls "$aptdir/src"/kubernetes_*.dsc | tail -1)

# 3b. Unpack into a GOPATH (Kubernetes 1.20 builds in GOPATH mode with its vendor/).
work=$cache/build
rm -rf "$work"
gopath=$work/gopath
src=$gopath/src/k8s.io/kubernetes
mkdir -p "$(dirname "$src")"
log "unpacking $(basename "$dsc") (Debian's patches applied)"
dpkg-source --no-copy -x "$dsc" "$src" >"$cache/dpkg-source.log" 2>&1 ||
  { cat "$cache/dpkg-source.log" >&2; exit 1; }
# GOPATH mode (no modules, no proxy: nothing is downloaded), pure-Go static binaries.
export GOPATH=$gopath GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 GOCACHE=$work/gocache
cd "$src"

# 3c. The tarball lacks pkg/generated/openapi/zz_generated.openapi.go (upstream's make
# generates it); generate it with the vendored openapi-gen, from the same package list
# as build/root/Makefile.generated_files (every dir tagged +k8s:openapi-gen, staging
# seen as vendor/, minus code-generator and sample-apiserver).
log "generating OpenAPI definitions"
go build -o "$work/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
find -H . -not \( \( -path './_*' -o -path './.*' -o -path ./vendor \) -prune \) -type f -name '*.go' |
  sed 's|^\./staging/src|vendor|; s|^\./||' |
  grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' |
  xargs grep -l '^// *+k8s:openapi-gen=' | xargs -n1 dirname | LC_ALL=C sort -u |
  sed 's|^|k8s.io/kubernetes/|' | paste -sd, >"$work/openapi-dirs"
"$work/openapi-gen" --logtostderr -v 0 -i "$(cat "$work/openapi-dirs")" \
  -p k8s.io/kubernetes/pkg/generated/openapi -O zz_generated.openapi \
  -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt -r "$work/api-violations.report"
# Same check as upstream: the API rule report must match the known list.
diff -q "$work/api-violations.report" api/api-rules/violation_exceptions.list >/dev/null ||
  log "warning: API rule violations differ from api/api-rules/violation_exceptions.list"

# 3d. Build. Version variables as upstream's hack/lib/version.sh sets them (the
# release's tag and commit), so `kubectl version` and the node report v1.20.2.
# -s -w: smaller binaries and a faster link on 2 cores.
ld="-s -w"
for kv in gitVersion=v$K8S_VERSION gitMajor=1 gitMinor=20 gitTreeState=clean \
  gitCommit=faecb196815e248d3ecfb03c680a4507229c2a56 buildDate=2021-01-13T13:20:00Z; do
  ld+=" -X k8s.io/kubernetes/vendor/k8s.io/component-base/version.$kv"
  ld+=" -X k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version.$kv"
done
log "compiling ${binaries[*]} (takes ~8 min cold on 2 cores)"
mkdir -p "$work/bin"
go build -o "$work/bin/" -ldflags "$ld" $(printf './cmd/%s ' "${binaries[@]}")

mkdir -p "$bin"
for b in "${binaries[@]}"; do install -m 0755 "$work/bin/$b" "$bin/$b"; done
echo "$want_stamp" >"$stamp"
"$bin/kubectl" version --client --short >&2 || true
# The source tree and Go build cache (~2 GB) are not needed any more; the downloaded
# source package stays under $aptdir/src for offline rebuilds.
cd /
rm -rf "$work"
log "binaries in $bin"
log "done in $(($(date +%s) - start_s)) s"
