#!/usr/bin/env bash
# Build a single-layer container image tar from a root filesystem folder, without
# any registry, daemon or image tool: only tar and sha256sum.
#
# Why: nothing can be pulled here, so the cluster's pause image and test images
# are made by hand. The tar is an OCI image layout (index.json + blobs/) that
# ALSO carries a docker-archive manifest.json pointing at the same blobs, so both
# `ctr images import` (cluster.sh load) and `docker load` / `podman load` accept it.
#
# Usage: oci-image.sh ROOTFS_DIR IMAGE_REF OUT.tar [options]
#   --entrypoint JSON   e.g. '["/pause"]'            (default: none)
#   --cmd JSON          e.g. '["sh","-c","sleep 1"]' (default: none)
#   --env JSON          e.g. '["PATH=/bin"]'         (default: a usual PATH)
#   --workdir DIR       (default: /)
# IMAGE_REF must be fully qualified, e.g. localhost/busybox:1.35 (pods then use
# that name with imagePullPolicy IfNotPresent or Never).
set -euo pipefail

usage() { sed -n '2,17p' "$0" >&2; exit 2; }
[[ $# -ge 3 ]] || usage
rootfs=$1 ref=$2 out=$3
shift 3
entrypoint=null cmd=null workdir=/
env_json='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
while [[ $# -gt 0 ]]; do
  case $1 in
    --entrypoint) entrypoint=$2; shift 2 ;;
    --cmd) cmd=$2; shift 2 ;;
    --env) env_json=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ -d $rootfs ]] || { echo "oci-image.sh: $rootfs is not a folder" >&2; exit 1; }
case $ref in */*:*) ;; *) echo "oci-image.sh: IMAGE_REF must look like localhost/name:tag" >&2; exit 1 ;; esac
tag=${ref##*:}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"

# Move a file into blobs/ under its digest; prints the digest (hex only).
blob() {
  local d
  d=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$work/blobs/sha256/$d"
  echo "$d"
}
size() { stat -c %s "$work/blobs/sha256/$1"; }

# Reproducible layer: sorted names, fixed mtime and numeric root ownership, so the
# same rootfs always gives the same image ID (re-imports are no-ops).
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$rootfs" -cf "$work/layer.tar" .
layer=$(blob "$work/layer.tar")

# An uncompressed layer's digest is also its diff_id.
printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":%s,"Entrypoint":%s,"Cmd":%s,"WorkingDir":"%s"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/k8s/cluster/oci-image.sh"}]}' \
  "$env_json" "$entrypoint" "$cmd" "$workdir" "$layer" >"$work/config.json"
config=$(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config" "$(size "$config")" "$layer" "$(size "$layer")" >"$work/manifest.oci.json"
manifest=$(blob "$work/manifest.oci.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$(size "$manifest")" "$ref" "$tag" >"$work/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":["blobs/sha256/%s"]}]' \
  "$config" "$ref" "$layer" >"$work/manifest.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" \
  -cf "$out.tmp" oci-layout index.json manifest.json blobs
mv "$out.tmp" "$out"
echo "$out: $ref (config sha256:$config)"
