#!/usr/bin/env bash
# What the tests need from the machine besides Kafka and PostgreSQL: headless Chromium (Debian's chromium
# package) for the report page's browser test. Installs it when missing; idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "[test-tools] chromium: $(chromium --version 2>/dev/null | head -1)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[test-tools] chromium is missing and apt-get is not available: install Chromium yourself;" \
       "the browser test is skipped without it" >&2
  exit 0
fi
SUDO=""
[[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
echo "[test-tools] installing chromium (apt-get)…"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null \
  || { $SUDO apt-get update >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }
echo "[test-tools] chromium: $(chromium --version 2>/dev/null | head -1)"
