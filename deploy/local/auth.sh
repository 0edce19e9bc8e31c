#!/usr/bin/env bash
# The local token issuer: an RSA key pair made once, and RS256-signed JWTs (issuer, audience, subject, roles in
# "groups", issued-at, expiry) that the gateway and the dataset-service verify with quarkus-oidc against the public
# key — what an OIDC provider would issue, made with openssl alone. For a real provider, give the services its key
# (TRANSFERLAB_AUTH_PUBLIC_KEY) and issuer (TRANSFERLAB_AUTH_ISSUER) instead.
#
#   deploy/local/auth.sh public-key                 the public key as TRANSFERLAB_AUTH_PUBLIC_KEY takes it
#   deploy/local/auth.sh token ROLE [USER] [HOURS]  a token for USER (default: $USER or local-user) with ROLE
#                                                   (viewer, researcher or admin), valid HOURS (default 12)
#
# The keys live in $TRANSFERLAB_AUTH_DIR (default .run/auth, private key mode 600); delete them to start over (every
# token issued before is then refused).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${TRANSFERLAB_AUTH_DIR:-${TRANSFERLAB_RUN_DIR:-$REPO/.run}/auth}"
ISSUER="${TRANSFERLAB_AUTH_ISSUER:-transferlab-local}"
AUDIENCE="${TRANSFERLAB_AUTH_AUDIENCE:-transferlab}"

die() { printf '[auth] ERROR: %s\n' "$*" >&2; exit 2; }
command -v openssl >/dev/null || die "openssl is needed to make keys and tokens"

keys() {
  [[ -f "$DIR/private.pem" && -f "$DIR/public.pem" ]] && return 0
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/private.pem.tmp" 2>/dev/null)
  openssl pkey -in "$DIR/private.pem.tmp" -pubout -out "$DIR/public.pem"
  mv "$DIR/private.pem.tmp" "$DIR/private.pem"
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

public_key() { keys; grep -v -- '-----' "$DIR/public.pem" | tr -d '\n'; echo; }

token() {
  local role="${1:-}" user="${2:-${USER:-local-user}}" hours="${3:-12}"
  case "$role" in viewer|researcher|admin) ;; *) die "the role must be viewer, researcher or admin (not '$role')" ;; esac
  [[ "$user" =~ ^[A-Za-z0-9._@-]{1,64}$ ]] || die "the user name '$user' may hold only letters, digits and . _ @ -"
  [[ "$hours" =~ ^[0-9]{1,4}$ && "$hours" -ge 1 ]] || die "HOURS must be a whole number from 1 (not '$hours')"
  keys
  local now header payload input signature
  now="$(date +%s)"
  header="$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)"
  payload="$(printf '{"iss":"%s","aud":"%s","sub":"%s","preferred_username":"%s","groups":["%s"],"iat":%d,"exp":%d}' \
    "$ISSUER" "$AUDIENCE" "$user" "$user" "$role" "$now" "$((now + hours * 3600))" | b64url)"
  input="$header.$payload"
  signature="$(printf '%s' "$input" | openssl dgst -sha256 -sign "$DIR/private.pem" -binary | b64url)"
  printf '%s.%s\n' "$input" "$signature"
}

case "${1:-}" in
  public-key) public_key ;;
  token) shift; token "$@" ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
